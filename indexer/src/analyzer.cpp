#include "koe/indexer/analyzer.hpp"

#include <unicode/uchar.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "koe/indexer/error.hpp"
#include "koe/indexer/mecab_tokenizer.hpp"
#include "koe/indexer/utf8.hpp"

namespace koe {
namespace {

enum class TokenClass { skip, content, verb, affix };

/// True when the token holds a letter or digit; ipadic tags unknown ASCII symbols such as
/// "(" as nouns, and a term made of punctuation only would match nothing useful.
bool has_alnum(std::string_view s) {
  for (std::size_t i = 0; i < s.size();)
    if (u_isalnum(static_cast<UChar32>(utf8::next(s, i)))) return true;
  return false;
}

TokenClass classify(const MecabToken& t) {
  if (!has_alnum(t.surface)) return TokenClass::skip;
  if (t.pos1 == "名詞") {
    if (t.pos2 == "非自立" || t.pos2 == "代名詞" || t.pos2 == "特殊") return TokenClass::skip;
    if (t.pos2 == "接尾" || t.pos2 == "数") return TokenClass::affix;
    return TokenClass::content;
  }
  if (t.pos1 == "接頭詞") return t.pos2 == "名詞接続" ? TokenClass::affix : TokenClass::skip;
  if ((t.pos1 == "動詞" || t.pos1 == "形容詞") && t.pos2 == "自立") return TokenClass::verb;
  if (t.pos1 == "記号" && t.pos2 == "アルファベット") return TokenClass::content;
  if (t.unknown && t.pos1 != "記号") return TokenClass::content;
  return TokenClass::skip;
}

bool has_non_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return true;
  return false;
}

/// The entry without the spaces and middle dots that separate its words (データ・バンク).
std::string without_separators(std::string_view entry) {
  std::string out;
  for (std::size_t i = 0; i < entry.size();) {
    const std::size_t start = i;
    const char32_t c = utf8::next(entry, i);
    if (c != U' ' && c != U'\u30FB' && c != U'\u3000') out.append(entry.substr(start, i - start));
  }
  return out;
}

std::string reading_of(const MecabToken& t) {
  if (!t.reading.empty()) return t.reading;
  if (utf8::is_kana_only(t.surface)) return utf8::to_katakana(t.surface);
  return {};
}

}  // namespace

std::string_view term_kind_name(TermKind kind) {
  switch (kind) {
    case TermKind::word:
      return "word";
    case TermKind::compound:
      return "compound";
    case TermKind::reading:
      return "reading";
    case TermKind::bigram:
      return "bigram";
  }
  return "word";
}

AnalyzerOptions default_analyzer_options() {
  AnalyzerOptions o;
  o.dicdir = KOE_DEFAULT_DICDIR;
  o.dictionaries = KOE_DEFAULT_DICTIONARIES;
  return o;
}

Analyzer::Analyzer(const AnalyzerOptions& options) : options_(options) {
  MecabOptions mo;
  mo.dicdir = options.dicdir;
  if (options.use_user_dictionary) mo.userdic = options.dictionaries / "koe-user.dic";
  tokenizer_ = std::make_unique<MecabTokenizer>(mo);

  const auto source = LexiconSource::load(options.dictionaries);
  auto norm = [&](const std::string& s) { return normalizer_.normalize(s).text; };
  for (const auto& row : source.variants)
    for (std::size_t k = 1; k < row.size(); ++k) lexicon_.canonical[norm(row[k])] = norm(row[0]);
  for (const auto& w : source.stopwords) lexicon_.stopwords.insert(canonical(norm(w)));
  for (const auto& w : source.stopwords)
    for (const auto& t : analyze(w).terms)
      if (!t.reading.empty()) lexicon_.stop_readings.insert(t.reading);
  // koe's own groups first, so their words are known when Sudachi's general groups are
  // added: a word koe groups keeps koe's group alone (ホームページ must not also reach
  // Sudachi's サイト), and a stop word never enters a general group (大切 must not bring 重要).
  std::unordered_set<std::string> owned;
  auto add_synonym_groups = [&](const std::vector<std::vector<std::string>>& rows, bool general) {
    for (const auto& row : rows) {
      std::vector<std::vector<std::string>> group;
      std::vector<std::pair<std::string, std::size_t>> phrases;
      std::unordered_set<std::string> keys;
      const std::size_t gi = lexicon_.synonym_groups.size();
      for (const auto& entry : row) {
        std::vector<std::string> seq;
        std::string spelled;  // what the words cover of the entry
        for (const auto& t : analyze(entry).terms)
          if (t.kind == TermKind::word) {
            seq.push_back(t.text);
            spelled += entry.substr(t.begin, t.end - t.begin);
          }
        if (seq.empty()) continue;
        // A general entry whose analysis drops part of it means another word: 使いきる is read
        // as 使う + a dropped きる, and would make 使う a synonym of 使い切る.
        if (general && spelled != without_separators(entry)) continue;
        const std::string key = joined(seq);
        if (general && (owned.count(key) || lexicon_.stopwords.count(key))) continue;
        if (!keys.insert(key).second) continue;  // two spellings one term after folding (寄付/寄附)
        if (seq.size() > 1) phrases.emplace_back(norm(entry), gi);
        group.push_back(std::move(seq));
      }
      if (group.size() < 2) continue;
      for (const auto& seq : group) {
        lexicon_.synonym_index[joined(seq)].push_back(gi);
        if (!general) owned.insert(joined(seq));
        if (seq.size() > 1) {
          auto& same_start = lexicon_.synonym_sequences[seq.front()];
          if (std::find(same_start.begin(), same_start.end(), seq) == same_start.end()) same_start.push_back(seq);
        }
      }
      lexicon_.synonym_groups.push_back(std::move(group));
      lexicon_.synonym_phrases.insert(lexicon_.synonym_phrases.end(), phrases.begin(), phrases.end());
    }
  };
  add_synonym_groups(source.synonyms, false);
  lexicon_.own_synonym_groups = lexicon_.synonym_groups.size();
  add_synonym_groups(source.general_synonyms, true);
  lexicon_.index_synonym_phrases();
  auto word_sequence = [&](const std::string& entry) {
    std::vector<std::string> seq;
    for (const auto& t : analyze(entry).terms)
      if (t.kind == TermKind::word) seq.push_back(t.text);
    return seq;
  };
  for (const auto& row : source.expansions) {
    // The key's words make its term; their readings, when MeCab reads every one (not a number
    // or a Latin letter), its reading.
    std::vector<std::string> key_words;
    std::string reading;
    bool readable = true;
    for (const auto& t : analyze(row[0]).terms)
      if (t.kind == TermKind::word) {
        key_words.push_back(t.text);
        readable = readable && !t.reading.empty();
        reading += t.reading;
      }
    const std::string key = joined(key_words);
    if (key.empty()) continue;
    for (std::size_t k = 1; k < row.size(); ++k)
      if (auto seq = word_sequence(row[k]); !seq.empty()) lexicon_.expansions[key].push_back(std::move(seq));
    if (!readable || utf8::is_kana_only(key)) continue;  // a key in kana is found by its text
    auto& keys = lexicon_.expansion_readings[reading];
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
}

Analyzer::~Analyzer() = default;

std::string Analyzer::canonical(const std::string& term) const {
  auto it = lexicon_.canonical.find(term);
  return it == lexicon_.canonical.end() ? term : it->second;
}

std::vector<Term> Analyzer::spelled_entries(const Analysis& analysis) const {
  std::vector<Term> out;
  if (lexicon_.synonym_sequences.empty()) return out;
  std::vector<const Term*> word_at(analysis.positions, nullptr);
  std::set<std::pair<std::uint32_t, std::string>> present;  // compounds, then entries, at their start
  for (const auto& t : analysis.terms) {
    if (t.kind == TermKind::word && t.position < word_at.size())
      word_at[t.position] = &t;
    else if (t.kind == TermKind::compound)
      present.emplace(t.position, t.text);
  }
  for (std::uint32_t p = 0; p < word_at.size(); ++p) {
    if (!word_at[p]) continue;
    auto it = lexicon_.synonym_sequences.find(word_at[p]->text);
    if (it == lexicon_.synonym_sequences.end()) continue;
    for (const auto& seq : it->second) {
      if (p + seq.size() > word_at.size()) continue;
      bool spelled = true;
      for (std::size_t k = 1; k < seq.size() && spelled; ++k)
        spelled = word_at[p + k] && word_at[p + k]->text == seq[k];
      if (!spelled) continue;
      std::string whole = joined(seq);
      if (!present.emplace(p, whole).second) continue;
      const Term& first = *word_at[p];
      Term entry;
      entry.text = std::move(whole);
      entry.kind = TermKind::compound;
      entry.position = p;
      entry.begin = first.begin;
      entry.end = word_at[p + seq.size() - 1]->end;
      entry.group = first.group;
      entry.part_of_speech = "名詞,複合";
      entry.stop = lexicon_.stopwords.count(entry.text) > 0;
      out.push_back(std::move(entry));
    }
  }
  return out;
}

namespace {

/// The term rules over one text's tokens: content words in base form, runs of nouns as a
/// compound and its parts, katakana readings, bigrams of unknown words.
class TermRules {
 public:
  TermRules(const Analyzer& analyzer, const std::vector<MecabToken>& tokens, Analysis& out)
      : analyzer_(analyzer), tokens_(tokens), out_(out) {}

  void run() {
    std::size_t i = 0;
    while (i < tokens_.size()) {
      const auto cls = classify(tokens_[i]);
      if (cls == TokenClass::skip) {
        ++i;
      } else if (cls == TokenClass::verb) {
        add_verb(i);
        ++i;
      } else {
        const std::size_t end = noun_run_end(i);
        add_noun_run(i, end);
        i = end;
      }
    }
  }

 private:
  Term make(const MecabToken& t, std::uint32_t position, TermKind kind, std::string text) const {
    Term term;
    term.text = std::move(text);
    term.kind = kind;
    term.position = position;
    std::tie(term.begin, term.end) = out_.normalized.to_original(t.begin, t.end);
    term.group = group_;
    term.part_of_speech = t.pos1 + (t.pos2.empty() || t.pos2 == "*" ? "" : "," + t.pos2);
    term.stop = analyzer_.lexicon().stopwords.count(term.text) > 0;
    return term;
  }

  void add_verb(std::size_t i) {
    const auto& t = tokens_[i];
    Term w = make(t, static_cast<std::uint32_t>(i), TermKind::word, analyzer_.canonical(t.base));
    w.reading = reading_of(t);
    out_.terms.push_back(w);
    ++group_;
  }

  /// One past the last token of the run of adjacent nouns, prefixes and suffixes from `i`.
  std::size_t noun_run_end(std::size_t i) const {
    std::size_t j = i + 1;
    while (j < tokens_.size() && tokens_[j].begin == tokens_[j - 1].end) {
      const auto c = classify(tokens_[j]);
      if (c != TokenClass::content && c != TokenClass::affix) break;
      if (tokens_[j].pos1 == "接頭詞") break;  // a prefix starts the next compound
      ++j;
    }
    return j;
  }

  /// Tokens [i, j) as words (parts of a compound when there are two or more and one is a
  /// content word), their readings and bigrams, and the compound with its reading.
  void add_noun_run(std::size_t i, std::size_t j) {
    bool any_content = false;
    for (std::size_t k = i; k < j; ++k) any_content |= classify(tokens_[k]) == TokenClass::content;
    const bool compound = j - i >= 2 && any_content;
    std::string compound_text, compound_reading;
    bool reading_complete = true;
    const std::size_t first_term = out_.terms.size();
    for (std::size_t k = i; k < j; ++k) {
      const auto& t = tokens_[k];
      Term w = make(t, static_cast<std::uint32_t>(k), TermKind::word, analyzer_.canonical(t.base));
      w.part = compound;
      w.affix = classify(t) == TokenClass::affix;
      w.reading = reading_of(t);
      compound_text += w.text;
      if (w.reading.empty()) reading_complete = false;
      compound_reading += w.reading;
      out_.terms.push_back(w);
      if (!w.affix && !w.reading.empty()) {
        Term r = make(t, static_cast<std::uint32_t>(k), TermKind::reading, w.reading);
        r.stop = w.stop;
        out_.terms.push_back(std::move(r));
      }
      add_bigrams(t, static_cast<std::uint32_t>(k));
    }
    if (compound) insert_compound(i, j, first_term, compound_text, reading_complete ? compound_reading : "");
    ++group_;
  }

  /// The compound of tokens [i, j) and its reading, before its parts (at `first_term`).
  void insert_compound(std::size_t i, std::size_t j, std::size_t first_term, const std::string& text,
                       const std::string& reading) {
    Term c;
    c.text = analyzer_.canonical(text);
    c.kind = TermKind::compound;
    c.position = static_cast<std::uint32_t>(i);
    std::tie(c.begin, c.end) = out_.normalized.to_original(tokens_[i].begin, tokens_[j - 1].end);
    c.group = group_;
    c.part_of_speech = "名詞,複合";
    c.stop = analyzer_.lexicon().stopwords.count(c.text) > 0;
    c.reading = reading;
    out_.terms.insert(out_.terms.begin() + static_cast<long>(first_term), c);
    if (!reading.empty()) {
      Term r = c;
      r.kind = TermKind::reading;
      r.text = reading;
      out_.terms.insert(out_.terms.begin() + static_cast<long>(first_term) + 1, std::move(r));
    }
  }

  /// Character bigrams of an unknown word of three characters or more (not ASCII), so that a
  /// word MeCab does not know is still found by its pieces.
  void add_bigrams(const MecabToken& t, std::uint32_t position) {
    if (!t.unknown || !has_non_ascii(t.surface) || utf8::length(t.surface) < 3) return;
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < t.surface.size();) {
      starts.push_back(i);
      utf8::next(t.surface, i);
    }
    starts.push_back(t.surface.size());
    for (std::size_t k = 0; k + 2 < starts.size(); ++k) {
      Term b = make(t, position, TermKind::bigram, std::string(t.surface.substr(starts[k], starts[k + 2] - starts[k])));
      std::tie(b.begin, b.end) = out_.normalized.to_original(t.begin + starts[k], t.begin + starts[k + 2]);
      b.stop = false;
      out_.terms.push_back(std::move(b));
    }
  }

  const Analyzer& analyzer_;
  const std::vector<MecabToken>& tokens_;
  Analysis& out_;
  int group_ = 0;  ///< a compound, its parts, readings and bigrams share one
};

}  // namespace

Analysis Analyzer::analyze(std::string_view text) const {
  // Callers validate what they were given (with the file and line, or a request's Status);
  // this guards the byte-offset arithmetic below.
  if (auto bad = utf8::find_invalid(text)) throw Error("invalid UTF-8 at byte offset " + std::to_string(*bad));
  Analysis a;
  a.normalized = normalizer_.normalize(text);
  const auto tokens = tokenizer_->tokenize(a.normalized.text);
  a.positions = static_cast<std::uint32_t>(tokens.size());
  TermRules(*this, tokens, a).run();
  return a;
}

}  // namespace koe
