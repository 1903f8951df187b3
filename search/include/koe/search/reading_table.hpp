/// @file reading_table.hpp
/// @brief The index's readings: which words and compounds each katakana reading stands for,
/// so that kana typed by a citizen or clerk (ひしょ, しみんさんか) reaches kanji in the plans.
#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace koe::search {

/// Read once per index revision from Xapian's synonym table (schema::kReading keys, written
/// by the indexer) and shared by every thread that searches that revision: the kana probes of
/// a voice look up hundreds of candidate readings.
class ReadingTable {
 public:
  /// The readings of the revision `db` is at: built on first use, then shared until the index
  /// changes. Thread-safe; `db` is the caller's handle.
  static std::shared_ptr<const ReadingTable> of(const Xapian::Database& db);

  /// No readings: kana reaches only words spelled in kana.
  ReadingTable() = default;
  /// Reads the readings of `db` as it is now, uncached.
  explicit ReadingTable(const Xapian::Database& db);

  /// The terms (words and compounds as indexed) read `reading`, in katakana; empty when the
  /// index holds none.
  const std::vector<std::string>& words(std::string_view reading) const;
  bool contains(std::string_view reading) const { return words_.find(reading) != words_.end(); }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> words_;
};

}  // namespace koe::search
