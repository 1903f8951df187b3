// Routing quality on koe's own labeled voices (tests/data/voices.jsonl over corpus/, and
// tests/data/city_voices.jsonl over the city-wide test corpus tests/data/corpus-city/; both
// written for koe and kept apart from the shared dev sets). The floors sit a little under
// today's figures so a change that makes routing worse fails here; raise them when routing
// improves.
#include <catch2/catch.hpp>
#include <fstream>
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

Figures route_all(const std::vector<Labeled>& set, const Xapian::Database& db,
                  const koe::search::MatchSources& sources) {
  std::size_t in = 0, out = 0, top1 = 0, within3 = 0, abstained_out = 0, abstained_in = 0, end_to_end = 0;
  for (const auto& v : set) {
    auto r = koe::search::match(koe::test::analyzer(), db, {v.text, 5}, {}, sources);
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

}  // namespace

TEST_CASE("Routing across a whole city stays above its floors", "[quality][city]") {
  // Nine departments, 84 projects, 28 課; routed as the server routes, with the referral table.
  const auto set = voices("city_voices.jsonl");
  REQUIRE(set.size() >= 200);
  koe::test::TempDir dir{"koe-city-index"};
  koe::build_index(koe::test::analyzer(), {{koe::test::source_dir() / "tests" / "data" / "corpus-city"}, dir / "db"});
  const Xapian::Database db((dir / "db").string());
  static const auto referrals = koe::search::ReferralTable::load(
      koe::test::analyzer(), koe::search::referrals_path(koe::test::analyzer().options()));
  // Today: 0.798, 0.914, 0.806, 0.076, 0.803 (through the API, README's Quality, recall@3 is
  // 0.889: the shared scorer counts any gold project).
  check_floors(route_all(set, db, {&referrals}), {0.77, 0.88, 0.75, 0.09, 0.77});
}

TEST_CASE("Routing of koe's own labeled voices stays above its floors", "[quality]") {
  const auto set = voices();
  REQUIRE(set.size() >= 40);
  check_floors(route_all(set, koe::test::shared_db(), {}), {0.85, 0.93, 0.85, 0.10, 0.88});
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
