/// @file catalogue.hpp
/// @brief The catalogue: every project and department in the index, read from the section
/// records (each one carries its project's id, name, 課 and department).
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "koe/indexer/error.hpp"
#include "koe/indexer/section_record.hpp"

namespace koe::search {

/// What koe knows of a project without reading its sections' text.
struct ProjectSummary {
  std::string id;
  std::string name;      ///< 事業名
  std::string division;  ///< 事業実施課
  std::string department;
  int number = 0;  ///< 番号
  std::string policy, sub_policy, sub_policy_name;
  std::string fiscal_year;
  std::string doc_id;  ///< the source document's id
  std::string source;  ///< the source document's path, as indexed
};

/// The project a project section belongs to, from the section's own record. The record must
/// be a project section (`section.project_id` set).
ProjectSummary project_of(const SectionRecord& section);

struct ProjectDetail {
  ProjectSummary project;
  std::vector<SectionRecord> sections;  ///< in document order (事業名 first)
};

/// A 課 and the department it belongs to, with how many projects it runs.
struct DivisionSummary {
  std::string division;
  std::string department;
  std::size_t projects = 0;
};

/// Every project, by document then 番号.
std::vector<ProjectSummary> list_projects(const Xapian::Database& db);

/// One project, or nullopt for an unknown id.
std::optional<ProjectSummary> find_project(const Xapian::Database& db, const std::string& project_id);

/// One project with every section; Status 404 `not_found` for an unknown id.
Result<ProjectDetail> project_detail(const Xapian::Database& db, const std::string& project_id);

/// Which projects a word names: the terms of every project's 事業名, for one index revision,
/// read once from the 事業名 sections' termlists and shared by every thread (like SectionFacts).
class ProjectNames {
 public:
  /// A word in more 事業名 than this names no project (推進, 支援); one or a few (秘書, or
  /// the same project in two fiscal years' documents) do.
  static constexpr std::size_t kMostNamed = 3;

  static std::shared_ptr<const ProjectNames> of(const Xapian::Database& db);
  explicit ProjectNames(const Xapian::Database& db);

  /// The ids of the projects whose 事業名 holds index term `term` (秘書: 秘書業務等); none when
  /// more than kMostNamed do.
  std::vector<std::string> projects_named_with(const std::string& term) const;

 private:
  std::vector<std::string> project_ids_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> named_;  // term → indexes into project_ids_
};

/// Every 課 that runs a project, by department then name.
std::vector<DivisionSummary> list_divisions(const Xapian::Database& db);

}  // namespace koe::search
