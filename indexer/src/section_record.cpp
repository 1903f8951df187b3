#include "koe/indexer/section_record.hpp"

#include "koe/indexer/schema.hpp"

namespace koe {

namespace schema {

double kind_weight(SectionKind kind) {
  switch (kind) {
    case SectionKind::title:
      return 1.3;
    case SectionKind::activities:
      return 1.2;
    case SectionKind::issues:
      return 1.1;
    case SectionKind::status:
      return 1.0;
    case SectionKind::purpose:
      return 1.0;
    case SectionKind::goal_2030:
      return 0.9;
    case SectionKind::goal_fy:
      return 1.0;
    case SectionKind::reason:
      return 0.9;
    case SectionKind::focus:
      return 0.4;
    case SectionKind::mission:
      return 0.5;
    case SectionKind::vision:
      return 0.5;
  }
  return 1.0;
}

std::string term(std::string_view prefix, std::string_view value) {
  std::string t(prefix);
  t += value;
  if (t.size() > kMaxTermBytes) {
    std::size_t cut = kMaxTermBytes;
    while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
    t.resize(cut);
  }
  return t;
}

std::string facet_key(std::string_view project_id, std::string_view division, std::string_view kind) {
  std::string k(project_id);
  k += kFacetSeparator;
  k += division;
  k += kFacetSeparator;
  k += kind;
  return k;
}

}  // namespace schema

nlohmann::json SectionRecord::to_json() const {
  nlohmann::json j;
  j["id"] = id;
  j["department"] = department;
  j["doc_id"] = doc_id;
  j["fiscal_year"] = fiscal_year;
  j["source"] = source;
  j["project_id"] = project_id ? nlohmann::json(*project_id) : nlohmann::json(nullptr);
  j["project"] = project_name ? nlohmann::json(*project_name) : nlohmann::json(nullptr);
  j["division"] = division;
  j["number"] = number;
  j["policy"] = policy;
  j["sub_policy"] = sub_policy;
  j["sub_policy_name"] = sub_policy_name;
  j["kind"] = std::string(kind_name(kind));
  j["label"] = label;
  j["text"] = text;
  j["items"] = items;
  j["line"] = line;
  return j;
}

SectionRecord SectionRecord::from_json(const nlohmann::json& j) {
  SectionRecord r;
  r.id = j.value("id", "");
  r.department = j.value("department", "");
  r.doc_id = j.value("doc_id", "");
  r.fiscal_year = j.value("fiscal_year", "");
  r.source = j.value("source", "");
  if (j.contains("project_id") && j["project_id"].is_string()) r.project_id = j["project_id"].get<std::string>();
  if (j.contains("project") && j["project"].is_string()) r.project_name = j["project"].get<std::string>();
  r.division = j.value("division", "");
  r.number = j.value("number", 0);
  r.policy = j.value("policy", "");
  r.sub_policy = j.value("sub_policy", "");
  r.sub_policy_name = j.value("sub_policy_name", "");
  r.kind = parse_kind(j.value("kind", "title")).value_or(SectionKind::title);
  r.label = j.value("label", "");
  r.text = j.value("text", "");
  r.items = j.value("items", std::vector<std::string>{});
  r.line = j.value("line", 0);
  return r;
}

std::vector<SectionRecord> section_records(const Department& d) {
  std::vector<SectionRecord> out;
  auto add = [&](const std::string& owner_id, const Project* p, const Section& s) {
    SectionRecord r;
    r.id = owner_id + "-" + std::string(kind_name(s.kind));
    r.department = d.name;
    r.doc_id = d.doc_id;
    r.fiscal_year = d.fiscal_year;
    r.source = d.source;
    if (p) {
      r.project_id = p->id;
      r.project_name = p->name;
      r.division = p->division;
      r.number = p->number;
      r.policy = p->policy;
      r.sub_policy = p->sub_policy;
      r.sub_policy_name = p->sub_policy_name;
    }
    r.kind = s.kind;
    r.label = s.label;
    r.text = s.text;
    r.items = s.items;
    r.line = s.line;
    out.push_back(std::move(r));
  };
  for (const auto& s : d.sections) add(d.doc_id, nullptr, s);
  for (const auto& p : d.projects)
    for (const auto& s : p.sections) add(p.id, &p, s);
  return out;
}

}  // namespace koe
