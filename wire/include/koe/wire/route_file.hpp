/// @file route_file.hpp
/// @brief `koe route`: a file of voices routed in one run and written for Excel (CSV) or for
/// programs (JSON Lines, one routed_voice_json per line).
#pragma once

#include <xapian.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/router.hpp"

namespace koe::wire {

/// The CSV header and one row per routed voice (the caller writes a UTF-8 BOM first).
std::string routed_csv_header();
std::string routed_csv_row(const search::Voice& voice, const search::MatchResponse& response);

struct RouteFileOptions {
  std::filesystem::path in;
  std::filesystem::path out;
  search::BatchFormat format = search::BatchFormat::automatic;  ///< from the file name when automatic
  search::TextEncoding encoding = search::TextEncoding::automatic;
  search::MatchOptions match;
  search::MatchSources sources;
};

struct RouteSummary {
  std::size_t voices = 0, routed = 0, out_of_scope = 0, skipped = 0;
  std::vector<std::string> errors;  ///< "FILE:LINE: …"
  std::string encoding;
  double seconds = 0;
};

/// Routes every voice of a file and writes the results (CSV with a UTF-8 BOM, or JSON Lines)
/// to `out.part`, renamed to `out` when complete. Throws Error when the input cannot be read
/// at all or the output cannot be written.
RouteSummary route_file(const Analyzer& analyzer, const Xapian::Database& db, const RouteFileOptions& options,
                        const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace koe::wire
