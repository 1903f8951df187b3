#include "koe/search/kana_readings.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "koe/indexer/utf8.hpp"

namespace koe::search {
namespace {

constexpr char32_t kLongVowel = U'\u30FC';  // ー, which hiragana words use too (ごーる)
constexpr std::size_t kKanaBytes = 3;       // every hiragana, katakana and ー in UTF-8

/// Morae of a katakana reading: キュウ is two (キュ + ウ), as short as カイ, however many
/// characters it takes.
std::size_t morae(std::string_view kata) {
  static constexpr std::u32string_view kSmall = U"ァィゥェォャュョヮ";
  std::size_t n = 0;
  for (std::size_t i = 0; i < kata.size();)
    if (kSmall.find(utf8::next(kata, i)) == std::u32string_view::npos) ++n;
  return n;
}

struct Span {
  std::size_t first = 0;  // in characters
  std::size_t count = 0;
};

/// Particles and the copula: what stands between words in kana-only writing (こうえんの
/// といれが, ごみぶくろを しゅうせきじょまで), so a word's reading starts after one and ends
/// before one.
constexpr std::string_view kParticles[] = {"の",   "を",   "が",   "は",   "に",   "で",   "と",   "も",
                                           "へ",   "や",   "か",   "ね",   "よ",   "まで", "から", "より",
                                           "など", "だけ", "ほど", "しか", "って", "です", "だ"};

bool particle_before(std::string_view s, std::size_t at) {
  // で before しょう, した, す is the copula (でしょうか, でした, です), not a particle.
  if (s.substr(0, at).ends_with("で"))
    for (std::string_view copula : {"しょう", "した", "す"})
      if (s.substr(at).starts_with(copula)) return false;
  for (auto p : kParticles)
    if (at >= p.size() && s.substr(at - p.size(), p.size()) == p) return true;
  return false;
}

bool particle_at(std::string_view s, std::size_t at) {
  for (auto p : kParticles)
    if (s.substr(at, p.size()) == p) return true;
  return false;
}

/// The cover of katakana `kata` by readings `known` accepts, of min_morae morae to max_chars
/// characters: most characters spelled, then fewest readings. A reading starts only where
/// `start_ok` (or where another reading ends) and ends only where `end_ok` (or where another
/// starts) unless it has `free_end_morae` morae or more; empty means anywhere.
std::vector<Span> best_cover(std::string_view kata, const std::function<bool(std::string_view)>& known,
                             std::size_t min_morae, std::size_t max_chars, std::vector<bool> start_ok = {},
                             std::vector<bool> end_ok = {}, std::size_t free_end_morae = 0) {
  const std::size_t n = kata.size() / kKanaBytes;
  if (start_ok.empty()) start_ok.assign(n + 1, true);
  if (end_ok.empty()) end_ok.assign(n + 1, true);
  // Scores compare by characters spelled, then by fewer readings; `none` marks no cover.
  struct Score {
    long covered = -1;  // -1: none
    long readings = 0;
    bool operator<(const Score& o) const { return covered != o.covered ? covered < o.covered : readings > o.readings; }
  };
  std::vector<Score> free_(n + 1), chained(n + 1), take(n + 1);  // take: a reading must start here
  std::vector<std::size_t> take_len(n + 1, 0);
  free_[n] = chained[n] = {0, 0};
  for (std::size_t p = n; p-- > 0;) {
    for (std::size_t len = 1; len <= max_chars && p + len <= n; ++len) {
      const std::size_t q = p + len;
      const std::string_view r = kata.substr(p * kKanaBytes, len * kKanaBytes);
      const std::size_t m = morae(r);
      if (m < min_morae) continue;
      const Score after = end_ok[q] || m >= free_end_morae ? chained[q] : take[q];
      if (after.covered < 0 || !known(r)) continue;
      const Score cand{after.covered + static_cast<long>(len), after.readings + 1};
      if (take[p] < cand) take[p] = cand, take_len[p] = len;
    }
    chained[p] = std::max(free_[p + 1], take[p]);
    free_[p] = start_ok[p] ? chained[p] : free_[p + 1];
  }
  std::vector<Span> out;
  bool just_ended = false, must_take = false;
  for (std::size_t p = 0; p < n;) {
    const Score& here = just_ended ? chained[p] : free_[p];
    if (take_len[p] && (must_take || ((just_ended || start_ok[p]) && !(take[p] < here) && !(here < take[p])))) {
      out.push_back({p, take_len[p]});
      p += take_len[p];
      just_ended = true;
      must_take = !end_ok[p] &&
                  morae(kata.substr(out.back().first * kKanaBytes, out.back().count * kKanaBytes)) < free_end_morae;
    } else {
      ++p;
      just_ended = must_take = false;
    }
  }
  return out;
}

}  // namespace

std::vector<KanaReading> cover_kana_runs(const NormalizedText& text, const std::function<bool(std::string_view)>& known,
                                         const KanaReadingOptions& options,
                                         const std::vector<std::pair<std::size_t, std::size_t>>& word_edges) {
  std::vector<KanaReading> out;
  const std::string_view s = text.text;
  std::set<std::size_t> word_begins, word_ends;
  for (const auto& [b, e] : word_edges) {
    word_begins.insert(b);
    word_ends.insert(e);
  }
  auto cover_run = [&](std::size_t begin, std::size_t end) {
    const std::size_t n = (end - begin) / kKanaBytes;
    if (n < 2) return;
    const std::string kata = utf8::to_katakana(s.substr(begin, end - begin));
    // A reading starts where the run does, after a particle or at a word MeCab found, and ends
    // where the run does, before a particle or at such a word's end: しまい in やめてしまいました
    // is a verb, not 姉妹, and みんかん in こうみんかんで no word of its own.
    std::vector<bool> start_ok(n + 1, true), end_ok(n + 1, true);
    const std::string_view run = s.substr(begin, end - begin);
    for (std::size_t p = 1; p < n; ++p) {
      const std::size_t original = text.begin[begin + p * kKanaBytes];
      start_ok[p] = particle_before(run, p * kKanaBytes) || word_begins.count(original);
      end_ok[p] = particle_at(run, p * kKanaBytes) || word_ends.count(original);
    }
    // A reading of four characters or more rarely spells something else by chance, so it may
    // end anywhere (しゅうせきじょ is シュウセキ + じょ: the plans' 集積所 reads シュウセキショ).
    for (const Span& sp : best_cover(kata, known, options.min_morae, options.max_chars, start_ok, end_ok, 4)) {
      KanaReading kr;
      kr.reading = kata.substr(sp.first * kKanaBytes, sp.count * kKanaBytes);
      std::tie(kr.begin, kr.end) =
          text.to_original(begin + sp.first * kKanaBytes, begin + (sp.first + sp.count) * kKanaBytes);
      out.push_back(std::move(kr));
    }
  };
  std::size_t run = std::string_view::npos;  // where the current run of hiragana began
  for (std::size_t i = 0; i < s.size();) {
    std::size_t next = i;
    const char32_t c = utf8::next(s, next);
    if (utf8::is_hiragana(c) || (c == kLongVowel && run != std::string_view::npos)) {
      if (run == std::string_view::npos) run = i;
    } else if (run != std::string_view::npos) {
      cover_run(run, i);
      run = std::string_view::npos;
    }
    i = next;
  }
  if (run != std::string_view::npos) cover_run(run, s.size());
  return out;
}

std::vector<std::pair<std::size_t, std::size_t>> kana_word_edges(const Analysis& analysis) {
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (const auto& t : analysis.terms)
    if ((t.kind == TermKind::compound || (t.kind == TermKind::word && t.part_of_speech.starts_with("名詞"))) &&
        utf8::is_kana_only(t.text))
      edges.emplace_back(t.begin, t.end);
  return edges;
}

void add_kana_readings(const Analyzer& analyzer, const ReadingTable& readings, const Analysis& voice, VoiceQuery& vq,
                       const KanaReadingOptions& options) {
  const auto& expanded = analyzer.lexicon().expansion_readings;
  // A reading the index knows, or one of a citizen's word the plans say otherwise (みぞ: 溝 →
  // 側溝, ものわすれ: 物忘れ → 認知症).
  auto known = [&](std::string_view r) { return readings.contains(r) || expanded.contains(r); };
  auto stop = [&](std::string_view r) { return analyzer.lexicon().stop_readings.contains(r); };
  std::map<std::string, Xapian::termcount> found;
  for (const auto& kr : cover_kana_runs(voice.normalized, known, options, kana_word_edges(voice)))
    if (!stop(kr.reading)) ++found[kr.reading];
  if (found.empty()) return;
  // The words a reading stands for count as evidence and are highlighted.
  auto mark = [&](const std::string& reading) {
    vq.terms.readings.insert(reading);
    for (const auto& w : readings.words(reading)) {
      vq.terms.words.insert(w);
      vq.evidence_terms.insert(w);
    }
  };
  auto query = [&](const std::string& reading, Xapian::termcount wqf) {
    QueryTerms unmarked;
    return reading_query(readings, reading, wqf, unmarked);
  };
  std::vector<Xapian::Query> parts;
  if (!vq.query.empty()) parts.push_back(vq.query);
  for (const auto& [reading, wqf] : found) {
    // A kana noun MeCab did read (みぞ) brought its expansions with its word already.
    const bool read_before = vq.terms.readings.count(reading) > 0;
    const bool expands =
        !read_before && !add_expansions(analyzer, expansion_keys_read(analyzer.lexicon(), reading), parts, vq).empty();
    if (!readings.contains(reading)) {
      vq.content_terms += expands ? 1 : 0;
      continue;
    }
    // As the analyzer's compounds: the whole reading, or its parts together in one section
    // (ジチスイシン ~ ジチ + スイシン: 自治の推進), and the parts of three characters or more on
    // their own (a shorter part, トシ, is 年 as often as 都市). Two short parts alone say
    // nothing (シュウ + シュウ would be 週 twice, not 収集).
    // A kana compound MeCab did read (よぼうせっしゅ) brought its whole reading already.
    const bool known_whole = vq.terms.readings.count(reading) > 0;
    std::vector<Xapian::Query> alts;
    if (!known_whole) alts.push_back(query(reading, wqf));
    const auto pieces = best_cover(reading, known, 2, reading.size() / kKanaBytes - 1);
    std::size_t spelled = 0, longest = 0;  // characters; morae
    std::set<std::string_view> distinct;
    for (const Span& sp : pieces) {
      spelled += sp.count;
      longest =
          std::max(longest, morae(std::string_view(reading).substr(sp.first * kKanaBytes, sp.count * kKanaBytes)));
      distinct.insert(std::string_view(reading).substr(sp.first * kKanaBytes, sp.count * kKanaBytes));
    }
    if (distinct.size() >= 2 && longest >= options.min_morae && spelled * kKanaBytes == reading.size()) {
      std::vector<Xapian::Query> all;
      for (const Span& sp : pieces) {
        const std::string piece = reading.substr(sp.first * kKanaBytes, sp.count * kKanaBytes);
        all.push_back(query(piece, wqf));
        if (morae(piece) < options.min_morae || stop(piece)) continue;
        parts.push_back(all.back());
        mark(piece);
      }
      alts.emplace_back(Xapian::Query::OP_AND, all.begin(), all.end());
    }
    if (alts.empty()) continue;
    parts.emplace_back(Xapian::Query::OP_OR, alts.begin(), alts.end());
    mark(reading);
    ++vq.content_terms;
  }
  vq.query = Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

}  // namespace koe::search
