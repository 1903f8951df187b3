/// @file json.hpp
/// @brief Every JSON shape koe writes — the API's responses and every `koe … --json` — built
/// in one place, so the CLI and the server answer the same request with the same JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/section_record.hpp"
#include "koe/search/catalogue.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/related.hpp"
#include "koe/search/searcher.hpp"

namespace koe::wire {

using Json = nlohmann::json;

/// {"error": {"code", "message"}}: every API error body.
Json error_json(const Status& status);

/// {id, name, division, department}: how a project is named inside other shapes.
Json project_ref_json(const search::ProjectSummary& project);

/// GET /api/v1/projects: {"projects": [{id, name, division, department, number, policy,
/// sub_policy, sub_policy_name, fiscal_year}]}.
Json project_list_json(const std::vector<search::ProjectSummary>& projects);

/// GET /api/v1/projects/{id}: the project's fields, its source and every section
/// {kind, label, text, items}.
Json project_detail_json(const search::ProjectDetail& detail);

/// GET /api/v1/projects/{id}/related: {project_id, related: [{project, score, terms}]}.
Json related_json(std::string_view project_id, const std::vector<search::RelatedProject>& related);

/// GET /api/v1/search.
Json search_json(const search::SearchResponse& response);

/// POST /api/v1/match: {out_of_scope, route, matches}.
Json match_json(const search::MatchResponse& response);

/// {department, division, project_id, project} of the voice's route, or null when out of scope.
Json route_json(const search::MatchResponse& response);

/// [{id, text_masked, route, status, similarity, duplicate}]: past voices like this one.
Json similar_json(const std::vector<search::SimilarVoice>& similar);

/// {body, reason, terms}: the other body an out-of-scope voice belongs to, or null.
Json referral_json(const search::MatchResponse& response);

/// One routed voice of POST /api/v1/route and `koe route --out x.jsonl`: {id, out_of_scope,
/// route, project_id, project, division, confidence, top} (the top three).
Json routed_voice_json(std::string_view id, const search::MatchResponse& response);

/// One line of `koe corpus dump`: {department, project_id, project, division, kind, label,
/// text, items, source}.
Json section_dump_json(const SectionRecord& section);

/// `koe analyze --json`: {normalized, terms: [{term, kind, reading, pos, position, start, end,
/// original, part, affix, stop}]}; `original` is the text the analysis was made of.
Json analysis_json(const Analysis& analysis, std::string_view original);

/// Compact UTF-8 text of a JSON value; bytes that are not UTF-8 (an echoed path or parameter)
/// are replaced rather than thrown on.
std::string dump(const Json& value);

}  // namespace koe::wire
