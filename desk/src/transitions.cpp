#include "koe/desk/transitions.hpp"

namespace koe::desk {
namespace {

using S = VoiceStatus;

// The 広聴課's work as koe models it. A voice arrives (new); a clerk confirms or corrects the
// suggested route, or closes it as out of scope, or refers it to another body; a confirmed voice
// goes to its 課, which answers it (or sends it back as not theirs); the 広聴課 may answer a
// simple inquiry itself; an answered voice may be published. Every step that closes a voice
// can be undone by reopening it, so a mistake never needs a database edit.
constexpr Transition kTransitions[] = {
    {S::received, S::confirmed, "confirm", "a clerk confirms or corrects koe's suggested route"},
    {S::received, S::forwarded, "forward", "a clerk confirms the route and sends the voice to its 課 at once"},
    {S::received, S::out_of_scope, "out_of_scope", "the voice needs no handling: no request, a duplicate, unreadable"},
    {S::received, S::referred, "refer", "the voice belongs to another body (東京都, 国, 警察…)"},
    {S::confirmed, S::forwarded, "forward", "the voice is sent to the responsible 課 for an answer"},
    {S::confirmed, S::answered, "answer", "the 広聴課 answers a simple inquiry itself"},
    {S::confirmed, S::received, "reopen", "the confirmation is undone"},
    {S::confirmed, S::out_of_scope, "out_of_scope", "on a second look the voice needs no handling"},
    {S::confirmed, S::referred, "refer", "on a second look the voice belongs to another body"},
    {S::forwarded, S::answered, "answer", "the 課's answer was given", true},
    {S::forwarded, S::confirmed, "return", "the 課 returns the voice as not theirs; the 広聴課 routes it again", true},
    {S::forwarded, S::referred, "refer", "the voice turns out to belong to another body"},
    {S::answered, S::published, "publish", "the voice and its answer are made public"},
    {S::published, S::answered, "unpublish", "the publication is withdrawn"},
    {S::out_of_scope, S::received, "reopen", "the voice is judged again"},
    {S::referred, S::received, "reopen", "the other body sent the voice back"},
};

bool needs_division(S s) { return s == S::confirmed || s == S::forwarded || s == S::answered || s == S::published; }
bool needs_answer(S s) { return s == S::answered || s == S::published; }
// An answer belongs to a voice a 課 (or the 広聴課) is handling or has handled.
bool may_hold_answer(S s) { return needs_division(s); }

// Blank: nothing but ASCII white space and the ideographic space.
bool blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
      ++i;
    } else if (s.substr(i, 3) == "\u3000") {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

std::string arrow(S from, S to) { return std::string(status_name(from)) + " → " + std::string(status_name(to)); }

std::string reached_only_from(S to) {
  std::string froms;
  for (const auto& t : kTransitions)
    if (t.to == to) froms += (froms.empty() ? "" : ", ") + std::string(status_name(t.from));
  if (froms.empty()) return std::string(status_name(to)) + " is reached from no status";
  return std::string(status_name(to)) + " is reached only from " + froms;
}

}  // namespace

std::span<const Transition> transitions() { return kTransitions; }

const Transition* find_transition(VoiceStatus from, VoiceStatus to) {
  for (const auto& t : kTransitions)
    if (t.from == from && t.to == to) return &t;
  return nullptr;
}

std::string unmet_requirement(const VoiceState& state) {
  const std::string name(status_name(state.status));
  if (needs_division(state.status) && !state.route.has_division())
    return name + " requires a route with a 課 (a project or a 課 alone)";
  if (needs_answer(state.status) && blank(state.answer)) return name + " requires an answer";
  if (state.status == S::referred && state.route.kind != RouteKind::referral)
    return "referred requires a referral body (a route to another body)";
  if (state.status == S::out_of_scope && state.route.kind != RouteKind::none)
    return "an out-of-scope voice has no route";
  if (!may_hold_answer(state.status) && !blank(state.answer))
    return "an answer is given only to a voice whose route is confirmed (confirmed, forwarded, answered, published)";
  return {};
}

Result<VoiceState> apply_change(const VoiceState& before, const VoiceChange& change, const Actor& actor) {
  if (change.empty())
    return Status::invalid("empty_change", "the change sets nothing: give a route, a status, an answer or a note");
  const S from = before.status;
  const S to = change.status.value_or(from);
  auto invalid = [&](const std::string& why) {
    return Status::invalid("invalid_transition", "invalid transition " + arrow(from, to) + ": " + why);
  };
  const Transition* transition = to == from ? nullptr : find_transition(from, to);
  if (to != from && !transition) return invalid(reached_only_from(to));

  if (actor.role == Role::division) {
    if (change.route)
      return Status::forbidden("forbidden", "a division user cannot change a voice's route; the 広聴課 routes voices");
    if (transition && !transition->division_may)
      return Status::forbidden("forbidden",
                               "a division user may only answer a forwarded voice or return it to the "
                               "広聴課, not " +
                                   arrow(from, to));
    if (change.answer && from != S::forwarded)
      return Status::forbidden("forbidden", "a division user writes the answer while the voice is forwarded to it");
  }

  VoiceState after = before;
  after.status = to;
  if (change.route) {
    if (auto problem = route_problem(*change.route); !problem.empty()) return Status::invalid("invalid_route", problem);
    after.route = *change.route;
  }
  if (to == S::out_of_scope && from != S::out_of_scope) {
    if (change.route && change.route->kind != RouteKind::none) return invalid("an out-of-scope voice has no route");
    after.route = Route{};
  }
  if (change.answer) {
    if (!blank(*change.answer) && !may_hold_answer(to))
      return invalid(
          "an answer is given only to a voice whose route is confirmed (confirmed, forwarded, answered, "
          "published)");
    after.answer = *change.answer;
  }
  if (auto unmet = unmet_requirement(after); !unmet.empty()) return invalid(unmet);
  return after;
}

std::string_view change_action(const VoiceState& before, const VoiceState& after) {
  if (before.status != after.status) {
    if (const auto* t = find_transition(before.status, after.status)) return t->action;
    return "status";
  }
  if (!(before.route == after.route)) return "reroute";
  if (before.answer != after.answer) return "edit_answer";
  return "note";
}

}  // namespace koe::desk
