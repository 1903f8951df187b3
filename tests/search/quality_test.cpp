// Routing quality on koe's own labeled voices (tests/data/voices.jsonl over corpus/, and
// tests/data/city_voices.jsonl over the city-wide test corpus tests/data/corpus-city/; both
// written for koe and kept apart from the shared dev sets). The floors sit a little under
// today's figures so a change that makes routing worse fails here; raise them when routing
// improves.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "koe/indexer/index_builder.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/referral.hpp"
#include "test_support.hpp"

namespace {

struct Labeled {
  std::string id, text, primary;
  std::vector<std::string> gold;
  bool in_scope = true;
};

std::vector<Labeled> voices(const char* file = "voices.jsonl") {
  std::vector<Labeled> out;
  std::ifstream in(koe::test::source_dir() / "tests" / "data" / file);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    Labeled v;
    v.id = j["id"];
    v.text = j["text"];
    v.in_scope = j["scope"] == "in";
    if (v.in_scope) v.primary = j["primary"];
    v.gold = j["gold"].get<std::vector<std::string>>();
    out.push_back(std::move(v));
  }
  return out;
}

/// The five figures of the shared scorer (../shared/eval/metrics.py), over one labeled set.
struct Figures {
  double top1 = 0, recall3 = 0, oos_recall = 0, wrong_abstain = 0, end_to_end = 0;
};

/// Routes each voice with what `sources_of` (given its place in the set) says to consult.
Figures route_all(const std::vector<Labeled>& set, const Xapian::Database& db,
                  const std::function<koe::search::MatchSources(std::size_t)>& sources_of) {
  std::size_t in = 0, out = 0, top1 = 0, within3 = 0, abstained_out = 0, abstained_in = 0, end_to_end = 0;
  for (std::size_t i = 0; i < set.size(); ++i) {
    const Labeled& v = set[i];
    auto r = koe::search::match(koe::test::analyzer(), db, {v.text, 5}, {}, sources_of(i));
    REQUIRE(r.ok());
    const auto& m = r.value();
    if (!v.in_scope) {
      ++out;
      if (m.out_of_scope)
        ++abstained_out, ++end_to_end;
      else
        UNSCOPED_INFO("not declared out of scope: " << v.id);
      continue;
    }
    ++in;
    if (m.out_of_scope) ++abstained_in;
    if (!m.matches.empty() && m.matches[0].project.name == v.primary)
      ++top1;
    else
      UNSCOPED_INFO("top-1 miss: " << v.id);
    for (std::size_t k = 0; k < m.matches.size() && k < 3; ++k)
      if (m.matches[k].project.name == v.primary) ++within3;
    const bool gold_first =
        !m.matches.empty() && std::find(v.gold.begin(), v.gold.end(), m.matches[0].project.name) != v.gold.end();
    if (!m.out_of_scope && gold_first) ++end_to_end;
  }
  return {double(top1) / double(in), double(within3) / double(in), double(abstained_out) / double(out),
          double(abstained_in) / double(in), double(end_to_end) / double(set.size())};
}

Figures route_all(const std::vector<Labeled>& set, const Xapian::Database& db,
                  const koe::search::MatchSources& sources) {
  return route_all(set, db, [&](std::size_t) { return sources; });
}

/// Each figure at least its floor (in-scope abstained at most its ceiling).
void check_floors(const Figures& f, const Figures& floor) {
  INFO("top-1 " << f.top1 << ", recall@3 " << f.recall3 << ", out-of-scope recall " << f.oos_recall
                << ", in-scope abstained " << f.wrong_abstain << ", end-to-end " << f.end_to_end);
  CHECK(f.top1 >= floor.top1);
  CHECK(f.recall3 >= floor.recall3);
  CHECK(f.oos_recall >= floor.oos_recall);
  CHECK(f.wrong_abstain <= floor.wrong_abstain);
  CHECK(f.end_to_end >= floor.end_to_end);
}

/// An index of the city-wide test corpus, built once for this suite.
const Xapian::Database& city_db() {
  static const koe::test::TempDir dir{"koe-city-index"};
  static const Xapian::Database db = [] {
    koe::build_index(koe::test::analyzer(), {{koe::test::source_dir() / "tests" / "data" / "corpus-city"}, dir / "db"});
    return Xapian::Database((dir / "db").string());
  }();
  return db;
}

const koe::search::ReferralTable& referrals() {
  static const auto table = koe::search::ReferralTable::load(
      koe::test::analyzer(), koe::search::referrals_path(koe::test::analyzer().options()));
  return table;
}

}  // namespace

TEST_CASE("Routing across a whole city stays above its floors", "[quality][city]") {
  // Nine departments, 84 projects, 28 課; routed as the server routes, with the referral table.
  const auto set = voices("city_voices.jsonl");
  REQUIRE(set.size() >= 200);
  const Xapian::Database& db = city_db();
  // Today through the API (README's Quality): top-1 0.854, recall@3 0.919, out-of-scope
  // recall 0.806, in-scope abstained 0.066, end-to-end 0.846; before projects were ordered by
  // how much of the voice they hold, 0.798, 0.899, 0.806, 0.071, 0.803.
  check_floors(route_all(set, db, {&referrals()}), {0.81, 0.90, 0.75, 0.09, 0.80});
}

TEST_CASE("Voices learnt from other folds route the city's voices no worse than the plans alone",
          "[quality][city][learning]") {
  // 5-fold: each voice is routed with the other folds' voices as confirmed examples (their
  // primary project, or out of scope), never its own. Few examples per project (about two):
  // weakly alike voices of other projects must not outvote the plans.
  const auto set = voices("city_voices.jsonl");
  const Xapian::Database& db = city_db();
  std::map<std::string, koe::search::ProjectSummary> by_name;
  for (const auto& p : koe::search::list_projects(db)) by_name[p.name] = p;
  constexpr std::size_t kFolds = 5;
  std::vector<std::unique_ptr<koe::search::ExampleIndex>> examples;  // of each fold: the other folds' voices
  for (std::size_t fold = 0; fold < kFolds; ++fold) {
    examples.push_back(std::make_unique<koe::search::ExampleIndex>(koe::test::analyzer()));
    for (std::size_t i = 0; i < set.size(); ++i) {
      if (i % kFolds == fold) continue;
      koe::search::Example e;
      e.id = static_cast<std::int64_t>(i);
      e.text = set[i].text;
      e.out_of_scope = !set[i].in_scope;
      if (set[i].in_scope) {
        const auto& p = by_name.at(set[i].primary);
        e.project_id = p.id, e.project_name = p.name, e.division = p.division;
      }
      examples.back()->upsert(e);
    }
  }
  const Figures plans = route_all(set, db, {&referrals()});
  const Figures learnt = route_all(set, db, [&](std::size_t i) {
    return koe::search::MatchSources{&referrals(), examples[i % kFolds].get()};
  });
  INFO("plans alone: top-1 " << plans.top1 << ", end-to-end " << plans.end_to_end << "; with examples: top-1 "
                             << learnt.top1 << ", end-to-end " << learnt.end_to_end);
  // Today: top-1 0.798 -> 0.803, end-to-end 0.803 -> 0.808 (README, "Learning, measured
  // honestly"); before like voices were weighed on the scale of the plans' best project,
  // 0.778 and 0.786.
  CHECK(learnt.top1 >= plans.top1);
  CHECK(learnt.end_to_end >= plans.end_to_end);
  CHECK(learnt.oos_recall >= plans.oos_recall);
  CHECK(learnt.wrong_abstain <= plans.wrong_abstain);
}

TEST_CASE("Routing of koe's own labeled voices stays above its floors", "[quality]") {
  const auto set = voices();
  REQUIRE(set.size() >= 40);
  // Today: 0.964, 0.982, 1.000, 0.036, 0.975.
  check_floors(route_all(set, koe::test::shared_db(), koe::search::MatchSources{}), {0.90, 0.93, 0.85, 0.10, 0.88});
}

TEST_CASE("A project that holds more of what a voice says ranks above one that holds a rarer word of it",
          "[quality][city][match]") {
  // koe's own cv015: 認可外 and 預け are rarer words, held by the 預かり保育 project; the
  // 保育の質 project holds more of the voice (保育園, お昼寝, 先生 …).
  const std::string voice =
      "保育園のお昼寝の件で電話あり。認可外の園に預けているが、お昼寝の時間に先生が一人しかいないようで心配、"
      "市は園の様子を見に行っているのかとのこと。";
  koe::search::MatchOptions by_score;
  by_score.coverage_exponent = 0;
  const auto plain = koe::search::match(koe::test::analyzer(), city_db(), {voice, 10}, by_score);
  const auto weighed = koe::search::match(koe::test::analyzer(), city_db(), {voice, 10});
  REQUIRE(plain.ok());
  REQUIRE(weighed.ok());
  const auto& p = plain.value().matches;
  const auto& w = weighed.value().matches;
  REQUIRE(!p.empty());
  REQUIRE(!w.empty());
  CHECK(p[0].project.name != "保育の質の向上と保育人材の確保");
  CHECK(w[0].project.name == "保育の質の向上と保育人材の確保");
  CHECK(w[0].coverage > p[0].coverage);
  // The order changes; the scope and each project's strength do not.
  CHECK(weighed.value().out_of_scope == plain.value().out_of_scope);
  std::size_t in_both = 0;
  for (const auto& m : w) {
    const auto same = std::find_if(p.begin(), p.end(), [&](const auto& o) { return o.project.id == m.project.id; });
    if (same == p.end()) continue;  // the tenth place may differ
    ++in_both;
    CHECK(m.strength == Approx(same->strength));
  }
  CHECK(in_both >= 8);
  // The score shown is the one ranked on: best first.
  for (std::size_t k = 1; k < w.size(); ++k) CHECK(w[k - 1].score >= w[k].score);
}

TEST_CASE("A word a voice comes back to weighs more in what a project must explain", "[quality][city][match]") {
  // koe's own cv083: バス停 and 歩道 twice each, the bus project first; the same voice with
  // バス停 once is about the footway.
  const std::string bus_twice =
      "バス停の件で電話あり。自宅前の歩道にバス停があり、待っている人で歩道がふさがって通れない、少し先の広い場所に"
      "移せないかとのこと。";
  const std::string bus_once =
      "自宅前の歩道にバス停があり、待っている人で歩道がふさがって通れない、少し先の広い場所に移せないかとのこと。";
  const auto twice = koe::search::match(koe::test::analyzer(), city_db(), {bus_twice, 5});
  const auto once = koe::search::match(koe::test::analyzer(), city_db(), {bus_once, 5});
  REQUIRE(twice.ok());
  REQUIRE(once.ok());
  REQUIRE(twice.value().matches.size() >= 2);
  REQUIRE(once.value().matches.size() >= 2);
  CHECK(twice.value().matches[0].project.name == "路線バスとはちバスの利便性向上");
  CHECK(once.value().matches[0].project.name == "歩道の段差解消と通学路の安全対策");
  auto coverage_of = [](const koe::search::MatchResponse& r, const std::string& name) {
    for (const auto& m : r.matches)
      if (m.project.name == name) return m.coverage;
    return -1.0;
  };
  CHECK(coverage_of(twice.value(), "路線バスとはちバスの利便性向上") >
        coverage_of(once.value(), "路線バスとはちバスの利便性向上"));
}

TEST_CASE("A long voice found by its strongest words is scored on all of them", "[quality][city][match]") {
  // A letter of many everyday words: past MatchOptions::words_considered its strongest words
  // find the candidate sections, and all its words weigh them, so the ranking and the strength
  // (on which scope is decided) are those all the words give. (Two passes only pay in a large
  // index: long_voice_sections 0 has this small one take them.)
  const std::string letter =
      "いつもお世話になっております。私は市内に住んで二十年になる会社員で、小学生と保育園に通う子どもが二人います。"
      "先日、下の子が熱を出して夜中に救急で病院にかかりました。窓口で医療費の助成の手続きを聞かれましたが、"
      "受給者証を家に忘れてしまい、その場で払うことになりました。後から払い戻しの申請ができると聞きましたが、"
      "書類の書き方が分かりにくく、平日の昼間に市役所へ行く時間もありません。オンラインで申請できるように"
      "してほしいです。また、中学生や高校生の医療費の助成がいつまで続くのか、所得の制限はあるのかなど、"
      "ホームページの説明も探しにくいと感じました。子育て世帯の負担が少しでも軽くなるよう、よろしくお願いします。";
  koe::search::MatchOptions every_word;
  every_word.words_considered = 1000;
  koe::search::MatchOptions two_passes;
  two_passes.long_voice_sections = 0;
  koe::search::MatchOptions three_words = two_passes;
  three_words.words_considered = 3;
  const auto all = koe::search::match(koe::test::analyzer(), city_db(), {letter, 3}, every_word);
  const auto strongest = koe::search::match(koe::test::analyzer(), city_db(), {letter, 3}, two_passes);
  const auto three = koe::search::match(koe::test::analyzer(), city_db(), {letter, 3}, three_words);
  REQUIRE(all.ok());
  REQUIRE(strongest.ok());
  REQUIRE(three.ok());
  REQUIRE(all.value().matches.size() == 3);
  REQUIRE(strongest.value().matches.size() == 3);
  CHECK(all.value().matches[0].project.name == "子ども医療費助成と子育て世帯の経済的支援");
  for (std::size_t k = 0; k < 3; ++k) {
    INFO(k);
    CHECK(strongest.value().matches[k].project.id == all.value().matches[k].project.id);
    CHECK(strongest.value().matches[k].strength == Approx(all.value().matches[k].strength));
  }
  CHECK(strongest.value().out_of_scope == all.value().out_of_scope);
  // Found by three words, the best project is the same, weighed on the sections those found.
  REQUIRE_FALSE(three.value().matches.empty());
  CHECK(three.value().matches[0].project.id == all.value().matches[0].project.id);
  CHECK(three.value().matches[0].strength <= all.value().matches[0].strength + 1e-9);
}

TEST_CASE("A voice routes to the 課 that runs its project", "[quality]") {
  auto db = koe::test::shared_db();
  struct Case {
    const char* text;
    const char* division;
  };
  const Case cases[] = {
      {"ふるさと納税の返礼品に地元の和菓子を加えてほしい", "広報プロモーション課"},
      {"市長と語る会を私たちの地区でも開いてください", "広聴課"},
      {"姉妹都市の日光市との交流事業に参加したい", "秘書課"},
      {"行政のデータをもっと分析に活用してほしい", "都市戦略課"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto r = koe::search::match(koe::test::analyzer(), db, {c.text, 3});
    REQUIRE(r.ok());
    REQUIRE_FALSE(r.value().out_of_scope);
    CHECK(r.value().matches.at(0).project.division == c.division);
  }
}

TEST_CASE("A voice that keeps naming another body's matter is referred however strong its project",
          "[match][referral][city]") {
  // 子ども医療費助成 is a strong project for both voices; the one that names 水道料金 twice is
  // about the water bill (東京都水道局), the one that names it once stays with the plans.
  const std::string twice =
      "水道料金の口座振替の案内が分かりにくい。水道料金の支払いを子ども医療費助成の手続きと同じ窓口でできるようにし"
      "てほしい。";
  const std::string once =
      "水道料金の口座振替の案内が分かりにくい。支払いを子ども医療費助成の手続きと同じ窓口でできるようにしてほしい。";
  const koe::search::MatchSources sources{&referrals()};
  const auto insistent = koe::search::match(koe::test::analyzer(), city_db(), {twice, 5}, {}, sources);
  const auto mentioned = koe::search::match(koe::test::analyzer(), city_db(), {once, 5}, {}, sources);
  REQUIRE(insistent.ok());
  REQUIRE(mentioned.ok());
  REQUIRE(!insistent.value().matches.empty());
  CHECK(insistent.value().matches[0].strength >= koe::search::MatchOptions{}.referral_max_strength);
  CHECK(insistent.value().out_of_scope);
  REQUIRE(insistent.value().referral.has_value());
  CHECK(insistent.value().referral->body == "東京都水道局");
  CHECK_FALSE(mentioned.value().out_of_scope);
  CHECK_FALSE(mentioned.value().referral.has_value());
}
