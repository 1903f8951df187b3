/// @file matcher.hpp
/// @brief Voice matching: which projects a citizen's voice concerns, which 課 should handle
/// it, how sure koe is, and whether it concerns none of the plans.
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

/// The calibrated constants of the routing rule (README.md, "How koe decides").
struct MatchOptions {
  std::size_t sections_considered = 300;  ///< best sections aggregated into projects
  /// A voice is out of scope when its best project's evidence is below this: the summed
  /// inverse document frequency of the distinct voice words found in that project.
  double min_evidence = 6.0;
  double high_evidence = 14.0;    ///< at or above (with a clear lead): high confidence
  double medium_evidence = 9.0;   ///< at or above: medium
  double clear_lead = 1.25;       ///< top score over the runner-up's for high confidence
  std::size_t max_text_bytes = 64 * 1024;
};

struct MatchRequest {
  std::string text;
  std::size_t limit = 5;
};

struct MatchedSection {
  SectionRecord section;
  double score = 0;
  std::string snippet;
};

struct ProjectMatch {
  SectionRecord project;  ///< the project's title section, for id, name, 課, department
  double score = 0;
  double evidence = 0;
  std::string confidence;  ///< high, medium, low
  std::vector<MatchedSection> sections;
  std::vector<std::string> terms;  ///< voice words found in the project
};

struct MatchResponse {
  bool out_of_scope = true;
  std::vector<ProjectMatch> matches;
  std::size_t content_terms = 0;
  nlohmann::json to_json() const;
};

constexpr std::size_t kMaxMatchLimit = 50;

Result<MatchResponse> match(const Analyzer& analyzer, const Xapian::Database& db, const MatchRequest& request,
                            const MatchOptions& options = {});

}  // namespace koe::search
