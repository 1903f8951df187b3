#include "koe/search/referral.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <set>

#include "koe/indexer/error.hpp"
#include "koe/indexer/lexicon.hpp"
#include "koe/indexer/utf8.hpp"
#include "koe/search/kana_readings.hpp"

namespace koe::search {
namespace {

/// Readings shorter than this (カイ, ゼイ) are shared by too many words to name a body.
constexpr std::size_t kMinReadingChars = 3;

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    auto f = trimmed(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (!f.empty()) out.push_back(std::move(f));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

/// "警察:0.5" → ("警察", 0.5); a word without a suffix weighs 1. False for a bad weight.
bool split_weight(const std::string& field, std::string& word, double& weight) {
  word = field;
  weight = 1;
  const auto colon = field.rfind(':');
  if (colon == std::string::npos) return true;
  word = trimmed(field.substr(0, colon));
  const std::string w = trimmed(field.substr(colon + 1));
  const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
  return ec == std::errc() && end == w.data() + w.size() && weight > 0 && !word.empty();
}

}  // namespace

std::filesystem::path referrals_path(const AnalyzerOptions& options) { return options.dictionaries / "referrals.tsv"; }

ReferralTable ReferralTable::load(const Analyzer& analyzer, const std::filesystem::path& path,
                                  const ReferralOptions& options) {
  std::ifstream in(path);
  if (!in) throw Error(path.string() + ": cannot open the referral table");
  ReferralTable table;
  table.options_ = options;
  std::map<std::string, int> first_line;
  std::string line;
  int no = 0;
  auto fail = [&](const std::string& what) { throw Error(path.string() + ":" + std::to_string(no) + ": " + what); };
  while (std::getline(in, line)) {
    ++no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (auto bad = utf8::find_invalid(line)) fail("invalid UTF-8 at byte " + std::to_string(*bad));
    if (line.empty() || line[0] == '#') continue;
    const auto fields = fields_of(line);
    if (fields.empty()) continue;
    if (fields.size() < 3)
      fail("expected a body, a reason and at least one word, tab-separated; found " + std::to_string(fields.size()) +
           " fields");
    if (auto [it, fresh] = first_line.try_emplace(fields[0], no); !fresh)
      fail("«" + fields[0] + "» is listed twice (first on line " + std::to_string(it->second) + ")");
    const std::size_t body = table.bodies_.size();
    table.bodies_.push_back({fields[0], fields[1]});
    for (std::size_t k = 2; k < fields.size(); ++k) {
      std::string word;
      double weight = 1;
      if (!split_weight(fields[k], word, weight))
        fail("«" + fields[k] + "»: a word may end in :weight, a positive number such as :0.5");
      // The word as the analyzer gives it for a voice: base forms, variants folded, several
      // words joined as the compound they make (国道 + 16 + 号 → 国道16号).
      std::vector<std::string> seq;
      std::string reading;
      bool reading_complete = true;
      for (const auto& t : analyzer.analyze(word).terms) {
        if (t.kind != TermKind::word) continue;
        seq.push_back(t.text);
        if (t.reading.empty()) reading_complete = false;
        reading += t.reading;
      }
      if (seq.empty()) fail("«" + word + "» has no word koe can match (particles and symbols only)");
      table.by_term_[joined(seq)].push_back({body, weight});
      if (reading_complete && utf8::length(reading) >= kMinReadingChars)
        table.by_reading_[reading].push_back({body, weight});
    }
  }
  return table;
}

std::optional<Referral> ReferralTable::refer(const Analysis& voice) const {
  struct Hit {
    double weight = 0;
    std::string key;     // the table's term, or R + its reading, the voice matched
    std::string shown;   // the voice's words that matched it
    std::size_t at = 0;  // where in the text, to list the words in the voice's order
  };
  // A compound and its parts share a group: 国道16号 and 国道 are one piece of evidence.
  std::map<std::pair<int, std::size_t>, Hit> best;
  auto offer = [&](const std::vector<Pointer>& pointers, int group, const std::string& key, const std::string& shown,
                   std::size_t at, bool longer = false) {
    for (const auto& p : pointers) {
      Hit& h = best[{group, p.body}];
      if (p.weight > h.weight || (longer && p.weight == h.weight)) h = {p.weight, key, shown, at};
    }
  };
  // The voice's groups: a word, or a compound with its parts.
  struct Unit {
    const Term* head = nullptr;
    std::vector<const Term*> parts;
    std::uint32_t end = 0;  // one past its last token
  };
  std::vector<Unit> units;
  for (const Term& t : voice.terms) {
    if (t.kind != TermKind::word && t.kind != TermKind::compound) continue;
    if (t.kind == TermKind::compound || !t.part) {
      units.push_back({&t, {}, t.position + 1});
    } else if (!units.empty() && units.back().head->group == t.group) {
      units.back().parts.push_back(&t);
      units.back().end = std::max(units.back().end, t.position + 1);
    }
  }
  auto lookup = [&](const std::string& key) { return by_term_.find(key); };
  for (const auto& u : units) {
    const Term& h = *u.head;
    if (auto it = lookup(h.text); it != by_term_.end()) offer(it->second, h.group, h.text, h.text, h.begin);
    // ねんきん is 年金 read aloud; only words written in kana, or 公園 would find 講演.
    if (!h.reading.empty() && utf8::is_kana_only(h.text))
      if (auto it = by_reading_.find(h.reading); it != by_reading_.end())
        offer(it->second, h.group, "R" + h.reading, h.text, h.begin);
    // A table word inside a longer compound names something more specific (両親学級 is no
    // school class, 横断歩道橋 is the city's bridge): it counts half.
    for (std::size_t i = 0; i < u.parts.size(); ++i) {
      std::string key;
      for (std::size_t j = i; j < u.parts.size() && j - i + 1 < u.parts.size(); ++j) {
        key += u.parts[j]->text;
        if (auto it = lookup(key); it != by_term_.end()) {
          std::vector<Pointer> half = it->second;
          for (auto& p : half) p.weight /= 2;
          offer(half, h.group, key, key, h.begin);
        }
      }
    }
  }
  // 期日前投票 is 期日 + 前投票 to MeCab: adjacent groups joined whole find it, standing for
  // every group they span, so 期日前投票 and the 投票 inside it are one piece of evidence.
  constexpr std::size_t kMaxJoined = 4;
  for (std::size_t i = 0; i < units.size(); ++i) {
    std::string key = units[i].head->text;
    for (std::size_t j = i + 1; j < units.size() && j < i + kMaxJoined && units[j].head->position == units[j - 1].end;
         ++j) {
      key += units[j].head->text;
      if (auto it = lookup(key); it != by_term_.end())
        for (std::size_t g = i; g <= j; ++g)
          offer(it->second, units[g].head->group, key, key, units[i].head->begin, true);
    }
  }
  // Words spelled in hiragana that MeCab cannot split (ねんきんの てつづき): their readings
  // found as strings, as the matcher finds them; each a piece of evidence of its own.
  int kana_group = -1;
  auto known = [&](std::string_view r) { return by_reading_.count(std::string(r)) > 0; };
  for (const auto& kr : cover_kana_runs(voice.normalized, known, {}, kana_word_edges(voice)))
    offer(by_reading_.at(kr.reading), kana_group--, "R" + kr.reading, kr.reading, kr.begin);
  // Per body, each table word counts once however often the voice repeats it.
  std::vector<double> evidence(bodies_.size(), 0);
  std::vector<std::map<std::string, const Hit*>> words(bodies_.size());
  for (const auto& [key, hit] : best) {
    auto& slot = words[key.second][hit.key];
    if (!slot || hit.weight > slot->weight) slot = &hit;
  }
  std::size_t chosen = bodies_.size();
  for (std::size_t b = 0; b < bodies_.size(); ++b) {
    for (const auto& [word, hit] : words[b]) evidence[b] += hit->weight;
    if (evidence[b] >= options_.min_evidence && (chosen == bodies_.size() || evidence[b] > evidence[chosen]))
      chosen = b;
  }
  if (chosen == bodies_.size()) return std::nullopt;
  std::vector<const Hit*> hits;
  for (const auto& [word, hit] : words[chosen]) hits.push_back(hit);
  std::sort(hits.begin(), hits.end(), [](const Hit* a, const Hit* b) { return a->at < b->at; });
  Referral r{bodies_[chosen].name, bodies_[chosen].reason, {}, evidence[chosen]};
  for (const auto& [key, hit] : best)
    if (key.second == chosen) r.mentions += hit.weight;
  for (const Hit* h : hits)
    if (std::find(r.terms.begin(), r.terms.end(), h->shown) == r.terms.end()) r.terms.push_back(h->shown);
  return r;
}

}  // namespace koe::search
