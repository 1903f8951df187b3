// Each section's project, 課 and kind, held in memory per index revision (section_facts.hpp):
// the same as each section's stored record says, and rebuilt when the index changes.
#include "koe/search/section_facts.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/plan.hpp"
#include "test_support.hpp"

using koe::search::SectionFacts;

namespace {

/// Every section of `db` has the project, 課 and kind its stored record names.
void check_against_records(const Xapian::Database& db, const SectionFacts& facts) {
  for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
    const koe::SectionRecord record = koe::stored_record(db.get_document(*d));
    const SectionFacts::Section s = facts.section(*d);
    INFO("docid " << *d << ": " << record.text.substr(0, 60));
    REQUIRE(s.owner != SectionFacts::kNoOwner);
    const auto& owner = facts.owners().at(s.owner);
    CHECK(owner.project_id == record.project_id.value_or(""));
    CHECK(owner.division == record.division);
    CHECK(facts.kinds().at(s.kind) == koe::kind_name(record.kind));
    // Facets count by number: the owner's numbers name its project and 課, none when empty.
    if (owner.project_id.empty())
      CHECK(owner.project_number == SectionFacts::kNone);
    else
      CHECK(facts.projects().at(owner.project_number) == owner.project_id);
    if (owner.division.empty())
      CHECK(owner.division_number == SectionFacts::kNone);
    else
      CHECK(facts.divisions().at(owner.division_number) == owner.division);
  }
}

std::set<std::string> projects_of(const SectionFacts& facts) {
  std::set<std::string> out;
  for (const auto& o : facts.owners())
    if (!o.project_id.empty()) out.insert(o.project_id);
  return out;
}

}  // namespace

TEST_CASE("Section facts hold each section's project, 課 and kind as its record does", "[facts]") {
  const Xapian::Database db = koe::test::shared_db();
  const auto facts = SectionFacts::of(db);
  check_against_records(db, *facts);
  CHECK(projects_of(*facts).size() == 9);
  // Each project and 課 numbered once.
  CHECK(facts->projects().size() == 9);
  CHECK(std::set<std::string>(facts->divisions().begin(), facts->divisions().end()).size() ==
        facts->divisions().size());
  // A docid the index does not have counts nowhere, past the last one too.
  CHECK(facts->section(0).owner == SectionFacts::kNoOwner);
  CHECK(facts->section(db.get_lastdocid() + 1).owner == SectionFacts::kNoOwner);
  // Asked again at the same revision: the same facts, not a second copy.
  CHECK(SectionFacts::of(db) == facts);
  CHECK(SectionFacts::of(koe::test::shared_db()) == facts);
}

TEST_CASE("Section facts follow the index when a document is added in place", "[facts]") {
  koe::test::TempDir dir{"koe-facts"};
  const auto corpus = koe::test::copy_corpus(dir.path());
  koe::build_index(koe::test::analyzer(), {{corpus}, dir / "db"});
  const Xapian::Database before((dir / "db").string());
  const auto facts_before = SectionFacts::of(before);
  REQUIRE(projects_of(*facts_before).size() == 9);

  // Another department's plan, indexed into the same database (an update, not a rebuild).
  std::filesystem::copy_file(koe::test::source_dir() / "tests" / "data" / "corpus-city" / "2026" / "fukushibu.tsv",
                             corpus / "2026" / "fukushibu.tsv");
  koe::build_index(koe::test::analyzer(), {{corpus}, dir / "db"});
  const Xapian::Database after((dir / "db").string());
  const auto facts_after = SectionFacts::of(after);
  CHECK(facts_after != facts_before);
  CHECK(projects_of(*facts_after).size() > 9);
  check_against_records(after, *facts_after);
  // The handle still on the old revision keeps its own facts.
  CHECK(SectionFacts::of(before) == facts_before);
}
