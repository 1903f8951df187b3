/// @file voice.hpp
/// @brief A citizen's voice at the 広聴課's desk: status, route, koe's suggestion, who acts.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace koe::desk {

/// Where a voice is in the 広聴課's work. The allowed changes are in transitions.hpp.
enum class VoiceStatus {
  received,      ///< "new", 受付: arrived; its route is not confirmed yet
  confirmed,     ///< "confirmed", 振り分け確定: a clerk confirmed or corrected the route
  forwarded,     ///< "forwarded", 担当課へ回付: the responsible 課 is preparing an answer
  answered,      ///< "answered", 回答済: the answer was given
  published,     ///< "published", 公開: the voice and its answer are public
  out_of_scope,  ///< "out_of_scope", 対象外: needs no handling by any 課
  referred,      ///< "referred", 他機関へ移送: belongs to another body (東京都, 国, 警察…)
};

inline constexpr std::array kVoiceStatuses = {
    VoiceStatus::received,  VoiceStatus::confirmed,    VoiceStatus::forwarded, VoiceStatus::answered,
    VoiceStatus::published, VoiceStatus::out_of_scope, VoiceStatus::referred,
};

std::string_view status_name(VoiceStatus status);   ///< "new", "confirmed", …
std::string_view status_label(VoiceStatus status);  ///< 受付, 振り分け確定, …
/// A status from its name or its Japanese label (also the usual variants of a city's export:
/// 新規, 確定, 回付, 回答済み, 公開済, 移送…).
std::optional<VoiceStatus> parse_status(std::string_view text);

enum class RouteKind {
  none,      ///< not routed
  project,   ///< a plan project, with its 課
  division,  ///< a 課 only: the voice concerns its work but no particular project
  referral,  ///< another body (the referral)
};
std::string_view route_kind_name(RouteKind kind);
std::optional<RouteKind> parse_route_kind(std::string_view text);

/// Who handles a voice.
struct Route {
  RouteKind kind = RouteKind::none;
  std::string project_id;    ///< project routes
  std::string project_name;  ///< project routes, as the plan names it
  std::string division;      ///< 課: project and division routes
  std::string department;    ///< 部: optional
  std::string referral;      ///< referral routes: the body the voice goes to

  static Route to_project(std::string id, std::string name, std::string division, std::string department = {});
  static Route to_division(std::string division, std::string department = {});
  static Route to_referral(std::string body);
  bool has_division() const { return (kind == RouteKind::project || kind == RouteKind::division) && !division.empty(); }
  bool operator==(const Route&) const = default;
};

/// Checks a route's shape: a project route names its project and 課, a division route its
/// 課, a referral its body. Returns what is missing, or an empty string.
std::string route_problem(const Route& route);

enum class Role {
  admin,     ///< accounts, backups, and everything a clerk does
  clerk,     ///< 広聴課: every voice
  division,  ///< one 課: only voices routed to it, only masked text
};
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view text);

/// Who acts. The store writes the name into the history and holds a division user to its 課.
struct Actor {
  std::string name;
  Role role = Role::clerk;
  std::string division;  ///< the 課 of a division user
};

/// What a reader may see: everything, or (a division user) only the voices routed to one 課,
/// and only their masked text.
struct Scope {
  std::string division;  ///< empty: every voice
  static Scope of(const Actor& actor) { return {actor.role == Role::division ? actor.division : std::string()}; }
  bool limited() const { return !division.empty(); }
};

/// koe's suggestion for a voice, kept as it was when the voice arrived.
struct Suggestion {
  std::string json;  ///< the whole suggestion, opaque to the desk
  bool out_of_scope = false;
  std::string confidence;                 ///< of the first project: high, medium, low
  std::vector<std::string> top_projects;  ///< project ids, best first, at most three
  bool operator==(const Suggestion&) const = default;
};

/// Where a confirmed routing decision came from.
enum class Decision {
  none,      ///< not confirmed (a new voice, or a suggestion only)
  clerk,     ///< a clerk confirmed it at the desk
  imported,  ///< imported from the city's export as already handled
};
std::string_view decision_name(Decision d);

struct Voice {
  std::int64_t id = 0;
  std::string external_id;  ///< the city's 受付番号; unique when given
  std::string channel;      ///< web, letter, phone, survey, meeting, email…
  std::string received_at;  ///< YYYY-MM-DD
  std::string text;         ///< as received; empty when read through a division scope
  std::string text_masked;  ///< personal information replaced (masking.hpp)
  VoiceStatus status = VoiceStatus::received;
  std::int64_t version = 1;  ///< 1 at arrival, +1 per change: the optimistic lock
  std::optional<Suggestion> suggestion;
  Route route;
  Decision decision = Decision::none;
  std::string decided_by;  ///< the clerk who confirmed the route (or the import's actor)
  std::string decided_at;  ///< UTC, ISO 8601
  std::string answer;
  std::string answered_at;   ///< YYYY-MM-DD
  std::string published_at;  ///< YYYY-MM-DD
  std::string created_at;    ///< UTC, ISO 8601
  std::string updated_at;
};

/// A voice to add. Voices the city handled before koe are imported with their status, route
/// and answer; they must meet the same rules as a voice that got there at the desk.
struct NewVoice {
  int line = 0;  ///< the input line (or item), for errors
  std::string external_id;
  std::string channel;
  std::string received_at;  ///< YYYY-MM-DD
  std::string text;
  std::optional<Suggestion> suggestion;
  VoiceStatus status = VoiceStatus::received;
  Route route;
  std::string answer;
  std::string answered_at;
  std::string published_at;
};

/// One edit of a voice; what is unset stays as it is.
struct VoiceChange {
  std::optional<Route> route;
  std::optional<VoiceStatus> status;
  std::optional<std::string> answer;
  std::string note;  ///< kept in the history only
  bool empty() const { return !route && !status && !answer && note.empty(); }
};

/// One line of a voice's history: who did what, when.
struct HistoryEntry {
  std::int64_t revision = 0;  ///< the desk's change counter at this change (store-wide, increasing)
  std::int64_t voice_id = 0;
  std::string at;  ///< UTC, ISO 8601
  std::string actor;
  std::string action;  ///< received, imported, confirm, forward, answer, publish, … (transitions.hpp)
  std::optional<VoiceStatus> from_status;  ///< none for the arrival
  VoiceStatus to_status = VoiceStatus::received;
  Route route_before;
  Route route_after;
  std::string answer;  ///< the new answer when this change set one
  std::string note;
};

}  // namespace koe::desk
