// Staff search over an index of the real corpus, built once per test process.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "koe/indexer/index_builder.hpp"
#include "koe/search/highlighter.hpp"
#include "koe/search/limits.hpp"
#include "koe/search/query_builder.hpp"
#include "koe/search/searcher.hpp"
#include "koe/wire/json.hpp"
#include "test_support.hpp"

namespace {

namespace ks = koe::search;
constexpr std::size_t kMaxLimit = ks::kSearchLimitRange.max;

koe::Result<ks::SearchResponse> run_in(const Xapian::Database& db, const std::string& query,
                                       std::size_t limit = kMaxLimit, std::size_t offset = 0,
                                       ks::Filters filters = {}) {
  ks::SearchRequest req;
  req.query = query;
  req.limit = static_cast<std::int64_t>(limit);
  req.offset = static_cast<std::int64_t>(offset);
  req.filters = std::move(filters);
  return ks::search(koe::test::analyzer(), db, req);
}

koe::Result<ks::SearchResponse> run(const std::string& query, std::size_t limit = kMaxLimit, std::size_t offset = 0,
                                    ks::Filters filters = {}) {
  return run_in(koe::test::shared_db(), query, limit, offset, std::move(filters));
}

/// An index of `copies` copies of the plan, each a department of its own, in `dir`.
struct PlanCopies {
  Xapian::Database db;
  std::size_t sections = 0;
};
PlanCopies index_plan_copies(const koe::test::TempDir& dir, int copies) {
  const auto plan = koe::test::read_file(koe::test::plan_path());
  for (int k = 0; k < copies; ++k)
    koe::test::write_file(dir / "corpus" / "2026" / ("dept" + std::to_string(k) + ".tsv"), plan);
  const auto summary = koe::build_index(koe::test::analyzer(), {{dir / "corpus"}, dir / "db"});
  return {Xapian::Database((dir / "db").string()), summary.sections};
}

ks::SearchResponse ok(const std::string& query, std::size_t limit = kMaxLimit, std::size_t offset = 0,
                      ks::Filters filters = {}) {
  auto r = run(query, limit, offset, std::move(filters));
  INFO("query «" << query << "»: " << r.status().message);
  REQUIRE(r.ok());
  return r.value();
}

bool contains(const std::string& text, const std::string& word) { return text.find(word) != std::string::npos; }

std::vector<std::string> ids(const ks::SearchResponse& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hits) out.push_back(h.section.id);
  return out;
}

/// Every '<' in a snippet opens or closes a <mark>: nothing else is unescaped.
void check_snippet_is_safe(const std::string& snippet) {
  INFO("snippet: " << snippet);
  for (std::size_t at = snippet.find('<'); at != std::string::npos; at = snippet.find('<', at + 1))
    CHECK((snippet.compare(at, 6, "<mark>") == 0 || snippet.compare(at, 7, "</mark>") == 0));
  CHECK_FALSE(contains(snippet, "<script"));
}

}  // namespace

TEST_CASE("Sections holding every word rank before sections holding some of them", "[search]") {
  const auto r = ok("返礼品 桑都ペイ");
  CHECK(r.total_all_words == 2);
  CHECK(r.total == 5);
  CHECK_FALSE(r.relaxed);
  REQUIRE(r.hits.size() == 5);
  for (std::size_t k = 0; k < r.hits.size(); ++k) {
    const auto& h = r.hits[k];
    INFO(h.section.id);
    const bool both = contains(h.section.text, "返礼品") && contains(h.section.text, "桑都ペイ");
    CHECK(h.all_words == (k < 2));
    CHECK(both == h.all_words);
    CHECK(h.section.project_name.value_or("") == "ふるさと納税");
  }
}

TEST_CASE("A query no section fully holds is answered from the relaxed tier", "[search]") {
  const auto r = ok("桑都ペイ 人流");
  CHECK(r.total_all_words == 0);
  CHECK(r.relaxed);
  CHECK(r.total == 4);
  for (const auto& h : r.hits) CHECK_FALSE(h.all_words);
}

TEST_CASE("Every word of a synonym group finds the same sections", "[search][synonyms]") {
  const std::vector<std::vector<std::string>> groups{
      {"ホームページ", "HP", "ウェブサイト"},
      {"SNS", "ソーシャルメディア", "ソーシャルネットワーキングサービス"},
      {"姉妹都市", "友好都市"},
      {"広報紙", "広報誌", "市報"},
      {"ふれあいトーク", "市長と語る会", "タウンミーティング"},
  };
  for (const auto& group : groups) {
    const auto first = ok(group[0]);
    INFO("group of «" << group[0] << "»");
    REQUIRE(first.total_all_words > 0);
    // The sections holding the word or a synonym (the relaxed tier may differ: 広報紙 also
    // brings sections holding only its part 広報).
    auto all_words_ids = [](const ks::SearchResponse& r) {
      std::vector<std::string> out;
      for (const auto& h : r.hits)
        if (h.all_words) out.push_back(h.section.id);
      std::sort(out.begin(), out.end());
      return out;
    };
    const auto first_ids = all_words_ids(first);
    for (std::size_t k = 1; k < group.size(); ++k) {
      INFO("«" << group[k] << "»");
      const auto other = ok(group[k]);
      CHECK(other.total_all_words == first.total_all_words);
      CHECK(all_words_ids(other) == first_ids);
    }
  }
}

TEST_CASE("A quoted phrase matches its words only next to each other", "[search]") {
  const auto phrase = ok("\"情報発信\"");
  const auto words = ok("情報 発信");
  REQUIRE(phrase.total_all_words > 0);
  CHECK(phrase.total_all_words < words.total_all_words);
  for (const auto& h : phrase.hits) {
    INFO(h.section.id);
    CHECK(h.all_words);
    CHECK(contains(h.section.text, "情報発信"));
  }
  const auto all = ids(words);
  for (const auto& id : ids(phrase)) CHECK(std::find(all.begin(), all.end(), id) != all.end());
  // Japanese quotes work too.
  CHECK(ok("「情報発信」").total_all_words == phrase.total_all_words);
}

TEST_CASE("A word after a minus sign excludes the sections holding it", "[search]") {
  const auto with = ok("返礼品");
  const auto without = ok("返礼品 -桑都ペイ");
  CHECK(without.total == with.total - 2);
  REQUIRE_FALSE(without.hits.empty());
  for (const auto& h : without.hits) {
    INFO(h.section.id);
    CHECK_FALSE(contains(h.section.text, "桑都ペイ"));
    CHECK(contains(h.section.text, "返礼品"));
  }
}

TEST_CASE("An excluded stop word still excludes the sections holding it", "[search]") {
  // 市民 is in stopwords.txt: dropped from what a query requires, but -市民 must still exclude.
  const auto with = ok("発信");
  const auto without = ok("発信 -市民");
  CHECK(without.total < with.total);
  for (const auto& h : without.hits) {
    INFO(h.section.id);
    CHECK_FALSE(contains(h.section.text, "市民"));
  }
  const auto filtered = ok("課:広聴課 -市民");
  CHECK(filtered.total == 5);
  for (const auto& h : filtered.hits) {
    INFO(h.section.id);
    CHECK(h.section.division == "広聴課");
    CHECK_FALSE(contains(h.section.text, "市民"));
  }
}

TEST_CASE("OR between two words finds sections holding either, all in the first tier", "[search]") {
  const auto a = ok("桑都ペイ");
  const auto b = ok("人流");
  REQUIRE(a.total == 2);
  REQUIRE(b.total == 2);
  for (const std::string& q :
       {std::string("桑都ペイ OR 人流"), std::string("桑都ペイ | 人流"), std::string("桑都ペイ　ＯＲ　人流")}) {
    INFO("query «" << q << "»");
    const auto r = ok(q);
    CHECK(r.total == 4);
    CHECK(r.total_all_words == 4);
    CHECK_FALSE(r.relaxed);
    for (const auto& h : r.hits) {
      INFO(h.section.id);
      CHECK(h.all_words);
      CHECK((contains(h.section.text, "桑都ペイ") || contains(h.section.text, "人流")));
    }
  }
}

TEST_CASE("Filters in the query narrow the results", "[search][filters]") {
  SECTION("課:広聴課") {
    const auto r = ok("市民 課:広聴課");
    REQUIRE(r.total > 0);
    CHECK(r.total < ok("市民").total);
    for (const auto& h : r.hits) CHECK(h.section.division == "広聴課");
  }
  SECTION("項目:課題 and kind:issues are the same filter") {
    const auto ja = ok("返礼品 項目:課題");
    const auto en = ok("返礼品 kind:issues");
    REQUIRE(ja.total == 1);
    CHECK(ids(ja) == ids(en));
    CHECK(ja.hits[0].section.id == "2026-shichokoshitsu-7-issues");
  }
  SECTION("施策:5") {
    const auto r = ok("市民 施策:5");
    REQUIRE(r.total > 0);
    for (const auto& h : r.hits) CHECK(h.section.policy == "5");
    const auto sub = ok("市民 施策:5.2");
    REQUIRE(sub.total > 0);
    for (const auto& h : sub.hits) CHECK((h.section.policy == "5" && h.section.sub_policy == "2"));
  }
  SECTION("事業:<project id>") {
    const auto r = ok("市民 事業:2026-shichokoshitsu-9");
    REQUIRE(r.total > 0);
    for (const auto& h : r.hits) CHECK(h.section.project_id.value_or("") == "2026-shichokoshitsu-9");
  }
  SECTION("a filter alone lists every section it selects") {
    const auto r = ok("課:広聴課");
    CHECK(r.total == 18);
  }
  SECTION("filters given in the request") {
    ks::Filters f;
    f.kinds = {"activities"};
    f.divisions = {"秘書課"};
    const auto r = ok("交流", kMaxLimit, 0, f);
    REQUIRE(r.total == 1);
    CHECK(r.hits[0].section.id == "2026-shichokoshitsu-4-activities");
  }
}

TEST_CASE("Department sections are searchable and belong to no project", "[search]") {
  const auto r = ok("ブランディング");
  REQUIRE(r.total == 2);  // the 部のビジョン and a goal of ふるさと納税
  const auto it = std::find_if(r.hits.begin(), r.hits.end(),
                               [](const auto& h) { return h.section.kind == koe::SectionKind::vision; });
  REQUIRE(it != r.hits.end());
  CHECK_FALSE(it->section.project_id.has_value());
  CHECK(it->section.department == "市長公室");
  const auto j = koe::wire::search_json(r)["results"][it - r.hits.begin()];
  CHECK(j["project"].is_null());
  CHECK(j["department"] == "市長公室");
  CHECK(j["section"]["kind"] == "vision");
  CHECK(ok("部:市長公室 ブランディング").total == 2);
  CHECK(ok("部:市長公室 ブランディング kind:vision").total == 1);
  CHECK(run("部:総務部 ブランディング").value().total == 0);
}

TEST_CASE("A question in plain Japanese finds the project it is about", "[search]") {
  const auto r = ok("人流データを使っている事業は？", 10);
  REQUIRE_FALSE(r.hits.empty());
  CHECK(r.hits.front().section.project_name.value_or("") == "政策立案機能の充実");
}

TEST_CASE("Snippets are HTML-escaped with <mark> around matched words", "[search][snippets]") {
  const auto r = ok("ふるさと納税");
  REQUIRE_FALSE(r.hits.empty());
  for (const auto& h : r.hits) {
    // A section found only because its project is named ふるさと納税 has nothing to mark.
    if (h.score > 0)
      CHECK(contains(h.snippet, "<mark>"));
    else
      CHECK(h.section.project_name == "ふるさと納税");
    check_snippet_is_safe(h.snippet);
  }
  const auto script = run("<script>alert(1)</script> 返礼品");
  REQUIRE(script.ok());
  for (const auto& h : script.value().hits) check_snippet_is_safe(h.snippet);
  const auto results = koe::wire::search_json(script.value())["results"];
  for (const auto& h : results) check_snippet_is_safe(h["snippet"].get<std::string>());
}

TEST_CASE("Snippets mark only what matched, not the loose parts of a synonym phrase", "[search][snippets]") {
  // 広報紙's synonym group holds the phrase 広報八王子; a section that says 八王子市 but not
  // 広報八王子 must not have 八王子 marked for a search for 広報紙.
  const auto r = ok("広報紙");
  REQUIRE_FALSE(r.hits.empty());
  for (const auto& h : r.hits) {
    INFO(h.section.id << ": " << h.snippet);
    CHECK_FALSE(contains(h.snippet, "<mark>八王子"));
  }
}

TEST_CASE("make_snippet escapes the section text and marks the query words", "[search][snippets]") {
  ks::QueryTerms terms;
  terms.words = {"広報"};
  const auto s = ks::make_snippet(koe::test::analyzer(), "<b>広報</b> & \"市\" 'x'", terms);
  CHECK(s == "&lt;b&gt;<mark>広報</mark>&lt;/b&gt; &amp; &quot;市&quot; &#39;x&#39;");
  CHECK(ks::html_escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  CHECK(ks::html_escape("一\n二") == "一\n二");
}

TEST_CASE("A snippet joins a section's list items with a slash, inside a mark too", "[search][snippets]") {
  ks::QueryTerms terms;
  terms.words = {"広報"};
  const auto s = ks::make_snippet(koe::test::analyzer(), "市の広報\n広報<紙>\n", terms);
  CHECK(s == "市の<mark>広報</mark> / <mark>広報</mark>&lt;紙&gt; / ");
}

TEST_CASE("Snippets from the spans stored at index time are those the analyzer would give", "[search][snippets]") {
  // Staff queries and voices of every kind of term: words, compounds, variants, readings
  // reached from hiragana, and a phrase.
  const std::vector<std::string> staff = {"広報",        "ふるさと納税", "ふるさとのうぜい", "寄付",
                                          "ＳＮＳ 発信", "\"市民の声\"", "しみんさんか",     "シティプロモーション"};
  const std::vector<std::string> voices = {"こうえんの といれが くらくて こわいです",
                                           "ふるさと納税の返礼品をもっと増やしてほしい。SNSでの発信も足りない。"};
  const Xapian::Database db = koe::test::shared_db();
  const auto readings = ks::ReadingTable::of(db);
  std::vector<ks::QueryTerms> queries;
  for (const auto& q : staff) {
    auto parsed = ks::parse_staff_query(koe::test::analyzer(), *readings, q);
    REQUIRE(parsed.ok());
    queries.push_back(parsed.value().terms);
  }
  for (const auto& v : voices) {
    auto built = ks::build_voice_query(koe::test::analyzer(), *readings, v);
    REQUIRE(built.ok());
    queries.push_back(built.value().terms);
  }
  std::size_t marked = 0;
  for (auto id = db.postlist_begin(""); id != db.postlist_end(""); ++id) {
    const Xapian::Document doc = db.get_document(*id);
    const std::string text = koe::stored_record(doc).text;
    for (const auto& terms : queries) {
      const std::string stored = ks::make_snippet(doc, text, terms);
      INFO(text);
      CHECK(stored == ks::make_snippet(koe::test::analyzer(), text, terms));
      if (stored.find("<mark>") != std::string::npos) ++marked;
    }
  }
  CHECK(marked > 100);
  // And what search returns is that snippet.
  for (const auto& q : staff) {
    const auto r = ok(q);
    for (const auto& h : r.hits) CHECK(h.snippet == ks::make_snippet(koe::test::analyzer(), h.section.text, r.terms));
  }
}

TEST_CASE("A long section's snippet is cut around its matches", "[search][snippets]") {
  ks::QueryTerms terms;
  terms.words = {"桑都ペイ"};
  std::string text;
  for (int k = 0; k < 40; ++k) text += "市民の声を政策に反映する。";
  text += "桑都ペイを返礼品にする。";
  for (int k = 0; k < 40; ++k) text += "市民の声を政策に反映する。";
  const auto s = ks::make_snippet(koe::test::analyzer(), text, terms, {60});
  CHECK(contains(s, "<mark>桑都ペイ</mark>"));
  CHECK(s.starts_with("…"));
  CHECK(s.ends_with("…"));
  CHECK(s.size() < text.size() / 4);
}

TEST_CASE("Facet counts agree with the results", "[search][facets]") {
  const auto r = ok("市民");
  REQUIRE(r.total <= kMaxLimit);
  REQUIRE(r.hits.size() == r.total);
  std::map<std::string, std::size_t> divisions, kinds, projects;
  for (const auto& h : r.hits) {
    if (!h.section.division.empty()) ++divisions[h.section.division];
    ++kinds[std::string(koe::kind_name(h.section.kind))];
    if (h.section.project_id) ++projects[*h.section.project_id];
  }
  std::map<std::string, std::size_t> got_divisions, got_kinds, got_projects;
  for (const auto& f : r.division_facet) got_divisions[f.value] = f.count;
  for (const auto& f : r.kind_facet) got_kinds[f.value] = f.count;
  for (const auto& f : r.project_facet) got_projects[f.value] = f.count;
  CHECK(got_divisions == divisions);
  CHECK(got_kinds == kinds);
  CHECK(got_projects == projects);
  // Largest first, ties by value: the same order on every request.
  for (const auto* facet : {&r.division_facet, &r.kind_facet, &r.project_facet})
    for (std::size_t k = 1; k < facet->size(); ++k) {
      const auto& [before, after] = std::tie((*facet)[k - 1], (*facet)[k]);
      CHECK(before.count >= after.count);
      if (before.count == after.count) CHECK(before.value < after.value);
    }
}

TEST_CASE("One word counted and ranked in one pass answers as the two tiers do", "[search][facets][paging]") {
  // 「連携」 alone has one tier (a section with some of the words has them all), so one weighted
  // pass counts the facets and fetches the page; 「連携 連携」 goes through the two tiers.
  auto facet_of = [](const std::vector<ks::FacetCount>& facet) {
    std::vector<std::pair<std::string, std::size_t>> out;
    for (const auto& f : facet) out.emplace_back(f.value, f.count);
    return out;
  };
  for (const std::size_t offset : {0, 4}) {
    INFO("offset " << offset);
    const auto one = ok("連携", 5, offset);
    const auto two = ok("連携 連携", 5, offset);
    REQUIRE(one.total > 5);
    CHECK(ids(one) == ids(two));
    CHECK(one.total == two.total);
    CHECK(one.total_all_words == two.total_all_words);
    CHECK(one.total_all_words == one.total);
    CHECK_FALSE(one.relaxed);
    CHECK(facet_of(one.project_facet) == facet_of(two.project_facet));
    CHECK(facet_of(one.division_facet) == facet_of(two.division_facet));
    CHECK(facet_of(one.kind_facet) == facet_of(two.kind_facet));
    for (const auto& h : one.hits) CHECK(h.all_words);
  }
}

TEST_CASE("With a 課 picked, the 課 facet still shows the others to switch to", "[search][facets]") {
  const auto all = ok("連携");
  const auto picked = ok("連携 課:広聴課");
  REQUIRE(all.division_facet.size() > 1);
  CHECK(picked.division_facet.size() == all.division_facet.size());
  for (const auto& h : picked.hits) CHECK(h.section.division == "広聴課");
  std::size_t kinds = 0;
  for (const auto& f : picked.kind_facet) kinds += f.count;
  CHECK(kinds == picked.total);
}

TEST_CASE("Pages of results follow one another without gaps or repeats", "[search][paging]") {
  for (const std::string& q : {std::string("市民"), std::string("返礼品 桑都ペイ"), std::string("情報 発信")}) {
    INFO("query «" << q << "»");
    const auto all = ok(q);
    REQUIRE(all.total == all.hits.size());
    std::vector<std::string> paged;
    for (std::size_t offset = 0; offset < all.total + 3; offset += 3) {
      const auto page = ok(q, 3, offset);
      CHECK(page.total == all.total);
      CHECK(page.total_all_words == all.total_all_words);
      CHECK(page.hits.size() == std::min<std::size_t>(3, all.total > offset ? all.total - offset : 0));
      for (const auto& id : ids(page)) paged.push_back(id);
    }
    CHECK(paged == ids(all));
  }
}

TEST_CASE("Paging through hundreds of results gives each section once and a steady total", "[search][paging]") {
  // Twelve copies of the plan (996 sections): more matches than the searcher counts exactly.
  koe::test::TempDir dir("koe-search-paging");
  const auto [db, sections] = index_plan_copies(dir, 12);
  REQUIRE(sections == 12 * 83);
  for (const std::string& q : {std::string("発信"), std::string("発信 情報")}) {
    INFO("query «" << q << "»");
    std::vector<std::string> seen;
    std::size_t first_total = 0, last_total = 0;
    for (std::size_t offset = 0; offset < 2000; offset += kMaxLimit) {
      ks::SearchRequest req;
      req.query = q;
      req.limit = static_cast<std::int64_t>(kMaxLimit);
      req.offset = offset;
      auto r = ks::search(koe::test::analyzer(), db, req);
      REQUIRE(r.ok());
      if (offset == 0) first_total = r.value().total;
      last_total = r.value().total;
      for (const auto& h : r.value().hits) seen.push_back(h.section.id);
      if (r.value().hits.size() < kMaxLimit) break;
    }
    CHECK(last_total == first_total);
    CHECK(seen.size() == last_total);
    auto sorted = seen;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  }
}

TEST_CASE("A query with nothing searchable is a 400", "[search][errors]") {
  for (const std::string& q : {std::string("の"), std::string("？！"), std::string("、。"), std::string("   ")}) {
    INFO("query «" << q << "»");
    const auto r = run(q);
    CHECK(r.status().http_status == 400);
    CHECK_FALSE(r.status().message.empty());
  }
}

TEST_CASE("An unknown section kind, a bad 施策 or a bad limit is a 400", "[search][errors]") {
  const auto kind = run("市民 項目:予算");
  CHECK(kind.status().http_status == 400);
  CHECK_THAT(kind.status().message, Catch::Contains("予算"));
  ks::Filters f;
  f.kinds = {"budget"};
  CHECK(run("市民", 10, 0, f).status().http_status == 400);
  CHECK(run("市民 施策:五").status().http_status == 400);
  CHECK(run("市民", 0).status().http_status == 400);
  CHECK(run("市民", kMaxLimit + 1).status().http_status == 400);
  CHECK(run("市民\xff").status().http_status == 400);
}

TEST_CASE("The search JSON has the fields the API documents", "[search][json]") {
  const auto j = koe::wire::search_json(ok("返礼品", 2));
  CHECK(j["query"] == "返礼品");
  CHECK(j["total"].get<std::size_t>() == 5);
  REQUIRE(j["results"].size() == 2);
  const auto& first = j["results"][0];
  CHECK(first["project"]["name"] == "ふるさと納税");
  CHECK(first["project"]["division"] == "広報プロモーション課");
  CHECK(first["section"]["kind"].is_string());
  CHECK(first["snippet"].is_string());
  CHECK(first["all_words"] == true);
  CHECK(j["facets"]["division"].is_array());
}

TEST_CASE("Kana the index cannot read finds nothing, under a filter too", "[search][kana]") {
  // ぬぬぬ is no word and no reading of any: the filter alone must not stand in for it.
  for (const std::string q : {"ぬぬぬ", "課:広聴課 ぬぬぬ", "項目:課題 ぴよぴよ"}) {
    INFO("«" << q << "»");
    const auto r = ok(q);
    CHECK(r.total == 0);
    CHECK(r.hits.empty());
  }
  CHECK(ok("課:広聴課 こうちょう").total > 0);  // and a reading it knows still reaches 広聴
}

TEST_CASE("Past kFacetSample matches, facets are counted over the first ones, the same on every page",
          "[search][facets]") {
  // 72 copies of the plan (5,976 sections): a filter alone matches them all, more than the
  // searcher counts facets over; 発信 matches fewer, all of them counted.
  koe::test::TempDir dir("koe-search-facet-sample");
  const auto [db, sections] = index_plan_copies(dir, 72);
  REQUIRE(sections > ks::kFacetSample);
  auto page = [&db = db](const std::string& q, std::size_t offset) {
    auto r = run_in(db, q, 10, offset);
    REQUIRE(r.ok());
    return r.value();
  };
  auto counted = [](const ks::SearchResponse& r) {
    std::size_t n = 0;
    for (const auto& f : r.kind_facet) n += f.count;
    return n;
  };
  const auto first = page("年度:2026", 0);
  const auto later = page("年度:2026", 300);
  CHECK_FALSE(first.facets_complete);
  CHECK(counted(first) == ks::kFacetSample);
  CHECK(first.total == sections);
  CHECK(first.hits.size() == 10);
  CHECK(later.hits.size() == 10);
  CHECK(later.total == first.total);
  CHECK(counted(later) == counted(first));

  const auto some = page("発信", 0);
  REQUIRE(some.total < ks::kFacetSample);
  CHECK(some.facets_complete);
  CHECK(counted(some) == some.total);
  CHECK(some.total_all_words == some.total);
}

TEST_CASE("A project's name finds all of its sections, those that say it first", "[search][names]") {
  // 秘書 is in three of 秘書業務等's nine sections, one of them its 事業名: the other six come
  // after them, at no weight. ひしょ (read as 秘書) finds the same.
  for (const std::string query : {"秘書", "ひしょ"}) {
    const auto r = ok(query);
    INFO(query);
    REQUIRE(r.total == 9);
    for (std::size_t k = 0; k < r.hits.size(); ++k) {
      CHECK(r.hits[k].section.project_name == "秘書業務等");
      CHECK((r.hits[k].score > 0) == (k < 3));
      CHECK((r.hits[k].snippet.find("<mark>") != std::string::npos) == (k < 3));
    }
  }
  // A second word narrows within the project: 理事者's sections of 秘書業務等 hold both words
  // (those of other projects that say 理事者 follow, in the relaxed tier).
  const auto narrowed = ok("秘書 理事者");
  CHECK(narrowed.total_all_words >= 4);
  for (const auto& h : narrowed.hits)
    if (h.all_words) CHECK(h.section.project_name == "秘書業務等");
  // Excluding the word excludes the sections that say it, not the whole project.
  const auto excluded = ok("理事者 -秘書");
  CHECK(std::any_of(excluded.hits.begin(), excluded.hits.end(),
                    [](const auto& h) { return h.section.project_name == "秘書業務等"; }));
  for (const auto& h : excluded.hits) CHECK_FALSE(contains(h.section.text, "秘書"));
}

TEST_CASE("A word in the 事業名 of more than three projects names none of them", "[search][names]") {
  // Copies of the plan as departments of their own: 秘書 is in the 事業名 of one project per copy.
  for (const int copies : {2, 4}) {
    const koe::test::TempDir dir{"koe-names"};
    const auto index = index_plan_copies(dir, copies);
    const auto r = run_in(index.db, "秘書");
    REQUIRE(r.ok());
    INFO(copies << " copies");
    CHECK(r.value().total == static_cast<std::size_t>(copies) * (copies <= 3 ? 9 : 3));
  }
}
