// build_index against a temporary copy of the corpus: first build, no-op rebuilds, each
// way a document can change underneath the index, and rebuilds swapped in (--rebuild).
#include "koe/indexer/index_builder.hpp"

#include <xapian.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "koe/indexer/index_layout.hpp"
#include "koe/indexer/plan_parser.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/indexer/varint.hpp"
#include "koe/search/catalogue.hpp"
#include "koe/search/searcher.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using koe::test::TempDir;

struct Fixture {
  TempDir dir{"koe-index-builder"};
  fs::path corpus = koe::test::copy_corpus(dir.path());
  fs::path plan = corpus / "2026" / "shichokoshitsu.tsv";
  fs::path db = dir / "db";

  koe::IndexSummary index() { return koe::build_index(koe::test::analyzer(), {{corpus}, db}); }
  /// An index in place, as koe wrote a first index until schema 4: an update of an empty
  /// database there.
  koe::IndexSummary index_in_place() {
    fs::create_directories(db);
    Xapian::WritableDatabase(db.string(), Xapian::DB_CREATE).commit();
    return index();
  }

  /// Sections the query matches.
  Xapian::doccount count(const Xapian::Query& query) const {
    Xapian::Database d(db.string());
    Xapian::Enquire e(d);
    e.set_query(query);
    return e.get_mset(0, d.get_doccount() + 1).size();
  }
  Xapian::doccount count(const std::string& term) const { return count(Xapian::Query(term)); }
  /// The query that finds the section of one kind of one project.
  static Xapian::Query section_query(const std::string& project_id, const std::string& kind) {
    return Xapian::Query(Xapian::Query::OP_AND, Xapian::Query(koe::schema::term(koe::schema::kProject, project_id)),
                         Xapian::Query(koe::schema::term(koe::schema::kKind, kind)));
  }
  /// The sections of one kind of one project (at most one).
  Xapian::doccount count_section(const std::string& project_id, const std::string& kind) const {
    return count(section_query(project_id, kind));
  }
  Xapian::doccount sections() const { return Xapian::Database(db.string()).get_doccount(); }
  /// Analyzer options over a copy of koe's dictionaries in which `file` ends with `appended`.
  koe::AnalyzerOptions dictionaries_with(const std::string& file, const std::string& appended) const {
    auto options = koe::default_analyzer_options();
    const auto copy = dir / "dictionaries";
    fs::copy(options.dictionaries, copy, fs::copy_options::recursive);
    koe::test::write_file(copy / file, koe::test::read_file(options.dictionaries / file) + appended);
    options.dictionaries = copy;
    return options;
  }
  Xapian::rev revision() const { return Xapian::Database(db.string()).get_revision(); }

  void replace_in_plan(const std::string& from, const std::string& to) {
    std::string text = koe::test::read_file(plan);
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    koe::test::write_file(plan, text);
  }
};

}  // namespace

TEST_CASE("A first build indexes one document, nine projects and 83 sections", "[index_builder]") {
  Fixture f;
  const auto s = f.index();
  CHECK(s.errors.empty());
  CHECK(s.documents == 1);
  CHECK(s.documents_changed == 1);
  CHECK(s.documents_removed == 0);
  CHECK(s.projects == 9);
  CHECK(s.sections == 83);
  CHECK(s.committed);
  CHECK(s.terms > 0);
  CHECK(s.postings > s.terms);
  CHECK(s.text_bytes > 0);
  CHECK(f.sections() == 83);
  CHECK(f.count(koe::schema::term(koe::schema::kProject, "2026-shichokoshitsu-7")) == 9);
  CHECK(f.count_section("2026-shichokoshitsu-7", "issues") == 1);
  CHECK(f.count(koe::schema::term(koe::schema::kDivision, "広聴課")) == 18);
  CHECK(f.count(koe::schema::term(koe::schema::kLevel, "department")) == 2);
  CHECK(f.count(koe::schema::term(koe::schema::kFiscalYear, "2026")) == 83);
}

TEST_CASE("Re-indexing an unchanged corpus commits nothing and keeps the revision", "[index_builder]") {
  Fixture f;
  REQUIRE(f.index().committed);
  const auto rev = f.revision();
  const auto s = f.index();
  CHECK_FALSE(s.committed);
  CHECK(s.documents == 1);
  CHECK(s.documents_changed == 0);
  CHECK(s.documents_removed == 0);
  CHECK(s.sections == 83);
  CHECK(s.projects == 9);
  CHECK(f.revision() == rev);
}

TEST_CASE("A changed document replaces its sections", "[index_builder]") {
  Fixture f;
  REQUIRE(f.index().committed);
  REQUIRE(f.count("桑都ペイ") > 0);
  REQUIRE(f.count("電子マネー") == 0);
  f.replace_in_plan("桑都ペイの返礼品への活用", "電子マネーの返礼品への活用");
  const auto rev = f.revision();
  const auto s = f.index();
  CHECK(s.committed);
  CHECK(s.documents_changed == 1);
  CHECK(s.sections == 83);
  CHECK(f.revision() > rev);
  CHECK(f.count("電子マネー") == 1);
  // 桑都ペイ was in two sections; only the edited one loses it.
  CHECK(f.count("桑都ペイ") == 1);
  CHECK(f.sections() == 83);
}

TEST_CASE("A project dropped from a changed document loses all its sections", "[index_builder]") {
  Fixture f;
  REQUIRE(f.index().committed);
  REQUIRE(f.count(koe::schema::term(koe::schema::kProject, "2026-shichokoshitsu-9")) == 9);
  // Drop project 9: its table row (line 25) and its detail block (lines 80-85).
  std::istringstream in(koe::test::read_file(f.plan));
  std::string line, kept;
  for (int no = 1; std::getline(in, line); ++no)
    if (no != 25 && (no < 80 || no > 85)) kept += line + "\n";
  koe::test::write_file(f.plan, kept);
  const auto s = f.index();
  CHECK(s.errors.empty());
  CHECK(s.committed);
  CHECK(s.projects == 8);
  CHECK(s.sections == 74);
  CHECK(f.count(koe::schema::term(koe::schema::kProject, "2026-shichokoshitsu-9")) == 0);
  CHECK(f.count_section("2026-shichokoshitsu-9", "title") == 0);
}

TEST_CASE("Two fiscal years of the same department are separate documents", "[index_builder]") {
  Fixture f;
  koe::test::write_file(f.corpus / "2025" / "shichokoshitsu.tsv", koe::test::read_file(f.plan));
  const auto s = f.index();
  CHECK(s.errors.empty());
  CHECK(s.documents == 2);
  CHECK(s.projects == 18);
  CHECK(s.sections == 166);
  CHECK(f.count(koe::schema::term(koe::schema::kFiscalYear, "2025")) == 83);
  CHECK(f.count(koe::schema::term(koe::schema::kProject, "2025-shichokoshitsu-7")) == 9);

  koe::search::SearchRequest req;
  req.query = "返礼品 年度:2025";
  auto r = koe::search::search(koe::test::analyzer(), Xapian::Database(f.db.string()), req);
  REQUIRE(r.ok());
  CHECK(r.value().total == 5);
  for (const auto& h : r.value().hits) CHECK(h.section.fiscal_year == "2025");
  const auto projects = koe::search::list_projects(Xapian::Database(f.db.string()));
  REQUIRE(projects.size() == 18);
  CHECK(projects.front().id == "2025-shichokoshitsu-1");
  CHECK(projects.back().id == "2026-shichokoshitsu-9");
}

TEST_CASE("A removed document's sections disappear", "[index_builder]") {
  Fixture f;
  // A second department, so removing one leaves the other in place.
  const fs::path second = f.corpus / "2026" / "kohoka.tsv";
  koe::test::write_file(second, koe::test::read_file(f.plan));
  const auto first = f.index();
  REQUIRE(first.errors.empty());
  REQUIRE(first.documents == 2);
  REQUIRE(f.sections() == 166);
  REQUIRE(f.count(koe::schema::term(koe::schema::kDocument, "2026-kohoka")) == 83);

  fs::remove(second);
  const auto s = f.index();
  CHECK(s.committed);
  CHECK(s.documents == 1);
  CHECK(s.documents_removed == 1);
  CHECK(s.sections == 83);
  CHECK(s.projects == 9);
  CHECK(f.count(koe::schema::term(koe::schema::kDocument, "2026-kohoka")) == 0);
  CHECK(f.count(koe::schema::term(koe::schema::kDocument, "2026-shichokoshitsu")) == 83);

  // Removing the last document empties the index.
  fs::remove(f.plan);
  const auto empty = f.index();
  CHECK(empty.documents_removed == 1);
  CHECK(f.sections() == 0);
}

TEST_CASE("An unreadable document reports an error and keeps its previous sections", "[index_builder]") {
  Fixture f;
  REQUIRE(f.index().committed);
  REQUIRE(f.count("桑都ペイ") == 2);
  const auto rev = f.revision();

  // Break the file: the 【現状】 rows of the last block are gone, and a new word appears
  // elsewhere, which must not reach the index either.
  std::string text = koe::test::read_file(f.plan);
  const auto at = text.rfind("\t【現状】");
  REQUIRE(at != std::string::npos);
  text.resize(at);
  const auto word = text.find("桑都ペイの返礼品への活用");
  REQUIRE(word != std::string::npos);
  text.replace(word, std::string("桑都ペイ").size(), "電子マネー");
  koe::test::write_file(f.plan, text);

  const auto s = f.index();
  REQUIRE(s.errors.size() == 1);
  CHECK_THAT(s.errors[0], Catch::Contains("shichokoshitsu.tsv:80:"));
  CHECK_THAT(s.errors[0], Catch::Contains("truncated"));
  CHECK(s.documents_removed == 0);
  CHECK(s.sections == 83);
  CHECK(f.sections() == 83);
  CHECK(f.count("桑都ペイ") == 2);
  CHECK(f.count("電子マネー") == 0);
  CHECK(f.revision() == rev);

  SECTION("and indexes it again once it is fixed") {
    koe::test::write_file(f.plan, koe::test::read_file(koe::test::plan_path()));
    const auto fixed = f.index();
    CHECK(fixed.errors.empty());
    CHECK(fixed.sections == 83);
  }
}

TEST_CASE("A document that is not UTF-8 reports the byte offset and keeps its sections", "[index_builder]") {
  Fixture f;
  REQUIRE(f.index().committed);
  std::string text = koe::test::read_file(f.plan);
  const auto at = text.find("-----");
  REQUIRE(at != std::string::npos);
  text[at] = '\xff';
  koe::test::write_file(f.plan, text);
  const auto s = f.index();
  REQUIRE(s.errors.size() == 1);
  CHECK_THAT(s.errors[0], Catch::Contains("shichokoshitsu.tsv:4:"));
  CHECK_THAT(s.errors[0], Catch::Contains("byte offset " + std::to_string(at)));
  CHECK(f.sections() == 83);
}

TEST_CASE("Two files with the same document id are reported and only the first is indexed", "[index_builder]") {
  Fixture f;
  // shichoko_shitsu and shichoko-shitsu both become the id 2026-shichoko-shitsu.
  const auto text = koe::test::read_file(f.plan);
  fs::remove(f.plan);
  koe::test::write_file(f.corpus / "2026" / "shichoko-shitsu.tsv", text);
  koe::test::write_file(f.corpus / "2026" / "shichoko_shitsu.tsv", text);
  const auto s = f.index();
  REQUIRE(s.errors.size() == 1);
  CHECK_THAT(s.errors[0], Catch::Contains("shichoko_shitsu.tsv"));
  CHECK_THAT(s.errors[0], Catch::Contains("2026-shichoko-shitsu"));
  CHECK(s.documents == 1);
  CHECK(s.sections == 83);
}

TEST_CASE("Changed dictionaries re-index every document", "[index_builder]") {
  Fixture f;
  REQUIRE(f.index().committed);
  const koe::Analyzer changed(f.dictionaries_with("stopwords.txt", "\n返礼品\n"));
  const auto s = koe::build_index(changed, {{f.corpus}, f.db});
  CHECK(s.committed);
  CHECK(s.documents_changed == 1);
  CHECK(s.sections == 83);
  const auto again = koe::build_index(changed, {{f.corpus}, f.db});
  CHECK_FALSE(again.committed);
}

TEST_CASE("A new several-word general synonym re-indexes the plans, which then hold it as a term",
          "[index_builder][synonyms]") {
  Fixture f;
  REQUIRE(f.index().committed);
  CHECK(f.count("伝わる情報") == 0);
  // The plan writes 伝わる情報 (伝わる + 情報, no compound): the entry becomes a term of its own.
  const koe::Analyzer changed(f.dictionaries_with("synonyms-sudachi.tsv", "伝わる情報\t届く知らせ\n"));
  const auto s = koe::build_index(changed, {{f.corpus}, f.db});
  CHECK(s.committed);
  CHECK(s.documents_changed == 1);
  CHECK(f.count("伝わる情報") >= 1);
}

TEST_CASE("A surrogate character entity in a cell does not stop the whole build", "[index_builder]") {
  Fixture f;
  f.replace_in_plan("桑都ペイの返礼品への活用", "桑都ペイの返礼品への活用&#xD800;");
  koe::IndexSummary s;
  REQUIRE_NOTHROW(s = f.index());
  // Either the cell is read (the bad entity dropped or kept as text) or the file is reported.
  CHECK((s.sections == 83 || s.errors.size() == 1));
}

TEST_CASE("A document whose 番号 overflows an int is reported with file:line and the others are indexed",
          "[index_builder]") {
  Fixture f;
  // A second department whose table row 1 carries a 番号 of 2³¹: std::stoi used to throw
  // std::out_of_range there, which aborted the whole run with nothing indexed.
  std::string text = koe::test::read_file(f.plan);
  const auto row = text.find("\n1\t5\t1\t政策立案機能の充実");
  REQUIRE(row != std::string::npos);
  text.replace(row + 1, 1, "2147483648");
  koe::test::write_file(f.corpus / "2026" / "overflow.tsv", text);

  koe::IndexSummary s;
  REQUIRE_NOTHROW(s = f.index());
  REQUIRE(s.errors.size() == 1);
  CHECK_THAT(s.errors[0], Catch::Contains("overflow.tsv:17:"));
  CHECK_THAT(s.errors[0], Catch::Contains("«2147483648» is too large"));
  CHECK(s.documents == 1);
  CHECK(s.sections == 83);
  CHECK(f.count(koe::schema::term(koe::schema::kDocument, "2026-shichokoshitsu")) == 83);
  CHECK(f.count(koe::schema::term(koe::schema::kDocument, "2026-overflow")) == 0);
}

TEST_CASE("A plan file that cannot be opened is reported and the others are indexed", "[index_builder]") {
  Fixture f;
  // A symbolic link to itself: stat fails with ELOOP, which the directory walk used to throw
  // as std::filesystem::filesystem_error out of build_index.
  fs::create_symlink("loop.tsv", f.corpus / "2026" / "loop.tsv");
  koe::IndexSummary s;
  REQUIRE_NOTHROW(s = f.index());
  REQUIRE(s.errors.size() == 1);
  CHECK_THAT(s.errors[0], Catch::Contains("loop.tsv") && Catch::Contains("cannot open"));
  CHECK(s.documents == 1);
  CHECK(s.sections == 83);
}

TEST_CASE("build_index reports progress up to the number of sections", "[index_builder]") {
  Fixture f;
  std::size_t last_done = 0, last_total = 0, calls = 0;
  koe::build_index(koe::test::analyzer(), {{f.corpus}, f.db}, [&](std::size_t done, std::size_t total) {
    CHECK(done == last_done + 1);
    last_done = done;
    last_total = total;
    ++calls;
  });
  CHECK(calls == 83);
  CHECK(last_done == 83);
  CHECK(last_total == 83);
}

TEST_CASE("An index written with another schema is refused until koe index rebuilds it", "[index_builder]") {
  Fixture f;
  REQUIRE(f.index().committed);
  CHECK(koe::open_index(f.db).get_doccount() == 83);
  {
    Xapian::WritableDatabase w(f.db.string());
    w.set_metadata(std::string(koe::schema::kMetaSchema), "1");
    w.commit();
  }
  try {
    koe::open_index(f.db);
    FAIL("an index of schema 1 was opened");
  } catch (const koe::Error& e) {
    const std::string message = e.what();
    CHECK(message.find(f.db.string()) != std::string::npos);
    CHECK(message.find("schema 1") != std::string::npos);
    CHECK(message.find("koe index") != std::string::npos);
  }
  // An index of schema 1 also carries schema 1's analysis fingerprint (it includes the
  // schema version), so koe index rebuilds every document of it.
  {
    Xapian::WritableDatabase w(f.db.string());
    w.set_metadata(std::string(koe::schema::kMetaAnalysis), "written-by-schema-1");
    w.commit();
  }
  const auto s = f.index();
  CHECK(s.documents_changed == 1);
  CHECK(koe::open_index(f.db).get_doccount() == 83);
}

TEST_CASE("Every section carries its facet key: project, 課 and kind", "[index_builder]") {
  Fixture f;
  REQUIRE(f.index().committed);
  const Xapian::Database d(f.db.string());
  Xapian::Enquire e(d);
  e.set_query(Fixture::section_query("2026-shichokoshitsu-7", "issues"));
  const Xapian::MSet m = e.get_mset(0, 10);
  REQUIRE(m.size() == 1);
  CHECK(m.begin().get_document().get_value(koe::schema::kSlotFacet) ==
        koe::schema::facet_key("2026-shichokoshitsu-7", "広報プロモーション課", "issues"));
  // The section id is no term of its own (schema 5 wrote one, read by nothing): the owner's
  // project term and the kind find a section.
  CHECK(d.get_termfreq(std::string("Q2026-shichokoshitsu-7-issues")) == 0);
}

// ---- koe index --rebuild: a new generation built aside and swapped in --------------------

namespace {

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

koe::IndexSummary rebuild(const Fixture& f) {
  return koe::build_index(koe::test::analyzer(), {{f.corpus}, f.db, koe::IndexMode::rebuild});
}

}  // namespace

TEST_CASE("A first index is built aside, compacted and swapped in", "[index_builder][rebuild]") {
  Fixture f;
  const auto s = f.index();
  REQUIRE(s.committed);
  CHECK(s.database == f.db / "gen-1");
  CHECK(entries(f.db) == std::vector<std::string>{"XAPIANDB", "gen-1", "koe-index.lock"});
  // The database as written went once it was compacted into the generation.
  const auto files = entries(f.db / "gen-1");
  CHECK(std::find(files.begin(), files.end(), "written") == files.end());
  CHECK(std::find(files.begin(), files.end(), "iamglass") != files.end());
  CHECK(f.sections() == 83);
  CHECK(f.count("意見交換") == 1);
}

TEST_CASE("Readings are kept once per word, and go with the last section that held the word",
          "[index_builder][readings]") {
  Fixture f;
  REQUIRE(f.index().committed);
  auto words_read = [&](const std::string& reading) {
    const Xapian::Database d(f.db.string());
    const std::string key = koe::schema::term(koe::schema::kReading, reading);
    return std::vector<std::string>(d.synonyms_begin(key), d.synonyms_end(key));
  };
  CHECK(words_read("イケンコウカン") == std::vector<std::string>{"意見交換"});
  CHECK(words_read("シンギカイ") == std::vector<std::string>{"審議会"});
  // No section holds a reading as a term.
  const Xapian::Database d(f.db.string());
  CHECK(d.allterms_begin(std::string(koe::schema::kReading)) == d.allterms_end(std::string(koe::schema::kReading)));

  f.replace_in_plan("定期的な職場の意見交換など", "定期的な職場の対話など");
  REQUIRE(f.index().committed);  // an update in place
  CHECK(f.count("意見交換") == 0);
  CHECK(words_read("イケンコウカン").empty());
  CHECK(words_read("タイワ") == std::vector<std::string>{"対話"});
  CHECK(words_read("シンギカイ") == std::vector<std::string>{"審議会"});
}

TEST_CASE("After a dictionary change every reading is written anew", "[index_builder][readings]") {
  Fixture f;
  REQUIRE(f.index().committed);
  const std::string theirs = koe::schema::term(koe::schema::kReading, "シンギイン");
  {
    // What an index analysed with other dictionaries holds: their reading of a word the plans
    // still use, and another analysis fingerprint.
    Xapian::WritableDatabase db(f.db.string(), Xapian::DB_OPEN);
    db.add_synonym(theirs, "審議会");
    db.set_metadata(std::string(koe::schema::kMetaAnalysis), "other dictionaries");
    db.commit();
  }
  const auto s = f.index();
  REQUIRE(s.committed);
  CHECK(s.documents_changed == 1);
  const Xapian::Database d(f.db.string());
  CHECK(d.synonyms_begin(theirs) == d.synonyms_end(theirs));
  const std::string ours = koe::schema::term(koe::schema::kReading, "シンギカイ");
  CHECK(std::vector<std::string>(d.synonyms_begin(ours), d.synonyms_end(ours)) == std::vector<std::string>{"審議会"});
}

TEST_CASE("A rebuild indexes into a new generation, swaps it in and removes the one before",
          "[index_builder][rebuild]") {
  Fixture f;
  REQUIRE(f.index_in_place().committed);
  REQUIRE(koe::current_database(f.db) == f.db);

  const auto first = rebuild(f);
  CHECK(first.committed);
  CHECK(first.errors.empty());
  CHECK(first.documents_changed == 1);
  CHECK(first.sections == 83);
  CHECK(first.database == f.db / "gen-1");
  CHECK(koe::current_database(f.db) == f.db / "gen-1");
  // The database in place is retired: only the stub, the generation and the lock remain.
  CHECK(entries(f.db) == std::vector<std::string>{"XAPIANDB", "gen-1", "koe-index.lock"});
  CHECK(f.sections() == 83);
  CHECK(f.count("桑都ペイ") == 2);

  f.replace_in_plan("桑都ペイの返礼品への活用", "地域通貨の返礼品への活用");
  const auto second = rebuild(f);
  CHECK(second.committed);
  CHECK(second.database == f.db / "gen-2");
  CHECK(entries(f.db) == std::vector<std::string>{"XAPIANDB", "gen-2", "koe-index.lock"});
  CHECK(f.count("地域通貨") == 1);
  CHECK(f.count("桑都ペイ") == 1);
  CHECK(koe::open_index(f.db).get_doccount() == 83);
}

TEST_CASE("A reader opened before a rebuild keeps reading the generation the rebuild removed",
          "[index_builder][rebuild]") {
  Fixture f;
  REQUIRE(rebuild(f).committed);
  Xapian::Database before(f.db.string());
  f.replace_in_plan("桑都ペイの返礼品への活用", "地域通貨の返礼品への活用");
  REQUIRE(rebuild(f).committed);
  REQUIRE_FALSE(fs::exists(f.db / "gen-1"));
  Xapian::Enquire e(before);
  e.set_query(Xapian::Query("桑都ペイ"));
  CHECK(e.get_mset(0, 10).size() == 2);
  CHECK(before.get_doccount() == 83);
}

TEST_CASE("koe index without --rebuild updates the generation a rebuild swapped in", "[index_builder][rebuild]") {
  Fixture f;
  REQUIRE(rebuild(f).committed);
  const auto rev = f.revision();
  f.replace_in_plan("桑都ペイの返礼品への活用", "地域通貨の返礼品への活用");
  const auto s = f.index();
  CHECK(s.committed);
  CHECK(s.documents_changed == 1);
  CHECK(s.database == f.db / "gen-1");
  CHECK(f.revision() == rev + 1);
  CHECK(f.count("地域通貨") == 1);
  CHECK(entries(f.db) == std::vector<std::string>{"XAPIANDB", "gen-1", "koe-index.lock"});
  CHECK_FALSE(f.index().committed);  // and an unchanged corpus still commits nothing
}

TEST_CASE("A rebuild into a directory that does not exist yet creates the index", "[index_builder][rebuild]") {
  Fixture f;
  f.db = f.dir / "new" / "db";
  const auto s = rebuild(f);
  CHECK(s.committed);
  CHECK(s.sections == 83);
  CHECK(f.sections() == 83);
}

TEST_CASE("What a killed rebuild leaves is never served and the next run removes it", "[index_builder][rebuild]") {
  Fixture f;
  REQUIRE(rebuild(f).committed);  // current: gen-1

  SECTION("killed while indexing: a half-written generation and a stub aside") {
    fs::create_directories(f.db / "gen-2");
    koe::test::write_file(f.db / "gen-2" / "postlist.glass", "half written");
    koe::test::write_file(f.db / "XAPIANDB.tmp", "auto gen-2\n");
    CHECK(f.sections() == 83);
    REQUIRE(f.index().errors.empty());  // an update clears the litter too
    CHECK(entries(f.db) == std::vector<std::string>{"XAPIANDB", "gen-1", "koe-index.lock"});
    const auto next = rebuild(f);
    CHECK(next.database == f.db / "gen-2");
    CHECK(entries(f.db) == std::vector<std::string>{"XAPIANDB", "gen-2", "koe-index.lock"});
  }
  SECTION("killed after the swap, before the old generation was removed") {
    fs::create_directories(f.db / "gen-0");
    koe::test::write_file(f.db / "gen-0" / "iamglass", "an older generation");
    CHECK(f.sections() == 83);
    REQUIRE(rebuild(f).committed);
    CHECK(entries(f.db) == std::vector<std::string>{"XAPIANDB", "gen-2", "koe-index.lock"});
  }
}

TEST_CASE("A swap out of an index in place killed before retiring it leaves the index in place current",
          "[index_builder][rebuild]") {
  Fixture f;
  REQUIRE(f.index_in_place().committed);
  // The stub was renamed into place, then the run died before removing iamglass: Xapian
  // prefers the database in place, so readers never followed the stub.
  fs::create_directories(f.db / "gen-1");
  koe::test::write_file(f.db / "gen-1" / "iamglass", "never current");
  koe::test::write_file(f.db / "XAPIANDB", "auto gen-1\n");
  CHECK(koe::current_database(f.db) == f.db);
  CHECK(f.sections() == 83);
  f.replace_in_plan("桑都ペイの返礼品への活用", "地域通貨の返礼品への活用");
  REQUIRE(f.index().committed);
  CHECK(f.count("地域通貨") == 1);
  CHECK_FALSE(fs::exists(f.db / "XAPIANDB"));
  CHECK_FALSE(fs::exists(f.db / "gen-1"));
}

TEST_CASE("A rebuild with an unreadable document keeps the current index", "[index_builder][rebuild]") {
  Fixture f;
  REQUIRE(f.index_in_place().committed);
  std::string text = koe::test::read_file(f.plan);
  text.resize(text.rfind("\t【現状】"));  // truncated: the document cannot be read
  koe::test::write_file(f.plan, text);
  const auto s = rebuild(f);
  CHECK_FALSE(s.committed);
  REQUIRE(s.errors.size() == 2);
  CHECK_THAT(s.errors[0], Catch::Contains("truncated"));
  CHECK_THAT(s.errors[1], Catch::Contains("rebuild was abandoned"));
  CHECK(s.sections == 83);
  CHECK(koe::current_database(f.db) == f.db);
  CHECK(f.sections() == 83);
  for (const auto& name : entries(f.db)) CHECK_FALSE(name.starts_with("gen-"));  // nothing was swapped in
}

TEST_CASE("A second koe index on a directory another one is writing is refused", "[index_builder][rebuild]") {
  Fixture f;
  REQUIRE(f.index().committed);
  {
    const koe::IndexLock held(f.db);
    for (const auto mode : {koe::IndexMode::update, koe::IndexMode::rebuild}) {
      try {
        koe::build_index(koe::test::analyzer(), {{f.corpus}, f.db, mode});
        FAIL("a second writer ran");
      } catch (const koe::IndexError& e) {
        CHECK_THAT(e.what(), Catch::Contains(f.db.string()));
        CHECK_THAT(e.what(), Catch::Contains("another koe index"));
      }
    }
  }
  CHECK(rebuild(f).committed);  // released with its holder
}

TEST_CASE("A section record reads back as stored, and damaged data is refused", "[index_builder][record]") {
  const auto doc = koe::parse_plan_file(koe::test::plan_path());
  const auto records = koe::section_records(doc.department);
  REQUIRE(records.size() == 83);
  for (const auto& r : records) {
    INFO(r.id);
    const std::string stored = r.to_stored();
    CHECK(koe::SectionRecord::from_stored(stored) == r);
    // The fields' own bytes and a byte or two each: no names, no quoting.
    std::size_t bytes = r.department.size() + r.doc_id.size() + r.fiscal_year.size() + r.source.size() +
                        r.project_id.value_or("").size() + r.project_name.value_or("").size() + r.division.size() +
                        r.policy.size() + r.sub_policy.size() + r.sub_policy_name.size() +
                        koe::kind_name(r.kind).size() + r.label.size() + r.text.size();
    CHECK(stored.size() <= bytes + 23);  // the items are the text's lines: not stored again
  }
  // A list reads back as its items; so does a record of the format before, which stored them.
  const auto listed = std::find_if(records.begin(), records.end(), [](const auto& r) { return r.items.size() > 1; });
  REQUIRE(listed != records.end());
  const std::string current = listed->to_stored();
  std::string line;
  koe::varint::put(line, static_cast<std::size_t>(listed->line));
  REQUIRE(current.ends_with("\x01" + line));  // 1: the items are the text's lines
  std::string with_items = current.substr(0, current.size() - 1 - line.size());
  with_items[0] = '\x01';
  koe::varint::put(with_items, listed->items.size());
  for (const auto& item : listed->items) {
    koe::varint::put(with_items, item.size());
    with_items += item;
  }
  with_items += line;
  CHECK(koe::SectionRecord::from_stored(with_items) == *listed);
  // A paragraph may break lines (a value over several rows) and items may differ from the
  // lines: both read back as they were.
  koe::SectionRecord paragraph = *listed;
  paragraph.items.clear();
  CHECK(koe::SectionRecord::from_stored(paragraph.to_stored()) == paragraph);
  koe::SectionRecord other_items = *listed;
  other_items.items = {"one item\nover two lines", "another"};
  CHECK(koe::SectionRecord::from_stored(other_items.to_stored()) == other_items);
  std::string unknown_mode = current;
  unknown_mode[current.size() - 1 - line.size()] = '\x03';
  CHECK_THROWS_AS(koe::SectionRecord::from_stored(unknown_mode), koe::Error);
  const std::string stored = records.back().to_stored();
  for (std::size_t cut = 0; cut < stored.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK_THROWS_AS(koe::SectionRecord::from_stored(stored.substr(0, cut)), koe::Error);
  }
  CHECK_THROWS_AS(koe::SectionRecord::from_stored(stored + "x"), koe::Error);
  CHECK_THROWS_WITH(koe::SectionRecord::from_stored(R"({"id":"x"})"), Catch::Contains("another format"));
}
