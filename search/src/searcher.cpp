#include "koe/search/searcher.hpp"

#include <algorithm>
#include <unordered_map>

#include "koe/indexer/schema.hpp"
#include "koe/search/highlighter.hpp"

namespace koe::search {
namespace {

using Xapian::Query;

Query with_filter(Query q, const Query& filter) {
  if (filter.empty()) return q;
  if (q.empty()) return filter;
  return Query(Query::OP_FILTER, q, filter);
}

/// Counts the values of a few slots over the matches the matcher visits. One spy reads every
/// slot of a document, and hashes rather than orders the values: Xapian's ValueCountMatchSpy
/// (one std::map per slot) was the largest cost of a search.
class FacetSpy : public Xapian::MatchSpy {
 public:
  explicit FacetSpy(std::vector<Xapian::valueno> slots) : slots_(std::move(slots)), counts_(slots_.size()) {}

  void operator()(const Xapian::Document& doc, double) override {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      std::string v = doc.get_value(slots_[i]);
      if (!v.empty()) ++counts_[i][std::move(v)];
    }
  }

  /// The kFacetValues most frequent values of slot `i`, ties by value so the order is stable
  /// (a city has hundreds of 課 and thousands of projects; a page shows the top few).
  std::vector<FacetCount> top(std::size_t i) const {
    std::vector<FacetCount> out;
    out.reserve(counts_[i].size());
    for (const auto& [v, n] : counts_[i]) out.push_back({v, n});
    const auto keep = std::min<std::size_t>(out.size(), kFacetValues);
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                      [](const FacetCount& a, const FacetCount& b) { return a.count != b.count ? a.count > b.count : a.value < b.value; });
    out.resize(keep);
    return out;
  }

 private:
  std::vector<Xapian::valueno> slots_;
  std::vector<std::unordered_map<std::string, std::size_t>> counts_;
};

/// Facet counts need no ranking: the matcher visits matches without computing weights.
Xapian::MSet count_matches(Xapian::Enquire& e, Xapian::doccount sample) {
  e.set_weighting_scheme(Xapian::BoolWeight());
  return e.get_mset(0, 0, sample);
}

nlohmann::json facet_json(const std::vector<FacetCount>& f) {
  auto a = nlohmann::json::array();
  for (const auto& c : f) a.push_back({{"value", c.value}, {"count", c.count}});
  return a;
}

}  // namespace

nlohmann::json project_json(const SectionRecord& r) {
  if (!r.project_id) return nullptr;
  return {{"id", *r.project_id}, {"name", r.project.value_or("")}, {"division", r.division}, {"department", r.department}};
}

nlohmann::json SearchResponse::to_json() const {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& h : hits)
    results.push_back({{"department", h.section.department},
                       {"project", project_json(h.section)},
                       {"section", {{"kind", std::string(kind_name(h.section.kind))}, {"label", h.section.label}, {"id", h.section.id}}},
                       {"score", h.score},
                       {"all_words", h.all_words},
                       {"snippet", h.snippet}});
  return {{"query", query},
          {"total", total},
          {"total_all_words", total_all_words},
          {"relaxed", relaxed},
          {"facets_complete", facets_complete},
          {"results", results},
          {"facets", {{"division", facet_json(division_facet)}, {"kind", facet_json(kind_facet)}, {"project", facet_json(project_facet)}}}};
}

Result<SearchResponse> search(const Analyzer& analyzer, const Xapian::Database& db, const SearchRequest& request) {
  if (request.limit == 0 || request.limit > kMaxLimit)
    return Status::bad_request("limit must be between 1 and " + std::to_string(kMaxLimit));
  auto parsed = parse_staff_query(analyzer, request.query);
  if (!parsed.ok()) return parsed.status();
  StaffQuery& sq = parsed.value();
  Filters filters = request.filters;
  auto merge = [](auto& into, const auto& from) { into.insert(into.end(), from.begin(), from.end()); };
  merge(filters.divisions, sq.filters.divisions);
  merge(filters.kinds, sq.filters.kinds);
  merge(filters.projects, sq.filters.projects);
  merge(filters.policies, sq.filters.policies);
  merge(filters.departments, sq.filters.departments);
  merge(filters.years, sq.filters.years);
  auto filter = filter_query(filters);
  if (!filter.ok()) return filter.status();

  Query strict = sq.required.empty() ? Query::MatchAll : Query(Query::OP_AND, sq.required.begin(), sq.required.end());
  Query any_word = sq.optional.empty() ? Query::MatchAll : Query(Query::OP_OR, sq.optional.begin(), sq.optional.end());
  if (!sq.excluded.empty()) {
    Query ex(Query::OP_OR, sq.excluded.begin(), sq.excluded.end());
    strict = Query(Query::OP_AND_NOT, strict, ex);
    any_word = Query(Query::OP_AND_NOT, any_word, ex);
  }
  strict = with_filter(strict, filter.value());
  const Query loose = with_filter(any_word, filter.value());
  const Query relaxed_only(Query::OP_AND_NOT, loose, strict);

  SearchResponse resp;
  resp.query = request.query;
  resp.terms = sq.terms;
  const Xapian::doccount all = std::max<Xapian::doccount>(db.get_doccount(), 1);

  // Facets over everything that matches at least one word. The 課 and 項目 facets are
  // counted without their own filter, so a user who picked one 課 still sees the others to
  // switch to (and their counts).
  auto loose_without = [&](auto member) -> Result<Query> {
    Filters f = filters;
    (f.*member).clear();
    auto fq = filter_query(f);
    if (!fq.ok()) return fq.status();
    return with_filter(any_word, fq.value());
  };
  // Facet counts are exact up to kFacetSample matching sections; past that they are the
  // counts among the first kFacetSample the matcher saw (facets_complete says which).
  const Xapian::doccount sample = std::min<Xapian::doccount>(all, kFacetSample);
  auto count = [&](const Query& q, Xapian::valueno slot) {
    Xapian::Enquire e(db);
    e.set_query(q);
    FacetSpy spy({slot});
    e.add_matchspy(&spy);
    count_matches(e, sample);
    return spy.top(0);
  };
  const auto by_division = filters.divisions.empty() ? Result<Query>(loose) : loose_without(&Filters::divisions);
  const auto by_kind = filters.kinds.empty() ? Result<Query>(loose) : loose_without(&Filters::kinds);
  if (!by_division.ok()) return by_division.status();
  if (!by_kind.ok()) return by_kind.status();
  {
    Xapian::Enquire facets(db);
    facets.set_query(loose);
    FacetSpy spy({schema::kSlotProject, schema::kSlotDivision, schema::kSlotKind});
    facets.add_matchspy(&spy);
    const Xapian::MSet counted = count_matches(facets, sample);
    resp.facets_complete = counted.get_matches_lower_bound() == counted.get_matches_upper_bound();
    // Every section with all the words has one of them, so this pass also counts the total
    // (exact up to kFacetSample, the same on every page).
    resp.total = counted.get_matches_estimated();
    resp.project_facet = spy.top(0);
    resp.division_facet = filters.divisions.empty() ? spy.top(1) : count(by_division.value(), schema::kSlotDivision);
    resp.kind_facet = filters.kinds.empty() ? spy.top(2) : count(by_kind.value(), schema::kSlotKind);
  }

  Xapian::Enquire first(db);
  first.set_query(strict);
  // The all-words total is exact up to kExactTotal matches and Xapian's estimate beyond:
  // counting every match of a common word in a large index costs more than the answer is
  // worth. The same bound on every page, so the total a user pages through never changes.
  Xapian::MSet m1 = first.get_mset(request.offset, request.limit, kExactTotal);
  resp.total_all_words = std::min<std::size_t>(m1.get_matches_estimated(), resp.total);
  for (auto it = m1.begin(); it != m1.end(); ++it)
    resp.hits.push_back({SectionRecord::from_json(nlohmann::json::parse(it.get_document().get_data())), it.get_weight(), true, {}});

  // Sections with only some of the words fill the page after those with all of them; the
  // relaxed tier is ranked only when the page reaches it.
  if (resp.hits.size() < request.limit && request.offset + request.limit > resp.total_all_words) {
    Xapian::Enquire second(db);
    second.set_query(relaxed_only);
    const std::size_t skip = request.offset > resp.total_all_words ? request.offset - resp.total_all_words : 0;
    const std::size_t want = request.limit - resp.hits.size();
    Xapian::MSet m2 = second.get_mset(skip, want);
    for (auto it = m2.begin(); it != m2.end(); ++it)
      resp.hits.push_back({SectionRecord::from_json(nlohmann::json::parse(it.get_document().get_data())), it.get_weight(), false, {}});
  }
  resp.total = std::max(resp.total, resp.total_all_words);
  resp.relaxed = resp.total_all_words == 0 && resp.total > 0;

  for (auto& h : resp.hits) h.snippet = make_snippet(analyzer, h.section.text, resp.terms);
  return resp;
}

}  // namespace koe::search
