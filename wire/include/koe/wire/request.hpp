/// @file request.hpp
/// @brief Reading JSON request bodies: the one place a body becomes koe's request structs,
/// with the checks a hostile body needs (UTF-8, nesting depth, numbers out of range).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "koe/indexer/error.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/router.hpp"

namespace koe::wire {

/// Deepest nesting a body may have. koe's bodies are two levels deep; a limit far above that
/// keeps nlohmann's recursive copy, dump and destruction of a value off the end of the stack.
inline constexpr int kMaxJsonDepth = 32;

/// The body as JSON. Status 400 `invalid_utf8` (with the byte offset) or `invalid_json` (not
/// JSON, nested deeper than kMaxJsonDepth, or a number out of range).
Result<nlohmann::json> parse_json_body(std::string_view text);

/// POST /api/v1/match's body {"text", "limit"?}: Status 400 `invalid_json` (not an object),
/// `missing_text`, `invalid_text` (not a string), `limit_out_of_range` (not a whole number).
Result<search::MatchRequest> match_request(const nlohmann::json& body);

/// POST /api/v1/route's JSON body: an array of {"id", "text"} or {"voices": [...]}. Items that
/// cannot be read are listed in `errors` ("item N: …"); Status 400 `invalid_json` when the
/// body is neither shape.
Result<search::VoiceBatch> voice_batch(const nlohmann::json& body);

}  // namespace koe::wire
