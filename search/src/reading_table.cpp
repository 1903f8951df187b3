#include "koe/search/reading_table.hpp"

#include "koe/indexer/schema.hpp"
#include "revision_cache.hpp"

namespace koe::search {

ReadingTable::ReadingTable(const Xapian::Database& db) {
  const std::string prefix(schema::kReading);
  for (auto key = db.synonym_keys_begin(prefix); key != db.synonym_keys_end(prefix); ++key) {
    std::vector<std::string> words(db.synonyms_begin(*key), db.synonyms_end(*key));
    if (!words.empty()) words_.emplace((*key).substr(prefix.size()), std::move(words));
  }
}

std::shared_ptr<const ReadingTable> ReadingTable::of(const Xapian::Database& db) {
  return of_revision<ReadingTable>(db);
}

const std::vector<std::string>& ReadingTable::words(std::string_view reading) const {
  static const std::vector<std::string> none;
  const auto it = words_.find(reading);
  return it == words_.end() ? none : it->second;
}

}  // namespace koe::search
