/// @file referral.hpp
/// @brief 担当窓口のご案内: which other body (年金事務所, 警察署, 都水道局, 市民課 …) a voice that
/// concerns none of the plans belongs to, from dictionaries/referrals.tsv.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "koe/indexer/analyzer.hpp"

namespace koe::search {

/// The body a voice belongs to, with the line a clerk reads to the citizen.
struct Referral {
  std::string body;                ///< 日本年金機構（八王子年金事務所）
  std::string reason;              ///< one Japanese sentence: who handles this and why
  std::vector<std::string> terms;  ///< the voice's words that pointed there, in voice order
  double evidence = 0;             ///< summed weight of those words, each once
  /// The same counting every time the voice mentions one (水道料金 twice is 2): how much the
  /// voice is about the body's matters.
  double mentions = 0;
};

struct ReferralOptions {
  /// A body is named only with this much evidence: one word of weight 1 (年金, 住民票), or
  /// two of the lighter words that alone say too little (警察, 小学校: the plans name them
  /// too, as partners or places).
  double min_evidence = 1.0;
};

/// The referral table, its words in the analyzer's term form. Immutable once loaded: refer()
/// is thread-safe.
class ReferralTable {
 public:
  /// Reads `path` (body, reason, then words, tab-separated; a word may end in `:weight`).
  /// Throws Error naming the file and line of a bad row: too few fields, a weight that is not
  /// a positive number, a word with nothing searchable in it, a body listed twice.
  static ReferralTable load(const Analyzer& analyzer, const std::filesystem::path& path,
                            const ReferralOptions& options = {});

  /// The body with the most evidence among the voice's words and compounds (a compound and
  /// its parts count once, by their best word; a table word inside a longer compound counts
  /// half; words spelled in hiragana count by their readings, found as kana_readings.hpp finds
  /// them), or nothing when no body reaches min_evidence. Ties go to the body listed first.
  std::optional<Referral> refer(const Analysis& voice) const;

  std::size_t size() const { return bodies_.size(); }

 private:
  struct Body {
    std::string name;
    std::string reason;
  };
  struct Pointer {
    std::size_t body = 0;
    double weight = 1;
  };
  std::vector<Body> bodies_;
  std::unordered_map<std::string, std::vector<Pointer>> by_term_;     ///< word or compound
  std::unordered_map<std::string, std::vector<Pointer>> by_reading_;  ///< katakana, 3+ characters
  ReferralOptions options_;
};

/// Where the analyzer's dictionaries keep the table: `<dictionaries>/referrals.tsv`.
std::filesystem::path referrals_path(const AnalyzerOptions& options);

}  // namespace koe::search
