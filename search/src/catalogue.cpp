#include "koe/search/catalogue.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/search/section_facts.hpp"
#include "revision_cache.hpp"

namespace koe::search {
namespace {

int kind_order(SectionKind k) {
  const auto kinds = all_section_kinds();
  return static_cast<int>(std::find(kinds.begin(), kinds.end(), k) - kinds.begin());
}

Status unknown_project(const std::string& project_id) {
  return Status::not_found("no project with id «" + project_id + "»");
}

}  // namespace

ProjectSummary project_of(const SectionRecord& s) {
  ProjectSummary p;
  p.id = s.project_id.value_or("");
  p.name = s.project_name.value_or("");
  p.division = s.division;
  p.department = s.department;
  p.number = s.number;
  p.policy = s.policy;
  p.sub_policy = s.sub_policy;
  p.sub_policy_name = s.sub_policy_name;
  p.fiscal_year = s.fiscal_year;
  p.doc_id = s.doc_id;
  p.source = s.source;
  return p;
}

std::vector<ProjectSummary> list_projects(const Xapian::Database& db) {
  std::vector<ProjectSummary> out;
  // Every project has exactly one 事業名 section: one record read per project.
  const std::string titles = schema::term(schema::kKind, kind_name(SectionKind::title));
  for (auto p = db.postlist_begin(titles); p != db.postlist_end(titles); ++p)
    out.push_back(project_of(stored_record(db.get_document(*p))));
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.doc_id, a.number) < std::tie(b.doc_id, b.number);
  });
  return out;
}

std::shared_ptr<const ProjectNames> ProjectNames::of(const Xapian::Database& db) {
  return of_revision<ProjectNames>(db);
}

ProjectNames::ProjectNames(const Xapian::Database& db) {
  const auto facts = SectionFacts::of(db);
  const std::string titles = schema::term(schema::kKind, kind_name(SectionKind::title));
  for (auto p = db.postlist_begin(titles); p != db.postlist_end(titles); ++p) {
    const auto s = facts->section(*p);
    if (s.owner == SectionFacts::kNoOwner || facts->owners()[s.owner].project_id.empty()) continue;
    const auto project = static_cast<std::uint32_t>(project_ids_.size());
    project_ids_.push_back(facts->owners()[s.owner].project_id);
    for (auto t = db.termlist_begin(*p); t != db.termlist_end(*p); ++t) {
      const std::string term = *t;
      if (term.starts_with("X")) continue;  // filters, not words
      auto& named = named_[term];
      if (named.size() <= kMostNamed) named.push_back(project);  // one past the most: names none
    }
  }
}

std::vector<std::string> ProjectNames::projects_named_with(const std::string& term) const {
  std::vector<std::string> out;
  const auto it = named_.find(term);
  if (it == named_.end() || it->second.size() > kMostNamed) return out;
  for (const auto project : it->second) out.push_back(project_ids_[project]);
  return out;
}

std::optional<ProjectSummary> find_project(const Xapian::Database& db, const std::string& project_id) {
  const std::string term = schema::term(schema::kProject, project_id);
  auto p = db.postlist_begin(term);
  if (p == db.postlist_end(term)) return std::nullopt;
  return project_of(stored_record(db.get_document(*p)));
}

Result<ProjectDetail> project_detail(const Xapian::Database& db, const std::string& project_id) {
  const std::string term = schema::term(schema::kProject, project_id);
  ProjectDetail detail;
  for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p)
    detail.sections.push_back(stored_record(db.get_document(*p)));
  if (detail.sections.empty()) return unknown_project(project_id);
  std::stable_sort(detail.sections.begin(), detail.sections.end(),
                   [](const auto& a, const auto& b) { return kind_order(a.kind) < kind_order(b.kind); });
  detail.project = project_of(detail.sections.front());
  return detail;
}

std::vector<DivisionSummary> list_divisions(const Xapian::Database& db) {
  std::map<std::pair<std::string, std::string>, std::size_t> counts;
  for (const auto& p : list_projects(db))
    if (!p.division.empty()) ++counts[{p.department, p.division}];
  std::vector<DivisionSummary> out;
  for (const auto& [key, n] : counts) out.push_back({key.second, key.first, n});
  return out;
}

}  // namespace koe::search
