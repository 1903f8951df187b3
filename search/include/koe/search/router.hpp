/// @file router.hpp
/// @brief Batch routing: many voices in (CSV or JSON Lines), one routing per voice out.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/search/csv.hpp"
#include "koe/search/matcher.hpp"

namespace koe::search {

enum class BatchFormat { automatic, csv, jsonl };

struct Voice {
  std::string id;
  std::string text;
  int line = 0;
};

struct VoiceBatch {
  std::vector<Voice> voices;
  std::vector<std::string> errors;  ///< "line N: …" for rows that were skipped
  std::string encoding;             ///< as detected or named
};

/// Reads `id,text` CSV (header required, columns found by name) or JSON Lines of
/// {"id","text"}. A bad row is reported with its line and skipped.
VoiceBatch read_voices(std::string_view bytes, BatchFormat format, TextEncoding encoding);

/// The routing of one voice as a JSON object (id, out_of_scope, route, confidence, top-3).
nlohmann::json routing_json(const std::string& id, const MatchResponse& m);

/// CSV header and rows for Excel (the caller writes a UTF-8 BOM first).
std::string routing_csv_header();
std::string routing_csv_row(const Voice& v, const MatchResponse& m);

struct RouteFileOptions {
  std::filesystem::path in;
  std::filesystem::path out;
  BatchFormat format = BatchFormat::automatic;  ///< from the file name when automatic
  TextEncoding encoding = TextEncoding::automatic;
  MatchOptions match;
};

struct RouteSummary {
  std::size_t voices = 0, routed = 0, out_of_scope = 0, skipped = 0;
  std::vector<std::string> errors;  ///< "FILE:LINE: …"
  std::string encoding;
  double seconds = 0;
};

/// Routes every voice of a file and writes the results (CSV with a UTF-8 BOM, or JSON Lines).
/// Throws Error when the input cannot be read at all or the output cannot be written.
RouteSummary route_file(const Analyzer& analyzer, const Xapian::Database& db, const RouteFileOptions& options,
                        const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace koe::search
