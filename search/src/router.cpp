#include "koe/search/router.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

#include "koe/indexer/error.hpp"

namespace koe::search {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool looks_like_jsonl(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '{';
  }
  return false;
}

}  // namespace

VoiceBatch read_voices(std::string_view bytes, BatchFormat format, TextEncoding encoding) {
  VoiceBatch batch;
  const std::string text = decode_text(bytes, encoding, &batch.encoding);
  if (format == BatchFormat::automatic) format = looks_like_jsonl(text) ? BatchFormat::jsonl : BatchFormat::csv;

  if (format == BatchFormat::jsonl) {
    std::istringstream in(text);
    std::string line;
    int no = 0;
    while (std::getline(in, line)) {
      ++no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        auto j = nlohmann::json::parse(line);
        if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) {
          batch.errors.push_back("line " + std::to_string(no) + ": expected {\"id\": …, \"text\": \"…\"}");
          continue;
        }
        // An array or object id is refused rather than dumped: dump() recurses once per level,
        // and a line of 100,000 '[' overflowed an 8 MiB stack.
        if (j.contains("id") && j["id"].is_structured()) {
          batch.errors.push_back("line " + std::to_string(no) + ": the id must be a string or a number");
          continue;
        }
        std::string id =
            j.contains("id") ? (j["id"].is_string() ? j["id"].get<std::string>() : j["id"].dump()) : std::to_string(no);
        batch.voices.push_back({id, j["text"].get<std::string>(), no});
      } catch (const nlohmann::json::exception& e) {
        batch.errors.push_back("line " + std::to_string(no) + ": not JSON (" + std::string(e.what()) + ")");
      }
    }
    return batch;
  }

  auto csv = parse_csv(text);
  batch.errors = csv.errors;
  if (csv.records.empty()) {
    batch.errors.push_back("line 1: expected a header row with id and text columns");
    return batch;
  }
  const auto& header = csv.records.front().fields;
  int id_col = -1, text_col = -1;
  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string h = lower(header[c]);
    if (h == "id" || h == "番号" || h == "受付番号") id_col = static_cast<int>(c);
    if (h == "text" || h == "本文" || h == "内容" || h == "意見") text_col = static_cast<int>(c);
  }
  if (text_col < 0) {
    batch.errors.push_back("line " + std::to_string(csv.records.front().line) +
                           ": the header has no text column (expected id,text)");
    return batch;
  }
  for (std::size_t r = 1; r < csv.records.size(); ++r) {
    const auto& rec = csv.records[r];
    if (static_cast<int>(rec.fields.size()) <= text_col) {
      batch.errors.push_back("line " + std::to_string(rec.line) + ": " + std::to_string(rec.fields.size()) +
                             " fields, the text column is missing");
      continue;
    }
    const std::string id =
        id_col >= 0 && static_cast<int>(rec.fields.size()) > id_col ? rec.fields[id_col] : std::to_string(rec.line);
    batch.voices.push_back({id, rec.fields[text_col], rec.line});
  }
  return batch;
}

void route_each(const Analyzer& analyzer, const Xapian::Database& db, const VoiceBatch& batch,
                const MatchOptions& options, const MatchSources& sources,
                const std::function<void(const Voice&, const Result<MatchResponse>&)>& routed) {
  for (const auto& v : batch.voices) routed(v, match(analyzer, db, {v.text, 3}, options, sources));
}

}  // namespace koe::search
