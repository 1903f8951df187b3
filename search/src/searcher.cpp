#include "koe/search/searcher.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/search/catalogue.hpp"
#include "koe/search/highlighter.hpp"
#include "koe/search/limits.hpp"
#include "koe/search/reading_table.hpp"
#include "koe/search/section_facts.hpp"

namespace koe::search {
namespace {

using Xapian::Query;

Query with_filter(Query q, const Query& filter) {
  if (filter.empty()) return q;
  if (q.empty()) return filter;
  return Query(Query::OP_FILTER, q, filter);
}

/// Counts sections by project, 課 and kind over the matches the matcher visits, from the facts
/// in memory (section_facts.hpp): three vector increments per match, no read of the index and
/// no string hashed.
class FacetSpy : public Xapian::MatchSpy {
 public:
  enum Facet { project, division, kind };

  explicit FacetSpy(const SectionFacts& facts)
      : facts_(facts),
        by_project_(facts.projects().size()),
        by_division_(facts.divisions().size()),
        by_kind_(facts.kinds().size()) {}

  void operator()(const Xapian::Document& doc, double) override {
    const SectionFacts::Section s = facts_.section(doc.get_docid());
    if (s.owner == SectionFacts::kNoOwner) return;  // no key: counts nowhere
    const SectionFacts::Owner& owner = facts_.owners()[s.owner];
    if (owner.project_number != SectionFacts::kNone) ++by_project_[owner.project_number];
    if (owner.division_number != SectionFacts::kNone) ++by_division_[owner.division_number];
    ++by_kind_[s.kind];
  }

  /// The kFacetValues most frequent values of one facet, ties by value so the order is stable
  /// (a city has hundreds of 課 and thousands of projects; a page shows the top few).
  std::vector<FacetCount> top(Facet facet) const {
    const std::vector<std::size_t>& counts = facet == project    ? by_project_
                                             : facet == division ? by_division_
                                                                 : by_kind_;
    const std::vector<std::string>& names = facet == project    ? facts_.projects()
                                            : facet == division ? facts_.divisions()
                                                                : facts_.kinds();
    std::vector<std::uint32_t> counted;  // numbers of the values that matched
    for (std::uint32_t n = 0; n < counts.size(); ++n)
      if (counts[n] > 0) counted.push_back(n);
    const auto keep = std::min<std::size_t>(counted.size(), kFacetValues);
    std::partial_sort(counted.begin(), counted.begin() + static_cast<std::ptrdiff_t>(keep), counted.end(),
                      [&](std::uint32_t a, std::uint32_t b) {
                        return counts[a] != counts[b] ? counts[a] > counts[b] : names[a] < names[b];
                      });
    std::vector<FacetCount> out;
    out.reserve(keep);
    for (std::size_t i = 0; i < keep; ++i) out.push_back({names[counted[i]], counts[counted[i]]});
    return out;
  }

 private:
  const SectionFacts& facts_;
  std::vector<std::size_t> by_project_;   // by SectionFacts::projects() number
  std::vector<std::size_t> by_division_;  // by SectionFacts::divisions() number
  std::vector<std::size_t> by_kind_;      // by SectionFacts::kinds() number
};

/// Facet counts need no ranking: the matcher visits matches without computing weights.
Xapian::MSet count_matches(Xapian::Enquire& e, Xapian::doccount sample) {
  e.set_weighting_scheme(Xapian::BoolWeight());
  return e.get_mset(0, 0, sample);
}

/// The request's filters and those written in the query, as one set.
Filters merged_filters(const Filters& from_request, const Filters& from_query) {
  Filters f = from_request;
  auto merge = [](auto& into, const auto& from) { into.insert(into.end(), from.begin(), from.end()); };
  merge(f.divisions, from_query.divisions);
  merge(f.kinds, from_query.kinds);
  merge(f.projects, from_query.projects);
  merge(f.policies, from_query.policies);
  merge(f.departments, from_query.departments);
  merge(f.years, from_query.years);
  return f;
}

/// The two tiers of a search: sections holding every word first, then those with some.
struct Tiers {
  Query any_word;         ///< some of the words, exclusions applied, no filter
  Query strict;           ///< every word, filtered
  Query loose;            ///< some of the words, filtered
  Query relaxed_only;     ///< loose but not strict
  bool one_tier = false;  ///< strict and loose match the same sections (one word, or filters alone)
};

/// One word (its synonyms and readings in one query), or none: a section with some of the
/// words has them all.
bool is_one_tier(const StaffQuery& sq) {
  if (sq.required.empty() && sq.optional.empty()) return true;
  return sq.required.size() == 1 && sq.optional.size() == 1 &&
         sq.required.front().serialise() == sq.optional.front().serialise();
}

Tiers tiers_of(const StaffQuery& sq, const Query& filter) {
  Tiers t;
  t.one_tier = is_one_tier(sq);
  Query strict = sq.required.empty() ? Query::MatchAll : Query(Query::OP_AND, sq.required.begin(), sq.required.end());
  t.any_word = sq.optional.empty() ? Query::MatchAll : Query(Query::OP_OR, sq.optional.begin(), sq.optional.end());
  if (!sq.excluded.empty()) {
    Query ex(Query::OP_OR, sq.excluded.begin(), sq.excluded.end());
    strict = Query(Query::OP_AND_NOT, strict, ex);
    t.any_word = Query(Query::OP_AND_NOT, t.any_word, ex);
  }
  t.strict = with_filter(strict, filter);
  t.loose = with_filter(t.any_word, filter);
  t.relaxed_only = Query(Query::OP_AND_NOT, t.loose, t.strict);
  return t;
}

/// The page asked for: `limit` sections from `offset`.
struct Page {
  std::size_t offset;
  std::size_t limit;
};

void add_hits(const Xapian::MSet& m, bool all_words, SearchResponse& resp) {
  for (auto it = m.begin(); it != m.end(); ++it) {
    const Xapian::Document doc = it.get_document();
    SearchHit hit{stored_record(doc), it.get_weight(), all_words, {}};
    hit.snippet = make_snippet(doc, hit.section.text, resp.terms);
    resp.hits.push_back(std::move(hit));
  }
}

/// Facets and the total over everything that matches at least one word. The 課 and 項目
/// facets are counted without their own filter, so a user who picked one 課 still sees the
/// others to switch to (and their counts). Exact up to kFacetSample matching sections; past
/// that, the counts among the first kFacetSample the matcher saw (facets_complete says which).
/// Given a `page` (a search of one tier), the same pass ranks the sections and fetches the page:
/// the matcher visits the matches once instead of once for counting and once for ranking.
Status count_facets(const Xapian::Database& db, const Filters& filters, const Tiers& tiers, const Page* page,
                    SearchResponse& resp) {
  const Xapian::doccount sample =
      std::min<Xapian::doccount>(std::max<Xapian::doccount>(db.get_doccount(), 1), kFacetSample);
  auto loose_without = [&](auto member) -> Result<Query> {
    Filters f = filters;
    (f.*member).clear();
    auto fq = filter_query(f);
    if (!fq.ok()) return fq.status();
    return with_filter(tiers.any_word, fq.value());
  };
  const auto facts = SectionFacts::of(db);
  auto count = [&](const Query& q, FacetSpy::Facet facet) {
    Xapian::Enquire e(db);
    e.set_query(q);
    FacetSpy spy(*facts);
    e.add_matchspy(&spy);
    count_matches(e, sample);
    return spy.top(facet);
  };
  const auto by_division = filters.divisions.empty() ? Result<Query>(tiers.loose) : loose_without(&Filters::divisions);
  const auto by_kind = filters.kinds.empty() ? Result<Query>(tiers.loose) : loose_without(&Filters::kinds);
  if (!by_division.ok()) return by_division.status();
  if (!by_kind.ok()) return by_kind.status();

  Xapian::Enquire facets(db);
  facets.set_query(tiers.loose);
  FacetSpy spy(*facts);
  facets.add_matchspy(&spy);
  const Xapian::MSet counted = page ? facets.get_mset(static_cast<Xapian::doccount>(page->offset),
                                                      static_cast<Xapian::doccount>(page->limit), sample)
                                    : count_matches(facets, sample);
  // Complete when the matcher visited every match. Equal bounds do not say so: a filter alone
  // is counted exactly from its term's frequency, visited or not.
  resp.facets_complete = counted.get_matches_upper_bound() <= sample;
  // Every section with all the words has one of them, so this pass also counts the total
  // (exact up to kFacetSample, the same on every page).
  resp.total = counted.get_matches_estimated();
  resp.project_facet = spy.top(FacetSpy::project);
  resp.division_facet =
      filters.divisions.empty() ? spy.top(FacetSpy::division) : count(by_division.value(), FacetSpy::division);
  resp.kind_facet = filters.kinds.empty() ? spy.top(FacetSpy::kind) : count(by_kind.value(), FacetSpy::kind);
  if (page) {
    resp.total_all_words = resp.total;
    add_hits(counted, true, resp);
  }
  return {};
}

/// The requested page: sections with every word first, then, only when the page reaches
/// them, sections with some of the words.
void fetch_page(const Xapian::Database& db, const Tiers& tiers, const Page& page, SearchResponse& resp) {
  const auto [offset, limit] = page;
  Xapian::Enquire first(db);
  first.set_query(tiers.strict);
  // The all-words total is exact up to kExactTotal matches and Xapian's estimate beyond:
  // counting every match of a common word in a large index costs more than the answer is
  // worth. The same bound on every page, so the total a user pages through never changes.
  Xapian::MSet m1 =
      first.get_mset(static_cast<Xapian::doccount>(offset), static_cast<Xapian::doccount>(limit), kExactTotal);
  resp.total_all_words = std::min<std::size_t>(m1.get_matches_estimated(), resp.total);
  add_hits(m1, true, resp);
  if (resp.hits.size() < limit) {
    Xapian::Enquire second(db);
    second.set_query(tiers.relaxed_only);
    const std::size_t skip = offset > resp.total_all_words ? offset - resp.total_all_words : 0;
    const std::size_t want = limit - resp.hits.size();
    add_hits(second.get_mset(static_cast<Xapian::doccount>(skip), static_cast<Xapian::doccount>(want)), false, resp);
  }
}

}  // namespace

Result<SearchResponse> search(const Analyzer& analyzer, const Xapian::Database& db, const SearchRequest& request) {
  if (Status s = check_count("limit", request.limit, kSearchLimitRange); !s.ok()) return s;
  if (Status s = check_count("offset", request.offset, kSearchOffsetRange); !s.ok()) return s;
  const auto names = ProjectNames::of(db);
  auto parsed = parse_staff_query(analyzer, *ReadingTable::of(db), request.query,
                                  [&](const std::string& term) { return names->projects_named_with(term); });
  if (!parsed.ok()) return parsed.status();
  const StaffQuery& sq = parsed.value();
  const Filters filters = merged_filters(request.filters, sq.filters);
  auto filter = filter_query(filters);
  if (!filter.ok()) return filter.status();
  const Tiers tiers = tiers_of(sq, filter.value());

  SearchResponse resp;
  resp.query = request.query;
  resp.terms = sq.terms;
  const Page page{static_cast<std::size_t>(request.offset), static_cast<std::size_t>(request.limit)};
  if (Status s = count_facets(db, filters, tiers, tiers.one_tier ? &page : nullptr, resp); !s.ok()) return s;
  if (!tiers.one_tier) fetch_page(db, tiers, page, resp);
  resp.relaxed = resp.total_all_words == 0 && resp.total > 0;
  return resp;
}

}  // namespace koe::search
