#include "koe/desk/voice.hpp"

#include <utility>

namespace koe::desk {

std::string_view status_name(VoiceStatus status) {
  switch (status) {
    case VoiceStatus::received:
      return "new";
    case VoiceStatus::confirmed:
      return "confirmed";
    case VoiceStatus::forwarded:
      return "forwarded";
    case VoiceStatus::answered:
      return "answered";
    case VoiceStatus::published:
      return "published";
    case VoiceStatus::out_of_scope:
      return "out_of_scope";
    case VoiceStatus::referred:
      return "referred";
  }
  return "new";
}

std::string_view status_label(VoiceStatus status) {
  switch (status) {
    case VoiceStatus::received:
      return "受付";
    case VoiceStatus::confirmed:
      return "振り分け確定";
    case VoiceStatus::forwarded:
      return "担当課へ回付";
    case VoiceStatus::answered:
      return "回答済";
    case VoiceStatus::published:
      return "公開";
    case VoiceStatus::out_of_scope:
      return "対象外";
    case VoiceStatus::referred:
      return "他機関へ移送";
  }
  return "受付";
}

std::optional<VoiceStatus> parse_status(std::string_view text) {
  struct Alias {
    std::string_view text;
    VoiceStatus status;
  };
  // The spellings a city's export uses beside koe's own names and labels.
  static constexpr Alias kAliases[] = {
      {"新規", VoiceStatus::received},      {"未処理", VoiceStatus::received},  {"未対応", VoiceStatus::received},
      {"確定", VoiceStatus::confirmed},     {"振分済", VoiceStatus::confirmed}, {"振り分け済", VoiceStatus::confirmed},
      {"回付", VoiceStatus::forwarded},     {"回付済", VoiceStatus::forwarded}, {"対応中", VoiceStatus::forwarded},
      {"回答済み", VoiceStatus::answered},  {"回答", VoiceStatus::answered},    {"公開済", VoiceStatus::published},
      {"公開済み", VoiceStatus::published}, {"公表", VoiceStatus::published},   {"対象外", VoiceStatus::out_of_scope},
      {"移送", VoiceStatus::referred},      {"移送済", VoiceStatus::referred},  {"received", VoiceStatus::received},
  };
  for (auto s : kVoiceStatuses)
    if (text == status_name(s) || text == status_label(s)) return s;
  for (const auto& a : kAliases)
    if (text == a.text) return a.status;
  return std::nullopt;
}

std::string_view route_kind_name(RouteKind kind) {
  switch (kind) {
    case RouteKind::none:
      return "none";
    case RouteKind::project:
      return "project";
    case RouteKind::division:
      return "division";
    case RouteKind::referral:
      return "referral";
  }
  return "none";
}

std::optional<RouteKind> parse_route_kind(std::string_view text) {
  for (auto k : {RouteKind::none, RouteKind::project, RouteKind::division, RouteKind::referral})
    if (text == route_kind_name(k)) return k;
  return std::nullopt;
}

Route Route::to_project(std::string id, std::string name, std::string division, std::string department) {
  Route r;
  r.kind = RouteKind::project;
  r.project_id = std::move(id);
  r.project_name = std::move(name);
  r.division = std::move(division);
  r.department = std::move(department);
  return r;
}

Route Route::to_division(std::string division, std::string department) {
  Route r;
  r.kind = RouteKind::division;
  r.division = std::move(division);
  r.department = std::move(department);
  return r;
}

Route Route::to_referral(std::string body) {
  Route r;
  r.kind = RouteKind::referral;
  r.referral = std::move(body);
  return r;
}

std::string route_problem(const Route& route) {
  switch (route.kind) {
    case RouteKind::none:
      if (!route.project_id.empty() || !route.division.empty() || !route.referral.empty())
        return "a route of kind none names no project, 課 or referral body";
      return {};
    case RouteKind::project:
      if (route.project_id.empty()) return "a project route needs the project id";
      if (route.division.empty()) return "a project route needs the project's 課";
      if (!route.referral.empty()) return "a project route has no referral body";
      return {};
    case RouteKind::division:
      if (route.division.empty()) return "a division route needs the 課";
      if (!route.project_id.empty() || !route.referral.empty()) return "a division route names only a 課 (and its 部)";
      return {};
    case RouteKind::referral:
      if (route.referral.empty()) return "a referral needs the body the voice is sent to";
      if (!route.project_id.empty() || !route.division.empty()) return "a referral names only the other body";
      return {};
  }
  return {};
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::admin:
      return "admin";
    case Role::clerk:
      return "clerk";
    case Role::division:
      return "division";
  }
  return "division";
}

std::optional<Role> parse_role(std::string_view text) {
  for (auto r : {Role::admin, Role::clerk, Role::division})
    if (text == role_name(r)) return r;
  return std::nullopt;
}

std::string_view decision_name(Decision d) {
  switch (d) {
    case Decision::none:
      return "";
    case Decision::clerk:
      return "clerk";
    case Decision::imported:
      return "import";
  }
  return "";
}

}  // namespace koe::desk
