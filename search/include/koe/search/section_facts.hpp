/// @file section_facts.hpp
/// @brief Each section's project, 課 and kind, for every section of one index revision, held
/// in memory: what ranking and facet counting read per matching section, without reading
/// the index per section (bench/README.md, "Reads per request").
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace koe::search {

/// Read once per index revision from the facet slot (schema::kSlotFacet) and shared by every
/// thread that searches that revision. Xapian reads a value as a block from the page cache
/// each time its chunk is not the last one read, so a query that counts facets over
/// thousands of matches, or ranks a hundred sections, read a block per few sections.
class SectionFacts {
 public:
  static constexpr std::uint32_t kNoOwner = UINT32_MAX;
  static constexpr std::uint32_t kNone = UINT32_MAX;  ///< an Owner with no project, or no 課

  /// Whose a section is: a project (and its 課), or a department with perhaps a 課.
  struct Owner {
    std::string project_id;  ///< empty for a department section
    std::string division;
    std::uint32_t project_number = kNone;   ///< index into projects(); kNone when project_id is empty
    std::uint32_t division_number = kNone;  ///< index into divisions(); kNone when division is empty
  };
  struct Section {
    std::uint32_t owner = kNoOwner;  ///< index into owners(); kNoOwner: no facet key, counts nowhere
    std::uint16_t kind = 0;          ///< index into kinds()
  };

  /// The facts of the revision `db` is at: built on first use (the whole slot read in docid
  /// order), then shared until the index changes. Thread-safe; `db` is the caller's handle.
  static std::shared_ptr<const SectionFacts> of(const Xapian::Database& db);

  /// Reads the facts of `db` as it is now, uncached.
  explicit SectionFacts(const Xapian::Database& db);

  /// The section with this docid; a section without facts (or a docid past the revision's
  /// last) has owner kNoOwner.
  Section section(Xapian::docid docid) const { return docid < sections_.size() ? sections_[docid] : Section{}; }
  const std::vector<Owner>& owners() const { return owners_; }
  const std::vector<std::string>& kinds() const { return kinds_; }  ///< kind names as indexed
  /// The distinct project ids and 課 of the revision, so that counting by either is a vector
  /// index per match, not a string hash.
  const std::vector<std::string>& projects() const { return projects_; }
  const std::vector<std::string>& divisions() const { return divisions_; }

 private:
  std::vector<Section> sections_;  // by docid
  std::vector<Owner> owners_;
  std::vector<std::string> kinds_;
  std::vector<std::string> projects_;
  std::vector<std::string> divisions_;
};

}  // namespace koe::search
