#include "koe/search/matcher.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/indexer/utf8.hpp"
#include "koe/search/highlighter.hpp"
#include "koe/search/kana_readings.hpp"
#include "koe/search/query_builder.hpp"
#include "koe/search/related.hpp"
#include "koe/search/searcher.hpp"

namespace koe::search {
namespace {

using Xapian::Query;

/// Inverse document frequency over project sections, the unit evidence is counted in.
double idf(const Xapian::Database& db, const std::string& term) {
  const double n = db.get_doccount();
  const double df = db.get_termfreq(term);
  if (df <= 0 || n <= 0) return 0;
  return std::log((n + 1) / df);
}

}  // namespace

nlohmann::json MatchResponse::to_json() const {
  nlohmann::json ms = nlohmann::json::array();
  for (const auto& m : matches) {
    nlohmann::json secs = nlohmann::json::array();
    for (const auto& s : m.sections)
      secs.push_back({{"kind", std::string(kind_name(s.section.kind))}, {"label", s.section.label}, {"snippet", s.snippet}, {"score", s.score}});
    ms.push_back({{"project", project_json(m.project)},
                  {"score", m.score},
                  {"strength", m.strength},
                  {"evidence", m.evidence},
                  {"confidence", m.confidence},
                  {"sections", secs},
                  {"terms", m.terms}});
  }
  nlohmann::json route = nullptr;
  if (!out_of_scope && !matches.empty())
    route = {{"department", matches[0].project.department},
             {"division", matches[0].project.division},
             {"project_id", matches[0].project.project_id.value_or("")},
             {"project", matches[0].project.project.value_or("")}};
  return {{"out_of_scope", out_of_scope}, {"route", route}, {"matches", ms}};
}

Result<MatchResponse> match(const Analyzer& analyzer, const Xapian::Database& db, const MatchRequest& request,
                            const MatchOptions& options) {
  if (request.limit == 0 || request.limit > kMaxMatchLimit)
    return Status::invalid("limit_out_of_range", "limit must be between 1 and " + std::to_string(kMaxMatchLimit));
  if (request.text.size() > options.max_text_bytes)
    return Status::too_large("payload_too_large", "text is " + std::to_string(request.text.size()) +
                                                        " bytes; the limit is " + std::to_string(options.max_text_bytes));
  auto vq = build_voice_query(analyzer, request.text);
  // A voice in hiragana may hold no word MeCab could read, yet spell the plans' words.
  if (!vq.ok() && vq.status().code != "bad_request") return vq.status();
  VoiceQuery voice = vq.ok() ? std::move(vq.value()) : VoiceQuery{};
  add_kana_readings(analyzer, db, analyzer.analyze(request.text), voice);
  if (voice.query.empty()) return vq.status();

  Xapian::Enquire enquire(db);
  enquire.set_query(Query(Query::OP_FILTER, voice.query, Query(schema::term(schema::kLevel, "project"))));
  const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(options.sections_considered));

  // Projects are ranked from the value slots alone; a section's stored record is parsed, and
  // its matching terms listed, only for the projects returned.
  struct Hit {
    Xapian::MSetIterator it;
    double weight;
  };
  std::map<std::string, std::vector<Hit>> by_project;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const Xapian::Document doc = it.get_document();
    const std::string pid = doc.get_value(schema::kSlotProject);
    if (pid.empty()) continue;
    const auto kind = parse_kind(doc.get_value(schema::kSlotKind)).value_or(SectionKind::title);
    by_project[pid].push_back({it, it.get_weight() * schema::kind_weight(kind)});
  }

  MatchResponse resp;
  resp.content_terms = voice.content_terms;
  struct Ranked {
    std::string pid;
    double score = 0;
  };
  std::vector<Ranked> order;
  for (auto& [pid, hits] : by_project) {
    std::stable_sort(hits.begin(), hits.end(), [](auto& a, auto& b) { return a.weight > b.weight; });
    // The best section counts fully and the next two add diminishing support: a voice about
    // a project tends to touch several of its sections.
    static constexpr double kDecay[] = {1.0, 0.5, 0.25};
    Ranked r{pid, 0};
    for (std::size_t k = 0; k < hits.size() && k < 3; ++k) r.score += kDecay[k] * hits[k].weight;
    order.push_back(std::move(r));
  }
  std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.score > b.score; });
  const double second = order.size() > 1 ? order[1].score : 0;
  if (order.size() > request.limit) order.resize(request.limit);

  std::vector<ProjectMatch> ranked;
  for (const auto& r : order) {
    const auto& hits = by_project[r.pid];
    ProjectMatch pm;
    pm.score = r.score;
    // Evidence: how specific the voice words found in this project's sections are.
    std::set<std::string> matched;
    for (const auto& h : hits)
      for (auto t = enquire.get_matching_terms_begin(h.it); t != enquire.get_matching_terms_end(h.it); ++t)
        if (!(*t).starts_with("X")) matched.insert(*t);  // boolean filter terms are not evidence
    std::set<std::string> shown;
    for (const auto& t : matched) {
      std::string d = display_term(t);
      if (shown.insert(d).second && voice.evidence_terms.count(t)) pm.evidence += idf(db, t);
    }
    // A word inside a longer one shown beside it (返礼 in 返礼品, 者 in 理事者) says nothing more.
    for (const auto& d : shown) {
      const bool inside = std::any_of(shown.begin(), shown.end(), [&](const std::string& o) {
        return o.size() > d.size() && o.find(d) != std::string::npos;
      });
      if (!inside && (utf8::length(d) >= 2 || d.size() >= 2)) pm.terms.push_back(d);
    }
    // Rarest first: the words that say most about why this project.
    std::map<std::string, Xapian::doccount> freq;
    for (const auto& t : pm.terms) freq[t] = db.get_termfreq(t);
    std::stable_sort(pm.terms.begin(), pm.terms.end(), [&](const std::string& a, const std::string& b) { return freq[a] < freq[b]; });
    for (std::size_t k = 0; k < hits.size() && k < 3; ++k)
      pm.sections.push_back({stored_record(hits[k].it.get_document()), hits[k].weight, {}});
    pm.project = pm.sections.front().section;
    ranked.push_back(std::move(pm));
  }

  const double scale = std::log(1.0 + db.get_doccount());
  for (auto& pm : ranked) {
    pm.strength = pm.score / scale;
    pm.evidence /= scale;
  }
  if (!ranked.empty()) {
    const double lead = second > 0 ? ranked[0].score / second : 1e9;
    resp.out_of_scope = ranked[0].strength < options.min_strength || ranked[0].evidence < options.min_evidence;
    for (std::size_t k = 0; k < ranked.size(); ++k) {
      auto& pm = ranked[k];
      const bool plausible = pm.strength >= options.min_strength && pm.evidence >= options.min_evidence;
      if (resp.out_of_scope || !plausible) pm.confidence = "low";
      else if (k == 0 && pm.strength >= options.high_strength && lead >= options.clear_lead) pm.confidence = "high";
      else if (pm.strength >= options.medium_strength && (k > 0 || lead >= options.some_lead)) pm.confidence = "medium";
      else pm.confidence = "low";
    }
  }
  for (auto& pm : ranked) {
    // The project's own record (its title section) names it even when that section did not match.
    if (auto title = project_title(db, *pm.project.project_id)) pm.project = std::move(*title);
    for (auto& s : pm.sections) s.snippet = make_snippet(analyzer, s.section.text, voice.terms);
  }
  resp.matches = std::move(ranked);
  return resp;
}

}  // namespace koe::search
