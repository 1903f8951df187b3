// The voice desk's routes: sign-in, voices received and imported, the inbox, a voice and its
// history, edits under an optimistic lock, export and statistics. The dispatcher has already
// checked who calls (Route::access); the store holds a division user to its 課.
#include <xapian.h>

#include <chrono>

#include "koe/desk/dates.hpp"
#include "koe/desk/voice_export.hpp"
#include "koe/search/catalogue.hpp"
#include "koe/search/limits.hpp"
#include "koe/wire/desk_json.hpp"
#include "koe/wire/json.hpp"
#include "koe/wire/request.hpp"
#include "respond.hpp"
#include "service.hpp"

namespace koe::api {
namespace {

using Json = nlohmann::json;
using http::Request;
using http::Response;

constexpr search::CountRange kVoiceListRange{1, static_cast<std::int64_t>(desk::kMaxListLimit)};

std::string today() { return desk::japan_date(std::chrono::system_clock::now()); }

wire::TextAccess text_access(const desk::User& user) {
  return user.role == desk::Role::division ? wire::TextAccess::masked_only : wire::TextAccess::original;
}

template <class F>
void with_index(Service& s, Response& res, F&& body) {
  if (Status st = s.index.with(std::forward<F>(body)); !st.ok()) send_status(res, st);
}

/// The voice id of the path; a path that names no voice is a 404 like an unknown id.
Result<std::int64_t> voice_id(const Request& req) {
  const std::string text = req.path_param("id");
  auto n = search::parse_count("id", text, {1, INT64_MAX});
  if (!n.ok() || n.value() < 1) return Status::not_found("no voice with id «" + text + "»");
  return n.value();
}

/// A date parameter (from, to) as YYYY-MM-DD, or Status 400 `invalid_date`.
Result<std::string> date_param(const Request& req, const char* name) {
  const auto text = req.param(name);
  if (!text || text->empty()) return std::string();
  if (auto d = desk::parse_date(*text)) return *d;
  return Status::invalid("invalid_date",
                         std::string(name) + " «" + *text + "» is not a date (2024-04-01, 2024/4/1, 令和6年4月1日)");
}

std::string session_cookie(const Settings& settings, const std::string& value, int max_age_seconds) {
  return std::string(kSessionCookie) + "=" + value +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds) +
         (settings.secure_cookie ? "; Secure" : "");
}

/// The address failed logins are counted against: the client's, as the reverse proxy in front
/// reports it when the settings name its header (the last address of X-Forwarded-For is the
/// one the proxy itself saw; earlier ones are the client's word), else the connection's peer.
std::string client_address(const Settings& settings, const Request& req) {
  if (settings.client_address_header.empty()) return req.remote_address;
  std::string value = req.header(settings.client_address_header);
  value = value.substr(value.find_last_of(',') == std::string::npos ? 0 : value.find_last_of(',') + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  value.erase(value.find_last_not_of(" \t") + 1);
  return value.empty() ? req.remote_address : value;
}

void post_login(Service& s, Call& c) {
  if (!s.desk) return send_status(c.res, desk_disabled());
  auto body = wire::parse_json_body(c.req.body);
  if (!body.ok()) return send_status(c.res, body.status());
  const Json& b = body.value();
  if (!b.is_object() || !b.contains("name") || !b["name"].is_string() || !b.contains("password") ||
      !b["password"].is_string())
    return send_status(c.res,
                       Status::invalid("invalid_json", "the body must be {\"name\": \"…\", \"password\": \"…\"}"));
  auto session = s.desk->accounts().login(b["name"].get<std::string>(), b["password"].get<std::string>(),
                                          client_address(s.settings, c.req));
  if (!session.ok()) return send_status(c.res, session.status());
  const auto& sn = session.value();
  c.res.set_header("Set-Cookie", session_cookie(s.settings, sn.id, s.settings.session_hours * 3600));
  c.res.set_header("Cache-Control", "no-store");
  send_json(c.res, 200,
            {{"user", wire::user_json(sn.user)}, {"csrf_token", sn.csrf_token}, {"expires_at", sn.expires_at}});
}

void post_logout(Service& s, Call& c) {
  if (c.session) {
    if (Status st = s.desk->accounts().logout(c.session->id); !st.ok()) return send_status(c.res, st);
  }
  c.res.set_header("Set-Cookie", session_cookie(s.settings, "", 0));
  send_json(c.res, 200, {{"signed_out", true}});
}

void get_session(Service&, Call& c) {
  c.res.set_header("Cache-Control", "no-store");
  send_json(c.res, 200,
            {{"user", wire::user_json(*c.user)},
             {"csrf_token", c.session ? Json(c.session->csrf_token) : Json(nullptr)},
             {"expires_at", c.session ? Json(c.session->expires_at) : Json(nullptr)}});
}

void post_voice(Service& s, Call& c) {
  auto body = wire::parse_json_body(c.req.body);
  if (!body.ok()) return send_status(c.res, body.status());
  auto voice = wire::new_voice_request(body.value(), today());
  if (!voice.ok()) return send_status(c.res, voice.status());
  with_index(s, c.res, [&](Xapian::Database& db) {
    auto added = s.desk->receive(std::move(voice.value()), c.user->actor(), db);
    if (!added.ok()) return send_status(c.res, added.status());
    c.res.set_header("Location", "/api/v1/voices/" + std::to_string(added.value().id));
    send_json(c.res, 201, wire::voice_json(added.value(), text_access(*c.user)));
  });
}

/// The import body's bytes and format: CSV, JSON Lines, or the JSON /api/v1/route takes
/// (an array, or {"voices": [...]}).
Result<std::pair<std::string, desk::ExportFormat>> import_body(const Request& req) {
  const std::string type = req.media_type();
  if (type == "text/csv") return std::pair{req.body, desk::ExportFormat::csv};
  if (type == "application/x-ndjson") return std::pair{req.body, desk::ExportFormat::jsonl};
  auto body = wire::parse_json_body(req.body);
  if (!body.ok()) return body.status();
  const Json& j = body.value();
  const Json& items = j.is_object() && j.contains("voices") ? j["voices"] : j;
  if (!items.is_array())
    return Status::invalid("invalid_json", "expected a JSON array of voices, or {\"voices\": [...]}");
  return std::pair{wire::dump(items), desk::ExportFormat::json};
}

void post_import(Service& s, Call& c) {
  auto body = import_body(c.req);
  if (!body.ok()) return send_status(c.res, body.status());
  with_index(s, c.res, [&](Xapian::Database& db) {
    desk::ExportOptions options = VoiceDesk::export_options(db);
    options.format = body.value().second;
    options.columns = c.req.param("columns").value_or("");
    options.default_channel = c.req.param("channel").value_or("");
    options.default_received_at = today();
    const std::string encoding = c.req.param("encoding").value_or("auto");
    if (encoding == "cp932" || encoding == "shift_jis")
      options.encoding = search::TextEncoding::cp932;
    else if (encoding == "utf-8")
      options.encoding = search::TextEncoding::utf8;
    else if (encoding != "auto")
      return send_status(
          c.res, Status::invalid("invalid_encoding", "encoding must be auto, utf-8 or cp932, not «" + encoding + "»"));
    auto read = desk::read_voice_export(body.value().first, options);
    if (!read.ok()) return send_status(c.res, read.status());
    auto report = s.desk->import(std::move(read.value().voices), c.user->actor(), db);
    if (!report.ok()) return send_status(c.res, report.status());
    Json errors = read.value().errors;
    for (const auto& e : report.value().errors) errors.push_back(e);
    Json columns = Json::object();
    for (const auto& [field, column] : read.value().columns) columns[field] = column;
    send_json(c.res, 200,
              {{"imported", report.value().ids.size()},
               {"ids", report.value().ids},
               {"errors", errors},
               {"encoding", read.value().encoding},
               {"format", read.value().format},
               {"columns", columns}});
  });
}

/// The list filters of a request, within the caller's scope.
Result<desk::VoiceFilter> voice_filter(const Call& c) {
  desk::VoiceFilter f;
  f.scope = c.user->scope();
  if (const auto status = c.req.param("status"); status && !status->empty()) {
    const auto parsed = desk::parse_status(*status);
    if (!parsed)
      return Status::invalid(
          "invalid_status",
          "status «" + *status +
              "» is not one of new, confirmed, forwarded, answered, published, out_of_scope, referred");
    f.status = *parsed;
  }
  f.division = c.req.param("division").value_or("");
  f.project_id = c.req.param("project").value_or("");
  f.confidence = c.req.param("confidence").value_or("");
  if (!f.confidence.empty() && f.confidence != "high" && f.confidence != "medium" && f.confidence != "low")
    return Status::invalid("invalid_confidence", "confidence must be high, medium or low, not «" + f.confidence + "»");
  f.q = c.req.param("q").value_or("");
  auto from = date_param(c.req, "from");
  if (!from.ok()) return from.status();
  auto to = date_param(c.req, "to");
  if (!to.ok()) return to.status();
  f.from = from.value();
  f.to = to.value();
  for (auto [name, out, fallback, range] :
       {std::tuple{"limit", &f.limit, std::size_t{50}, kVoiceListRange},
        std::tuple{"offset", &f.offset, std::size_t{0}, search::kSearchOffsetRange}}) {
    const auto text = c.req.param(name);
    if (!text) continue;
    auto n = search::parse_count(name, *text, range);
    if (!n.ok()) return n.status();
    if (Status st = search::check_count(name, n.value(), range); !st.ok()) return st;
    *out = static_cast<std::size_t>(n.value());
  }
  return f;
}

void get_voices(Service& s, Call& c) {
  auto filter = voice_filter(c);
  if (!filter.ok()) return send_status(c.res, filter.status());
  auto list = s.desk->store().list_voices(filter.value());
  if (!list.ok()) return send_status(c.res, list.status());
  send_json(c.res, 200, wire::voice_list_json(list.value(), text_access(*c.user)));
}

void get_voice(Service& s, Call& c) {
  auto id = voice_id(c.req);
  if (!id.ok()) return send_status(c.res, id.status());
  auto v = s.desk->store().get_voice(id.value(), c.user->scope());
  if (!v.ok()) return send_status(c.res, v.status());
  send_json(c.res, 200, wire::voice_json(v.value(), text_access(*c.user)));
}

void get_history(Service& s, Call& c) {
  auto id = voice_id(c.req);
  if (!id.ok()) return send_status(c.res, id.status());
  auto h = s.desk->store().history(id.value(), c.user->scope());
  if (!h.ok()) return send_status(c.res, h.status());
  send_json(c.res, 200, wire::history_json(id.value(), h.value()));
}

void patch_voice(Service& s, Call& c) {
  auto id = voice_id(c.req);
  if (!id.ok()) return send_status(c.res, id.status());
  auto body = wire::parse_json_body(c.req.body);
  if (!body.ok()) return send_status(c.res, body.status());
  with_index(s, c.res, [&](Xapian::Database& db) {
    auto edit = wire::voice_edit_request(body.value(),
                                         [&](const std::string& pid) { return VoiceDesk::project_route(db, pid); });
    if (!edit.ok()) return send_status(c.res, edit.status());
    auto v = s.desk->store().update_voice(id.value(), edit.value().version, edit.value().change, c.user->actor());
    if (!v.ok()) return send_status(c.res, v.status());
    send_json(c.res, 200, wire::voice_json(v.value(), text_access(*c.user)));
  });
}

void get_export(Service& s, Call& c) {
  const std::string format = c.req.param("format").value_or("csv");
  if (format != "csv")
    return send_status(c.res, Status::invalid("invalid_format", "format must be csv, not «" + format + "»"));
  auto filter = voice_filter(c);
  if (!filter.ok()) return send_status(c.res, filter.status());
  desk::VoiceFilter f = filter.value();
  f.limit = desk::kMaxListLimit;
  f.offset = 0;
  std::string csv = "\xEF\xBB\xBF" + wire::voice_csv_header();  // a BOM, so Excel reads UTF-8
  for (;;) {
    auto page = s.desk->store().list_voices(f);
    if (!page.ok()) return send_status(c.res, page.status());
    for (const auto& v : page.value().voices) csv += wire::voice_csv_row(v);
    if (page.value().voices.size() < f.limit) break;
    f.offset += f.limit;
  }
  c.res.status = 200;
  c.res.set_header("Content-Disposition", "attachment; filename=\"voices.csv\"");
  c.res.set_body(std::move(csv), "text/csv; charset=utf-8");
}

void get_stats(Service& s, Call& c) {
  desk::StatsQuery q;
  q.scope = c.user->scope();
  q.overdue_days = s.settings.overdue_days;
  auto from = date_param(c.req, "from");
  if (!from.ok()) return send_status(c.res, from.status());
  auto to = date_param(c.req, "to");
  if (!to.ok()) return send_status(c.res, to.status());
  q.from = from.value();
  q.to = to.value();
  auto stats = s.desk->store().stats(q);
  if (!stats.ok()) return send_status(c.res, stats.status());
  send_json(c.res, 200, wire::stats_json(stats.value(), q));
}

void get_divisions(Service& s, Call& c) {
  with_index(s, c.res, [&](Xapian::Database& db) {
    Json out = Json::array();
    for (const auto& d : search::list_divisions(db))
      out.push_back({{"division", d.division}, {"department", d.department}, {"projects", d.projects}});
    send_json(c.res, 200, {{"divisions", out}});
  });
}

Json ref(const char* component) { return {{"$ref", std::string("#/components/") + component}}; }
Json errors(std::initializer_list<const char*> statuses) {
  Json r = Json::object();
  for (const char* st : statuses) r[st] = ref("responses/Error");
  return r;
}
Json ok(const char* description, Json r) {
  r["200"] = {{"description", description}, {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
  return r;
}
Json json_request(const char* description) {
  return {{"required", true},
          {"description", description},
          {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
}
ParamDoc query(std::string_view name, std::string_view description, Json schema = {{"type", "string"}}) {
  return {name, "query", std::move(schema), description};
}

}  // namespace

void add_desk_routes(RouteTable& t, Service& s) {
  auto handler = [&s](void (*fn)(Service&, Call&)) { return [&s, fn](Call& c) { fn(s, c); }; };
  const auto small_body = [&s] { return s.settings.max_match_bytes; };
  const auto import_bytes = [&s] { return s.settings.max_import_bytes; };
  const std::vector<ParamDoc> filters = {
      query("status", "new, confirmed, forwarded, answered, published, out_of_scope, referred"),
      query("division", "routed to this 課"),
      query("project", "routed to this project id"),
      query("confidence", "the suggestion's: high, medium, low"),
      query("q", "words in the (masked) text"),
      query("from", "received on or after (2024-04-01, 2024/4/1, 令和6年4月1日)"),
      query("to", "received on or before"),
      query("limit", "", {{"type", "integer"}, {"minimum", 1}, {"maximum", desk::kMaxListLimit}, {"default", 50}}),
      query("offset", "", {{"type", "integer"}, {"minimum", 0}, {"default", 0}})};
  const ParamDoc id{"id", "path", {{"type", "integer"}}};

  t.add({"POST",
         "/api/v1/login",
         handler(post_login),
         "Sign in to the desk: sets the HttpOnly session cookie and returns the CSRF token the pages send back",
         {},
         json_request("{name, password}"),
         ok("{user, csrf_token, expires_at}", errors({"400", "401", "429"})),
         Workload::interactive,
         small_body});
  t.add({"POST",
         "/api/v1/logout",
         handler(post_logout),
         "Sign out (ends the session)",
         {},
         nullptr,
         ok("{signed_out: true}", errors({})),
         Workload::interactive,
         [] { return std::size_t{0}; },
         Access::signed_in});
  t.add({"GET",
         "/api/v1/session",
         handler(get_session),
         "Who is signed in, and the session's CSRF token",
         {},
         nullptr,
         ok("{user, csrf_token, expires_at}", errors({})),
         Workload::interactive,
         [] { return std::size_t{0}; },
         Access::signed_in});
  t.add(
      {"POST",
       "/api/v1/voices/import",
       handler(post_import),
       "Import voices (CSV from Excel in UTF-8 or Shift_JIS, JSON Lines, a JSON array or {voices: [...]}), each routed",
       {query("columns", "field=column pairs, comma-separated (text=ご意見,external_id=受付番号)"),
        query("encoding", "auto, utf-8 or cp932"), query("channel", "the channel of rows that name none")},
       {{"required", true},
        {"content",
         {{"application/json", {{"schema", {{"type", "array"}}}}},
          {"application/x-ndjson", {{"schema", {{"type", "string"}}}}},
          {"text/csv", {{"schema", {{"type", "string"}}}}}}}},
       ok("{imported, ids, errors, encoding, format, columns}", errors({"400", "413", "415"})),
       Workload::batch,
       import_bytes,
       Access::clerk});
  t.add({"GET",
         "/api/v1/voices/export",
         handler(get_export),
         "The voices as CSV for Excel (masked text only), with the list's filters",
         filters,
         nullptr,
         {{"200",
           {{"description", "CSV with a UTF-8 BOM"}, {"content", {{"text/csv", {{"schema", {{"type", "string"}}}}}}}}}},
         Workload::batch,
         [] { return std::size_t{0}; },
         Access::signed_in});
  t.add({"POST",
         "/api/v1/voices",
         handler(post_voice),
         "Receive a voice: routed against the plans, masked and kept",
         {},
         json_request("{text, channel?, received_at?, external_id?}"),
         {{"201", {{"description", "the voice, with its suggestion"}}},
          {"400", ref("responses/Error")},
          {"409", ref("responses/Error")},
          {"413", ref("responses/Error")}},
         Workload::interactive,
         small_body,
         Access::clerk});
  t.add({"GET", "/api/v1/voices", handler(get_voices),
         "The inbox: voices newest first, filtered (a 課's users see their 課's only)", filters, nullptr,
         ok("{total, voices}", errors({"400"})), Workload::interactive, [] { return std::size_t{0}; },
         Access::signed_in});
  t.add({"GET",
         "/api/v1/voices/{id}",
         handler(get_voice),
         "One voice (masked text only for a 課's users)",
         {id},
         nullptr,
         ok("the voice", errors({"404"})),
         Workload::interactive,
         [] { return std::size_t{0}; },
         Access::signed_in});
  t.add({"GET",
         "/api/v1/voices/{id}/history",
         handler(get_history),
         "Who did what to a voice, and when",
         {id},
         nullptr,
         ok("{voice_id, history}", errors({"404"})),
         Workload::interactive,
         [] { return std::size_t{0}; },
         Access::signed_in});
  t.add(
      {"PATCH",
       "/api/v1/voices/{id}",
       handler(patch_voice),
       "Confirm or correct the route, forward, answer, publish, close or refer a voice (409 when it changed meanwhile)",
       {id},
       json_request("{version, route?: {project_id} | {division} | {referral}, status?, note?, answer?}"),
       ok("the voice", errors({"400", "403", "404", "409"})),
       Workload::interactive,
       small_body,
       Access::signed_in});
  t.add({"GET",
         "/api/v1/stats",
         handler(get_stats),
         "Counts by 課, project, month, status and channel; overdue voices; how good the suggestions were",
         {query("from", "received on or after"), query("to", "received on or before")},
         nullptr,
         ok("the statistics", errors({"400"})),
         Workload::interactive,
         [] { return std::size_t{0}; },
         Access::signed_in});
  t.add({"GET",
         "/api/v1/divisions",
         handler(get_divisions),
         "Every 課 that runs a project, with its department",
         {},
         nullptr,
         ok("{divisions: [{division, department, projects}]}", errors({}))});
}

}  // namespace koe::api
