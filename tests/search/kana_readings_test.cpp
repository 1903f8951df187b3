// Voices written in hiragana (as many older citizens write) reach the plans' kanji words by
// their readings, found as strings where MeCab cannot split the kana.
#include "koe/search/kana_readings.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "koe/search/matcher.hpp"
#include "test_support.hpp"

namespace {

std::vector<std::string> readings_in(const std::string& text, const std::set<std::string>& known,
                                     bool with_word_edges = true) {
  const auto& analyzer = koe::test::analyzer();
  const auto analysis = analyzer.analyze(text);
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  if (with_word_edges) edges = koe::search::kana_word_edges(analysis);
  std::vector<std::string> out;
  auto is_known = [&](std::string_view r) { return known.count(std::string(r)) > 0; };
  for (const auto& kr : koe::search::cover_kana_runs(analysis.normalized, is_known, {}, edges))
    out.push_back(kr.reading);
  return out;
}

}  // namespace

TEST_CASE("Readings are found in hiragana runs between particles, not inside other words", "[kana]") {
  struct Row {
    const char* what;
    std::string text;
    std::set<std::string> known;
    std::vector<std::string> expected;
  };
  const Row rows[] = {
      {"the longest cover wins over its parts",
       "しみんさんかの しんぎかいに でて みたいです",
       {"シミンサンカ", "シミン", "サンカ", "シンギカイ", "ギカイ"},
       {"シミンサンカ", "シンギカイ"}},
      {"a reading inside a verb's ending is no word", "せわやくの ひとが やめてしまいました", {"シマイ"}, {}},
      {"a reading that starts inside a word is none",
       "こうみんかんで たいそうを していました",
       {"ミンカン", "シテイ"},
       {}},
      {"two morae are too few, however many characters", "きゅうしょくの あじ", {"キュウ", "ショク"}, {}},
      {"a long reading may end where the plans' reading does not",
       "しゅうせきじょまで もっていく",
       {"シュウセキ"},
       {"シュウセキ"}},
      {"the copula is no particle", "どこに たのめば よいのでしょうか", {"ショウカ"}, {}},
      {"a run ends at kanji, so a reading is found inside mixed text",
       "市のしんぎかいの委員",
       {"シンギカイ"},
       {"シンギカイ"}},
      {"katakana is MeCab's to read, not a hiragana run", "シンギカイの委員", {"シンギカイ"}, {}},
      {"a repeated reading is found each time", "こうえんの こうえん", {"コウエン"}, {"コウエン", "コウエン"}},
  };
  for (const auto& row : rows) {
    INFO(row.what << ": «" << row.text << "»");
    CHECK(readings_in(row.text, row.known) == row.expected);
  }
}

TEST_CASE("A word MeCab did find in the kana is an edge a reading may start from", "[kana]") {
  // MeCab reads ごみ and しゅうしゅう apart; シュウシュウ starts where ごみ ends.
  CHECK(readings_in("ごみしゅうしゅうの ひ", {"シュウシュウ"}) == std::vector<std::string>{"シュウシュウ"});
  CHECK(readings_in("ごみしゅうしゅうの ひ", {"シュウシュウ"}, false).empty());
}

TEST_CASE("A reading found in kana points at the characters the citizen typed", "[kana]") {
  const std::string text = "市の　しんぎかいの委員";
  const auto analysis = koe::test::analyzer().analyze(text);
  auto known = [](std::string_view r) { return r == "シンギカイ"; };
  const auto found = koe::search::cover_kana_runs(analysis.normalized, known);
  REQUIRE(found.size() == 1);
  CHECK(text.substr(found[0].begin, found[0].end - found[0].begin) == "しんぎかい");
}

TEST_CASE("A voice in hiragana reaches the plan it spells, in an index of the real corpus", "[kana][match]") {
  struct Row {
    const char* voice;
    const char* project;
  };
  const Row rows[] = {
      {"しみんさんかの しんぎかいに でて みたいです", "市民参加の推進"},
      {"じちすいしんの とりくみを おしえて ください", "自治推進"},
      {"しまいとしの まちに いって みたいです", "姉妹都市交流"},
  };
  const auto db = koe::test::shared_db();
  for (const auto& row : rows) {
    INFO("«" << row.voice << "»");
    auto r = koe::search::match(koe::test::analyzer(), db, {row.voice, 3});
    REQUIRE(r.ok());
    REQUIRE_FALSE(r.value().matches.empty());
    CHECK(r.value().matches[0].project.name == row.project);
    CHECK_FALSE(r.value().out_of_scope);
  }
  auto r = koe::search::match(koe::test::analyzer(), db, {"ねんきんの てつづきが わかりません", 3});
  REQUIRE(r.ok());
  CHECK(r.value().out_of_scope);
}

TEST_CASE("A stop word spelled in kana adds no reading, like the word", "[kana]") {
  const auto db = koe::test::shared_db();
  const auto& analyzer = koe::test::analyzer();
  const auto readings = koe::search::ReadingTable::of(db);
  koe::search::VoiceQuery vq;
  add_kana_readings(analyzer, *readings, analyzer.analyze("はちおうじの みなさんへ"), vq);
  CHECK(vq.query.empty());
  CHECK(vq.terms.readings.empty());
  add_kana_readings(analyzer, *readings, analyzer.analyze("はちおうじの ふるさとのうぜい"), vq);
  CHECK(vq.terms.readings.count("フルサトノウゼイ") == 1);
  // What the reading stands for is evidence and is marked, not the kana.
  CHECK(vq.evidence_terms.count("ふるさと納税") == 1);
  CHECK(vq.terms.words.count("ふるさと納税") == 1);
}
