// How a citizen's voice becomes a query: nothing in it reads positions for every candidate
// (compounds, expansions and several-word synonyms are terms of the index), and what a section
// matches of it counts as evidence.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "koe/search/kana_readings.hpp"
#include "koe/search/query_builder.hpp"
#include "test_support.hpp"

namespace {

std::string described(const std::string& voice) {
  auto vq = koe::search::build_voice_query(koe::test::analyzer(),
                                           *koe::search::ReadingTable::of(koe::test::shared_db()), voice);
  INFO("voice «" << voice << "»: " << vq.status().message);
  REQUIRE(vq.ok());
  return vq.value().query.get_description();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("A voice's compounds and expansions are matched as terms, not as phrases", "[match][query]") {
  // 審議会 is 審議 + the affix 会; 委員 and 審議会 expand to the plan's 市民委員.
  const auto d = described("審議会の委員に応募したいが、選考の基準が分からない");
  INFO(d);
  CHECK(contains(d, "審議会"));
  CHECK(contains(d, "0.5 * 市民委員"));
  CHECK_FALSE(contains(d, "PHRASE"));
}

TEST_CASE("A several-word synonym in a voice is one term, weighed as its words", "[match][query]") {
  // ふれあいトーク is ふれあう + トーク, no compound: the index holds it as one term where a plan
  // spells it, so the voice asks for that term, not for a phrase of two words.
  const auto d = described("市長と語る会を私たちの地区でも開いてください");
  INFO(d);
  CHECK(contains(d, "2 * ふれあうトーク"));
  CHECK_FALSE(contains(d, "PHRASE"));
}

TEST_CASE("The plan's compound an expansion brings counts as evidence, as the voice's own nouns do", "[match][query]") {
  // アパート expands to the plans' 民間賃貸住宅: a section matches that compound term, so it must
  // count as evidence that the voice concerns the section's project, not only its loose words.
  auto vq =
      koe::search::build_voice_query(koe::test::analyzer(), *koe::search::ReadingTable::of(koe::test::shared_db()),
                                     "アパートの更新を断られて次の部屋が見つからない");
  REQUIRE(vq.ok());
  const auto& evidence = vq.value().evidence_terms;
  CHECK(evidence.count("民間賃貸住宅") == 1);
  CHECK(evidence.count("賃貸住宅") == 1);
  CHECK(evidence.count("アパート") == 1);
}

TEST_CASE("A citizen's word written in hiragana reaches the plan's words its kanji would", "[match][query][kana]") {
  // expansions.tsv has 溝 → 側溝 and 物忘れ → 認知症. MeCab reads みぞ as a word of its own; it
  // splits ものわすれ (もの + わすれ), which is then found by its reading as a string.
  const auto& analyzer = koe::test::analyzer();
  const auto& lexicon = analyzer.lexicon();
  REQUIRE(lexicon.expansion_readings.count("ミゾ") == 1);
  CHECK(lexicon.expansion_readings.at("ミゾ") == std::vector<std::string>{"溝"});
  CHECK(lexicon.expansion_readings.count("モノワスレ") == 1);
  const auto readings = koe::search::ReadingTable::of(koe::test::shared_db());
  const std::pair<std::string, std::string> cases[] = {{"うちの まえの みぞの ふたが われています", "側溝"},
                                                       {"さいきん ものわすれが ひどく なりました", "認知症"}};
  for (const auto& [voice, plan_word] : cases) {
    const auto analysis = analyzer.analyze(voice);
    auto vq = koe::search::voice_query(analyzer, *readings, analysis);
    koe::search::add_kana_readings(analyzer, *readings, analysis, vq);
    INFO(voice << ": " << vq.query.get_description());
    CHECK(contains(vq.query.get_description(), "0.5 * " + plan_word));
    CHECK(vq.evidence_terms.count(plan_word) == 1);
  }
  // Written in kanji, the same words expand as before.
  CHECK(contains(described("溝の蓋が割れています"), "0.5 * 側溝"));
}
