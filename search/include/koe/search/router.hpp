/// @file router.hpp
/// @brief Batch routing: many voices read from CSV or JSON Lines, each routed in turn.
#pragma once

#include <xapian.h>

#include <functional>
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

/// Routes every voice of a batch with the same options, in order, calling `routed` with each
/// voice and its result (a Status for a voice that cannot be matched): the one loop behind
/// POST /api/v1/route and `koe route`. Each voice gets its top three projects.
void route_each(const Analyzer& analyzer, const Xapian::Database& db, const VoiceBatch& batch,
                const MatchOptions& options, const MatchSources& sources,
                const std::function<void(const Voice&, const Result<MatchResponse>&)>& routed);

}  // namespace koe::search
