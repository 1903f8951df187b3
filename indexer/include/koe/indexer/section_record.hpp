/// @file section_record.hpp
/// @brief One indexed section as stored in the index (document data) and printed by
/// `koe corpus dump`.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "koe/indexer/plan.hpp"

namespace koe {

struct SectionRecord {
  std::string id;  ///< unique: "<project id>-<kind>" or "<document id>-<kind>"
  std::string department;
  std::string doc_id;
  std::string fiscal_year;
  std::string source;
  std::optional<std::string> project_id;    ///< absent for department sections
  std::optional<std::string> project_name;  ///< 事業名 (stored as "project")
  std::string division;
  int number = 0;
  std::string policy, sub_policy, sub_policy_name;
  SectionKind kind = SectionKind::title;
  std::string label;
  std::string text;
  std::vector<std::string> items;
  int line = 0;

  nlohmann::json to_json() const;
  static SectionRecord from_json(const nlohmann::json& j);
};

/// Every section of a department (its own two, then each project's) as records.
std::vector<SectionRecord> section_records(const Department& d);

}  // namespace koe
