/// @file kana_readings.hpp
/// @brief Words written in hiragana found by their readings (しみんさんか → 市民参加), where
/// MeCab cannot split the kana: readings matched as strings against the index's reading table.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/search/query_builder.hpp"

namespace koe::search {

struct KanaReadingOptions {
  /// Shorter readings (カイ, シ, コウ, キュウ) belong to too many words to say which one was
  /// meant.
  std::size_t min_morae = 3;
  /// Longer than any reading a voice is likely to spell out (ジチタイカンレンケイ is 10).
  std::size_t max_chars = 16;
};

/// A reading found in a hiragana run, with the range of the original text it spells.
struct KanaReading {
  std::string reading;  ///< katakana
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// Covers each run of hiragana in `text` (ー included; spaces and other characters end a run)
/// with readings `known` accepts: the cover that spells the most characters, then the one
/// with the fewest readings. A reading starts at the run's start, after a particle (の, を, が …)
/// or at the start of one of `word_edges` (byte ranges in the original text: the words MeCab
/// found there), and ends likewise, or where another reading starts: ごみしゅうしゅう is ゴミ +
/// シュウシュウ, but やめてしまいました holds no シマイ. `known` is asked about katakana strings
/// of min_morae morae to max_chars characters.
std::vector<KanaReading> cover_kana_runs(const NormalizedText& text, const std::function<bool(std::string_view)>& known,
                                         const KanaReadingOptions& options = {},
                                         const std::vector<std::pair<std::size_t, std::size_t>>& word_edges = {});

/// The nouns MeCab did find in a text's kana (ごみ in ごみしゅうしゅう), as byte ranges of the
/// original text: the `word_edges` of cover_kana_runs.
std::vector<std::pair<std::size_t, std::size_t>> kana_word_edges(const Analysis& analysis);

/// Adds to a voice query the readings of index words spelled in the hiragana of `voice` (its
/// analysis): each as the words `readings` holds for it (reading_query), as evidence (only
/// nouns have readings in the index), and for highlighting. Readings of stop words (シミン,
/// ハチオウジ) are left out, like the words.
void add_kana_readings(const Analyzer& analyzer, const ReadingTable& readings, const Analysis& voice, VoiceQuery& vq,
                       const KanaReadingOptions& options = {});

}  // namespace koe::search
