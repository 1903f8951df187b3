// Words in a voice's masked text, for the store's full-text index: character bigrams that
// koe makes itself, so a two-character word (公園, 騒音), the commonest kind of Japanese
// query, is found through the index. SQLite's trigram tokenizer cannot find those.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "koe/indexer/normalizer.hpp"

namespace koe::desk {

/// The text as FTS5's unicode61 tokenizer should index it: NFKC with case folding (ＳＮＳ and
/// sns are one word), cut into runs of letters and digits, each run of two or more characters
/// written as its overlapping bigrams (市役所 → 市役 役所), a run of one character as itself.
std::string search_grams(const Normalizer& normalizer, std::string_view text);

/// One word of a query, for the same index.
struct WordQuery {
  std::string fts;                        ///< an FTS5 expression (phrases of bigrams, AND-ed); empty when none
  std::vector<std::string> single_chars;  ///< runs of one character, which no bigram holds
};
WordQuery word_query(const Normalizer& normalizer, std::string_view word);

}  // namespace koe::desk
