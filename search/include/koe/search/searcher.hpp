/// @file searcher.hpp
/// @brief Staff search over every section: AND first, then sections with some of the
/// words; snippets, facets and paging.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/section_record.hpp"
#include "koe/search/query_builder.hpp"

namespace koe::search {

struct SearchRequest {
  std::string query;
  Filters filters;          ///< added to the filters written in the query
  std::int64_t limit = 10;  ///< within kSearchLimitRange
  std::int64_t offset = 0;  ///< within kSearchOffsetRange
};

struct SearchHit {
  SectionRecord section;
  double score = 0;
  bool all_words = true;  ///< holds every word (false: the relaxed tier)
  std::string snippet;    ///< HTML-escaped, <mark> around matches
};

struct FacetCount {
  std::string value;
  std::size_t count = 0;
};

struct SearchResponse {
  std::string query;
  std::size_t total = 0;
  std::size_t total_all_words = 0;  ///< sections holding every word
  bool relaxed = false;             ///< no section held every word
  bool facets_complete = true;      ///< false: counted over the first kFacetSample matches
  std::vector<SearchHit> hits;
  std::vector<FacetCount> division_facet, kind_facet, project_facet;
  QueryTerms terms;
};

/// Values listed per facet, most frequent first.
constexpr unsigned kFacetValues = 30;
/// Facets and `total` count at most this many matching sections (exact below it).
constexpr unsigned kFacetSample = 5000;
/// `total_all_words` is exact up to this many matches, Xapian's estimate beyond (paging a
/// user actually does stays well inside it).
constexpr unsigned kExactTotal = 2000;

/// Runs a staff search. Status 400: `empty_query`, `invalid_utf8`, `limit_out_of_range`,
/// `offset_out_of_range`, `bad_request` (nothing searchable, a bad filter value).
Result<SearchResponse> search(const Analyzer& analyzer, const Xapian::Database& db, const SearchRequest& request);

}  // namespace koe::search
