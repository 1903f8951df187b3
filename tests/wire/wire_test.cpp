// The wire module: the JSON koe writes, the CSV and JSON Lines of routed voices, and the
// reading of JSON request bodies (hostile ones included).
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "koe/search/csv.hpp"
#include "koe/search/limits.hpp"
#include "koe/search/matcher.hpp"
#include "koe/wire/json.hpp"
#include "koe/wire/request.hpp"
#include "koe/wire/route_file.hpp"
#include "test_support.hpp"

namespace {

namespace ks = koe::search;
namespace kw = koe::wire;

koe::Result<ks::MatchResponse> match(const std::string& text, std::int64_t limit = 5) {
  return ks::match(koe::test::analyzer(), koe::test::shared_db(), {text, limit});
}

const std::string kBom = "\xEF\xBB\xBF";

// "id,text\r\n1,ふるさと納税の返礼品について\r\n2,"市道の穴を直して, 早く"\r\n" in Shift_JIS
// (CP932), converted with iconv -f UTF-8 -t CP932 when this test was written.
const std::string kCp932Csv =
    "\x69\x64\x2c\x74\x65\x78\x74\x0d\x0a\x31\x2c\x82\xd3\x82\xe9\x82\xb3\x82\xc6\x94\x5b\x90\xc5\x82\xcc\x95\xd4"
    "\x97\xe7\x95\x69\x82\xc9\x82\xc2\x82\xa2\x82\xc4\x0d\x0a\x32\x2c\x22\x8e\x73\x93\xb9\x82\xcc\x8c\x8a\x82\xf0"
    "\x92\xbc\x82\xb5\x82\xc4\x2c\x20\x91\x81\x82\xad\x22\x0d\x0a";

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("route_file writes CSV with a UTF-8 BOM and a header", "[router]") {
  koe::test::TempDir dir("koe-route");
  koe::test::write_file(dir / "in.csv", kCp932Csv);
  kw::RouteFileOptions o;
  o.in = dir / "in.csv";
  o.out = dir / "out.csv";
  const auto s = kw::route_file(koe::test::analyzer(), koe::test::shared_db(), o);
  CHECK(s.voices == 2);
  CHECK(s.routed == 1);
  CHECK(s.out_of_scope == 1);
  CHECK(s.skipped == 0);
  CHECK(s.encoding == "cp932");
  const std::string out = koe::test::read_file(o.out);
  REQUIRE(out.starts_with(kBom + kw::routed_csv_header()));
  CHECK(kw::routed_csv_header().starts_with("id,text,"));
  const auto rows = ks::parse_csv(out.substr(kBom.size()));
  CHECK(rows.errors.empty());
  REQUIRE(rows.records.size() == 3);
  CHECK(rows.records[1].fields[0] == "1");
  CHECK(rows.records[1].fields[2] == "false");
  CHECK(rows.records[1].fields[3] == "2026-shichokoshitsu-7");
  CHECK(rows.records[1].fields[5] == "広報プロモーション課");
  CHECK(rows.records[2].fields[1] == "市道の穴を直して, 早く");
  CHECK(rows.records[2].fields[2] == "true");
  CHECK_FALSE(std::filesystem::exists(dir / "out.csv.part"));
}

TEST_CASE("Routed CSV never lets a citizen's text start an Excel formula", "[router][csv]") {
  // The output is meant to be opened in Excel; a voice starting with = + or @ would run as a
  // formula there (CSV injection), so such cells must not start with those characters.
  const auto m = match("市道の穴を直して");
  REQUIRE(m.ok());
  for (const char* text : {"=HYPERLINK(\"http://example.com\",\"詳細\")", "+1+2", "@SUM(A1:A2)"}) {
    INFO(text);
    const auto row = kw::routed_csv_row({"=1+1", text, 2}, m.value());
    const auto fields = ks::parse_csv(row).records.at(0).fields;
    REQUIRE(fields.size() >= 2);
    for (std::size_t k = 0; k < 2; ++k) {
      INFO("field " << k << ": " << fields[k]);
      REQUIRE_FALSE(fields[k].empty());
      CHECK(std::string("=+@").find(fields[k][0]) == std::string::npos);
    }
  }
}

TEST_CASE("route_file turns JSON Lines into JSON Lines", "[router]") {
  koe::test::TempDir dir("koe-route");
  koe::test::write_file(dir / "in.jsonl",
                        "{\"id\":\"v1\",\"text\":\"ふるさと納税の返礼品を増やして\"}\n{\"id\":\"v2\",\"text\":"
                        "\"市道の穴を直して\"}\nnot json\n");
  kw::RouteFileOptions o;
  o.in = dir / "in.jsonl";
  o.out = dir / "out.jsonl";
  const auto s = kw::route_file(koe::test::analyzer(), koe::test::shared_db(), o);
  CHECK(s.voices == 2);
  CHECK(s.skipped == 1);
  REQUIRE(s.errors.size() == 1);
  CHECK_THAT(s.errors[0], Catch::Contains("in.jsonl:3:"));
  const auto lines = lines_of(koe::test::read_file(o.out));
  REQUIRE(lines.size() == 2);
  const auto first = nlohmann::json::parse(lines[0]);
  const auto second = nlohmann::json::parse(lines[1]);
  CHECK(first["id"] == "v1");
  CHECK(first["out_of_scope"] == false);
  CHECK(first["division"] == "広報プロモーション課");
  CHECK(first["project_id"] == "2026-shichokoshitsu-7");
  CHECK(second["id"] == "v2");
  CHECK(second["out_of_scope"] == true);
  CHECK(second["project_id"].is_null());
}

TEST_CASE("route_file names the input it cannot open", "[router][errors]") {
  koe::test::TempDir dir("koe-route");
  kw::RouteFileOptions o;
  o.in = dir / "missing.csv";
  o.out = dir / "out.csv";
  CHECK_THROWS_WITH(kw::route_file(koe::test::analyzer(), koe::test::shared_db(), o), Catch::Contains("missing.csv"));

  koe::test::write_file(dir / "in.csv", "id,text\n1,ふるさと納税\n");
  o.in = dir / "in.csv";
  o.out = dir / "no-such-dir" / "out.csv";
  CHECK_THROWS_WITH(kw::route_file(koe::test::analyzer(), koe::test::shared_db(), o), Catch::Contains("out.csv"));
  CHECK_FALSE(std::filesystem::exists(dir / "no-such-dir"));
}

TEST_CASE("A JSON body is read only when it is UTF-8, shallow and in range", "[wire][request]") {
  struct Row {
    std::string body;
    std::string code;  // "" when it must parse
  };
  const std::string deep_array = std::string(60000, '[') + std::string(60000, ']');
  const std::string deep_id = "[{\"id\": " + std::string(5000, '{') + std::string(5000, '}') + ", \"text\": \"x\"}]";
  const Row rows[] = {
      {R"({"text": "ふるさと納税"})", ""},
      {R"([{"id": 1, "text": "a"}])", ""},
      {"{\"text\": \"\x82\xd3\"}", "invalid_utf8"},
      {"{\"text\": ", "invalid_json"},
      {"", "invalid_json"},
      {R"({"text": "x", "limit": 1e309})", "invalid_json"},
      {R"({"text": "x", "limit": -1e309})", "invalid_json"},
      {deep_array, "invalid_json"},
      {deep_id, "invalid_json"},
      {std::string(kw::kMaxJsonDepth, '[') + std::string(kw::kMaxJsonDepth, ']'), ""},
      {std::string(kw::kMaxJsonDepth + 1, '[') + std::string(kw::kMaxJsonDepth + 1, ']'), "invalid_json"},
      // Brackets inside strings are text, not nesting.
      {"{\"text\": \"" + std::string(100, '[') + "\"}", ""},
      {"{\"text\": \"\\\"" + std::string(100, '{') + "\"}", ""},
  };
  for (const auto& row : rows) {
    INFO(row.body.substr(0, 80));
    const auto r = kw::parse_json_body(row.body);
    if (row.code.empty()) {
      CHECK(r.ok());
    } else {
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().http_status == 400);
      CHECK(r.status().code == row.code);
    }
  }
}

TEST_CASE("A match body becomes a MatchRequest or names what is wrong", "[wire][request]") {
  struct Row {
    const char* body;
    const char* code;  // "" when it must be accepted
  };
  const Row rows[] = {
      {R"({"text": "ふるさと納税", "limit": 3})", ""},
      {R"({"text": "x"})", ""},
      {R"(["text"])", "invalid_json"},
      {R"({})", "missing_text"},
      {R"({"text": 5})", "invalid_text"},
      {R"({"text": null})", "invalid_text"},
      {R"({"text": "x", "limit": 2.5})", "limit_out_of_range"},
      {R"({"text": "x", "limit": "3"})", "limit_out_of_range"},
  };
  for (const auto& row : rows) {
    INFO(row.body);
    const auto r = kw::match_request(nlohmann::json::parse(row.body));
    if (*row.code == '\0')
      CHECK(r.ok());
    else
      CHECK(r.status().code == row.code);
  }
  const auto big = kw::match_request(nlohmann::json::parse(R"({"text": "x", "limit": 99999999999999999999})"));
  CHECK((!big.ok() || big.value().limit > ks::kMatchLimitRange.max));
}

TEST_CASE("A route body gives voices, and items it cannot read as errors", "[wire][request]") {
  const auto batch = kw::voice_batch(nlohmann::json::parse(
      R"({"voices": [{"id": "a", "text": "t1"}, {"id": 7, "text": "t2"}, {"text": "t3"}, {"id": {"x": 1}, "text": "t4"}, {"id": "e"}, 5]})"));
  REQUIRE(batch.ok());
  const auto& b = batch.value();
  REQUIRE(b.voices.size() == 3);
  CHECK(b.voices[0].id == "a");
  CHECK(b.voices[1].id == "7");
  CHECK(b.voices[2].id == "2");  // no id: its position
  REQUIRE(b.errors.size() == 3);
  CHECK_THAT(b.errors[0], Catch::StartsWith("item 3:"));
  CHECK(kw::voice_batch(nlohmann::json::parse(R"({"text": "x"})")).status().code == "invalid_json");
}

TEST_CASE("The match JSON names the route only when the voice is in scope", "[wire][json]") {
  const auto in = match("ふるさと納税の返礼品に八王子の地元のお菓子を加えてほしい");
  REQUIRE(in.ok());
  const auto j = kw::match_json(in.value());
  CHECK(j["out_of_scope"] == false);
  CHECK(j["route"]["division"] == "広報プロモーション課");
  CHECK(j["route"]["project_id"] == "2026-shichokoshitsu-7");
  CHECK(j["matches"][0]["project"]["name"] == "ふるさと納税");
  const auto routed = kw::routed_voice_json("v1", in.value());
  CHECK(routed["route"] == j["route"]);
  CHECK(routed["project_id"] == "2026-shichokoshitsu-7");
  CHECK(routed["top"].size() <= 3);

  const auto out = match("市道の穴を直して");
  REQUIRE(out.ok());
  CHECK(kw::match_json(out.value())["route"].is_null());
  CHECK(kw::routed_voice_json("v2", out.value())["project_id"].is_null());
  CHECK(kw::error_json(koe::Status::invalid("empty_text", "m")) ==
        nlohmann::json::parse(R"({"error":{"code":"empty_text","message":"m"}})"));
}
