/// @file related.hpp
/// @brief 関連する事業: projects most like a given one.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/error.hpp"
#include "koe/search/catalogue.hpp"

namespace koe::search {

struct RelatedProject {
  ProjectSummary project;
  double score = 0;
  std::vector<std::string> terms;  ///< shared words that made them alike
};

/// A more-like-this from the project's own distinctive terms (Xapian's expand set over its
/// sections), aggregated per project. Stop words (from `analyzer`) are left out of the
/// likeness. Status 404 for an unknown id, 400 `limit_out_of_range` outside kRelatedLimitRange.
Result<std::vector<RelatedProject>> related_projects(const Analyzer& analyzer, const Xapian::Database& db,
                                                     const std::string& project_id, std::int64_t limit = 5);

}  // namespace koe::search
