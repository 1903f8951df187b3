// The analyzer is the one piece both sides share: these tables run each input through the
// index side (make_document → the Xapian document's terms) and the query side (staff and
// voice queries from parse_staff_query / build_voice_query) and check they meet.
#include "koe/indexer/analyzer.hpp"

#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "koe/indexer/error.hpp"
#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/indexer/section_record.hpp"
#include "koe/indexer/utf8.hpp"
#include "koe/search/query_builder.hpp"
#include "koe/search/searcher.hpp"
#include "test_support.hpp"

using koe::TermKind;

namespace {

struct ExpectedTerm {
  std::string text;
  TermKind kind;
};

std::string kind_str(TermKind k) { return std::string(koe::term_kind_name(k)); }

/// The index term a term of this kind becomes (schema.hpp's prefixes).
std::string index_term(const ExpectedTerm& t) {
  switch (t.kind) {
    case TermKind::reading:
      return koe::schema::term(koe::schema::kReading, t.text);
    case TermKind::bigram:
      return koe::schema::term(koe::schema::kBigram, t.text);
    default:
      return koe::schema::term("", t.text);
  }
}

bool has_term(const koe::Analysis& a, const ExpectedTerm& e) {
  return std::any_of(a.terms.begin(), a.terms.end(),
                     [&](const koe::Term& t) { return t.text == e.text && t.kind == e.kind; });
}

std::string describe(const koe::Analysis& a) {
  std::string out;
  for (const auto& t : a.terms) out += " " + kind_str(t.kind) + ":" + t.text;
  return out;
}

koe::SectionRecord record_with(const std::string& text) {
  koe::SectionRecord r;
  r.id = "t-1-issues";
  r.department = "市長公室";
  r.doc_id = "t";
  r.project_id = "t-1";
  r.project_name = "テスト事業";
  r.division = "広聴課";
  r.kind = koe::SectionKind::issues;
  r.label = "課題";
  r.text = text;
  return r;
}

/// The section's index terms, and each reading it records as its synonym-table key.
std::set<std::string> terms_of(const koe::SectionDocument& section) {
  std::set<std::string> out;
  for (auto t = section.document.termlist_begin(); t != section.document.termlist_end(); ++t) out.insert(*t);
  for (const auto& r : section.readings) out.insert(koe::schema::term(koe::schema::kReading, r.reading));
  return out;
}

/// One section alone in an index, with its readings.
class OneSectionIndex {
 public:
  explicit OneSectionIndex(const koe::SectionDocument& section) {
    Xapian::WritableDatabase db((dir_ / "db").string(), Xapian::DB_CREATE);
    db.add_document(section.document);
    koe::add_readings(db, section.readings);
    db.commit();
    db_ = Xapian::Database((dir_ / "db").string());
    readings_ = koe::search::ReadingTable(db_);
  }
  const koe::search::ReadingTable& readings() const { return readings_; }
  /// True when `query` matches the section.
  bool matches(const Xapian::Query& query) const {
    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    return enquire.get_mset(0, 10).size() == 1;
  }

 private:
  koe::test::TempDir dir_;
  Xapian::Database db_;
  koe::search::ReadingTable readings_;
};

struct Row {
  const char* what;
  std::string input;                 ///< text as the plan prints it (index side)
  std::vector<ExpectedTerm> terms;   ///< terms it must give, on both sides
  std::vector<ExpectedTerm> absent;  ///< terms it must not give
  std::vector<std::string> queries;  ///< what people type that must find it
};

const std::vector<Row>& rows() {
  static const std::vector<Row> r{
      {"full-width letters fold to lower-case ASCII",
       "ＳＮＳで発信する",
       {{"sns", TermKind::word}, {"発信", TermKind::word}, {"ハッシン", TermKind::reading}},
       {{"ＳＮＳ", TermKind::word}, {"SNS", TermKind::word}},
       {"SNS", "sns", "ＳＮＳ", "ｓｎｓ", "Sns"}},
      {"mixed-case full-width words fold too",
       "Ｌｉｎｅで配信",
       {{"line", TermKind::word}},
       {{"Ｌｉｎｅ", TermKind::word}},
       {"LINE", "line", "Ｌｉｎｅ", "ＬＩＮＥ"}},
      {"half-width katakana becomes full-width",
       "ﾌﾙｻﾄ",
       {{"フルサト", TermKind::word}, {"フルサト", TermKind::reading}},
       {{"ﾌﾙｻﾄ", TermKind::word}},
       {"フルサト", "ﾌﾙｻﾄ", "ふるさと"}},
      {"half-width katakana with sound marks joins them",
       "ｼﾃｨﾌﾟﾛﾓｰｼｮﾝの推進",
       {{"シティプロモーション", TermKind::compound}, {"プロモーション", TermKind::word}},
       {},
       {"シティプロモーション", "プロモーション"}},
      {"full-width digits become ASCII digits",
       "令和９年度に実施",
       {{"令和9年度", TermKind::compound}, {"令和", TermKind::word}},
       {{"令和９年度", TermKind::compound}},
       {"令和9年度", "令和９年度"}},
      {"a compound gives itself, its parts and its reading",
       "ふるさと納税を推進する",
       {{"ふるさと納税", TermKind::compound},
        {"ふるさと", TermKind::word},
        {"納税", TermKind::word},
        {"フルサトノウゼイ", TermKind::reading}},
       {},
       {"ふるさと納税", "納税", "ふるさと", "ﾌﾙｻﾄﾉｳｾﾞｲ", "ふるさとのうぜい", "フルサトノウゼイ"}},
      {"a compound's reading lets kana find kanji",
       "姉妹都市との交流",
       {{"姉妹都市", TermKind::compound},
        {"シマイトシ", TermKind::reading},
        {"姉妹", TermKind::word},
        {"都市", TermKind::word}},
       {},
       {"しまいとし", "シマイトシ", "姉妹都市", "都市"}},
      {"a word's reading lets kana find kanji",
       "秘書業務等",
       {{"秘書", TermKind::word}, {"ヒショ", TermKind::reading}, {"秘書業務等", TermKind::compound}},
       {},
       {"ひしょ", "秘書", "秘書業務"}},
      {"user dictionary: 広聴課 is one word",
       "広聴課が担当する",
       {{"広聴課", TermKind::word}, {"コウチョウカ", TermKind::reading}},
       {{"広聴", TermKind::word}, {"課", TermKind::word}, {"広聴課", TermKind::compound}},
       {"広聴課"}},
      {"user dictionary: 桑都ペイ is one word",
       "桑都ペイの返礼品への活用",
       {{"桑都ペイ", TermKind::word}},
       {{"桑都", TermKind::word}, {"ペイ", TermKind::word}, {"桑都ペイ", TermKind::compound}},
       {"桑都ペイ"}},
      {"user dictionary: 人流 is one word",
       "人流分析ツールの導入",
       {{"人流", TermKind::word}, {"ジンリュウ", TermKind::reading}},
       {{"人", TermKind::word}, {"流", TermKind::word}},
       {"人流", "人流分析"}},
      {"variant 寄付 folds to 寄附",
       "新たな返礼品が寄付につながっている",
       {{"寄附", TermKind::word}},
       {{"寄付", TermKind::word}},
       {"寄付", "寄附"}},
      {"canonical 寄附 is found by its variant",
       "ふるさと納税応援寄附金を募集",
       {{"寄附", TermKind::word}},
       {},
       {"寄付", "寄附"}},
      {"variant 取り組み folds to 取組",
       "財源確保に向けた取り組みが必要",
       {{"取組", TermKind::word}},
       {{"取り組み", TermKind::word}, {"取り組む", TermKind::word}},
       {"取組", "取り組み"}},
      {"canonical 取組 is found by its variants",
       "経営改革の取組の推進",
       {{"取組", TermKind::word}},
       {},
       {"取組", "取り組み", "取組み"}},
      {"variant 取組み folds to 取組",
       "経営改革の取組みの推進",
       {{"取組", TermKind::word}},
       {{"取組む", TermKind::word}},
       {"取組", "取り組み"}},
      {"synonyms: HP and ウェブサイト find ホームページ",
       "探しやすいホームページへの改善",
       {{"ホームページ", TermKind::word}},
       {},
       {"ホームページ", "HP", "ｈｐ", "ウェブサイト"}},
      {"Sudachi's abbreviations: スマホ finds スマートフォン",
       "スマートフォンで申請できる",
       {{"スマートフォン", TermKind::compound}},
       {},
       {"スマホ", "スマートフォン"}},
      {"Sudachi's spelling variants: 子供 finds 子ども",
       "子どもの居場所づくり",
       {{"子ども", TermKind::word}},
       {},
       {"子供", "子ども"}},
      {"control characters are spaces",
       std::string("SNS\x01で\x07発信\x00し\x7f", 19),
       {{"sns", TermKind::word}, {"発信", TermKind::word}},
       {},
       {"SNS", "発信"}},
  };
  return r;
}

}  // namespace

TEST_CASE("Each analyzer table input gives its expected terms on the index side", "[analyzer]") {
  const auto& analyzer = koe::test::analyzer();
  for (const auto& row : rows()) {
    INFO(row.what << ": «" << row.input << "»");
    const auto analysis = analyzer.analyze(row.input);
    INFO("analysis:" << describe(analysis));
    const auto doc_terms = terms_of(koe::make_document(analyzer, record_with(row.input)));
    for (const auto& e : row.terms) {
      INFO("expected " << kind_str(e.kind) << " «" << e.text << "»");
      CHECK(has_term(analysis, e));
      CHECK(doc_terms.count(index_term(e)) == 1);
    }
    for (const auto& e : row.absent) {
      INFO("unexpected " << kind_str(e.kind) << " «" << e.text << "»");
      CHECK_FALSE(has_term(analysis, e));
    }
  }
}

TEST_CASE("What people type reaches the same index terms the plan text gave", "[analyzer]") {
  const auto& analyzer = koe::test::analyzer();
  for (const auto& row : rows()) {
    const OneSectionIndex index(koe::make_document(analyzer, record_with(row.input)));
    for (const auto& q : row.queries) {
      INFO(row.what << ": index «" << row.input << "», query «" << q << "»");
      auto staff = koe::search::parse_staff_query(analyzer, index.readings(), q);
      REQUIRE(staff.ok());
      REQUIRE_FALSE(staff.value().required.empty());
      const auto& req = staff.value().required;
      CHECK(index.matches(Xapian::Query(Xapian::Query::OP_AND, req.begin(), req.end())));

      auto voice = koe::search::build_voice_query(analyzer, index.readings(), q);
      REQUIRE(voice.ok());
      CHECK(index.matches(voice.value().query));
    }
  }
}

TEST_CASE("A query's words are the terms the analyzer gives for the same text", "[analyzer]") {
  const auto& analyzer = koe::test::analyzer();
  for (const auto& row : rows()) {
    INFO(row.what << ": «" << row.input << "»");
    auto staff = koe::search::parse_staff_query(analyzer, {}, row.input);
    REQUIRE(staff.ok());
    for (const auto& e : row.terms) {
      if (e.kind != TermKind::word && e.kind != TermKind::compound) continue;
      INFO("term «" << e.text << "»");
      CHECK(staff.value().terms.words.count(e.text) == 1);
    }
  }
}

TEST_CASE("Kana readings find kanji sections in an index of the real corpus", "[analyzer][search]") {
  const auto db = koe::test::shared_db();
  struct Case {
    const char* query;
    const char* project;
  };
  const Case cases[] = {{"ひしょ", "秘書業務等"}, {"しまいとし", "姉妹都市交流"}, {"ﾌﾙｻﾄﾉｳｾﾞｲ", "ふるさと納税"}};
  for (const auto& c : cases) {
    INFO("query «" << c.query << "»");
    koe::search::SearchRequest req;
    req.query = c.query;
    auto r = koe::search::search(koe::test::analyzer(), db, req);
    REQUIRE(r.ok());
    REQUIRE_FALSE(r.value().hits.empty());
    CHECK(r.value().hits.front().section.project_name.value_or("") == c.project);
  }
  koe::search::SearchRequest req;
  req.query = "ひしょ";
  auto r = koe::search::search(koe::test::analyzer(), db, req);
  REQUIRE(r.ok());
  for (const auto& h : r.value().hits) CHECK(h.section.project_name.value_or("") == "秘書業務等");
}

TEST_CASE("納税 alone finds the ふるさと納税 sections of the real corpus", "[analyzer][search]") {
  koe::search::SearchRequest req;
  req.query = "納税";
  auto r = koe::search::search(koe::test::analyzer(), koe::test::shared_db(), req);
  REQUIRE(r.ok());
  CHECK(r.value().total_all_words >= 3);
  REQUIRE_FALSE(r.value().hits.empty());
  for (const auto& h : r.value().hits) CHECK(h.section.project_name.value_or("") == "ふるさと納税");
}

TEST_CASE("A search for HP finds the section that says ホームページ", "[analyzer][search]") {
  koe::search::SearchRequest req;
  req.query = "HP";
  auto r = koe::search::search(koe::test::analyzer(), koe::test::shared_db(), req);
  REQUIRE(r.ok());
  const auto& hits = r.value().hits;
  CHECK(std::any_of(hits.begin(), hits.end(), [](const auto& h) {
    return h.section.id == "2026-shichokoshitsu-5-issues" && h.section.text.find("ホームページ") != std::string::npos;
  }));
  for (const auto& h : hits)
    if (h.section.text.find("ホームページ") != std::string::npos)
      CHECK(h.snippet.find("<mark>ホームページ</mark>") != std::string::npos);
}

TEST_CASE("A several-word synonym a text spells word after word is one more term", "[analyzer][synonyms]") {
  const auto& analyzer = koe::test::analyzer();
  auto entries = [&](const std::string& text) {
    std::vector<std::string> out;
    const auto a = analyzer.analyze(text);
    for (const auto& e : analyzer.spelled_entries(a)) {
      CHECK(e.kind == TermKind::compound);
      out.push_back(e.text + "@" + text.substr(e.begin, e.end - e.begin));
    }
    return out;
  };
  // ふれあいトーク is ふれあう + トーク (synonyms.tsv), no compound: the entry covers both words.
  CHECK(entries("市民と市長のふれあいトークを開く") == std::vector<std::string>{"ふれあうトーク@ふれあいトーク"});
  CHECK(entries("ふれあいトーク、またふれあいトーク").size() == 2);  // each place it stands
  CHECK(entries("ふれあいの場でトークする").empty());                // apart, not the entry
  CHECK(entries("トークでふれあい").empty());                        // the wrong order
  // 広報誌 is 広報 + 誌 and already the compound 広報誌: no second term of the same text.
  CHECK(entries("広報誌を配る").empty());
  CHECK(entries("").empty());
}

TEST_CASE("A plan's several-word synonym is found, and marked whole, by its group's other words",
          "[analyzer][search]") {
  koe::search::SearchRequest req;
  req.query = "タウンミーティング";
  auto r = koe::search::search(koe::test::analyzer(), koe::test::shared_db(), req);
  REQUIRE(r.ok());
  REQUIRE_FALSE(r.value().hits.empty());
  for (const auto& h : r.value().hits) {
    CHECK(h.section.project_name.value_or("") == "広聴活動");
    CHECK(h.snippet.find("<mark>ふれあいトーク</mark>") != std::string::npos);
  }
}

TEST_CASE("Sudachi's general synonyms yield to koe's own table and to the stop words", "[analyzer][synonyms]") {
  koe::test::TempDir dir;
  auto options = koe::default_analyzer_options();
  std::filesystem::copy(options.dictionaries, dir.path(), std::filesystem::copy_options::recursive);
  // ホームページ is koe's (with HP); 重要 is a stop word; 寄付 folds to 寄附 (variants.tsv).
  koe::test::write_file(dir / "synonyms-sudachi.tsv",
                        "# a general table\n"
                        "ホームページ\tホムペ\n"
                        "大切\t重要\n"
                        "寄附\t寄付\n"
                        "スマートフォン\tスマホ\tスマホ\n"
                        "市長と語る会\t市長と話す会\n");
  options.dictionaries = dir.path();
  const koe::Analyzer analyzer(options);
  const auto& lex = analyzer.lexicon();
  auto groups_of = [&](const std::string& key) {
    auto it = lex.synonym_index.find(key);
    return it == lex.synonym_index.end() ? std::vector<std::size_t>{} : it->second;
  };
  REQUIRE(groups_of("ホームページ").size() == 1);
  CHECK(lex.synonym_groups[groups_of("ホームページ")[0]].size() >= 3);  // koe's group, HP included
  CHECK(groups_of("ホムペ").empty());                                   // its only partner was koe's word
  CHECK(groups_of("大切").empty());                                     // a stop word is no synonym
  CHECK(groups_of("寄附").empty());                                     // one term once folded: no group
  REQUIRE(groups_of("スマホ").size() == 1);
  CHECK(lex.synonym_groups[groups_of("スマホ")[0]].size() == 2);  // the repeated entry counted once
  // 市長と語る会 is koe's: the general line keeps 市長と話す会 alone and is dropped.
  for (const auto& [surface, gi] : lex.synonym_phrases) CHECK(surface != "市長と話す会");
}

TEST_CASE("Synonym phrases are found wherever they stand in a text, each once", "[analyzer][synonyms]") {
  const auto& lex = koe::test::analyzer().lexicon();
  auto found = lex.synonym_phrases_in("まず市長と語る会、次にタウンミーティング、また市長と語る会");
  std::vector<std::string> surfaces;
  for (const auto& [gi, surface] : found) surfaces.push_back(surface);
  CHECK(std::count(surfaces.begin(), surfaces.end(), "市長と語る会") == 1);
  CHECK(lex.synonym_phrases_in("").empty());
  CHECK(lex.synonym_phrases_in("市").empty());
  CHECK(lex.synonym_phrases_in("市長と語る").empty());  // a phrase cut short is no phrase
}

TEST_CASE("The normalizer folds how Japanese is really typed", "[analyzer][normalizer]") {
  struct Case {
    std::string input;
    std::string normalized;
  };
  const Case cases[] = {
      {"ＳＮＳ", "sns"},
      {"Ｌｉｎｅ", "line"},
      {"ﾌﾙｻﾄ", "フルサト"},
      {"ﾃﾞｰﾀ", "データ"},
      {"ｼﾃｨﾌﾟﾛﾓｰｼｮﾝ", "シティプロモーション"},
      {"カ\u3099イド", "ガイド"},
      {"１２３", "123"},
      {"ラ\u2212メン", "ラーメン"},
      {"ラ-メン", "ラーメン"},
      {"10\uFF5E20", "10\u301C20"},
      {"10~20", "10\u301C20"},
      {"こゝろ", "こころ"},
      {"いすゞ", "いすず"},
      {"市民\u3000参加", "市民 参加"},
      {std::string("a\x01"
                   "b\x7f",
                   4),
       "a b "},
      {"", ""},
  };
  const auto& n = koe::test::analyzer().normalizer();
  for (const auto& c : cases) {
    INFO("«" << c.input << "»");
    const auto out = n.normalize(c.input);
    CHECK(out.text == c.normalized);
    REQUIRE(out.begin.size() == out.text.size());
    REQUIRE(out.end.size() == out.text.size());
    for (std::size_t k = 0; k < out.text.size(); ++k) {
      CHECK(out.begin[k] < out.end[k]);
      CHECK(out.end[k] <= c.input.size());
    }
  }
}

TEST_CASE("Term offsets point at the user's own characters", "[analyzer][offsets]") {
  struct Case {
    std::string input;
    std::string term;
    std::string original;
  };
  const Case cases[] = {
      {"ＳＮＳで発信", "sns", "ＳＮＳ"},
      {"ＳＮＳで発信", "発信", "発信"},
      {"ｼﾃｨﾌﾟﾛﾓｰｼｮﾝの推進", "シティプロモーション", "ｼﾃｨﾌﾟﾛﾓｰｼｮﾝ"},
      {"市の　ＨＰ　を見た", "hp", "ＨＰ"},
      {"令和９年度に", "令和9年度", "令和９年度"},
      {"桑都ペイが寄付につながる", "寄附", "寄付"},
  };
  const auto& analyzer = koe::test::analyzer();
  for (const auto& c : cases) {
    INFO("«" << c.input << "» term «" << c.term << "»");
    const auto a = analyzer.analyze(c.input);
    auto it = std::find_if(a.terms.begin(), a.terms.end(),
                           [&](const koe::Term& t) { return t.text == c.term && t.kind != TermKind::reading; });
    REQUIRE(it != a.terms.end());
    REQUIRE(it->end <= c.input.size());
    CHECK(c.input.substr(it->begin, it->end - it->begin) == c.original);
  }
  const auto a = analyzer.analyze("ＳＮＳで発信");
  REQUIRE_FALSE(a.terms.empty());
  CHECK(a.terms[0].text == "sns");
  CHECK(a.terms[0].begin == 0);
  CHECK(a.terms[0].end == std::string("ＳＮＳ").size());
}

TEST_CASE("Emoji, variation selectors and zero-width characters do not break analysis", "[analyzer]") {
  const std::string text = "市民\U0001F600の声\u200Bを葛\U000E0100城で\U0001F468\u200D\U0001F469\u200D\U0001F467聞く";
  const auto a = koe::test::analyzer().analyze(text);
  auto has = [&](const std::string& w) {
    return std::any_of(a.terms.begin(), a.terms.end(), [&](const auto& t) { return t.text == w; });
  };
  CHECK(has("市民"));
  CHECK(has("声"));
  for (const auto& t : a.terms) {
    CHECK(t.begin <= t.end);
    CHECK(t.end <= text.size());
    CHECK_FALSE(koe::utf8::find_invalid(t.text).has_value());
  }
  CHECK_NOTHROW(koe::make_document(koe::test::analyzer(), record_with(text)));
}

TEST_CASE("Empty and blank input give no terms", "[analyzer]") {
  const auto& analyzer = koe::test::analyzer();
  for (const std::string& input :
       {std::string(), std::string(" \t\n"), std::string("\u3000\u3000"), std::string("。、！？")}) {
    INFO("«" << input << "»");
    CHECK(analyzer.analyze(input).terms.empty());
  }
}

TEST_CASE("Invalid UTF-8 is refused with the byte offset", "[analyzer][errors]") {
  const auto& analyzer = koe::test::analyzer();
  CHECK_THROWS_WITH(analyzer.analyze("市民\xff声"), Catch::Contains("byte offset 6"));
  CHECK_THROWS_AS(analyzer.analyze("\xe5\xb8"), koe::Error);  // a character cut short
  CHECK_THROWS_WITH(analyzer.analyze("\xe5\xb8"), Catch::Contains("byte offset 0"));
  CHECK_THROWS_AS(analyzer.analyze("\xc0\xaf"), koe::Error);  // an overlong '/'
}

TEST_CASE("100 KB of text analyzes with every offset inside the input", "[analyzer][long]") {
  const auto& analyzer = koe::test::analyzer();
  SECTION("sentences") {
    std::string text;
    while (text.size() < 100 * 1024)
      text += "市民の声を政策に反映させ、戦略的な情報発信により市のブランディングを図る。";
    text += "最後に桑都ペイ";
    const auto a = analyzer.analyze(text);
    REQUIRE_FALSE(a.terms.empty());
    for (const auto& t : a.terms) {
      REQUIRE(t.begin <= t.end);
      REQUIRE(t.end <= text.size());
    }
    // Nothing is lost at chunk boundaries: the last word is there, at the very end.
    const auto& last =
        *std::find_if(a.terms.rbegin(), a.terms.rend(), [](const auto& t) { return t.kind == TermKind::word; });
    CHECK(last.text == "桑都ペイ");
    CHECK(last.end == text.size());
    CHECK(std::count_if(a.terms.begin(), a.terms.end(), [](const auto& t) { return t.text == "ブランディング"; }) >=
          static_cast<long>(
              100 * 1024 /
              std::string("市民の声を政策に反映させ、戦略的な情報発信により市のブランディングを図る。").size()));
  }
  SECTION("one run with no sentence end") {
    std::string text;
    while (text.size() < 100 * 1024) text += "データ分析ツール";
    const auto a = analyzer.analyze(text);
    REQUIRE_FALSE(a.terms.empty());
    for (const auto& t : a.terms) {
      REQUIRE(t.begin <= t.end);
      REQUIRE(t.end <= text.size());
    }
    CHECK(a.terms.back().end > text.size() - 64);
  }
  SECTION("ASCII with no spaces") {
    const std::string text(100 * 1024, 'a');
    const auto a = analyzer.analyze(text);
    for (const auto& t : a.terms) REQUIRE(t.end <= text.size());
    // The whole run is indexable: make_document cuts over-long terms to Xapian's limit.
    CHECK_NOTHROW(koe::make_document(analyzer, record_with(text)));
  }
}
