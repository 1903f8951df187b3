/// @file transitions.hpp
/// @brief The 広聴課's rules: which status changes are allowed, what each status requires of a
/// voice, and what a division user may do. One table, checked before the store writes.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "koe/desk/voice.hpp"
#include "koe/indexer/error.hpp"

namespace koe::desk {

/// An allowed status change and why a 広聴課 needs it.
struct Transition {
  VoiceStatus from;
  VoiceStatus to;
  std::string_view action;  ///< the history's action word
  std::string_view why;
  bool division_may = false;  ///< a division user may make it (for voices routed to its 課)
};

/// Every allowed change of status. A change to the same status is not a transition (an edit
/// of the route or the answer) and is not listed.
std::span<const Transition> transitions();
const Transition* find_transition(VoiceStatus from, VoiceStatus to);

/// The part of a voice the rules look at.
struct VoiceState {
  VoiceStatus status = VoiceStatus::received;
  Route route;
  std::string answer;
};

/// What `status` requires that `state` lacks ("forwarded requires a route with a 課"), or an
/// empty string. confirmed/forwarded/answered/published need a route with a 課;
/// answered/published an answer; referred a referral body; out_of_scope no route.
std::string unmet_requirement(const VoiceState& state);

/// The state after `change`, or why not: 400 `invalid_transition` naming from → to and the
/// reason (also for an edit the status does not allow, e.g. an answer on a new voice),
/// 400 `invalid_route` for a malformed route, 400 `empty_change`, 403 `forbidden` for what a
/// division user may not do. Entering out_of_scope clears the route.
Result<VoiceState> apply_change(const VoiceState& before, const VoiceChange& change, const Actor& actor);

/// The history's action word for a change from `before` to `after`.
std::string_view change_action(const VoiceState& before, const VoiceState& after);

}  // namespace koe::desk
