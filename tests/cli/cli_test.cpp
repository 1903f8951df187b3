// The `koe` command line against the same index as an in-process server: the same request
// gives the same JSON from both, and every subcommand reads the settings the server reads.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "koe/api/settings.hpp"
#include "running_server.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using koe::test::TempDir;

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// Runs build/koe with `args` (each quoted for the shell) and optional environment
/// assignments, capturing standard output, standard error and the exit code.
Run koe_cli(const std::vector<std::string>& args, const std::string& env = "") {
  static TempDir scratch("koe-cli");
  const fs::path err = scratch / "stderr.txt";
  std::string cmd = "env -u KOE_CONFIG -u KOE_DB " + env + " " + quoted(KOE_BINARY);
  for (const auto& a : args) cmd += " " + quoted(a);
  cmd += " 2>" + quoted(err.string());
  Run run;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) run.out.append(buf, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = koe::test::read_file(err);
  return run;
}

json cli_json(const std::vector<std::string>& args) {
  const Run r = koe_cli(args);
  INFO("koe " << args.front() << " stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

json api_json(const httplib::Result& r) {
  REQUIRE(r);
  INFO("status " << r->status << " body " << r->body.substr(0, 200));
  REQUIRE(r->status == 200);
  return json::parse(r->body);
}

koe::api::Settings server_settings() {
  koe::api::Settings s;
  s.port = 0;
  s.db = koe::test::shared_index().db;
  s.threads = 2;
  s.access_log = false;
  return s;
}

const std::string kVoice = "ふるさと納税の返礼品に八王子の地元のお菓子を加えてほしい";

}  // namespace

TEST_CASE("The CLI and the API answer the same request with the same JSON", "[cli][wire]") {
  koe::test::RunningServer server(server_settings());
  auto c = server.client();
  const std::string db = koe::test::shared_index().db.string();

  SECTION("search") {
    const auto api = api_json(c.Get(
        "/api/v1/search", httplib::Params{{"q", "広報 SNS"}, {"limit", "5"}, {"kind", "issues"}}, httplib::Headers{}));
    CHECK(cli_json({"search", "--db", db, "--json", "--limit", "5", "--kind", "issues", "広報 SNS"}) == api);
  }
  SECTION("match") {
    const auto api = api_json(c.Post("/api/v1/match", json{{"text", kVoice}, {"limit", 3}}.dump(), "application/json"));
    CHECK(cli_json({"match", "--db", db, "--json", "--limit", "3", kVoice}) == api);
  }
  SECTION("related") {
    const auto api = api_json(c.Get("/api/v1/projects/2026-shichokoshitsu-7/related?limit=3"));
    CHECK(cli_json({"related", "--db", db, "--json", "--limit", "3", "2026-shichokoshitsu-7"}) == api);
  }
  SECTION("project detail") {
    const auto api = api_json(c.Get("/api/v1/projects/2026-shichokoshitsu-9"));
    CHECK(cli_json({"project", "--db", db, "2026-shichokoshitsu-9"}) == api);
  }
}

TEST_CASE("A configuration that raises match_min_strength makes koe match answer out of scope", "[cli][settings]") {
  TempDir dir("koe-cli-config");
  const std::string db = koe::test::shared_index().db.string();
  const auto in_scope = koe_cli({"match", "--db", db, kVoice});
  REQUIRE(in_scope.exit_code == 0);
  CHECK_THAT(in_scope.out, Catch::StartsWith("route: 広報プロモーション課"));

  const fs::path strict = dir / "strict.jsonc";
  koe::test::write_file(strict,
                        "{\n  // nothing reaches this\n  \"match_min_strength\": 1000,\n"
                        "  \"match_medium_strength\": 1000, \"match_high_strength\": 1000\n}\n");
  const auto by_flag = koe_cli({"match", "--db", db, "--config", strict.string(), kVoice});
  CHECK(by_flag.exit_code == 0);
  CHECK_THAT(by_flag.out, Catch::StartsWith("out of scope"));
  const auto by_env = koe_cli({"match", "--db", db, kVoice}, "KOE_CONFIG=" + quoted(strict.string()));
  CHECK_THAT(by_env.out, Catch::StartsWith("out of scope"));

  // koe route reads the same file and routes the same voice the same way.
  koe::test::write_file(dir / "in.csv", "id,text\n1," + kVoice + "\n");
  const auto routed = koe_cli({"route", "--db", db, "--config", strict.string(), "--in", (dir / "in.csv").string(),
                               "--out", (dir / "out.jsonl").string()});
  REQUIRE(routed.exit_code == 0);
  CHECK(json::parse(koe::test::read_file(dir / "out.jsonl"))["out_of_scope"] == true);

  // The server reads it too.
  auto settings = server_settings();
  koe::api::apply_config_file(settings, strict);
  koe::test::RunningServer server(settings);
  const auto api = api_json(server.client().Post("/api/v1/match", json{{"text", kVoice}}.dump(), "application/json"));
  CHECK(api["out_of_scope"] == true);
}

TEST_CASE("koe route applies the per-voice size limit the server applies", "[cli][settings]") {
  TempDir dir("koe-cli-route");
  std::string long_voice;
  while (long_voice.size() < 600) long_voice += "ふるさと納税の返礼品について。";
  koe::test::write_file(dir / "in.csv", "id,text\n1," + long_voice + "\n2,ふるさと納税の返礼品\n");
  const auto r = koe_cli({"route", "--db", koe::test::shared_index().db.string(), "--in", (dir / "in.csv").string(),
                          "--out", (dir / "out.jsonl").string()},
                         "KOE_MAX_MATCH_BYTES=512 KOE_MAX_ROUTE_BYTES=4096");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("1 skipped"));
  CHECK_THAT(r.err, Catch::Contains("the limit is 512"));
}

TEST_CASE("A bad setting is refused with its name, by every subcommand", "[cli][settings]") {
  TempDir dir("koe-cli-bad");
  const fs::path bad = dir / "bad.jsonc";
  koe::test::write_file(bad, R"({"match_min_strength": "high"})");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"match", "--config", bad.string(), "x"},
                                               {"search", "--config", bad.string(), "x"},
                                               {"serve", "--config", bad.string()},
                                               {"config", "show", "--config", bad.string()}}) {
    INFO("koe " << args.front());
    const auto r = koe_cli(args);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("match_min_strength"));
    CHECK_THAT(r.err, Catch::Contains("bad.jsonc"));
  }
  const auto port = koe_cli({"config", "show"}, "KOE_PORT=70000");
  CHECK(port.exit_code == 1);
  CHECK_THAT(port.err, Catch::Contains("port"));
}

TEST_CASE("koe.sample.jsonc and the README's table are the settings table", "[cli][settings]") {
  CHECK(koe::test::read_file(koe::test::source_dir() / "koe.sample.jsonc") == koe::api::sample_config());
  const std::string readme = koe::test::read_file(koe::test::source_dir() / "README.md");
  const std::string begin = "<!-- settings table: koe config table -->\n", end = "<!-- end of settings table -->";
  const auto a = readme.find(begin), b = readme.find(end);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  CHECK(readme.substr(a + begin.size(), b - a - begin.size()) == koe::api::settings_table_markdown());
  // The sample file loads as it is and changes nothing.
  koe::api::Settings from_sample;
  koe::api::apply_config_file(from_sample, koe::test::source_dir() / "koe.sample.jsonc");
  CHECK(koe::api::settings_json(from_sample) == koe::api::settings_json(koe::api::Settings{}));
}

TEST_CASE("The desk from the command line: users, tokens, a Shift_JIS import, export, statistics and backup",
          "[cli][desk]") {
  TempDir dir("koe-cli-desk");
  const std::string db = koe::test::shared_index().db.string(), store = (dir / "desk.sqlite3").string();
  const auto no_password = koe_cli(
      {"users", "add", "--store", store, "--name", "hirose", "--role", "clerk", "--password-stdin"}, "</dev/null");
  CHECK(no_password.exit_code == 1);  // an empty password is refused, with its reason
  CHECK_FALSE(no_password.err.empty());
  const int added = std::system(("echo 'correct horse battery' | " + quoted(KOE_BINARY) + " users add --store " +
                                 quoted(store) + " --name hirose --role clerk --password-stdin >/dev/null")
                                    .c_str());
  REQUIRE(added == 0);
  const auto list = koe_cli({"users", "list", "--store", store});
  REQUIRE(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Contains("hirose\tclerk"));
  const auto token = koe_cli({"users", "token", "--store", store, "--name", "hirose"});
  REQUIRE(token.exit_code == 0);
  CHECK_THAT(token.out, Catch::StartsWith("koe_"));
  CHECK(koe_cli({"users", "token", "--store", store, "--name", "nobody"}).exit_code == 1);

  // 受付番号,受付日,受付方法,内容 — two voices, in Shift_JIS as Excel saves them (iconv -t CP932).
  const std::string cp932 =
      "\x8e\xf3\x95\x74\x94\xd4\x8d\x86\x2c\x8e\xf3\x95\x74\x93\xfa\x2c\x8e\xf3\x95\x74\x95\xfb\x96\x40\x2c\x93\xe0\x97"
      "\x65"
      "\x0d\x0a\x41\x2d\x31\x2c\x97\xdf\x98\x61\x36\x94\x4e\x34\x8c\x8e\x31\x93\xfa\x2c\x8e\xe8\x8e\x86\x2c\x82\xd3\x82"
      "\xe9"
      "\x82\xb3\x82\xc6\x94\x5b\x90\xc5\x82\xcc\x95\xd4\x97\xe7\x95\x69\x82\xf0\x91\x9d\x82\xe2\x82\xb5\x82\xc4\x0d\x0a"
      "\x41"
      "\x2d\x32\x2c\x32\x30\x32\x34\x2f\x34\x2f\x32\x2c\x93\x64\x98\x62\x2c\x8e\x73\x92\xb7\x82\xcc\x83\x58\x83\x50\x83"
      "\x57"
      "\x83\x85\x81\x5b\x83\x8b\x0d\x0a";
  koe::test::write_file(dir / "export.csv", cp932);
  const auto imported =
      koe_cli({"voices", "import", "--store", store, "--db", db, "--in", (dir / "export.csv").string()});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK_THAT(imported.out, Catch::Contains("imported 2 voices (csv, cp932)"));

  const auto out = (dir / "voices.csv").string();
  REQUIRE(koe_cli({"voices", "export", "--store", store, "--out", out}).exit_code == 0);
  const std::string csv = koe::test::read_file(out);
  CHECK_THAT(csv, Catch::Contains("A-1,2024-04-01,手紙,new"));
  CHECK_THAT(csv, Catch::Contains("2026-shichokoshitsu-7"));  // the suggestion made on import

  const auto stats = koe_cli({"voices", "stats", "--store", store, "--json"});
  REQUIRE(stats.exit_code == 0);
  CHECK(json::parse(stats.out)["total"] == 2);
  REQUIRE(koe_cli({"voices", "backup", "--store", store, "--out", (dir / "copy.sqlite3").string()}).exit_code == 0);
  const auto from_copy = koe_cli({"voices", "stats", "--store", (dir / "copy.sqlite3").string(), "--json"});
  CHECK(json::parse(from_copy.out)["total"] == 2);

  // The token works against a server on the same store.
  auto settings = server_settings();
  settings.store = store;
  koe::test::RunningServer server(settings);
  const std::string t = token.out.substr(0, token.out.find('\n'));
  const auto list_api = api_json(server.client().Get("/api/v1/voices", {{"Authorization", "Bearer " + t}}));
  CHECK(list_api["total"] == 2);
  CHECK(koe_cli({"voices", "stats", "--json"}).exit_code == 1);  // no store named: a clear error
}
