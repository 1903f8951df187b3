// The voice desk through the API: sign-in (tokens, the session cookie and its CSRF token,
// failed logins), voices received, routed and masked, the workflow and its history, two
// clerks at once, what a 課's user may see, import, export and statistics.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "desk_support.hpp"
#include "running_server.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using koe::test::TempDir;

/// A server with a desk of its own (a fresh store per test case) over the shared index.
struct Desk {
  TempDir dir{"koe-desk-api"};
  koe::test::RunningServer server{[this] {
    koe::api::Settings s;
    s.port = 0;
    s.db = koe::test::shared_index().db;
    s.store = dir / "desk.sqlite3";
    s.threads = 2;
    s.access_log = false;
    return s;
  }()};
  koe::test::DeskUser clerk = koe::test::add_desk_user(server.settings().store, "hirose", koe::desk::Role::clerk);

  httplib::Headers as(const koe::test::DeskUser& u) const { return {{"Authorization", "Bearer " + u.token}}; }

  json post_voice(const std::string& text, const koe::test::DeskUser* who = nullptr) {
    auto r =
        server.client().Post("/api/v1/voices", as(who ? *who : clerk), json{{"text", text}}.dump(), "application/json");
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 201);
    return json::parse(r->body);
  }
  httplib::Result patch(std::int64_t id, const json& body, const koe::test::DeskUser* who = nullptr) {
    return server.client().Patch(("/api/v1/voices/" + std::to_string(id)).c_str(), as(who ? *who : clerk), body.dump(),
                                 "application/json");
  }
  json ok(const httplib::Result& r, int status = 200) {
    REQUIRE(r);
    INFO("status " << r->status << " body " << r->body.substr(0, 400));
    REQUIRE(r->status == status);
    return json::parse(r->body);
  }
};

void check_refused(const httplib::Result& r, int status, const std::string& code) {
  REQUIRE(r);
  INFO("body " << r->body.substr(0, 300));
  CHECK(r->status == status);
  CHECK(r->get_header_value("Content-Type").starts_with("application/json"));
  const auto j = json::parse(r->body);
  CHECK(j["error"]["code"] == code);
}

const std::string kVoiceWithPersonalData =
    "ふるさと納税の返礼品に八王子の地元のお菓子を加えてほしい。連絡先は042-123-4567、山田太郎様宛てでお願いします。";

}  // namespace

TEST_CASE("The desk refuses a caller who has not signed in, with a JSON 401", "[desk][auth]") {
  Desk d;
  auto c = d.server.client();
  const auto none = c.Get("/api/v1/voices");
  check_refused(none, 401, "unauthorized");
  CHECK_THAT(none->get_header_value("WWW-Authenticate"), Catch::Contains("Bearer"));
  check_refused(c.Get("/api/v1/voices", {{"Authorization", "Bearer koe_not-a-token"}}), 401, "unauthorized");
  check_refused(c.Get("/api/v1/voices", {{"Cookie", "koe_session=forged"}}), 401, "unauthorized");
  check_refused(c.Post("/api/v1/voices", "{\"text\": \"x\"}", "application/json"), 401, "unauthorized");
  // The plans stay public.
  CHECK(c.Get("/api/v1/projects")->status == 200);
}

TEST_CASE("A clerk signs in with a password: an HttpOnly SameSite cookie, and a CSRF token for unsafe requests",
          "[desk][auth]") {
  Desk d;
  auto c = d.server.client();
  check_refused(
      c.Post("/api/v1/login", json{{"name", "hirose"}, {"password", "wrong password here"}}.dump(), "application/json"),
      401, "unauthorized");
  const auto login =
      c.Post("/api/v1/login", json{{"name", "hirose"}, {"password", d.clerk.password}}.dump(), "application/json");
  const auto body = d.ok(login);
  const std::string cookie = login->get_header_value("Set-Cookie");
  CHECK_THAT(cookie, Catch::Contains("HttpOnly"));
  CHECK_THAT(cookie, Catch::Contains("SameSite=Strict"));
  CHECK(body["user"]["role"] == "clerk");
  const std::string csrf = body["csrf_token"];
  const std::string session = cookie.substr(0, cookie.find(';'));
  REQUIRE(session.starts_with("koe_session="));

  const auto me = d.ok(c.Get("/api/v1/session", {{"Cookie", session}}));
  CHECK(me["user"]["name"] == "hirose");
  CHECK(me["csrf_token"] == csrf);
  const std::string voice = json{{"text", "ふるさと納税の返礼品を増やして"}}.dump();
  check_refused(c.Post("/api/v1/voices", {{"Cookie", session}}, voice, "application/json"), 403, "csrf_failed");
  check_refused(c.Post("/api/v1/voices", {{"Cookie", session}, {"X-CSRF-Token", "guess"}}, voice, "application/json"),
                403, "csrf_failed");
  d.ok(c.Post("/api/v1/voices", {{"Cookie", session}, {"X-CSRF-Token", csrf}}, voice, "application/json"), 201);

  d.ok(c.Post("/api/v1/logout", {{"Cookie", session}, {"X-CSRF-Token", csrf}}, "", "application/json"));
  check_refused(c.Get("/api/v1/session", {{"Cookie", session}}), 401, "unauthorized");
}

TEST_CASE("Repeated failed logins lock the name, even against the right password", "[desk][auth]") {
  Desk d;
  auto c = d.server.client();
  for (int k = 0; k < 5; ++k)
    c.Post("/api/v1/login", json{{"name", "hirose"}, {"password", "not the password " + std::to_string(k)}}.dump(),
           "application/json");
  const auto locked =
      c.Post("/api/v1/login", json{{"name", "hirose"}, {"password", d.clerk.password}}.dump(), "application/json");
  check_refused(locked, 429, "too_many_attempts");
  // The lock's length, for programs and for the login page to say in Japanese.
  const int retry_after = std::stoi(locked->get_header_value("Retry-After", 0));
  CHECK(retry_after > 0);
  CHECK(retry_after <= 30);
  // A token still works: the lock is on guessing passwords, not on the account.
  CHECK(c.Get("/api/v1/voices", d.as(d.clerk))->status == 200);
}

TEST_CASE("A voice received is routed against the plans, masked, and kept with its suggestion", "[desk][voices]") {
  Desk d;
  const auto v = d.post_voice(kVoiceWithPersonalData);
  CHECK(v["status"] == "new");
  CHECK(v["version"] == 1);
  CHECK(v["text"] == kVoiceWithPersonalData);
  const std::string masked = v["text_masked"];
  CHECK_THAT(masked, Catch::Contains("［電話番号］"));
  CHECK_THAT(masked, Catch::Contains("［氏名］"));
  CHECK(masked.find("042-123-4567") == std::string::npos);
  CHECK(masked.find("山田") == std::string::npos);
  CHECK(v["suggestion"]["out_of_scope"] == false);
  CHECK(v["suggestion"]["route"]["project_id"] == "2026-shichokoshitsu-7");
  CHECK(v["route"].is_null());

  const auto again = d.ok(
      d.server.client().Get(("/api/v1/voices/" + std::to_string(v["id"].get<long long>())).c_str(), d.as(d.clerk)));
  CHECK(again["suggestion"] == v["suggestion"]);
  check_refused(d.server.client().Post("/api/v1/voices", d.as(d.clerk), R"({"text": "  "})", "application/json"), 400,
                "empty_text");
  // A voice with nothing koe can route is still received, without a suggestion.
  const auto thanks = d.post_voice("ありがとう。");
  CHECK(thanks["status"] == "new");
  CHECK(thanks["suggestion"].is_null());
  check_refused(d.server.client().Post("/api/v1/voices", d.as(d.clerk), R"({"txt": "x"})", "application/json"), 400,
                "missing_text");
  check_refused(d.server.client().Post("/api/v1/voices", d.as(d.clerk), R"({"text": "x", "received_at": "2024/13/1"})",
                                       "application/json"),
                400, "invalid_date");
}

TEST_CASE("A clerk confirms, forwards, answers and publishes a voice; the history says who did what",
          "[desk][workflow]") {
  Desk d;
  const auto v = d.post_voice("ふるさと納税の返礼品を増やしてほしい");
  const auto id = v["id"].get<std::int64_t>();
  auto step = d.ok(
      d.patch(id, {{"version", 1}, {"route", {{"project_id", "2026-shichokoshitsu-7"}}}, {"status", "confirmed"}}));
  CHECK(step["status"] == "confirmed");
  CHECK(step["route"]["division"] == "広報プロモーション課");
  CHECK(step["decided_by"] == "hirose");
  check_refused(d.patch(id, {{"version", 2}, {"status", "published"}}), 400, "invalid_transition");
  step = d.ok(d.patch(id, {{"version", 2}, {"status", "forwarded"}, {"note", "広報プロモーション課へ"}}));
  step = d.ok(d.patch(id, {{"version", 3}, {"status", "answered"}, {"answer", "返礼品の拡充を検討します。"}}));
  step = d.ok(d.patch(id, {{"version", 4}, {"status", "published"}}));
  CHECK(step["status"] == "published");
  CHECK(step["version"] == 5);
  const auto h =
      d.ok(d.server.client().Get(("/api/v1/voices/" + std::to_string(id) + "/history").c_str(), d.as(d.clerk)));
  REQUIRE(h["history"].size() == 5);
  CHECK(h["history"][0]["to_status"] == "new");
  CHECK(h["history"][2]["note"] == "広報プロモーション課へ");
  for (const auto& e : h["history"]) CHECK_FALSE(e["actor"].get<std::string>().empty());

  check_refused(d.patch(id, {{"version", 5}, {"route", {{"project_id", "no-such-project"}}}}), 400, "invalid_route");
  check_refused(d.patch(id, {{"route", {{"division", "広聴課"}}}}), 400, "missing_version");
  check_refused(d.patch(id, {{"version", 5}}), 400, "empty_change");
  check_refused(d.patch(999999, {{"version", 1}, {"note", "x"}}), 404, "not_found");
  check_refused(d.server.client().Get("/api/v1/voices/abc", d.as(d.clerk)), 404, "not_found");
}

TEST_CASE("Two clerks editing one voice: the later edit of the same version gets 409 and changes nothing",
          "[desk][workflow]") {
  Desk d;
  const auto other = koe::test::add_desk_user(d.server.settings().store, "tanaka", koe::desk::Role::clerk);
  const auto id = d.post_voice("市民参加の審議会に若い人を入れてほしい")["id"].get<std::int64_t>();
  d.ok(d.patch(id, {{"version", 1}, {"route", {{"division", "広聴課"}}}, {"status", "confirmed"}}));
  check_refused(d.patch(id, {{"version", 1}, {"status", "out_of_scope"}}, &other), 409, "version_conflict");
  const auto now = d.ok(d.server.client().Get(("/api/v1/voices/" + std::to_string(id)).c_str(), d.as(other)));
  CHECK(now["status"] == "confirmed");
  CHECK(now["version"] == 2);
}

TEST_CASE("A 課's user sees only the voices routed to the 課, and never the unmasked text", "[desk][privacy]") {
  Desk d;
  const auto koho = koe::test::add_desk_user(d.server.settings().store, "koho-staff", koe::desk::Role::division,
                                             "広報プロモーション課");
  const auto mine = d.post_voice(kVoiceWithPersonalData)["id"].get<std::int64_t>();
  const auto theirs = d.post_voice("広聴の窓口に電話したら03-1234-5678の鈴木様につながった")["id"].get<std::int64_t>();
  d.ok(d.patch(mine, {{"version", 1}, {"route", {{"project_id", "2026-shichokoshitsu-7"}}}, {"status", "confirmed"}}));
  d.ok(d.patch(mine, {{"version", 2}, {"status", "forwarded"}}));
  d.ok(d.patch(theirs, {{"version", 1}, {"route", {{"division", "広聴課"}}}, {"status", "confirmed"}}));

  auto c = d.server.client();
  const auto list = d.ok(c.Get("/api/v1/voices", d.as(koho)));
  REQUIRE(list["total"] == 1);
  CHECK(list["voices"][0]["id"] == mine);
  CHECK(list["voices"][0]["text"].is_null());
  const auto one = d.ok(c.Get(("/api/v1/voices/" + std::to_string(mine)).c_str(), d.as(koho)));
  CHECK(one["text"].is_null());
  CHECK(one.dump().find("042-123-4567") == std::string::npos);
  check_refused(c.Get(("/api/v1/voices/" + std::to_string(theirs)).c_str(), d.as(koho)), 404, "not_found");
  check_refused(c.Get(("/api/v1/voices/" + std::to_string(theirs) + "/history").c_str(), d.as(koho)), 404, "not_found");
  check_refused(d.patch(theirs, {{"version", 2}, {"note", "x"}}, &koho), 404, "not_found");
  check_refused(c.Post("/api/v1/voices", d.as(koho), R"({"text": "x"})", "application/json"), 403, "forbidden");
  const auto csv = c.Get("/api/v1/voices/export?format=csv", d.as(koho));
  REQUIRE(csv);
  CHECK(csv->status == 200);
  CHECK(csv->body.find("042-123-4567") == std::string::npos);
  CHECK(csv->body.find("03-1234-5678") == std::string::npos);
  CHECK(csv->body.find("鈴木") == std::string::npos);
  const auto stats = d.ok(c.Get("/api/v1/stats", d.as(koho)));
  CHECK(stats["total"] == 1);
  // The clerk sees both, with the original text.
  CHECK(d.ok(c.Get("/api/v1/voices", d.as(d.clerk)))["total"] == 2);
}

TEST_CASE("The inbox filters by status, 課, confidence, words and dates", "[desk][voices]") {
  Desk d;
  auto c = d.server.client();
  const auto a = d.post_voice("ふるさと納税の返礼品を増やしてほしい")["id"].get<std::int64_t>();
  d.post_voice("市長のスケジュールを公開してほしい");
  d.ok(c.Post("/api/v1/voices", d.as(d.clerk),
              R"({"text": "広報紙の文字を大きくしてほしい", "received_at": "令和6年4月1日"})", "application/json"),
       201);
  d.ok(d.patch(a, {{"version", 1}, {"route", {{"project_id", "2026-shichokoshitsu-7"}}}, {"status", "confirmed"}}));
  CHECK(d.ok(c.Get("/api/v1/voices?status=confirmed", d.as(d.clerk)))["total"] == 1);
  CHECK(
      d.ok(c.Get(
          "/api/v1/"
          "voices?division=%E5%BA%83%E5%A0%B1%E3%83%97%E3%83%AD%E3%83%A2%E3%83%BC%E3%82%B7%E3%83%A7%E3%83%B3%E8%AA%B2",
          d.as(d.clerk)))["total"] == 1);
  CHECK(d.ok(c.Get("/api/v1/voices?q=%E3%82%B9%E3%82%B1%E3%82%B8%E3%83%A5%E3%83%BC%E3%83%AB",
                   d.as(d.clerk)))["total"] == 1);
  CHECK(d.ok(c.Get("/api/v1/voices?from=2024-04-01&to=2024-04-30", d.as(d.clerk)))["total"] == 1);
  const auto page = d.ok(c.Get("/api/v1/voices?limit=2", d.as(d.clerk)));
  CHECK(page["total"] == 3);
  CHECK(page["voices"].size() == 2);
  check_refused(c.Get("/api/v1/voices?status=done", d.as(d.clerk)), 400, "invalid_status");
  check_refused(c.Get("/api/v1/voices?from=yesterday", d.as(d.clerk)), 400, "invalid_date");
  check_refused(c.Get("/api/v1/voices?limit=0", d.as(d.clerk)), 400, "limit_out_of_range");
  check_refused(c.Get("/api/v1/voices?confidence=sure", d.as(d.clerk)), 400, "invalid_confidence");
}

TEST_CASE("A city's export imports as it is: Japanese columns and dates, voices already handled, bad rows by line",
          "[desk][import]") {
  Desk d;
  auto c = d.server.client();
  const std::string csv =
      "受付番号,受付日,受付方法,ご意見,事業名,状態\r\n"
      "R6-001,令和6年4月1日,手紙,ふるさと納税の返礼品を増やしてほしい,,\r\n"
      "R6-002,2024/4/2,電話,市長のスケジュールを知りたい,,\r\n"
      "R6-003,2024/13/1,窓口,日付がおかしい行,,\r\n"
      "R6-004,2024-04-03,web,,,\r\n";
  const auto report = d.ok(c.Post("/api/v1/voices/import", d.as(d.clerk), csv, "text/csv"));
  CHECK(report["imported"] == 2);
  REQUIRE(report["errors"].size() == 2);
  CHECK_THAT(report["errors"][0].get<std::string>(), Catch::StartsWith("line 4:"));
  CHECK_THAT(report["errors"][1].get<std::string>(), Catch::StartsWith("line 5:"));
  const auto list = d.ok(c.Get("/api/v1/voices", d.as(d.clerk)));
  REQUIRE(list["total"] == 2);
  CHECK(list["voices"][0]["received_at"] == "2024-04-02");
  CHECK(list["voices"][1]["received_at"] == "2024-04-01");
  CHECK(list["voices"][1]["external_id"] == "R6-001");
  CHECK_FALSE(list["voices"][1]["suggestion"].is_null());

  // The bodies /api/v1/route takes, with voices the city already handled.
  const auto handled = d.ok(c.Post("/api/v1/voices/import", d.as(d.clerk),
                                   json{{"voices",
                                         {{{"id", "X-1"},
                                           {"text", "ふるさと納税の返礼品"},
                                           {"project_id", "2026-shichokoshitsu-7"},
                                           {"status", "confirmed"}},
                                          {{"id", "X-2"}, {"text", "年金の手続き"}, {"status", "out_of_scope"}}}}}
                                       .dump(),
                                   "application/json"));
  CHECK(handled["imported"] == 2);
  CHECK(d.ok(c.Get("/api/v1/voices?status=confirmed", d.as(d.clerk)))["voices"][0]["route"]["division"] ==
        "広報プロモーション課");
  // Importing the same 受付番号 again is refused row by row.
  const auto again = d.ok(c.Post("/api/v1/voices/import", d.as(d.clerk), csv, "text/csv"));
  CHECK(again["imported"] == 0);
  check_refused(c.Post("/api/v1/voices/import", d.as(d.clerk), "a,b\r\n1,2\r\n", "text/csv"), 400, "missing_column");
  check_refused(c.Post("/api/v1/voices/import", d.as(d.clerk), "voices", "text/plain"), 415, "unsupported_media_type");
}

TEST_CASE("The export is CSV for Excel: a BOM, masked text, no cell that runs as a formula", "[desk][export]") {
  Desk d;
  d.post_voice(kVoiceWithPersonalData);
  d.post_voice("=HYPERLINK(\"http://example.com\") 市長のスケジュール");
  const auto r = d.server.client().Get("/api/v1/voices/export?format=csv", d.as(d.clerk));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type").starts_with("text/csv"));
  CHECK(
      r->body.starts_with("\xEF\xBB\xBF"
                          "id,"));
  CHECK(r->body.find("042-123-4567") == std::string::npos);
  CHECK(r->body.find(",=HYPERLINK") == std::string::npos);
  check_refused(d.server.client().Get("/api/v1/voices/export?format=xlsx", d.as(d.clerk)), 400, "invalid_format");
}

TEST_CASE("The statistics count by 課 and status and measure the suggestions a clerk kept", "[desk][stats]") {
  Desk d;
  const auto a = d.post_voice("ふるさと納税の返礼品を増やしてほしい")["id"].get<std::int64_t>();
  const auto b = d.post_voice("市長のスケジュールはどこで見られますか")["id"].get<std::int64_t>();
  d.ok(d.patch(a, {{"version", 1}, {"route", {{"project_id", "2026-shichokoshitsu-7"}}}, {"status", "confirmed"}}));
  d.ok(d.patch(b, {{"version", 1}, {"route", {{"project_id", "2026-shichokoshitsu-9"}}}, {"status", "confirmed"}}));
  const auto s = d.ok(d.server.client().Get("/api/v1/stats", d.as(d.clerk)));
  CHECK(s["total"] == 2);
  CHECK(s["accuracy"]["confirmed"] == 2);
  CHECK(s["accuracy"]["first"] == 1);  // the second was corrected to another project
  CHECK(s["accuracy"]["first_share"] == Approx(0.5));
  bool confirmed_counted = false;
  for (const auto& row : s["by_status"]) confirmed_counted |= row["key"] == "confirmed" && row["count"] == 2;
  CHECK(confirmed_counted);
  check_refused(d.server.client().Get("/api/v1/stats?from=nope", d.as(d.clerk)), 400, "invalid_date");
}

TEST_CASE("Without a store the desk's routes say the desk is not enabled", "[desk]") {
  koe::api::Settings s;
  s.port = 0;
  s.db = koe::test::shared_index().db;
  s.access_log = false;
  koe::test::RunningServer server(s);
  check_refused(server.client().Get("/api/v1/voices"), 404, "desk_disabled");
  check_refused(server.client().Post("/api/v1/login", R"({"name": "a", "password": "b"})", "application/json"), 404,
                "desk_disabled");
}

TEST_CASE(
    "A voice a clerk confirmed counts at once: like voices show it, vote for its project, and a resend is a duplicate",
    "[desk][learning]") {
  Desk d;
  auto c = d.server.client();
  const std::string voice =
      "市の審議会の委員に、子育て中の若い世代をもっと選んでほしいです。平日の昼の会議では参加できません。";
  const auto as_clerk = d.as(d.clerk);
  const auto before = d.ok(c.Post("/api/v1/match", as_clerk, json{{"text", voice}}.dump(), "application/json"));
  CHECK(before["similar"].empty());

  const auto v = d.post_voice(voice);
  const auto id = v["id"].get<std::int64_t>();
  // The clerk routes it to 広聴活動, not to what the plans alone suggest first.
  d.ok(d.patch(id, {{"version", 1}, {"route", {{"project_id", "2026-shichokoshitsu-8"}}}, {"status", "confirmed"}}));

  const auto after = d.ok(c.Post("/api/v1/match", as_clerk, json{{"text", voice}}.dump(), "application/json"));
  REQUIRE_FALSE(after["similar"].empty());
  const auto& like = after["similar"][0];
  CHECK(like["id"] == id);
  CHECK(like["duplicate"] == true);
  CHECK(like["route"]["project_id"] == "2026-shichokoshitsu-8");
  CHECK(like["status"] == "confirmed");
  CHECK(like["similarity"].get<double>() > 0.9);
  CHECK(like.dump().find("text\":\"" + voice) == std::string::npos);  // masked text only
  bool voted = false;
  for (const auto& m : after["matches"])
    voted |= m["project"]["id"] == "2026-shichokoshitsu-8" && m["votes"].get<double>() > 0.5;
  CHECK(voted);
  CHECK(after["matches"][0]["project"]["id"] == "2026-shichokoshitsu-8");

  // Reopened (sent back to new), it is no longer an example.
  d.ok(d.patch(id, {{"version", 2}, {"status", "new"}, {"note", "再確認"}}));
  const auto reopened = d.ok(c.Post("/api/v1/match", as_clerk, json{{"text", voice}}.dump(), "application/json"));
  CHECK(reopened["similar"].empty());
}

TEST_CASE("Past voices in a match are shown only to the desk's staff who may see them", "[desk][learning][auth]") {
  Desk d;
  auto c = d.server.client();
  const std::string voice = "審議会の会議を夜や休日にも開いて、働く市民が傍聴できるようにしてほしい。";
  const auto id = d.post_voice(voice)["id"].get<std::int64_t>();
  d.ok(d.patch(id, {{"version", 1}, {"route", {{"project_id", "2026-shichokoshitsu-8"}}}, {"status", "confirmed"}}));
  const std::string body = json{{"text", voice}}.dump();

  // A citizen (no credentials, or a stale cookie) gets the routing the examples vote for,
  // but not the past voices themselves.
  for (const httplib::Headers& anonymous : {httplib::Headers{}, httplib::Headers{{"Cookie", "koe_session=expired"}},
                                            httplib::Headers{{"Authorization", "Bearer koe_not-a-token"}}}) {
    const auto open = d.ok(c.Post("/api/v1/match", anonymous, body, "application/json"));
    CHECK(open["similar"].empty());
    CHECK(open["matches"][0]["project"]["id"] == "2026-shichokoshitsu-8");
    CHECK(open["matches"][0]["votes"].get<double>() > 0.5);
  }
  // The 広聴課 sees them; a 課 only those routed to it.
  CHECK(d.ok(c.Post("/api/v1/match", d.as(d.clerk), body, "application/json"))["similar"].size() == 1);
  const auto own = koe::test::add_desk_user(d.server.settings().store, "kocho", koe::desk::Role::division, "広聴課");
  const auto other = koe::test::add_desk_user(d.server.settings().store, "hisho", koe::desk::Role::division, "秘書課");
  CHECK(d.ok(c.Post("/api/v1/match", d.as(own), body, "application/json"))["similar"].size() == 1);
  CHECK(d.ok(c.Post("/api/v1/match", d.as(other), body, "application/json"))["similar"].empty());
}

TEST_CASE("Behind a proxy, failed logins are counted per client, not per proxy", "[desk][auth]") {
  TempDir dir{"koe-desk-proxy"};
  koe::test::RunningServer server{[&] {
    koe::api::Settings s;
    s.port = 0;
    s.db = koe::test::shared_index().db;
    s.store = dir / "desk.sqlite3";
    s.access_log = false;
    s.client_address_header = "X-Forwarded-For";
    return s;
  }()};
  const auto clerk = koe::test::add_desk_user(server.settings().store, "hirose", koe::desk::Role::clerk);
  auto c = server.client();
  const auto login = [&](const std::string& name, const std::string& password, const std::string& forwarded) {
    return c.Post("/api/v1/login", {{"X-Forwarded-For", forwarded}},
                  json{{"name", name}, {"password", password}}.dump(), "application/json");
  };
  // 20 wrong names from one client (each name once, so no name locks) lock that client's address;
  // the address the proxy saw is the last one: what a client writes before it does not count.
  for (int k = 0; k < 20; ++k) login("guess" + std::to_string(k), "wrong password", "198.51.100.9, 203.0.113.7");
  check_refused(login("hirose", clerk.password, "203.0.113.7"), 429, "too_many_attempts");
  // Every other client, all arriving through the same proxy, still signs in.
  const auto other = login("hirose", clerk.password, "203.0.113.8");
  REQUIRE(other);
  CHECK(other->status == 200);
}
