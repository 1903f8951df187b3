/// @file related.hpp
/// @brief 関連する事業: projects most like a given one, and the project catalogue.
#pragma once

#include <xapian.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/section_record.hpp"

namespace koe::search {

struct RelatedProject {
  SectionRecord project;  ///< its title section
  double score = 0;
  std::vector<std::string> terms;  ///< shared words that made them alike
};

/// A more-like-this from the project's own distinctive terms (Xapian's expand set over its
/// sections), aggregated per project. 404 for an unknown id.
/// Stop words (from `analyzer`) are left out of the likeness.
Result<std::vector<RelatedProject>> related_projects(const Analyzer& analyzer, const Xapian::Database& db,
                                                     const std::string& project_id, std::size_t limit = 5);

/// Every section of one project (document order), or 404.
Result<std::vector<SectionRecord>> project_sections(const Xapian::Database& db, const std::string& project_id);

/// The title section of every project, by document then number.
std::vector<SectionRecord> list_projects(const Xapian::Database& db);

/// The record of a project's title section, which names the project (none for an unknown id).
std::optional<SectionRecord> project_title(const Xapian::Database& db, const std::string& project_id);

/// Full project JSON: id, name, 課, department, numbers, source and every section.
nlohmann::json project_detail_json(const std::vector<SectionRecord>& sections);

}  // namespace koe::search
