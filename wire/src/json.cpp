#include "koe/wire/json.hpp"

#include <string>
#include <utility>

namespace koe::wire {
namespace {

// The answers every search and match returns are built member by member: an initializer
// list makes nlohmann build a two-element array per member, copying key and value, before
// it makes the object. The shape is the same either way.

Json facet_json(const std::vector<search::FacetCount>& facet) {
  Json a = Json::array();
  for (const auto& c : facet) {
    Json& f = a.emplace_back(Json::object());
    f["value"] = c.value;
    f["count"] = c.count;
  }
  return a;
}

Json kind_json(SectionKind kind) { return std::string(kind_name(kind)); }

}  // namespace

Json error_json(const Status& status) { return {{"error", {{"code", status.code}, {"message", status.message}}}}; }

Json project_ref_json(const search::ProjectSummary& p) {
  Json o = Json::object();
  o["id"] = p.id;
  o["name"] = p.name;
  o["division"] = p.division;
  o["department"] = p.department;
  return o;
}

Json project_list_json(const std::vector<search::ProjectSummary>& projects) {
  Json out = Json::array();
  for (const auto& p : projects)
    out.push_back({{"id", p.id},
                   {"name", p.name},
                   {"division", p.division},
                   {"department", p.department},
                   {"number", p.number},
                   {"policy", p.policy},
                   {"sub_policy", p.sub_policy},
                   {"sub_policy_name", p.sub_policy_name},
                   {"fiscal_year", p.fiscal_year}});
  return {{"projects", std::move(out)}};
}

Json project_detail_json(const search::ProjectDetail& detail) {
  const auto& p = detail.project;
  Json sections = Json::array();
  for (const auto& s : detail.sections)
    sections.push_back({{"kind", kind_json(s.kind)}, {"label", s.label}, {"text", s.text}, {"items", s.items}});
  return {{"id", p.id},
          {"name", p.name},
          {"division", p.division},
          {"department", p.department},
          {"number", p.number},
          {"policy", p.policy},
          {"sub_policy", p.sub_policy},
          {"sub_policy_name", p.sub_policy_name},
          {"fiscal_year", p.fiscal_year},
          {"source", p.source},
          {"sections", std::move(sections)}};
}

Json related_json(std::string_view project_id, const std::vector<search::RelatedProject>& related) {
  Json out = Json::array();
  for (const auto& rp : related)
    out.push_back({{"project", project_ref_json(rp.project)}, {"score", rp.score}, {"terms", rp.terms}});
  return {{"project_id", std::string(project_id)}, {"related", std::move(out)}};
}

Json search_json(const search::SearchResponse& r) {
  Json results = Json::array();
  for (const auto& h : r.hits) {
    Json& hit = results.emplace_back(Json::object());
    hit["department"] = h.section.department;
    hit["project"] = h.section.project_id ? project_ref_json(search::project_of(h.section)) : Json(nullptr);
    Json& section = hit["section"];
    section["kind"] = kind_json(h.section.kind);
    section["label"] = h.section.label;
    section["id"] = h.section.id;
    hit["score"] = h.score;
    hit["all_words"] = h.all_words;
    hit["snippet"] = h.snippet;
  }
  return {{"query", r.query},
          {"total", r.total},
          {"total_all_words", r.total_all_words},
          {"relaxed", r.relaxed},
          {"facets_complete", r.facets_complete},
          {"results", std::move(results)},
          {"facets",
           {{"division", facet_json(r.division_facet)},
            {"kind", facet_json(r.kind_facet)},
            {"project", facet_json(r.project_facet)}}}};
}

Json route_json(const search::MatchResponse& r) {
  const search::ProjectMatch* best = r.route();
  if (!best) return nullptr;
  return {{"department", best->project.department},
          {"division", best->project.division},
          {"project_id", best->project.id},
          {"project", best->project.name}};
}

Json similar_json(const std::vector<search::SimilarVoice>& similar) {
  Json out = Json::array();
  for (const auto& s : similar) {
    const auto& e = s.example;
    Json route = nullptr;
    if (!e.out_of_scope)
      route = {{"project_id", e.project_id.empty() ? Json(nullptr) : Json(e.project_id)},
               {"project", e.project_name.empty() ? Json(nullptr) : Json(e.project_name)},
               {"division", e.division}};
    out.push_back({{"id", e.id},
                   {"text_masked", e.text},
                   {"route", route},
                   {"status", e.status},
                   {"similarity", s.similarity},
                   {"duplicate", s.duplicate}});
  }
  return out;
}

Json match_json(const search::MatchResponse& r) {
  Json matches = Json::array();
  for (const auto& m : r.matches) {
    Json sections = Json::array();
    for (const auto& s : m.sections) {
      Json& section = sections.emplace_back(Json::object());
      section["kind"] = kind_json(s.section.kind);
      section["label"] = s.section.label;
      section["snippet"] = s.snippet;
      section["score"] = s.score;
    }
    matches.push_back({{"project", project_ref_json(m.project)},
                       {"score", m.score},
                       {"strength", m.strength},
                       {"evidence", m.evidence},
                       {"coverage", m.coverage},
                       {"confidence", m.confidence},
                       {"sections", std::move(sections)},
                       {"terms", m.terms},
                       {"votes", m.votes}});
  }
  return {{"out_of_scope", r.out_of_scope},
          {"route", route_json(r)},
          {"referral", referral_json(r)},
          {"matches", std::move(matches)},
          {"similar", similar_json(r.similar)}};
}

Json referral_json(const search::MatchResponse& r) {
  if (!r.referral) return nullptr;
  return {{"body", r.referral->body}, {"reason", r.referral->reason}, {"terms", r.referral->terms}};
}

Json routed_voice_json(std::string_view id, const search::MatchResponse& r) {
  Json top = Json::array();
  for (std::size_t k = 0; k < r.matches.size() && k < 3; ++k)
    top.push_back({{"project", project_ref_json(r.matches[k].project)},
                   {"score", r.matches[k].score},
                   {"confidence", r.matches[k].confidence}});
  const search::ProjectMatch* best = r.route();
  return {{"id", std::string(id)},
          {"out_of_scope", r.out_of_scope},
          {"route", route_json(r)},
          {"project_id", best ? Json(best->project.id) : Json(nullptr)},
          {"project", best ? Json(best->project.name) : Json(nullptr)},
          {"division", best ? Json(best->project.division) : Json(nullptr)},
          {"confidence", r.matches.empty() ? Json("low") : Json(r.matches[0].confidence)},
          {"referral", referral_json(r)},
          {"top", std::move(top)}};
}

Json section_dump_json(const SectionRecord& s) {
  return {{"department", s.department},
          {"project_id", s.project_id ? Json(*s.project_id) : Json(nullptr)},
          {"project", s.project_name ? Json(*s.project_name) : Json(nullptr)},
          {"division", s.division},
          {"kind", kind_json(s.kind)},
          {"label", s.label},
          {"text", s.text},
          {"items", s.items},
          {"source", s.source}};
}

Json analysis_json(const Analysis& a, std::string_view original) {
  Json terms = Json::array();
  for (const auto& t : a.terms)
    terms.push_back({{"term", t.text},
                     {"kind", std::string(term_kind_name(t.kind))},
                     {"reading", t.reading},
                     {"pos", t.part_of_speech},
                     {"position", t.position},
                     {"start", t.begin},
                     {"end", t.end},
                     {"original", std::string(original.substr(t.begin, t.end - t.begin))},
                     {"part", t.part},
                     {"affix", t.affix},
                     {"stop", t.stop}});
  return {{"normalized", a.normalized.text}, {"terms", std::move(terms)}};
}

std::string dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace koe::wire
