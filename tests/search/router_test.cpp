// Voice matching, related projects, the project catalogue, the CSV reader and batch routing,
// over an index of the real corpus built once per test process.
#include "koe/search/router.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "koe/indexer/error.hpp"
#include "koe/search/catalogue.hpp"
#include "koe/search/csv.hpp"
#include "koe/search/limits.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/related.hpp"
#include "test_support.hpp"

namespace {

namespace ks = koe::search;

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

}  // namespace

TEST_CASE("A voice about ふるさと納税 is routed to 広報プロモーション課", "[match]") {
  const auto r = match("ふるさと納税の返礼品に八王子の地元のお菓子を加えてほしい");
  REQUIRE(r.ok());
  const auto& m = r.value();
  CHECK_FALSE(m.out_of_scope);
  REQUIRE_FALSE(m.matches.empty());
  CHECK(m.matches[0].project.name == "ふるさと納税");
  CHECK(m.matches[0].project.division == "広報プロモーション課");
  CHECK(m.matches[0].project.id == "2026-shichokoshitsu-7");
  CHECK(m.matches[0].confidence != "low");
  CHECK_FALSE(m.matches[0].sections.empty());
  for (const auto& s : m.matches[0].sections) CHECK(s.snippet.find("<mark>") != std::string::npos);
  REQUIRE(m.route() != nullptr);
  CHECK(m.route()->project.division == "広報プロモーション課");
}

TEST_CASE("A pothole voice is out of scope", "[match]") {
  const auto r = match("市道の穴を直して");
  REQUIRE(r.ok());
  CHECK(r.value().out_of_scope);
  CHECK(r.value().route() == nullptr);
}

TEST_CASE("Match refuses a limit out of range and a voice with nothing to match", "[match][errors]") {
  CHECK(match("ふるさと納税", 0).status().http_status == 400);
  CHECK(match("ふるさと納税", ks::kMatchLimitRange.max + 1).status().http_status == 400);
  CHECK(match("ふるさと納税", ks::kMatchLimitRange.max).ok());
  CHECK(match("の、は。").status().http_status == 400);
  CHECK(match("\xff\xfe").status().http_status == 400);
  ks::MatchOptions small;
  small.max_text_bytes = 10;
  CHECK(ks::match(koe::test::analyzer(), koe::test::shared_db(), {"ふるさと納税の返礼品", 5}, small)
            .status()
            .http_status == 413);
}

TEST_CASE("The limit caps the number of matched projects", "[match]") {
  const auto r = match("市民の意見を市政に反映してほしい、広報やホームページでも発信して", 2);
  REQUIRE(r.ok());
  CHECK(r.value().matches.size() <= 2);
}

TEST_CASE("Related projects of ふるさと納税 are other projects", "[related]") {
  const auto r = ks::related_projects(koe::test::analyzer(), koe::test::shared_db(), "2026-shichokoshitsu-7", 5);
  REQUIRE(r.ok());
  const auto& related = r.value();
  REQUIRE_FALSE(related.empty());
  CHECK(related.size() <= 5);
  std::vector<std::string> seen;
  for (const auto& rp : related) {
    INFO(rp.project.id);
    CHECK(rp.project.id != "2026-shichokoshitsu-7");
    CHECK_FALSE(rp.project.name.empty());
    CHECK(rp.score > 0);
    CHECK_FALSE(rp.terms.empty());
    for (const auto& t : rp.terms) {
      INFO("shared term «" << t << "»");
      CHECK_FALSE((t[0] >= 'A' && t[0] <= 'Z'));  // words, not prefixed index terms such as XLproject
    }
    CHECK(std::find(seen.begin(), seen.end(), rp.project.id) == seen.end());
    seen.push_back(rp.project.id);
  }
  for (std::size_t k = 1; k < related.size(); ++k) CHECK(related[k - 1].score >= related[k].score);
  // The other シティプロモーション project shares the most with it.
  CHECK(related[0].project.name == "都市の魅力の創造・発信");
}

TEST_CASE("Related projects of an unknown id is a 404", "[related][errors]") {
  const auto r = ks::related_projects(koe::test::analyzer(), koe::test::shared_db(), "2026-shichokoshitsu-99");
  CHECK(r.status().http_status == 404);
  CHECK(ks::project_detail(koe::test::shared_db(), "nope").status().http_status == 404);
}

TEST_CASE("The project catalogue lists the nine projects in order", "[related]") {
  const auto projects = ks::list_projects(koe::test::shared_db());
  REQUIRE(projects.size() == 9);
  for (std::size_t k = 0; k < projects.size(); ++k) {
    CHECK(projects[k].number == static_cast<int>(k + 1));
    CHECK(projects[k].id == "2026-shichokoshitsu-" + std::to_string(k + 1));
  }
  const auto detail = ks::project_detail(koe::test::shared_db(), "2026-shichokoshitsu-9");
  REQUIRE(detail.ok());
  const auto& sections = detail.value().sections;
  REQUIRE(sections.size() == 9);
  CHECK(sections.front().kind == koe::SectionKind::title);
  CHECK(sections.back().kind == koe::SectionKind::activities);
  CHECK(detail.value().project.name == "市民参加の推進");
  CHECK(detail.value().project.division == "広聴課");
  const auto divisions = ks::list_divisions(koe::test::shared_db());
  REQUIRE_FALSE(divisions.empty());
  for (const auto& d : divisions) CHECK(d.department == "市長公室");
}

TEST_CASE("The CSV reader handles quotes, commas and newlines in fields", "[csv]") {
  const auto p =
      ks::parse_csv("id,text\r\n1,\"市民の声, 広報\"\r\n2,\"一行目\n二行目\"\n3,\"引用符\"\"付き\"\"\"\n\n4,最後\n");
  CHECK(p.errors.empty());
  REQUIRE(p.records.size() == 5);
  CHECK(p.records[0].fields == std::vector<std::string>{"id", "text"});
  CHECK(p.records[1].fields == std::vector<std::string>{"1", "市民の声, 広報"});
  CHECK(p.records[2].fields == std::vector<std::string>{"2", "一行目\n二行目"});
  CHECK(p.records[3].fields == std::vector<std::string>{"3", "引用符\"付き\""});
  CHECK(p.records[4].fields == std::vector<std::string>{"4", "最後"});
  CHECK(p.records[1].line == 2);
  CHECK(p.records[2].line == 3);
  CHECK(p.records[3].line == 5);
  CHECK(p.records[4].line == 7);
}

TEST_CASE("An unclosed quote is reported with its line", "[csv][errors]") {
  const auto p = ks::parse_csv("id,text\n1,ok\n2,\"never closed\n3,x\n");
  REQUIRE(p.errors.size() == 1);
  CHECK_THAT(p.errors[0], Catch::StartsWith("line 3:"));
  CHECK(p.records.size() == 2);
}

TEST_CASE("csv_field quotes only when it must", "[csv]") {
  CHECK(ks::csv_field("広報") == "広報");
  CHECK(ks::csv_field("a,b") == "\"a,b\"");
  CHECK(ks::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(ks::csv_field("two\nlines") == "\"two\nlines\"");
}

TEST_CASE("Input bytes are decoded from UTF-8 with or without BOM, or from Shift_JIS", "[csv][encoding]") {
  std::string detected;
  CHECK(ks::decode_text(kBom + "id,text", ks::TextEncoding::automatic, &detected) == "id,text");
  CHECK(detected == "utf-8");
  CHECK(ks::decode_text("市民", ks::TextEncoding::automatic, &detected) == "市民");
  CHECK(detected == "utf-8");
  const auto sjis = ks::decode_text(kCp932Csv, ks::TextEncoding::automatic, &detected);
  CHECK(detected == "cp932");
  CHECK(sjis == "id,text\r\n1,ふるさと納税の返礼品について\r\n2,\"市道の穴を直して, 早く\"\r\n");
  CHECK(ks::decode_text(kCp932Csv, ks::TextEncoding::cp932) == sjis);
  CHECK_THROWS_AS(ks::decode_text(kCp932Csv, ks::TextEncoding::utf8), koe::Error);
  // 0x81 0x20 is not a CP932 character either.
  CHECK_THROWS_WITH(ks::decode_text("ab\x81\x20", ks::TextEncoding::automatic), Catch::Contains("offset"));
}

TEST_CASE("read_voices reads id,text CSV in any of Excel's encodings", "[csv][router]") {
  for (const auto& [what, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"utf-8", "id,text\r\n1,ふるさと納税の返礼品について\r\n2,\"市道の穴を直して, 早く\"\r\n"},
           {"utf-8 with BOM", kBom + "id,text\r\n1,ふるさと納税の返礼品について\r\n2,\"市道の穴を直して, 早く\"\r\n"},
           {"cp932", kCp932Csv}}) {
    INFO(what);
    const auto batch = ks::read_voices(bytes, ks::BatchFormat::csv, ks::TextEncoding::automatic);
    CHECK(batch.errors.empty());
    REQUIRE(batch.voices.size() == 2);
    CHECK(batch.voices[0].id == "1");
    CHECK(batch.voices[0].text == "ふるさと納税の返礼品について");
    CHECK(batch.voices[0].line == 2);
    CHECK(batch.voices[1].text == "市道の穴を直して, 早く");
    CHECK(batch.encoding == (what == "cp932" ? "cp932" : "utf-8"));
  }
}

TEST_CASE("read_voices finds the columns by name and reports a bad row with its line", "[csv][router]") {
  const auto batch =
      ks::read_voices("受付番号,意見\n A1 ,広報紙が届かない\n\"A2\",\"折り返し\n改行\"\n\nonly-one-field\n",
                      ks::BatchFormat::csv, ks::TextEncoding::automatic);
  REQUIRE(batch.voices.size() == 2);
  CHECK(batch.voices[0].text == "広報紙が届かない");
  CHECK(batch.voices[1].id == "A2");
  CHECK(batch.voices[1].text == "折り返し\n改行");
  REQUIRE(batch.errors.size() == 1);
  CHECK_THAT(batch.errors[0], Catch::StartsWith("line 6:"));

  const auto reordered =
      ks::read_voices("text,id\n広報紙が届かない,A1\n", ks::BatchFormat::csv, ks::TextEncoding::automatic);
  REQUIRE(reordered.voices.size() == 1);
  CHECK(reordered.voices[0].id == "A1");
  CHECK(reordered.voices[0].text == "広報紙が届かない");

  const auto no_text = ks::read_voices("id,body\n1,x\n", ks::BatchFormat::csv, ks::TextEncoding::automatic);
  CHECK(no_text.voices.empty());
  REQUIRE(no_text.errors.size() == 1);
  CHECK_THAT(no_text.errors[0], Catch::Contains("text column"));
}

TEST_CASE("read_voices reads JSON Lines and reports a bad line with its number", "[router]") {
  const auto batch = ks::read_voices(
      "{\"id\":\"a\",\"text\":\"ふるさと納税\"}\n\n{not json}\n{\"id\":7,\"text\":\"広聴\"}\n{\"id\":\"b\"}\n",
      ks::BatchFormat::automatic, ks::TextEncoding::automatic);
  REQUIRE(batch.voices.size() == 2);
  CHECK(batch.voices[0].id == "a");
  CHECK(batch.voices[1].id == "7");
  CHECK(batch.voices[1].line == 4);
  REQUIRE(batch.errors.size() == 2);
  CHECK_THAT(batch.errors[0], Catch::StartsWith("line 3:"));
  CHECK_THAT(batch.errors[1], Catch::StartsWith("line 5:"));
}

TEST_CASE("read_voices refuses an array or object id, however deeply nested, with its line", "[router]") {
  // dump() of a nested id recursed once per level: 100,000 '[' overflowed an 8 MiB stack.
  const std::size_t depth = 200'000;
  const std::string deep = "{\"id\":" + std::string(depth, '[') + std::string(depth, ']') + ",\"text\":\"広聴\"}";
  const auto batch =
      ks::read_voices(deep + "\n{\"id\":{\"a\":1},\"text\":\"広報\"}\n{\"id\":null,\"text\":\"市民参加\"}\n",
                      ks::BatchFormat::jsonl, ks::TextEncoding::automatic);
  REQUIRE(batch.errors.size() == 2);
  CHECK_THAT(batch.errors[0], Catch::StartsWith("line 1:") && Catch::Contains("string or a number"));
  CHECK_THAT(batch.errors[1], Catch::StartsWith("line 2:"));
  REQUIRE(batch.voices.size() == 1);
  CHECK(batch.voices[0].text == "市民参加");
  CHECK(batch.voices[0].line == 3);
}
