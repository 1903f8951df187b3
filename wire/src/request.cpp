#include "koe/wire/request.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "koe/indexer/utf8.hpp"
#include "koe/search/limits.hpp"

namespace koe::wire {
namespace {

/// Nesting depth of a JSON text, counted over brackets outside strings (cheap, and it never
/// recurses, whatever the text).
int nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      deepest = std::max(deepest, ++depth);
    else if (c == ']' || c == '}')
      --depth;
  }
  return deepest;
}

}  // namespace

Result<nlohmann::json> parse_json_body(std::string_view text) {
  if (auto bad = utf8::find_invalid(text))
    return Status::invalid("invalid_utf8", "the body is not valid UTF-8 (byte offset " + std::to_string(*bad) + ")");
  if (nesting_depth(text) > kMaxJsonDepth)
    return Status::invalid("invalid_json",
                           "the body is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error for bad syntax, out_of_range for a number no double holds (1e309).
    return Status::invalid("invalid_json", std::string("the body is not valid JSON: ") + e.what());
  }
}

Result<search::MatchRequest> match_request(const nlohmann::json& body) {
  if (!body.is_object()) return Status::invalid("invalid_json", "the body must be a JSON object {\"text\": \"…\"}");
  const auto text = body.find("text");
  if (text == body.end()) return Status::invalid("missing_text", "the body has no \"text\" field");
  if (!text->is_string()) return Status::invalid("invalid_text", "\"text\" must be a string");
  search::MatchRequest request;
  request.text = text->get<std::string>();
  if (const auto limit = body.find("limit"); limit != body.end()) {
    if (!limit->is_number_integer())
      return search::parse_count("limit", limit->dump(), search::kMatchLimitRange).status();
    request.limit =
        limit->is_number_unsigned() && limit->get<std::uint64_t>() > INT64_MAX ? INT64_MAX : limit->get<std::int64_t>();
  }
  return request;
}

Result<search::VoiceBatch> voice_batch(const nlohmann::json& body) {
  const nlohmann::json* items = &body;
  if (body.is_object() && body.contains("voices")) items = &body["voices"];
  if (!items->is_array()) return Status::invalid("invalid_json", "expected a JSON array of {\"id\", \"text\"}");
  search::VoiceBatch batch;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto& v = (*items)[i];
    const auto where = "item " + std::to_string(i) + ": ";
    if (!v.is_object() || !v.contains("text") || !v["text"].is_string()) {
      batch.errors.push_back(where + "expected {\"id\": …, \"text\": \"…\"}");
      continue;
    }
    std::string id = std::to_string(i);
    if (const auto it = v.find("id"); it != v.end()) {
      if (it->is_string())
        id = it->get<std::string>();
      else if (it->is_number())
        id = it->dump();
      else {
        batch.errors.push_back(where + "\"id\" must be a string or a number");
        continue;
      }
    }
    batch.voices.push_back({id, v["text"].get<std::string>(), static_cast<int>(i)});
  }
  return batch;
}

}  // namespace koe::wire
