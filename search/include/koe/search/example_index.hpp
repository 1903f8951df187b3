/// @file example_index.hpp
/// @brief Voices whose route a clerk decided, as examples: the nearest ones to a new voice
/// (cosine over tf-idf of their words), so routing can learn from the desk and a clerk sees
/// how a like voice was handled.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "koe/indexer/analyzer.hpp"

namespace koe::search {

/// A voice whose route was decided by a person.
struct Example {
  std::int64_t id = 0;
  std::string text;        ///< the masked text: examples are shown to whoever routes
  std::string project_id;  ///< empty for a 課-only route and for out of scope
  std::string project_name;
  std::string division;       ///< empty for out of scope
  bool out_of_scope = false;  ///< closed as out of scope, or referred to another body
  std::string status;         ///< the desk's status name when it was learnt
};

struct SimilarExample {
  Example example;
  double similarity = 0;  ///< cosine, 0..1
};

/// In memory and thread-safe: many threads ask nearest() while one upserts. Upserting or
/// removing an example counts from the next call on — no restart, no reindex of the plans.
///
/// Not Xapian: the similarity a clerk reads (and the duplicate level) is a cosine, which
/// needs each example's whole term vector at query time; a few hundred thousand short
/// vectors in hash maps answer in well under a millisecond and are shared between threads,
/// where a Xapian handle is not.
class ExampleIndex {
 public:
  explicit ExampleIndex(const Analyzer& analyzer);

  /// Adds an example, or replaces the one with its id.
  void upsert(const Example& example);
  void remove(std::int64_t id);
  std::size_t size() const;

  /// The `k` examples most like `voice` (its analysis), most alike first; only those sharing
  /// a word with it.
  std::vector<SimilarExample> nearest(const Analysis& voice, std::size_t k) const;

 private:
  using TermCounts = std::unordered_map<std::string, float>;
  TermCounts terms_of(const Analysis& analysis) const;
  double idf(std::size_t df) const;

  const Analyzer& analyzer_;
  mutable std::shared_mutex mutex_;
  struct Entry {
    Example example;
    TermCounts terms;
  };
  std::unordered_map<std::int64_t, Entry> entries_;
  std::unordered_map<std::string, std::unordered_set<std::int64_t>> postings_;
};

}  // namespace koe::search
