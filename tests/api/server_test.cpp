// The JSON API against an in-process server on a free port: every route, every error, CORS,
// the OpenAPI document checked against the running server, concurrent requests while the
// index is rebuilt, and health before and after the index exists. Config loading too.
#include "koe/api/server.hpp"

#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "desk_support.hpp"
#include "koe/api/settings.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/schema.hpp"
#include "running_server.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using koe::test::RunningServer;
using koe::test::TempDir;

constexpr const char* kAllowedOrigin = "https://koe.example.jp";
constexpr std::size_t kMaxMatchBytes = 1024;
constexpr std::size_t kMaxRouteBytes = 8 * 1024;

// "id,text\r\n1,ふるさと納税の返礼品について\r\n2,"市道の穴を直して, 早く"\r\n" in Shift_JIS (CP932),
// converted with iconv -f UTF-8 -t CP932 when this test was written.
const std::string kCp932Csv =
    "\x69\x64\x2c\x74\x65\x78\x74\x0d\x0a\x31\x2c\x82\xd3\x82\xe9\x82\xb3\x82\xc6\x94\x5b\x90\xc5\x82\xcc\x95\xd4"
    "\x97\xe7\x95\x69\x82\xc9\x82\xc2\x82\xa2\x82\xc4\x0d\x0a\x32\x2c\x22\x8e\x73\x93\xb9\x82\xcc\x8c\x8a\x82\xf0"
    "\x92\xbc\x82\xb5\x82\xc4\x2c\x20\x91\x81\x82\xad\x22\x0d\x0a";

koe::api::Settings test_config(const fs::path& db) {
  koe::api::Settings c;
  c.host = "127.0.0.1";
  c.port = 0;
  c.db = db;
  c.threads = 4;
  c.max_match_bytes = kMaxMatchBytes;
  c.max_route_bytes = kMaxRouteBytes;
  c.max_route_voices = 20;
  c.cors_origins = {kAllowedOrigin};
  c.access_log = false;
  return c;
}

/// One server per test process over the shared index of the real corpus.
RunningServer& shared_server() {
  static TempDir store_dir("koe-api-store");
  static RunningServer server([] {
    auto c = test_config(koe::test::shared_index().db);
    c.store = store_dir / "desk.sqlite3";
    return c;
  }());
  return server;
}

/// A clerk of the shared server's desk and an API token of theirs.
const koe::test::DeskUser& shared_clerk() {
  static const koe::test::DeskUser clerk =
      koe::test::add_desk_user(shared_server().settings().store, "openapi-clerk", koe::desk::Role::clerk);
  return clerk;
}

json body_json(const httplib::Result& r) {
  REQUIRE(r);
  INFO("status " << r->status << " body: " << r->body.substr(0, 300));
  REQUIRE_NOTHROW(json::parse(r->body));
  return json::parse(r->body);
}

bool is_json_type(const httplib::Result& r) {
  return r->get_header_value("Content-Type").starts_with("application/json");
}

/// Checks an error response: the status, the JSON shape {"error":{"code","message"}}, and
/// that the server still serves afterwards.
void check_error(const httplib::Result& r, int status, const std::string& code = "") {
  REQUIRE(r);
  INFO("body: " << r->body.substr(0, 300));
  CHECK(r->status == status);
  CHECK(is_json_type(r));
  const auto j = body_json(r);
  REQUIRE(j.contains("error"));
  CHECK(j["error"]["code"].is_string());
  CHECK(j["error"]["message"].is_string());
  CHECK_FALSE(j["error"]["message"].get<std::string>().empty());
  if (!code.empty()) CHECK(j["error"]["code"] == code);
  auto again = shared_server().client().Get("/healthz");
  REQUIRE(again);
  CHECK(again->status == 200);
}

httplib::Result search(const std::string& q, httplib::Params extra = {}) {
  extra.emplace("q", q);
  return shared_server().client().Get("/api/v1/search", extra, httplib::Headers{});
}

httplib::Result post(const std::string& path, const std::string& body, const std::string& type = "application/json") {
  return shared_server().client().Post(path.c_str(), body, type.c_str());
}

}  // namespace

// ---- routes -------------------------------------------------------------------------------

TEST_CASE("GET /api/v1/search returns ranked sections with snippets and facets", "[api][search]") {
  const auto r = search("ふるさと納税", {{"limit", "3"}});
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(is_json_type(r));
  const auto j = body_json(r);
  CHECK(j["query"] == "ふるさと納税");
  CHECK(j["total"].get<int>() > 3);
  REQUIRE(j["results"].size() == 3);
  CHECK(j["results"][0]["project"]["name"] == "ふるさと納税");
  CHECK(j["results"][0]["snippet"].get<std::string>().find("<mark>") != std::string::npos);
  CHECK(j["facets"]["division"][0]["value"] == "広報プロモーション課");
}

TEST_CASE("GET /api/v1/search applies division and kind parameters", "[api][search]") {
  const auto j = body_json(search("市民", {{"division", "広聴課"}, {"kind", "issues"}}));
  REQUIRE(j["results"].size() > 0);
  for (const auto& h : j["results"]) {
    CHECK(h["project"]["division"] == "広聴課");
    CHECK(h["section"]["kind"] == "issues");
  }
}

TEST_CASE("POST /api/v1/match routes a voice", "[api][match]") {
  const auto r = post("/api/v1/match",
                      json{{"text", "ふるさと納税の返礼品に八王子の地元のお菓子を加えてほしい"}, {"limit", 3}}.dump());
  REQUIRE(r);
  CHECK(r->status == 200);
  const auto j = body_json(r);
  CHECK(j["out_of_scope"] == false);
  CHECK(j["route"]["division"] == "広報プロモーション課");
  CHECK(j["route"]["project_id"] == "2026-shichokoshitsu-7");
  CHECK(j["matches"].size() <= 3);
}

TEST_CASE("POST /api/v1/route takes a JSON array", "[api][route]") {
  const auto r = post("/api/v1/route", json::array({{{"id", "a"}, {"text", "ふるさと納税の返礼品を増やして"}},
                                                    {{"id", "b"}, {"text", "市道の穴を直して"}},
                                                    {{"id", "c"}}})
                                           .dump());
  REQUIRE(r);
  CHECK(r->status == 200);
  const auto j = body_json(r);
  REQUIRE(j["results"].size() == 2);
  CHECK(j["results"][0]["id"] == "a");
  CHECK(j["results"][0]["division"] == "広報プロモーション課");
  CHECK(j["results"][1]["id"] == "b");
  CHECK(j["results"][1]["out_of_scope"] == true);
  CHECK(j["errors"].size() == 1);
}

TEST_CASE("POST /api/v1/route takes text/csv in UTF-8 or Shift_JIS", "[api][route]") {
  for (const auto& [what, body] : std::vector<std::pair<std::string, std::string>>{
           {"utf-8", "id,text\r\n1,ふるさと納税の返礼品について\r\n2,\"市道の穴を直して, 早く\"\r\n"},
           {"cp932", kCp932Csv}}) {
    INFO(what);
    const auto r = post("/api/v1/route", body, what == "utf-8" ? "text/csv" : "Text/CSV; charset=Shift_JIS");
    REQUIRE(r);
    CHECK(r->status == 200);
    const auto j = body_json(r);
    REQUIRE(j["results"].size() == 2);
    CHECK(j["results"][0]["id"] == "1");
    CHECK(j["results"][0]["project_id"] == "2026-shichokoshitsu-7");
    CHECK(j["results"][1]["out_of_scope"] == true);
  }
}

TEST_CASE("GET /api/v1/projects lists the nine projects", "[api][projects]") {
  const auto r = shared_server().client().Get("/api/v1/projects");
  REQUIRE(r);
  CHECK(r->status == 200);
  const auto j = body_json(r);
  REQUIRE(j["projects"].size() == 9);
  CHECK(j["projects"][0]["id"] == "2026-shichokoshitsu-1");
  CHECK(j["projects"][6]["name"] == "ふるさと納税");
  CHECK(j["projects"][8]["division"] == "広聴課");
}

TEST_CASE("GET /api/v1/projects/{id} returns one project with every section", "[api][projects]") {
  const auto r = shared_server().client().Get("/api/v1/projects/2026-shichokoshitsu-9");
  REQUIRE(r);
  CHECK(r->status == 200);
  const auto j = body_json(r);
  CHECK(j["id"] == "2026-shichokoshitsu-9");
  CHECK(j["name"] == "市民参加の推進");
  REQUIRE(j["sections"].size() == 9);
  CHECK(j["sections"][0]["kind"] == "title");

  check_error(shared_server().client().Get("/api/v1/projects/2026-shichokoshitsu-99"), 404, "not_found");
}

TEST_CASE("GET /api/v1/projects/{id}/related returns other projects", "[api][projects]") {
  const auto r = shared_server().client().Get("/api/v1/projects/2026-shichokoshitsu-7/related?limit=3");
  REQUIRE(r);
  CHECK(r->status == 200);
  const auto j = body_json(r);
  CHECK(j["project_id"] == "2026-shichokoshitsu-7");
  REQUIRE(j["related"].size() > 0);
  CHECK(j["related"].size() <= 3);
  for (const auto& rp : j["related"]) CHECK(rp["project"]["id"] != "2026-shichokoshitsu-7");

  check_error(shared_server().client().Get("/api/v1/projects/nope/related"), 404, "not_found");
  check_error(shared_server().client().Get("/api/v1/projects/2026-shichokoshitsu-7/related?limit=0"), 400);
}

TEST_CASE("GET /api/v1/openapi.json serves the OpenAPI document", "[api][openapi]") {
  const auto r = shared_server().client().Get("/api/v1/openapi.json");
  REQUIRE(r);
  CHECK(r->status == 200);
  const auto j = body_json(r);
  CHECK(j["openapi"].get<std::string>().starts_with("3."));
  CHECK(j["paths"].contains("/api/v1/search"));
}

TEST_CASE("GET /healthz reports the open index", "[api][health]") {
  const auto j = body_json(shared_server().client().Get("/healthz"));
  CHECK(j["status"] == "ok");
  CHECK(j["sections"] == 83);
}

TEST_CASE("GET /metrics exposes request counts and the index size", "[api][metrics]") {
  REQUIRE(search("市民"));
  const auto r = shared_server().client().Get("/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type").starts_with("text/plain"));
  CHECK_THAT(r->body, Catch::Contains("koe_requests_total{route=\"/api/v1/search\",status=\"200\"}"));
  CHECK_THAT(r->body, Catch::Contains("koe_index_documents 83"));
  CHECK_THAT(r->body, Catch::Contains("koe_request_duration_seconds_bucket"));
  // The transport's state: this request's own connection is open, nothing waits.
  const auto open_at = r->body.find("\nkoe_http_open_connections ");
  REQUIRE(open_at != std::string::npos);
  CHECK(std::stoul(r->body.substr(open_at + 27)) >= 1);
  CHECK_THAT(r->body, Catch::Contains("koe_http_queued{lane=\"batch\"} 0"));
  CHECK_THAT(r->body, Catch::Contains("koe_http_rejected_overload_total"));
  CHECK_THAT(r->body, Catch::Contains("koe_http_timeouts_total"));
}

TEST_CASE("Every response carries a request id", "[api]") {
  const auto a = shared_server().client().Get("/healthz");
  const auto b = shared_server().client().Get("/healthz");
  REQUIRE(a);
  REQUIRE(b);
  CHECK_FALSE(a->get_header_value("X-Request-Id").empty());
  CHECK(a->get_header_value("X-Request-Id") != b->get_header_value("X-Request-Id"));
}

TEST_CASE("The web pages and their static files are served", "[api][web]") {
  auto c = shared_server().client();
  for (const char* page : {"/", "/voice", "/projects/2026-shichokoshitsu-7"}) {
    INFO(page);
    const auto r = c.Get(page);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type").starts_with("text/html"));
  }
  const auto css = c.Get("/static/koe.css");
  REQUIRE(css);
  CHECK(css->status == 200);
  CHECK_FALSE(css->body.empty());
  // Nothing outside the web root: api/CMakeLists.txt sits two levels above static/.
  for (const char* escape : {"/static/../../CMakeLists.txt", "/static/%2e%2e/%2e%2e/CMakeLists.txt",
                             "/static/..%2f..%2fCMakeLists.txt", "/static/%2E%2E%2F%2E%2E%2FCMakeLists.txt"}) {
    INFO(escape);
    const auto r = c.Get(escape);
    REQUIRE(r);
    CHECK(r->status >= 400);
    CHECK(r->body.find("add_library") == std::string::npos);
  }
}

// ---- errors -------------------------------------------------------------------------------

TEST_CASE("Malformed JSON is a 400 JSON error", "[api][errors]") {
  check_error(post("/api/v1/match", "{\"text\": "), 400, "invalid_json");
  check_error(post("/api/v1/match", "[\"text\"]"), 400);
  check_error(post("/api/v1/route", "{not json"), 400, "invalid_json");
}

TEST_CASE("A match body without text is a 400", "[api][errors]") {
  check_error(post("/api/v1/match", "{}"), 400, "missing_text");
  check_error(post("/api/v1/match", "{\"txt\": \"ふるさと納税\"}"), 400, "missing_text");
}

TEST_CASE("A match text that is not a string is a 400", "[api][errors]") {
  check_error(post("/api/v1/match", "{\"text\": 5}"), 400);
  check_error(post("/api/v1/match", "{\"text\": [\"ふるさと納税\"]}"), 400);
  check_error(post("/api/v1/match", "{\"text\": null}"), 400);
}

TEST_CASE("A body that is not UTF-8 is a 400 naming the byte offset", "[api][errors]") {
  const auto r = post("/api/v1/match", "{\"text\": \"\x82\xd3\x82\xe9\"}");
  check_error(r, 400, "invalid_utf8");
  CHECK_THAT(r->body, Catch::Contains("byte offset 10"));
  check_error(post("/api/v1/route", "[{\"text\": \"\xff\"}]"), 400, "invalid_utf8");
  check_error(search("\xff\xfe"), 400);
}

TEST_CASE("An empty query or text is a 400", "[api][errors]") {
  check_error(shared_server().client().Get("/api/v1/search"), 400);
  check_error(search(""), 400);
  check_error(search("   "), 400);
  check_error(search("の"), 400);
  check_error(post("/api/v1/match", "{\"text\": \"\"}"), 400);
  check_error(post("/api/v1/match", "{\"text\": \"  \\n \"}"), 400);
}

TEST_CASE("A limit out of range is a 400", "[api][errors]") {
  for (const char* limit : {"0", "101", "-1", "ten", "5x"}) {
    INFO("limit=" << limit);
    check_error(search("市民", {{"limit", limit}}), 400);
  }
  check_error(search("市民", {{"offset", "-3"}}), 400);
  for (const char* limit : {"0", "51", "2.5", "\"3\""}) {
    INFO("match limit " << limit);
    check_error(post("/api/v1/match", std::string("{\"text\": \"ふるさと納税\", \"limit\": ") + limit + "}"), 400);
  }
}

TEST_CASE("A body over the configured maximum is a 413", "[api][errors]") {
  std::string text;
  while (text.size() < kMaxMatchBytes + 10) text += "ふるさと納税の返礼品について。";
  check_error(post("/api/v1/match", json{{"text", text}}.dump()), 413, "payload_too_large");
  std::string csv = "id,text\n";
  while (csv.size() < kMaxRouteBytes + 10) csv += "1,ふるさと納税の返礼品について\n";
  check_error(post("/api/v1/route", csv, "text/csv"), 413);
  json voices = json::array();
  for (int k = 0; k < 21; ++k) voices.push_back({{"id", std::to_string(k)}, {"text", "広報紙"}});
  check_error(post("/api/v1/route", voices.dump()), 413, "too_many_voices");
}

TEST_CASE("A match body under the maximum is not refused as too large whatever its Content-Type", "[api][errors]") {
  // curl -d sends application/x-www-form-urlencoded; cpp-httplib has its own 8 KB cap for
  // form bodies, which must not surface as a 413 "over the configured maximum".
  auto config = test_config(koe::test::shared_index().db);
  config.max_match_bytes = 64 * 1024;
  config.max_route_bytes = 256 * 1024;
  RunningServer server(config);
  std::string text;
  while (text.size() < 20 * 1024) text += "ふるさと納税の返礼品について。";
  const std::string body = json{{"text", text}}.dump();
  REQUIRE(body.size() < config.max_match_bytes);
  const auto as_json = server.client().Post("/api/v1/match", body, "application/json");
  REQUIRE(as_json);
  CHECK(as_json->status == 200);
  const auto as_form = server.client().Post("/api/v1/match", body, "application/x-www-form-urlencoded");
  REQUIRE(as_form);
  INFO("body: " << as_form->body.substr(0, 200));
  CHECK((as_form->status == 200 || as_form->status == 415));
}

TEST_CASE("A route body of another media type is a 415", "[api][errors]") {
  check_error(post("/api/v1/route", "ふるさと納税", "text/plain"), 415, "unsupported_media_type");
}

TEST_CASE("An unknown route is a 404 JSON error", "[api][errors]") {
  check_error(shared_server().client().Get("/api/v1/nothing-here"), 404, "not_found");
  check_error(shared_server().client().Get("/api/v2/search?q=x"), 404);
  check_error(post("/api/v1/nothing-here", "{}"), 404);
}

TEST_CASE("A known path with the wrong method is a 405 JSON error with Allow", "[api][errors]") {
  auto c = shared_server().client();
  const auto get_match = c.Get("/api/v1/match");
  check_error(get_match, 405, "method_not_allowed");
  CHECK_THAT(get_match->get_header_value("Allow"), Catch::Contains("POST"));
  const auto post_search = post("/api/v1/search", "{}");
  check_error(post_search, 405);
  CHECK_THAT(post_search->get_header_value("Allow"), Catch::Contains("GET"));
  const auto del = c.Delete("/api/v1/projects/2026-shichokoshitsu-7");
  check_error(del, 405);
  CHECK_THAT(del->get_header_value("Allow"), Catch::Contains("GET"));
  const auto put = c.Put("/healthz", "{}", "application/json");
  check_error(put, 405);
}

TEST_CASE("Bytes that are not UTF-8 in a path or parameter give a 4xx JSON error, never a 500", "[api][errors]") {
  struct Case {
    const char* method;
    const char* target;
    std::vector<int> statuses;
  };
  const Case cases[] = {
      {"GET", "/api/v1/search?q=%E5%B8%82%E6%B0%91&limit=%FF", {400}},
      {"GET", "/api/v1/search?q=%E5%B8%82%E6%B0%91&offset=%FF", {400}},
      {"GET", "/api/v1/search?q=%E5%B8%82%E6%B0%91&kind=%FF", {400}},
      {"GET", "/api/v1/search?q=%E5%B8%82%E6%B0%91&division=%FF", {200, 400}},
      {"GET", "/api/v1/projects/%FF", {400, 404}},
      {"GET", "/api/v1/projects/%FF/related", {400, 404}},
      {"GET", "/api/v1/projects/2026-shichokoshitsu-7/related?limit=%FF", {400}},
      {"DELETE", "/api/v1/projects/%FF", {400, 405}},
  };
  for (const auto& c : cases) {
    INFO(c.method << " " << c.target);
    auto client = shared_server().client();
    const auto r = std::string(c.method) == "GET" ? client.Get(c.target) : client.Delete(c.target);
    REQUIRE(r);
    INFO("status " << r->status << " body " << r->body.substr(0, 200));
    CHECK(std::find(c.statuses.begin(), c.statuses.end(), r->status) != c.statuses.end());
    if (r->status != 200) check_error(r, r->status);
  }
}

TEST_CASE("An unknown path with bytes that are not UTF-8 is a 404 and the server keeps serving", "[api][errors]") {
  // The 404 message names the path; it must not take the server down.
  check_error(shared_server().client().Get("/api/v1/nothing%FF"), 404, "not_found");
  check_error(shared_server().client().Get("/%FF%FE"), 404);
}

// ---- CORS ---------------------------------------------------------------------------------

TEST_CASE("An allowed Origin gets Access-Control-Allow-Origin and another does not", "[api][cors]") {
  auto c = shared_server().client();
  const auto allowed = c.Get("/api/v1/projects", httplib::Headers{{"Origin", kAllowedOrigin}});
  REQUIRE(allowed);
  CHECK(allowed->status == 200);
  CHECK(allowed->get_header_value("Access-Control-Allow-Origin") == kAllowedOrigin);
  CHECK_THAT(allowed->get_header_value("Vary"), Catch::Contains("Origin"));

  const auto other = c.Get("/api/v1/projects", httplib::Headers{{"Origin", "https://evil.example"}});
  REQUIRE(other);
  CHECK(other->status == 200);
  CHECK_FALSE(other->has_header("Access-Control-Allow-Origin"));

  const auto none = c.Get("/api/v1/projects");
  REQUIRE(none);
  CHECK_FALSE(none->has_header("Access-Control-Allow-Origin"));
}

TEST_CASE("A CORS preflight from an allowed origin is a 204", "[api][cors]") {
  auto c = shared_server().client();
  const auto r = c.Options("/api/v1/match", httplib::Headers{{"Origin", kAllowedOrigin},
                                                             {"Access-Control-Request-Method", "POST"},
                                                             {"Access-Control-Request-Headers", "Content-Type"}});
  REQUIRE(r);
  CHECK(r->status == 204);
  CHECK(r->get_header_value("Access-Control-Allow-Origin") == kAllowedOrigin);
  CHECK_THAT(r->get_header_value("Access-Control-Allow-Methods"), Catch::Contains("POST"));
  CHECK_THAT(r->get_header_value("Access-Control-Allow-Headers"), Catch::Contains("Content-Type"));

  const auto other = c.Options(
      "/api/v1/match", httplib::Headers{{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  REQUIRE(other);
  CHECK_FALSE(other->has_header("Access-Control-Allow-Origin"));
}

// ---- the OpenAPI document against the server ----------------------------------------------

TEST_CASE("Every path and method in openapi.json is served", "[api][openapi]") {
  auto c = shared_server().client();
  const auto doc = body_json(c.Get("/api/v1/openapi.json"));
  REQUIRE(doc["paths"].size() >= 9);
  std::size_t calls = 0;
  for (const auto& [path_template, methods] : doc["paths"].items()) {
    std::string path = path_template;
    if (auto at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, "2026-shichokoshitsu-7");
    for (const auto& item : methods.items()) {
      // Named copies, not structured bindings: clang 14 (the fuzz and sanitizer builds) cannot
      // capture a binding in the lambda below.
      const std::string method = item.key();
      const auto& op = item.value();
      INFO(method << " " << path);
      // Routes of the desk are called as a clerk with an API token; a voice's {id} is one made here.
      httplib::Headers headers;
      if (op.contains("security")) headers.emplace("Authorization", "Bearer " + shared_clerk().token);
      if (path.starts_with("/api/v1/voices/") && path_template.find("{id}") != std::string::npos) {
        const auto made = body_json(
            c.Post("/api/v1/voices", headers, R"({"text": "ふるさと納税の返礼品を増やして"})", "application/json"));
        path = path_template;
        path.replace(path.find("{id}"), 4, std::to_string(made["id"].get<long long>()));
      }
      auto call = [&]() -> httplib::Result {
        if (method == "get")
          return path == "/api/v1/search" ? c.Get("/api/v1/search", httplib::Params{{"q", "市民"}}, headers)
                                          : c.Get(path.c_str(), headers);
        if (method == "patch")
          return c.Patch(path.c_str(), headers, R"({"version": 1, "note": "openapi"})", "application/json");
        if (method != "post") FAIL("openapi.json documents a method this test does not know: " << method);
        std::string body = R"({"text": "ふるさと納税の返礼品"})";
        if (path == "/api/v1/route" || path == "/api/v1/voices/import")
          body = R"([{"id": "1", "text": "ふるさと納税の返礼品"}])";
        if (path == "/api/v1/login")
          body = json{{"name", shared_clerk().name}, {"password", shared_clerk().password}}.dump();
        return c.Post(path.c_str(), headers, body, "application/json");
      };
      const auto r = call();
      ++calls;
      REQUIRE(r);
      CHECK(r->status != 404);
      CHECK(r->status != 405);
      CHECK(r->status < 500);
      // The documented media type of the success response decides what the body must be.
      std::string text_type;
      if (op.contains("responses") && op["responses"].contains("200") && op["responses"]["200"].contains("content"))
        for (const char* t : {"text/plain", "text/csv"})
          if (op["responses"]["200"]["content"].contains(t)) text_type = t;
      if (!text_type.empty()) {
        CHECK(r->get_header_value("Content-Type").starts_with(text_type));
      } else {
        CHECK(is_json_type(r));
        CHECK_NOTHROW(json::parse(r->body));
      }
    }
  }
  CHECK(calls >= 9);
}

// ---- index lifecycle ----------------------------------------------------------------------

namespace {

/// Requests from four threads while `koe index` runs twice on the served index in `mode`,
/// each time with a changed word: every request must succeed, and the last text be served.
void check_requests_succeed_while_reindexed(koe::IndexMode mode) {
  TempDir dir("koe-api-concurrency");
  const fs::path corpus = koe::test::copy_corpus(dir.path());
  const fs::path plan = corpus / "2026" / "shichokoshitsu.tsv";
  const fs::path db = dir / "db";
  REQUIRE(koe::build_index(koe::test::analyzer(), {{corpus}, db}).committed);
  RunningServer server(test_config(db));

  // Each thread sends at least kMinPerThread requests and keeps going until both rebuilds are
  // done, up to kMaxPerThread (so the test stays bounded however slow the machine is).
  constexpr int kThreads = 4;
  constexpr int kMinPerThread = 25;
  constexpr int kMaxPerThread = 100;
  std::atomic<int> done{0}, failed{0};
  std::atomic<bool> rebuilt{false};
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto c = server.client();
      for (int k = 0; k < kMaxPerThread && (k < kMinPerThread || !rebuilt); ++k) {
        auto call = [&]() -> httplib::Result {
          switch ((t + k) % 4) {
            case 0:
              return c.Get("/api/v1/search", httplib::Params{{"q", "市民 返礼品"}}, httplib::Headers{});
            case 1:
              return c.Post("/api/v1/match", R"({"text": "ふるさと納税の返礼品を増やして"})", "application/json");
            case 2:
              return c.Get("/api/v1/projects/2026-shichokoshitsu-7");
            default:
              return c.Get("/api/v1/projects/2026-shichokoshitsu-7/related");
          }
        };
        const auto r = call();
        if (!r || r->status != 200) {
          ++failed;
          if (failures[t].empty())
            failures[t] = r ? std::to_string(r->status) + " " + r->body.substr(0, 200)
                            : "no response: " + httplib::to_string(r.error());
        }
        ++done;
      }
    });
  }
  // Rebuild while requests are in flight: a changed word, then another.
  while (done < 4) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const int done_before_rebuilds = done;
  std::string text = koe::test::read_file(plan);
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"桑都ペイの返礼品への活用", "電子マネーの返礼品への活用"},
        std::pair<std::string, std::string>{"電子マネーの返礼品への活用", "地域通貨の返礼品への活用"}}) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    koe::test::write_file(plan, text);
    const auto s = koe::build_index(koe::test::analyzer(), {{corpus}, db, mode});
    CHECK(s.committed);
    CHECK(s.sections == 83);
  }
  const int done_after_rebuilds = done;
  rebuilt = true;
  for (auto& t : threads) t.join();
  for (const auto& f : failures) CHECK(f.empty());
  CHECK(failed == 0);
  CHECK(done >= kThreads * kMinPerThread);
  CHECK(done <= kThreads * kMaxPerThread);
  // Requests were answered while the index was being rebuilt.
  CHECK(done_after_rebuilds > done_before_rebuilds);

  // The server now serves the latest revision.
  const auto j =
      body_json(server.client().Get("/api/v1/search", httplib::Params{{"q", "地域通貨"}}, httplib::Headers{}));
  CHECK(j["total_all_words"] == 1);
}

}  // namespace

TEST_CASE("Concurrent requests all succeed while the index is updated twice", "[api][concurrency]") {
  check_requests_succeed_while_reindexed(koe::IndexMode::update);
}

TEST_CASE("Concurrent requests all succeed while koe index --rebuild swaps in a new index twice",
          "[api][concurrency]") {
  // The first rebuild also moves the index from in place to a generation.
  check_requests_succeed_while_reindexed(koe::IndexMode::rebuild);
}

TEST_CASE("A rebuild swapped in is served from the next request on", "[api][health]") {
  TempDir dir("koe-api-swap");
  const fs::path corpus = koe::test::copy_corpus(dir.path());
  const fs::path plan = corpus / "2026" / "shichokoshitsu.tsv";
  const fs::path db = dir / "db";
  const koe::IndexOptions rebuild{{corpus}, db, koe::IndexMode::rebuild};
  REQUIRE(koe::build_index(koe::test::analyzer(), rebuild).committed);
  auto config = test_config(db);
  config.threads = 1;  // one worker: its handle is open on the generation being replaced
  RunningServer server(config);
  auto c = server.client();
  auto total_for = [&](const std::string& q) -> int {
    const auto r = c.Get("/api/v1/search", httplib::Params{{"q", q}}, httplib::Headers{});
    if (!r || r->status != 200) return -1;
    return json::parse(r->body)["total_all_words"].get<int>();
  };
  REQUIRE(total_for("桑都ペイ") == 2);

  std::string text = koe::test::read_file(plan);
  const std::string from = "桑都ペイの返礼品への活用";
  text.replace(text.find(from), from.size(), "地域通貨の返礼品への活用");
  koe::test::write_file(plan, text);
  const auto s = koe::build_index(koe::test::analyzer(), rebuild);
  REQUIRE(s.committed);
  REQUIRE_FALSE(fs::exists(db / "gen-1"));  // removed while the worker's handle still has it open
  CHECK(total_for("地域通貨") == 1);        // no wait: the very next request follows the swap
  CHECK(total_for("桑都ペイ") == 1);
  const auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body)["sections"] == 83);
}

TEST_CASE("Health is 503 before the index exists and 200 once it is built, without a restart", "[api][health]") {
  TempDir dir("koe-api-health");
  const fs::path db = dir / "not-yet" / "db";
  RunningServer server(test_config(db));
  auto c = server.client();

  const auto before = c.Get("/healthz");
  REQUIRE(before);
  CHECK(before->status == 503);
  CHECK(is_json_type(before));
  CHECK(body_json(before).contains("error"));
  const auto search_before = c.Get("/api/v1/search", httplib::Params{{"q", "市民"}}, httplib::Headers{});
  REQUIRE(search_before);
  CHECK(search_before->status == 503);
  CHECK(body_json(search_before)["error"]["code"].is_string());

  REQUIRE(koe::build_index(koe::test::analyzer(), {{koe::test::corpus_dir()}, db}).committed);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto r = c.Get("/healthz");
    if (r && (status = r->status) == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(status == 200);
  const auto search_after = c.Get("/api/v1/search", httplib::Params{{"q", "市民"}}, httplib::Headers{});
  REQUIRE(search_after);
  CHECK(search_after->status == 200);
}

TEST_CASE("Idle keep-alive connections do not hold every worker", "[api][concurrency]") {
  // Browsers keep up to six connections per site open after a page loads. As many idle
  // connections as worker threads must not stall every other client for the keep-alive
  // timeout.
  auto config = test_config(koe::test::shared_index().db);
  config.threads = 2;
  RunningServer server(config);
  std::vector<std::unique_ptr<httplib::Client>> idle;
  for (int k = 0; k < config.threads; ++k) {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", server.port());
    c->set_keep_alive(true);
    const auto r = c->Get("/healthz");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    idle.push_back(std::move(c));  // the connection stays open, idle
  }
  const auto started = std::chrono::steady_clock::now();
  auto fresh = server.client();
  fresh.set_read_timeout(10, 0);
  const auto r = fresh.Get("/healthz");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(seconds < 1.0);
}

TEST_CASE("An index deleted and built again in the same place is served without a restart", "[api][health]") {
  TempDir dir("koe-api-recreate");
  const fs::path corpus = koe::test::copy_corpus(dir.path());
  const fs::path plan = corpus / "2026" / "shichokoshitsu.tsv";
  const fs::path db = dir / "db";
  REQUIRE(koe::build_index(koe::test::analyzer(), {{corpus}, db}).committed);
  RunningServer server(test_config(db));
  auto c = server.client();
  auto total_for = [&](const std::string& q) -> int {
    const auto r = c.Get("/api/v1/search", httplib::Params{{"q", q}}, httplib::Headers{});
    if (!r || r->status != 200) return -1;
    return json::parse(r->body)["total_all_words"].get<int>();
  };
  REQUIRE(total_for("桑都ペイ") == 2);

  fs::remove_all(db);
  std::string text = koe::test::read_file(plan);
  const std::string from = "桑都ペイの返礼品への活用";
  text.replace(text.find(from), from.size(), "地域通貨の返礼品への活用");
  koe::test::write_file(plan, text);
  REQUIRE(koe::build_index(koe::test::analyzer(), {{corpus}, db}).committed);

  int found = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline && (found = total_for("地域通貨")) != 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(found == 1);
  CHECK(total_for("桑都ペイ") == 1);
  const auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("A server on port 0 binds a free port", "[api][config]") {
  auto config = test_config(koe::test::shared_index().db);
  CHECK(koe::api::validate(config).empty());
  koe::api::Server a(config);
  koe::api::Server b(config);
  const int pa = a.bind();
  const int pb = b.bind();
  CHECK(pa > 0);
  CHECK(pb > 0);
  CHECK(pa != pb);
}

TEST_CASE("A port another server listens on is an error naming it", "[api][config]") {
  // Two koe servers on one port would split requests between them (cpp-httplib's default
  // socket options include SO_REUSEPORT); the second must refuse to start instead.
  auto config = test_config(koe::test::shared_index().db);
  koe::api::Server first(config);
  const int port = first.bind();
  REQUIRE(port > 0);
  config.port = port;
  koe::api::Server second(config);
  CHECK_THROWS_WITH(second.bind(), Catch::Contains(std::to_string(port)));
}

// ---- configuration ------------------------------------------------------------------------

TEST_CASE("A configuration file with an unknown key names the file and the key", "[api][config]") {
  TempDir dir("koe-config");
  const auto file = dir / "koe.jsonc";
  koe::test::write_file(file, "{\n  // comments are allowed\n  \"port\": 9000,\n  \"colour\": \"blue\"\n}\n");
  koe::api::Settings c;
  try {
    koe::api::apply_config_file(c, file);
    FAIL("expected an error for the unknown key");
  } catch (const koe::Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains(file.string()));
    CHECK_THAT(std::string(e.what()), Catch::Contains("colour"));
  }
  koe::test::write_file(file, "{\"threads\": \"many\"}");
  CHECK_THROWS_WITH(koe::api::apply_config_file(c, file), Catch::Contains("threads"));
  koe::test::write_file(file, "{\"port\": 9000,");
  CHECK_THROWS_WITH(koe::api::apply_config_file(c, file), Catch::Contains(file.string()));
  CHECK_THROWS_WITH(koe::api::apply_config_file(c, dir / "missing.jsonc"), Catch::Contains("missing.jsonc"));
}

TEST_CASE("A configuration file sets what it names and leaves the rest", "[api][config]") {
  TempDir dir("koe-config");
  const auto file = dir / "koe.jsonc";
  koe::test::write_file(file,
                        R"({"port": 9000, "threads": 3, "cors_origins": ["https://a.example"], "access_log": false})");
  koe::api::Settings c;
  koe::api::apply_config_file(c, file);
  CHECK(c.port == 9000);
  CHECK(c.threads == 3);
  CHECK(c.cors_origins == std::vector<std::string>{"https://a.example"});
  CHECK_FALSE(c.access_log);
  CHECK(c.host == "127.0.0.1");
  CHECK(koe::api::validate(c).empty());
}

TEST_CASE("validate rejects a bad port, thread count or CORS origin", "[api][config]") {
  auto has = [](const std::vector<std::string>& problems, const std::string& what) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const auto& p) { return p.find(what) != std::string::npos; });
  };
  koe::api::Settings good;
  CHECK(koe::api::validate(good).empty());

  auto c = good;
  c.port = 70000;
  CHECK(has(koe::api::validate(c), "port"));
  c = good;
  c.port = -1;
  CHECK(has(koe::api::validate(c), "port"));
  c = good;
  c.threads = 0;
  CHECK(has(koe::api::validate(c), "threads"));
  c = good;
  c.cors_origins = {"koe.example.jp"};
  const auto problems = koe::api::validate(c);
  CHECK(has(problems, "cors_origins"));
  CHECK(has(problems, "koe.example.jp"));
  c = good;
  c.cors_origins = {"*", "https://koe.example.jp", "http://localhost:8080"};
  CHECK(koe::api::validate(c).empty());

  c = good;
  c.port = 70000;
  c.threads = 0;
  CHECK(koe::api::validate(c).size() == 2);
  CHECK_THROWS_AS(koe::api::Server(c), koe::Error);
}

TEST_CASE("Negative sizes are refused, not read as no limit at all", "[api][config]") {
  TempDir dir("koe-config");
  const auto file = dir / "koe.jsonc";
  koe::test::write_file(file, R"({"max_match_bytes": -1, "max_route_bytes": -1})");
  koe::api::Settings c;
  bool refused = false;
  try {
    koe::api::apply_config_file(c, file);
    refused = !koe::api::validate(c).empty();
  } catch (const koe::Error& e) {
    refused = std::string(e.what()).find("max_") != std::string::npos;
  }
  CHECK(refused);

  koe::api::Settings env;
  bool env_refused = false;
  try {
    koe::api::apply_environment(env, {{"KOE_MAX_MATCH_BYTES", "-1"}, {"KOE_MAX_ROUTE_BYTES", "-1"}});
    env_refused = !koe::api::validate(env).empty();
  } catch (const koe::Error& e) {
    env_refused = std::string(e.what()).find("KOE_MAX_") != std::string::npos;
  }
  CHECK(env_refused);
}

TEST_CASE("The environment overrides the configuration file", "[api][config]") {
  TempDir dir("koe-config");
  const auto file = dir / "koe.jsonc";
  koe::test::write_file(file, R"({"port": 9000, "threads": 3, "db": "/srv/koe/db"})");
  koe::api::Settings c;
  koe::api::apply_config_file(c, file);
  koe::api::apply_environment(c, {{"KOE_PORT", "9100"},
                                  {"KOE_CORS_ORIGINS", "https://a.example, https://b.example"},
                                  {"KOE_MAX_MATCH_BYTES", "2048"},
                                  {"UNRELATED", "x"}});
  CHECK(c.port == 9100);
  CHECK(c.threads == 3);
  CHECK(c.db == "/srv/koe/db");
  CHECK(c.cors_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(c.max_match_bytes == 2048);
  CHECK_THROWS_WITH(koe::api::apply_environment(c, {{"KOE_THREADS", "many"}}), Catch::Contains("KOE_THREADS"));
}

TEST_CASE("An index of an older schema is a 503 that says to rebuild it", "[api][health]") {
  TempDir dir("koe-api-schema");
  const fs::path db = dir / "db";
  REQUIRE(koe::build_index(koe::test::analyzer(), {{koe::test::corpus_dir()}, db}).committed);
  {
    Xapian::WritableDatabase w(db.string());
    w.set_metadata(std::string(koe::schema::kMetaSchema), "1");
    w.commit();
  }
  RunningServer server(test_config(db));
  auto c = server.client();
  for (const auto& r :
       {c.Get("/healthz"), c.Get("/api/v1/search", httplib::Params{{"q", "市民"}}, httplib::Headers{})}) {
    REQUIRE(r);
    CHECK(r->status == 503);
    const auto message = body_json(r)["error"]["message"].get<std::string>();
    CHECK(message.find("schema 1") != std::string::npos);
    CHECK(message.find("koe index") != std::string::npos);
  }
}

// ---- hostile input ------------------------------------------------------------------------

TEST_CASE("Every response carries the security headers, pages and errors alike", "[api][security]") {
  auto c = shared_server().client();
  for (const auto& r : {c.Get("/"), c.Get("/static/koe.css"), c.Get("/api/v1/projects"), c.Get("/api/v1/nothing"),
                        c.Post("/api/v1/match", "{}", "application/json")}) {
    REQUIRE(r);
    INFO("status " << r->status);
    CHECK(r->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK_THAT(r->get_header_value("Content-Security-Policy"), Catch::Contains("frame-ancestors 'none'"));
    CHECK_THAT(r->get_header_value("Content-Security-Policy"), Catch::Contains("default-src 'self'"));
    CHECK_FALSE(r->get_header_value("Referrer-Policy").empty());
  }
}

TEST_CASE("A body in a media type the route does not document is a 415", "[api][security]") {
  const std::string voice = R"({"text": "ふるさと納税の返礼品"})";
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""}) {
    INFO("Content-Type «" << type << "»");
    check_error(post("/api/v1/match", voice, type), 415, "unsupported_media_type");
  }
  const auto ok = post("/api/v1/match", voice, "Application/JSON; charset=utf-8");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  check_error(post("/api/v1/route", "id,text\n1,x\n", "text/plain"), 415, "unsupported_media_type");
}

TEST_CASE("A path cut at a NUL byte is refused, not served as another file", "[api][security]") {
  auto c = shared_server().client();
  for (const char* target : {"/static/koe.css%00.js", "/static/%00", "/api/v1/projects/x%00y"}) {
    INFO(target);
    const auto r = c.Get(target);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->get_header_value("Content-Type").starts_with("application/json"));
  }
}

TEST_CASE("Numbers out of range and deep nesting in a body are 400s, never a crash", "[api][security]") {
  check_error(post("/api/v1/match", R"({"text": "ふるさと納税", "limit": 1e309})"), 400, "invalid_json");
  const std::string deep = "[{\"id\": " + std::string(60000, '[') + std::string(60000, ']') + ", \"text\": \"x\"}]";
  check_error(post("/api/v1/route", deep), 413);
  const std::string nested = "{\"voices\": " + std::string(3000, '[') + std::string(3000, ']') + "}";
  check_error(post("/api/v1/route", nested), 400, "invalid_json");
}

TEST_CASE("An answer about the index names no path of the server's filesystem", "[api][security]") {
  TempDir dir("koe-api-nopath");
  RunningServer server(test_config(dir / "no-index-here"));
  const auto r = server.client().Get("/api/v1/search?q=%E5%B8%82%E6%B0%91");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->body.find(dir.path().string()) == std::string::npos);
  CHECK(r->body.find("no-index-here") == std::string::npos);
}
