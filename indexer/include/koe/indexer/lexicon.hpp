/// @file lexicon.hpp
/// @brief koe's word lists from dictionaries/: stop words, spelling variants, synonyms.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace koe {

/// Hashes a std::string and a std::string_view of the same text alike, so a table keyed by
/// strings is searched with a view of a longer text, allocating nothing.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};
template <class Value>
using TextMap = std::unordered_map<std::string, Value, TextHash, std::equal_to<>>;
using TextSet = std::unordered_set<std::string, TextHash, std::equal_to<>>;

/// The text tables of dictionaries/, read as written (the analyzer normalizes the entries).
/// Each loader throws Error naming the file and line of a bad entry.
struct LexiconSource {
  /// stopwords.txt: one word per line.
  std::vector<std::string> stopwords;
  /// variants.tsv: canonical spelling, then its variants (寄附 ← 寄付).
  std::vector<std::vector<std::string>> variants;
  /// synonyms.tsv: a group of interchangeable words per line.
  std::vector<std::vector<std::string>> synonyms;
  /// synonyms-sudachi.tsv: general Japanese synonyms in the same format, compiled from
  /// Sudachi's dictionary (dictionaries/sudachi/); synonyms.tsv is laid on top and wins.
  std::vector<std::vector<std::string>> general_synonyms;
  /// expansions.tsv: a citizen's word, then the plan's words for the same thing (市長 →
  /// 理事者); one-way and weaker than a synonym, used for voices only.
  std::vector<std::vector<std::string>> expansions;

  static LexiconSource load(const std::filesystem::path& dir);
};

/// A term sequence as one term (the key of a several-word entry, and the compound its words
/// make when the analyzer joins them: 市民 + 参加 → 市民参加).
std::string joined(const std::vector<std::string>& terms);

/// The tables in term form, as the analyzer built them.
struct Lexicon {
  std::unordered_set<std::string> stopwords;
  /// Katakana readings of the stop words (シミン, ハチオウジ): a voice that spells a stop word
  /// in kana says no more than one that writes it.
  TextSet stop_readings;
  std::unordered_map<std::string, std::string> canonical;  ///< variant term → canonical term
  /// Each group as term sequences (an entry of several terms is a phrase).
  std::vector<std::vector<std::vector<std::string>>> synonym_groups;
  /// synonym_groups[0, own_synonym_groups) are koe's own (synonyms.tsv); Sudachi's follow.
  std::size_t own_synonym_groups = 0;
  /// Term (single-term entries and whole phrases joined) → the groups it belongs to.
  std::unordered_map<std::string, std::vector<std::size_t>> synonym_index;
  /// Entries of several words, by their normalized text (市長と語る会), with their group:
  /// the analyzer splits them, so queries look for them in the text itself.
  std::vector<std::pair<std::string, std::size_t>> synonym_phrases;
  /// The first two characters of each synonym phrase → its indices in synonym_phrases, so a
  /// text is scanned once, not once per phrase (Sudachi brings thousands of them).
  std::unordered_map<std::string, std::vector<std::size_t>> synonym_phrase_starts;
  /// The several-word entries of the groups (web サイト, ふれあう トーク), each once, by their
  /// first word: the indexer adds each one a section spells word after word as one term, so a
  /// query matches it without reading positions (Analyzer::spelled_entries).
  std::unordered_map<std::string, std::vector<std::vector<std::string>>> synonym_sequences;
  /// Word (or joined phrase) → the plan's words it expands to, as term sequences.
  std::unordered_map<std::string, std::vector<std::vector<std::string>>> expansions;
  /// The katakana reading of each expansion key written in kanji (溝 → ミゾ, 物忘れ →
  /// モノワスレ) → the keys read so: a voice in hiragana (みぞ, ものわすれ) reaches the plan's
  /// words (側溝, 認知症) the kanji would.
  TextMap<std::vector<std::string>> expansion_readings;

  /// Indexes synonym_phrases into synonym_phrase_starts; call after filling synonym_phrases.
  void index_synonym_phrases();
  /// The synonym phrases `normalized` contains, each once, as (group, phrase).
  std::vector<std::pair<std::size_t, std::string>> synonym_phrases_in(std::string_view normalized) const;
};

}  // namespace koe
