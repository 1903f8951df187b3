// Every route koe serves, one entry each: the handler and its OpenAPI documentation. A
// handler only reads the request, calls a library and answers; the libraries validate.
#include <xapian.h>

#include "koe/search/catalogue.hpp"
#include "koe/search/limits.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/related.hpp"
#include "koe/search/router.hpp"
#include "koe/search/searcher.hpp"
#include "koe/wire/json.hpp"
#include "koe/wire/request.hpp"
#include "respond.hpp"
#include "service.hpp"

namespace koe::api {
namespace {

using Json = nlohmann::json;
using http::Request;
using http::Response;

Json ref(const char* component) { return {{"$ref", std::string("#/components/") + component}}; }
Json json_body(const char* description, Json schema = {{"type", "object"}}) {
  return {{"description", description}, {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}
Json error_responses(std::initializer_list<const char*> statuses) {
  Json r = Json::object();
  for (const char* s : statuses) r[s] = ref("responses/Error");
  return r;
}
Json with_ok(Json ok, Json errors) {
  errors["200"] = std::move(ok);
  return errors;
}

/// A count query parameter, or its default; Status when the text is not a whole number.
Result<std::int64_t> count_param(const Request& req, const char* name, std::int64_t fallback,
                                 search::CountRange range) {
  const auto text = req.param(name);
  if (!text) return fallback;
  return search::parse_count(name, *text, range);
}

/// What routing consults: with a desk, also the voices clerks routed, learnt up to now.
const search::MatchSources& sources_for(Service& s, const Xapian::Database& db) {
  if (!s.desk) return s.sources;
  s.desk->learn(db);
  return s.desk->sources();
}

/// Runs `body` with this thread's index, answering 503 when there is none.
template <class F>
void with_index(Service& s, Response& res, F&& body) {
  if (Status st = s.index.with(std::forward<F>(body)); !st.ok()) send_status(res, st);
}

void get_search(Service& s, Call& c) {
  const Request& req = c.req;
  Response& res = c.res;
  search::SearchRequest sr;
  sr.query = req.param("q").value_or("");
  auto limit = count_param(req, "limit", sr.limit, search::kSearchLimitRange);
  if (!limit.ok()) return send_status(res, limit.status());
  auto offset = count_param(req, "offset", sr.offset, search::kSearchOffsetRange);
  if (!offset.ok()) return send_status(res, offset.status());
  sr.limit = limit.value();
  sr.offset = offset.value();
  sr.filters.divisions = req.params("division");
  sr.filters.kinds = req.params("kind");
  sr.filters.projects = req.params("project");
  with_index(s, res, [&](Xapian::Database& db) {
    auto r = search::search(s.analyzer, db, sr);
    if (!r.ok()) return send_status(res, r.status());
    send_json(res, 200, wire::search_json(r.value()));
  });
}

/// The desk's past voices are personal data: a clerk sees every one like the voice, a 課 those
/// routed to it, a caller who is not signed in none (their votes still rank the projects).
void keep_similar_the_caller_may_see(const desk::User* caller, search::MatchResponse& r) {
  if (!caller) return r.similar.clear();
  const desk::Scope scope = caller->scope();
  if (scope.limited())
    std::erase_if(r.similar, [&](const search::SimilarVoice& v) { return v.example.division != scope.division; });
}

void post_match(Service& s, Call& c) {
  const Request& req = c.req;
  Response& res = c.res;
  auto body = wire::parse_json_body(req.body);
  if (!body.ok()) return send_status(res, body.status());
  auto mr = wire::match_request(body.value());
  if (!mr.ok()) return send_status(res, mr.status());
  with_index(s, res, [&](Xapian::Database& db) {
    auto r = search::match(s.analyzer, db, mr.value(), s.settings.match_options(), sources_for(s, db));
    if (!r.ok()) return send_status(res, r.status());
    keep_similar_the_caller_may_see(c.user, r.value());
    send_json(res, 200, wire::match_json(r.value()));
  });
}

/// The voices of a /route body: CSV (UTF-8 or Shift_JIS) or JSON.
Result<search::VoiceBatch> route_batch(const Request& req) {
  if (req.media_type() == "text/csv") {
    try {
      return search::read_voices(req.body, search::BatchFormat::csv, search::TextEncoding::automatic);
    } catch (const Error& e) {
      return Status::invalid("bad_request", e.what());
    }
  }
  auto body = wire::parse_json_body(req.body);
  if (!body.ok()) return body.status();
  return wire::voice_batch(body.value());
}

void post_route(Service& s, Call& c) {
  const Request& req = c.req;
  Response& res = c.res;
  auto batch = route_batch(req);
  if (!batch.ok()) return send_status(res, batch.status());
  const auto& voices = batch.value().voices;
  if (voices.size() > s.settings.max_route_voices)
    return send_status(
        res, Status::too_large("too_many_voices", std::to_string(voices.size()) + " voices; the limit per request is " +
                                                      std::to_string(s.settings.max_route_voices)));
  with_index(s, res, [&](Xapian::Database& db) {
    Json results = Json::array();
    Json errors = batch.value().errors;
    search::route_each(s.analyzer, db, batch.value(), s.settings.match_options(), sources_for(s, db),
                       [&](const search::Voice& v, const Result<search::MatchResponse>& r) {
                         if (r.ok())
                           results.push_back(wire::routed_voice_json(v.id, r.value()));
                         else
                           errors.push_back("voice " + v.id + ": " + r.status().message);
                       });
    send_json(res, 200, {{"results", results}, {"errors", errors}});
  });
}

void get_projects(Service& s, Call& c) {
  Response& res = c.res;
  with_index(s, res,
             [&](Xapian::Database& db) { send_json(res, 200, wire::project_list_json(search::list_projects(db))); });
}

void get_project(Service& s, Call& c) {
  const Request& req = c.req;
  Response& res = c.res;
  with_index(s, res, [&](Xapian::Database& db) {
    auto r = search::project_detail(db, req.path_param("id"));
    if (!r.ok()) return send_status(res, r.status());
    send_json(res, 200, wire::project_detail_json(r.value()));
  });
}

void get_related(Service& s, Call& c) {
  const Request& req = c.req;
  Response& res = c.res;
  auto limit = count_param(req, "limit", 5, search::kRelatedLimitRange);
  if (!limit.ok()) return send_status(res, limit.status());
  const std::string id = req.path_param("id");
  with_index(s, res, [&](Xapian::Database& db) {
    auto r = search::related_projects(s.analyzer, db, id, limit.value());
    if (!r.ok()) return send_status(res, r.status());
    send_json(res, 200, wire::related_json(id, r.value()));
  });
}

void get_healthz(Service& s, Call& c) {
  Response& res = c.res;
  auto db = s.index.current();
  if (!db.ok()) return send_json(res, 503, {{"status", "starting"}, {"error", wire::error_json(db.status())["error"]}});
  send_json(res, 200,
            {{"status", "ok"}, {"revision", db.value()->get_revision()}, {"sections", db.value()->get_doccount()}});
}

void get_metrics(Service& s, Call& c) {
  Response& res = c.res;
  auto db = s.index.current();
  Xapian::Database* d = db.ok() ? db.value() : nullptr;
  const auto transport = s.transport ? std::optional(s.transport->counters()) : std::nullopt;
  res.set_body(
      s.metrics.render(d ? d->get_revision() : 0, d ? d->get_doccount() : 0, transport ? &*transport : nullptr),
      "text/plain; version=0.0.4");
}

}  // namespace

RouteTable build_routes(Service& s) {
  RouteTable t;
  auto handler = [&s](void (*fn)(Service&, Call&)) { return [&s, fn](Call& c) { fn(s, c); }; };
  const auto match_body = [&s] { return s.settings.max_match_bytes; };
  const auto route_body = [&s] { return s.settings.max_route_bytes; };

  t.add({"GET",
         "/api/v1/search",
         handler(get_search),
         "Staff search over every section",
         {{"q",
           "query",
           {{"type", "string"}},
           "words (ANDed), \"phrases\", -exclusions, OR, filters 課:… 項目:… 施策:… 事業:…",
           true},
          {"division", "query", {{"type", "string"}}, "only this 課 (repeatable)"},
          {"kind", "query", {{"type", "string"}}, "only this section kind (repeatable)"},
          {"project", "query", {{"type", "string"}}, "only this project id (repeatable)"},
          {"limit",
           "query",
           {{"type", "integer"},
            {"minimum", search::kSearchLimitRange.min},
            {"maximum", search::kSearchLimitRange.max},
            {"default", 10}}},
          {"offset",
           "query",
           {{"type", "integer"},
            {"minimum", search::kSearchOffsetRange.min},
            {"maximum", search::kSearchOffsetRange.max},
            {"default", 0}}}},
         nullptr,
         with_ok(ref("responses/Search"), error_responses({"400"}))});
  t.add({"POST",
         "/api/v1/match",
         handler(post_match),
         "Route one citizen voice",
         {},
         {{"required", true}, {"content", {{"application/json", {{"schema", ref("schemas/MatchRequest")}}}}}},
         with_ok(ref("responses/Match"), error_responses({"400", "413"})),
         Workload::interactive,
         match_body,
         Access::open_with_caller});
  const Json voice_item = {{"type", "object"},
                           {"properties", {{"id", {{"type", "string"}}}, {"text", {{"type", "string"}}}}},
                           {"required", {"text"}}};
  const Json route_body_doc = {{"required", true},
                               {"content",
                                {{"application/json", {{"schema", {{"type", "array"}, {"items", voice_item}}}}},
                                 {"text/csv", {{"schema", {{"type", "string"}}}}}}}};
  t.add({"POST",
         "/api/v1/route",
         handler(post_route),
         "Route many voices at once (a JSON array of {id, text}, or text/csv id,text in UTF-8 or Shift_JIS)",
         {},
         route_body_doc,
         with_ok(ref("responses/Route"), error_responses({"400", "413", "415"})),
         Workload::batch,
         route_body});
  t.add({"GET",
         "/api/v1/projects",
         handler(get_projects),
         "Every project",
         {},
         nullptr,
         {{"200", json_body("{\"projects\": [{id, name, division, department, number, policy, sub_policy, "
                            "sub_policy_name, fiscal_year}]}")}}});
  t.add({"GET",
         "/api/v1/projects/{id}",
         handler(get_project),
         "One project with every section (full text and list items)",
         {{"id", "path", {{"type", "string"}}}},
         nullptr,
         with_ok(json_body("{id, name, division, department, number, policy, sub_policy, sub_policy_name, fiscal_year, "
                           "source, sections: [{kind, label, text, items}]}"),
                 error_responses({"404"}))});
  t.add({"GET",
         "/api/v1/projects/{id}/related",
         handler(get_related),
         "Projects most like this one (関連する事業)",
         {{"id", "path", {{"type", "string"}}},
          {"limit",
           "query",
           {{"type", "integer"},
            {"minimum", search::kRelatedLimitRange.min},
            {"maximum", search::kRelatedLimitRange.max},
            {"default", 5}}}},
         nullptr,
         with_ok(json_body("{project_id, related: [{project, score, terms}]}"), error_responses({"400", "404"}))});
  t.add({"GET",
         "/api/v1/openapi.json",
         [&s](Call& c) { send_json(c.res, 200, openapi_document(*s.routes)); },
         "This document",
         {},
         nullptr,
         {{"200", json_body("OpenAPI 3 document")}}});
  t.add({"GET",
         "/healthz",
         handler(get_healthz),
         "Ready once the index is open",
         {},
         nullptr,
         {{"200", {{"description", "{status: ok, revision, sections}"}}},
          {"503", {{"description", "the index is not open yet"}}}}});
  t.add({"GET",
         "/metrics",
         handler(get_metrics),
         "Prometheus metrics: requests by route and status, latency histogram, index revision and size",
         {},
         nullptr,
         {{"200",
           {{"description", "text exposition format"},
            {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}}});

  add_desk_routes(t, s);

  // The pages: plain HTML that calls the API above (not in the OpenAPI document).
  auto page = [&s](const char* file) { return [&s, file](Call& c) { send_file(c.res, s.web_root, file); }; };
  t.add({"GET", "/", page("index.html"), ""});
  t.add({"GET", "/voice", page("voice.html"), ""});
  t.add({"GET", "/projects/{id}", page("project.html"), ""});
  t.add({"GET", "/login", page("login.html"), ""});
  t.add({"GET", "/desk", page("desk.html"), ""});
  t.add({"GET", "/desk/voices/{id}", page("desk-voice.html"), ""});
  t.add({"GET", "/desk/stats", page("desk-stats.html"), ""});
  t.add({"GET", "/desk/import", page("desk-import.html"), ""});
  t.add({"GET", "/static/{file...}",
         [&s](Call& c) { send_file(c.res, s.web_root / "static", c.req.path_param("file")); }, ""});
  return t;
}

}  // namespace koe::api
