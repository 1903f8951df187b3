/// @file analyzer.hpp
/// @brief The one Japanese analyzer koe uses at index and at query time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "koe/indexer/lexicon.hpp"
#include "koe/indexer/normalizer.hpp"

namespace koe {

enum class TermKind {
  word,      ///< a content word in base form (noun, verb, adjective, unknown word)
  compound,  ///< consecutive nouns as one term (ふるさと納税); its parts are words too
  reading,   ///< katakana reading of a word or compound, so kana input finds kanji text
  bigram,    ///< character bigram of an unknown word, so no token is unsearchable
};
std::string_view term_kind_name(TermKind kind);

struct Term {
  std::string text;  ///< canonical form (variants folded: 寄付 → 寄附), without index prefix
  TermKind kind = TermKind::word;
  std::uint32_t position = 0;  ///< token position (phrase search); a compound shares its first part's
  std::size_t begin = 0;       ///< byte range in the ORIGINAL text
  std::size_t end = 0;
  int group = 0;       ///< a compound, its parts, readings and bigrams share a group
  bool part = false;   ///< a word inside a compound
  bool affix = false;  ///< a prefix, suffix or number: searchable only inside its compound
  bool stop = false;   ///< in stopwords.txt: indexed, but dropped from queries
  std::string reading;
  std::string part_of_speech;  ///< e.g. 名詞,固有名詞
};

struct Analysis {
  NormalizedText normalized;
  std::vector<Term> terms;
  std::uint32_t positions = 0;  ///< number of token positions used
};

struct AnalyzerOptions {
  std::filesystem::path dicdir;        ///< MeCab system dictionary
  std::filesystem::path dictionaries;  ///< koe-user.dic, stopwords.txt, variants.tsv, synonyms.tsv
  bool use_user_dictionary = true;
};

/// Built-in defaults: the pinned system dictionary and the build's dictionaries/ output.
AnalyzerOptions default_analyzer_options();

class MecabTokenizer;

/// Normalization (ICU) → MeCab → term rules. Build one and share it: analyze() is
/// thread-safe.
class Analyzer {
 public:
  explicit Analyzer(const AnalyzerOptions& options);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// Throws Error on invalid UTF-8 (naming the byte offset).
  Analysis analyze(std::string_view text) const;

  /// The several-word synonym entries `analysis` spells word after word (ふれあい + トーク for
  /// ふれあう トーク, web + サイト), each as one compound over their words' range, once at each
  /// position — unless a compound of the same text starts there, which stands for it already.
  /// The indexer adds them as terms, so a query matches such an entry as one term rather than
  /// as a phrase that reads the positions of common words for every candidate.
  std::vector<Term> spelled_entries(const Analysis& analysis) const;

  const Lexicon& lexicon() const { return lexicon_; }
  const AnalyzerOptions& options() const { return options_; }
  const Normalizer& normalizer() const { return normalizer_; }
  /// The canonical term for a single word as the analyzer would index it.
  std::string canonical(const std::string& term) const;
  /// The MeCab tokenizer, for what terms do not carry (pos3 人名 for the desk's name masking).
  /// Give it normalized text, as analyze() does.
  const MecabTokenizer& tokenizer() const { return *tokenizer_; }

 private:
  AnalyzerOptions options_;
  Normalizer normalizer_;
  std::unique_ptr<MecabTokenizer> tokenizer_;
  Lexicon lexicon_;
};

}  // namespace koe
