/// @file query_builder.hpp
/// @brief Turns what staff and citizens type into Xapian queries, through the same
/// analyzer that built the index.
#pragma once

#include <xapian.h>

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/error.hpp"
#include "koe/search/reading_table.hpp"

namespace koe::search {

/// Filters by 課, section kind, project, 施策, department, fiscal year. Values of one filter
/// are ORed, different filters ANDed.
struct Filters {
  std::vector<std::string> divisions;
  std::vector<std::string> kinds;     ///< kind names or Japanese labels
  std::vector<std::string> projects;  ///< project ids
  std::vector<std::string> policies;  ///< 施策 ("5") or 施策.細施策 ("5.2")
  std::vector<std::string> departments;
  std::vector<std::string> years;
  bool empty() const;
};

/// The terms a query uses, for highlighting and for reporting what drove a match.
struct QueryTerms {
  std::set<std::string, std::less<>> words;     ///< word and compound terms (unprefixed)
  std::set<std::string, std::less<>> readings;  ///< katakana readings looked up (their words are in `words`)
};

struct StaffQuery {
  std::vector<Xapian::Query> required;  ///< every one must match (AND tier)
  std::vector<Xapian::Query> optional;  ///< any may match (the relaxed tier)
  std::vector<Xapian::Query> excluded;  ///< -word
  Filters filters;
  QueryTerms terms;
};

/// Parses staff search syntax: words ANDed, "quoted phrases", -exclusions, OR between
/// words, and filters 課:広聴課 項目:課題 (or kind:issues) 施策:5 事業:<project id> 部:… 年度:….
/// Fails (400) on an unknown filter value, invalid UTF-8, or a query with nothing searchable.
/// Kana reaches kanji through `readings` (the index's: ReadingTable::of).
///
/// A word that `named` says is in projects' 事業名 (秘書, or ひしょ read so) also matches every
/// section of those projects, at no weight: a staff member who types a project's name gets all
/// of it, after the sections that hold the word (and a second word narrows within it).
using ProjectsNamed = std::function<std::vector<std::string>(const std::string& term)>;
Result<StaffQuery> parse_staff_query(const Analyzer& analyzer, const ReadingTable& readings, const std::string& text,
                                     const ProjectsNamed& named = {});

/// The boolean filter query for `filters`; Status 400 names a bad value.
Result<Xapian::Query> filter_query(const Filters& filters);

/// A voice as one weighted OR query of its content words (stop words dropped), with
/// synonyms and kana readings.
struct VoiceQuery {
  Xapian::Query query;
  QueryTerms terms;
  /// Index terms that count as evidence that a voice concerns a project: its nouns and
  /// compounds of two or more characters (and their synonyms), not verbs or stop words.
  std::set<std::string> evidence_terms;
  std::size_t content_terms = 0;
  /// The nouns the voice itself wrote (written in kanji or katakana: hiragana mis-split by
  /// MeCab says little), each with the index terms that stand for it (itself, its synonyms,
  /// its compound's parts, its expansions): what a project must explain of the voice.
  struct Noun {
    std::string text;
    std::set<std::string> terms;
    unsigned count = 1;  ///< how often the voice writes it
  };
  std::vector<Noun> nouns;
};
/// Status 400 `invalid_utf8`, or `bad_request` when nothing is left to match.
Result<VoiceQuery> build_voice_query(const Analyzer& analyzer, const ReadingTable& readings, const std::string& text);

/// The voice query of an analysed text; its query is empty when nothing is left to match.
VoiceQuery voice_query(const Analyzer& analyzer, const ReadingTable& readings, const Analysis& analysis);

/// The words the index reads `reading` (katakana), as one term: Xapian's OP_SYNONYM weighs
/// them as one word, as the reading was weighed when every section held it. An empty query
/// (matching nothing) when no word is read so. The words go into `terms.words`, the reading
/// into `terms.readings`.
Xapian::Query reading_query(const ReadingTable& readings, const std::string& reading, Xapian::termcount wqf,
                            QueryTerms& terms);

/// The expansion keys written in kanji that are read `reading` (ミゾ: 溝; Lexicon::
/// expansion_readings), none when no key is: what a citizen's word in kana stands for.
const std::vector<std::string>& expansion_keys_read(const Lexicon& lexicon, std::string_view reading);

/// Adds to `parts` the plan's words for expansion keys (expansions.tsv: 市長 → 理事者, 溝 →
/// 側溝: Lexicon::expansions, or the keys Lexicon::expansion_readings gives for a word in
/// kana), each at half weight, as evidence and for highlighting. Several words go in as the
/// one compound they make in the plans (市民参加), not as a phrase of two common words.
/// Returns the terms added.
std::vector<std::string> add_expansions(const Analyzer& analyzer, const std::vector<std::string>& keys,
                                        std::vector<Xapian::Query>& parts, VoiceQuery& vq);

/// Status 400 `bad_request`: a text with nothing to match.
Status nothing_to_match();

/// Display form of a matching index term (drops prefixes).
std::string display_term(const std::string& index_term);

}  // namespace koe::search
