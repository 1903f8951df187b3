#include "koe/wire/desk_json.hpp"

#include "koe/desk/dates.hpp"
#include "koe/search/csv.hpp"
#include "koe/wire/json.hpp"

namespace koe::wire {
namespace {

using Json = nlohmann::json;

Json or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json counts_json(const std::vector<desk::Count>& counts) {
  Json out = Json::array();
  for (const auto& c : counts) {
    Json row = {{"key", c.key}, {"count", c.count}};
    if (!c.label.empty()) row["label"] = c.label;
    out.push_back(std::move(row));
  }
  return out;
}

/// An optional string field; Status 400 `invalid_field` when present and not a string.
Status read_string(const Json& body, const char* name, std::string& out) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string()) return Status::invalid("invalid_field", std::string("\"") + name + "\" must be a string");
  out = it->get<std::string>();
  return {};
}

}  // namespace

Json desk_route_json(const desk::Route& r) {
  if (r.kind == desk::RouteKind::none) return nullptr;
  return {{"kind", std::string(desk::route_kind_name(r.kind))},
          {"project_id", or_null(r.project_id)},
          {"project", or_null(r.project_name)},
          {"division", or_null(r.division)},
          {"department", or_null(r.department)},
          {"referral", or_null(r.referral)}};
}

Json voice_json(const desk::Voice& v, TextAccess access) {
  Json suggestion = nullptr;
  if (v.suggestion) {
    // Kept as the JSON koe answered at arrival; a store written by hand may hold anything.
    suggestion = Json::parse(v.suggestion->json, nullptr, /*allow_exceptions=*/false);
    if (suggestion.is_discarded()) suggestion = nullptr;
    // The past voices beside the suggestion may be other 課' voices: the 広聴課's to see.
    if (access != TextAccess::original && suggestion.is_object()) suggestion.erase("similar");
  }
  return {{"id", v.id},
          {"external_id", or_null(v.external_id)},
          {"channel", or_null(v.channel)},
          {"received_at", v.received_at},
          {"status", std::string(desk::status_name(v.status))},
          {"status_label", std::string(desk::status_label(v.status))},
          {"version", v.version},
          {"text", access == TextAccess::original ? Json(v.text) : Json(nullptr)},
          {"text_masked", v.text_masked},
          {"suggestion", suggestion},
          {"route", desk_route_json(v.route)},
          {"decision", std::string(desk::decision_name(v.decision))},
          {"decided_by", or_null(v.decided_by)},
          {"decided_at", or_null(v.decided_at)},
          {"answer", or_null(v.answer)},
          {"answered_at", or_null(v.answered_at)},
          {"published_at", or_null(v.published_at)},
          {"created_at", v.created_at},
          {"updated_at", v.updated_at}};
}

Json voice_list_json(const desk::VoiceList& list, TextAccess access) {
  Json voices = Json::array();
  for (const auto& v : list.voices) voices.push_back(voice_json(v, access));
  return {{"total", list.total}, {"voices", voices}};
}

Json history_json(std::int64_t voice_id, const std::vector<desk::HistoryEntry>& history) {
  Json out = Json::array();
  for (const auto& h : history)
    out.push_back(
        {{"revision", h.revision},
         {"at", h.at},
         {"actor", h.actor},
         {"action", h.action},
         {"from_status", h.from_status ? Json(std::string(desk::status_name(*h.from_status))) : Json(nullptr)},
         {"to_status", std::string(desk::status_name(h.to_status))},
         {"route_before", desk_route_json(h.route_before)},
         {"route_after", desk_route_json(h.route_after)},
         {"answer", or_null(h.answer)},
         {"note", or_null(h.note)}});
  return {{"voice_id", voice_id}, {"history", out}};
}

Json stats_json(const desk::Stats& s, const desk::StatsQuery& q) {
  return {{"from", or_null(q.from)},
          {"to", or_null(q.to)},
          {"overdue_days", q.overdue_days},
          {"total", s.total},
          {"by_division", counts_json(s.by_division)},
          {"by_project", counts_json(s.by_project)},
          {"by_month", counts_json(s.by_month)},
          {"by_status", counts_json(s.by_status)},
          {"by_channel", counts_json(s.by_channel)},
          {"overdue_by_division", counts_json(s.overdue_by_division)},
          {"suggested", s.suggested},
          {"out_of_scope_share", s.out_of_scope_share},
          {"low_confidence_share", s.low_confidence_share},
          {"accuracy",
           {{"confirmed", s.accuracy.confirmed},
            {"first", s.accuracy.first},
            {"top3", s.accuracy.top3},
            {"first_share", s.accuracy.first_share},
            {"top3_share", s.accuracy.top3_share}}}};
}

Json user_json(const desk::User& u) {
  return {{"name", u.name},
          {"role", std::string(desk::role_name(u.role))},
          {"division", or_null(u.division)},
          {"enabled", u.enabled}};
}

desk::Suggestion suggestion_of(const search::MatchResponse& m) {
  desk::Suggestion s;
  s.json = dump(match_json(m));
  s.out_of_scope = m.out_of_scope;
  s.confidence = m.matches.empty() ? "low" : m.matches.front().confidence;
  for (std::size_t k = 0; k < m.matches.size() && k < 3; ++k) s.top_projects.push_back(m.matches[k].project.id);
  return s;
}

std::string voice_csv_header() {
  return "id,external_id,received_at,channel,status,text_masked,project_id,project,division,referral,"
         "suggested_project_id,suggested_confidence,answer,answered_at,published_at\r\n";
}

std::string voice_csv_row(const desk::Voice& v) {
  using search::csv_field;
  const bool suggested = v.suggestion && !v.suggestion->out_of_scope && !v.suggestion->top_projects.empty();
  std::string row;
  for (const std::string& cell :
       {std::to_string(v.id), v.external_id, v.received_at, v.channel, std::string(desk::status_name(v.status)),
        v.text_masked, v.route.project_id, v.route.project_name, v.route.division, v.route.referral,
        suggested ? v.suggestion->top_projects.front() : std::string(),
        v.suggestion ? v.suggestion->confidence : std::string(), v.answer, v.answered_at, v.published_at})
    row += (row.empty() ? "" : ",") + csv_field(cell);
  return row + "\r\n";
}

Result<desk::NewVoice> new_voice_request(const Json& body, const std::string& today) {
  if (!body.is_object()) return Status::invalid("invalid_json", "the body must be a JSON object {\"text\": \"…\"}");
  const auto text = body.find("text");
  if (text == body.end()) return Status::invalid("missing_text", "the body has no \"text\" field");
  if (!text->is_string()) return Status::invalid("invalid_text", "\"text\" must be a string");
  desk::NewVoice v;
  v.text = text->get<std::string>();
  if (v.text.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::invalid("empty_text", "\"text\" is empty: paste the voice");
  std::string received;
  for (const auto& [name, out] : {std::pair<const char*, std::string*>{"channel", &v.channel},
                                  {"external_id", &v.external_id},
                                  {"received_at", &received}})
    if (Status s = read_string(body, name, *out); !s.ok()) return s;
  if (received.empty()) {
    v.received_at = today;
  } else if (auto date = desk::parse_date(received)) {
    v.received_at = *date;
  } else {
    return Status::invalid("invalid_date",
                           "received_at «" + received + "» is not a date (2024-04-01, 2024/4/1, 令和6年4月1日)");
  }
  return v;
}

Result<VoiceEdit> voice_edit_request(
    const Json& body, const std::function<std::optional<desk::Route>(const std::string& project_id)>& resolve_project) {
  if (!body.is_object()) return Status::invalid("invalid_json", "the body must be a JSON object {\"version\": …}");
  VoiceEdit edit;
  const auto version = body.find("version");
  if (version == body.end() || !version->is_number_integer())
    return Status::invalid("missing_version",
                           "\"version\" must be the version of the voice you edited (a whole number)");
  edit.version = version->get<std::int64_t>();
  if (const auto route = body.find("route"); route != body.end() && !route->is_null()) {
    if (!route->is_object() || route->size() != 1)
      return Status::invalid("invalid_route",
                             "\"route\" must be one of {\"project_id\"}, {\"division\"}, {\"referral\"}");
    const auto first = route->begin();
    const std::string key = first.key();
    const Json& value = first.value();
    if (!value.is_string() || value.get<std::string>().empty())
      return Status::invalid("invalid_route", "\"route\"." + key + " must be a non-empty string");
    const std::string target = value.get<std::string>();
    if (key == "project_id") {
      auto r = resolve_project(target);
      if (!r) return Status::invalid("invalid_route", "no project with id «" + target + "» in the plans");
      edit.change.route = *r;
    } else if (key == "division") {
      edit.change.route = desk::Route::to_division(target);
    } else if (key == "referral") {
      edit.change.route = desk::Route::to_referral(target);
    } else {
      return Status::invalid("invalid_route",
                             "\"route\" must be one of {\"project_id\"}, {\"division\"}, {\"referral\"}");
    }
  }
  if (const auto status = body.find("status"); status != body.end() && !status->is_null()) {
    const auto parsed = status->is_string() ? desk::parse_status(status->get<std::string>()) : std::nullopt;
    if (!parsed)
      return Status::invalid(
          "invalid_status",
          "\"status\" must be one of new, confirmed, forwarded, answered, published, out_of_scope, referred");
    edit.change.status = *parsed;
  }
  std::string answer;
  if (Status s = read_string(body, "note", edit.change.note); !s.ok()) return s;
  if (body.contains("answer")) {
    if (Status s = read_string(body, "answer", answer); !s.ok()) return s;
    edit.change.answer = answer;
  }
  if (edit.change.empty())
    return Status::invalid("empty_change", "the body changes nothing: give a route, a status, an answer or a note");
  return edit;
}

}  // namespace koe::wire
