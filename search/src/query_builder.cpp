#include "koe/search/query_builder.hpp"

#include <map>

#include "koe/indexer/plan.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/indexer/utf8.hpp"
#include "koe/search/catalogue.hpp"

namespace koe::search {
namespace {

using Xapian::Query;

Query or_of(const std::vector<Query>& qs) {
  if (qs.empty()) return Query();
  if (qs.size() == 1) return qs[0];
  return Query(Query::OP_OR, qs.begin(), qs.end());
}

/// A group of terms from the analyzer: a compound with its parts, or a single word.
struct Group {
  const Term* head = nullptr;  // compound, or the word itself
  std::vector<const Term*> parts;
  std::vector<const Term*> readings;
  std::vector<const Term*> bigrams;
};

std::vector<Group> groups_of(const Analysis& a) {
  std::map<int, Group> by_id;
  std::vector<int> order;
  for (const auto& t : a.terms) {
    auto [it, inserted] = by_id.try_emplace(t.group);
    if (inserted) order.push_back(t.group);
    Group& g = it->second;
    switch (t.kind) {
      case TermKind::compound:
        g.head = &t;
        break;
      case TermKind::word:
        if (t.part)
          g.parts.push_back(&t);
        else
          g.head = &t;
        break;
      case TermKind::reading:
        g.readings.push_back(&t);
        break;
      case TermKind::bigram:
        g.bigrams.push_back(&t);
        break;
    }
  }
  std::vector<Group> out;
  for (int id : order)
    if (by_id[id].head) out.push_back(std::move(by_id[id]));
  return out;
}

bool is_affix_only(const Group& g) { return g.head->kind == TermKind::word && g.head->affix; }

/// How a compound's parts are matched when only one of them is a content word (審議 + 会).
/// Staff search checks their order with a phrase, besides the compound term. Voice matching
/// ORs dozens of words and takes the compound term alone: reading the positions of common
/// words for every candidate was most of the slowest voices' time, and the dev set's routing
/// and search figures did not move without them.
enum class WordOrder { checked, compound_only };

/// Queries for every entry of synonym group `gi` except the one spelled `except`. An entry of
/// several words is one term: the indexer adds it wherever a section spells it word after word
/// (Analyzer::spelled_entries: ふれあう トーク is no compound), so no phrase reads positions.
/// In koe's own groups such an entry names one of the city's programmes (市長と語る会 for
/// ふれあいトーク) and weighs as its words together, as the phrase of them did; in Sudachi's
/// general groups it is a loose everyday phrase and weighs as one word (weighed by its words,
/// those cost top-1 on koe's own city voices and recall@3 on the shared city set).
std::vector<Query> group_alternatives(const Analyzer& analyzer, std::size_t gi, const std::string& except,
                                      QueryTerms& terms) {
  std::vector<Query> out;
  for (const auto& seq : analyzer.lexicon().synonym_groups[gi]) {
    const std::string whole = joined(seq);
    if (whole == except) continue;
    if (seq.size() > 1 && gi < analyzer.lexicon().own_synonym_groups)
      out.emplace_back(Query::OP_SCALE_WEIGHT, Query(whole), static_cast<double>(seq.size()));
    else
      out.emplace_back(whole);
    // Only the whole entry is highlighted: its loose parts (広報, 八王子) match elsewhere too.
    terms.words.insert(whole);
  }
  return out;
}

/// Synonym alternatives for a group's head text.
std::vector<Query> synonyms(const Analyzer& analyzer, const std::string& key, QueryTerms& terms) {
  std::vector<Query> out;
  auto it = analyzer.lexicon().synonym_index.find(key);
  if (it == analyzer.lexicon().synonym_index.end()) return out;
  for (std::size_t gi : it->second)
    for (auto& q : group_alternatives(analyzer, gi, key, terms)) out.push_back(std::move(q));
  return out;
}

/// Synonym groups whose several-word entries appear in `normalized` (市長と語る会).
std::vector<std::pair<std::size_t, std::string>> phrase_synonyms(const Analyzer& analyzer,
                                                                 const std::string& normalized) {
  return analyzer.lexicon().synonym_phrases_in(normalized);
}

/// The query for one group: the compound term or the phrase of its parts, their synonyms,
/// and for kana-only input its reading (so ひしょ finds 秘書).
Query group_query(const Analyzer& analyzer, const ReadingTable& readings, const Group& g, QueryTerms& terms,
                  WordOrder order, Xapian::termcount wqf = 1) {
  std::vector<Query> alts;
  alts.emplace_back(g.head->text, wqf);
  terms.words.insert(g.head->text);
  if (!g.parts.empty()) {
    std::vector<Query> parts, content;
    for (const Term* p : g.parts) {
      parts.emplace_back(p->text, wqf, p->position + 1);
      if (!p->affix) {
        terms.words.insert(p->text);
        content.emplace_back(p->text, wqf);
      }
    }
    // The parts apart in one section still count (データ利活用 ~ データの活用), below the
    // exact compound, which also matches and so adds its weight. (A phrase of the parts adds
    // little over the compound term and costs position reads on every candidate.)
    if (content.size() >= 2)
      alts.emplace_back(Query::OP_AND, content.begin(), content.end());
    else if (order == WordOrder::checked)
      alts.emplace_back(Query::OP_PHRASE, parts.begin(), parts.end(), static_cast<Xapian::termcount>(parts.size()));
  }
  for (auto& s : synonyms(analyzer, g.head->text, terms)) alts.push_back(std::move(s));
  // Readings stand in for nouns typed in kana; a verb in kana already matches its base form.
  const bool noun = g.head->kind == TermKind::compound || g.head->part_of_speech.starts_with("名詞");
  if (noun && !g.head->reading.empty() && utf8::is_kana_only(g.head->text) && utf8::length(g.head->text) >= 2) {
    Query read = reading_query(readings, g.head->reading, wqf, terms);
    // A katakana word is its own reading's one word: it counts twice, as it did when readings
    // were terms of their own, without a second read of its postings.
    if (read.get_type() == Query::LEAF_TERM && *read.get_terms_begin() == g.head->text)
      alts.front() = Query(Query::OP_SCALE_WEIGHT, alts.front(), 2.0);
    else
      alts.push_back(std::move(read));
  }
  if (g.parts.empty() && !g.bigrams.empty()) {
    std::vector<Query> bigrams;
    for (const Term* b : g.bigrams) bigrams.emplace_back(schema::term(schema::kBigram, b->text));
    alts.emplace_back(Query::OP_AND, bigrams.begin(), bigrams.end());
  }
  return or_of(alts);
}

/// One piece of what staff typed: a word or a "quoted phrase", perhaps -excluded, perhaps
/// after OR.
struct QueryPiece {
  std::string text;
  bool phrase = false;
  bool exclude = false;
  bool or_before = false;
};

bool is_space_at(const std::string& s, std::size_t i, std::size_t& len) {
  if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
    len = 1;
    return true;
  }
  if (s.compare(i, 3, "\u3000") == 0) {
    len = 3;
    return true;
  }
  return false;
}

std::vector<QueryPiece> split_pieces(const std::string& q) {
  std::vector<QueryPiece> out;
  bool pending_or = false;
  std::size_t i = 0;
  while (i < q.size()) {
    std::size_t len = 0;
    if (is_space_at(q, i, len)) {
      i += len;
      continue;
    }
    QueryPiece c;
    if (q[i] == '-' || q.compare(i, 3, "\uFF0D") == 0) {
      c.exclude = true;
      i += q[i] == '-' ? 1 : 3;
    }
    auto starts_quote = [&](std::size_t at, std::string& close) {
      if (q[at] == '"') return close = "\"", std::size_t{1};
      if (q.compare(at, 3, "\u201C") == 0) return close = "\u201D", std::size_t{3};
      if (q.compare(at, 3, "\u300C") == 0) return close = "\u300D", std::size_t{3};
      if (q.compare(at, 3, "\uFF02") == 0) return close = "\uFF02", std::size_t{3};
      return std::size_t{0};
    };
    std::string close;
    if (i < q.size()) {
      if (std::size_t ql = starts_quote(i, close)) {
        std::size_t end = q.find(close, i + ql);
        c.text = q.substr(i + ql, end == std::string::npos ? std::string::npos : end - i - ql);
        c.phrase = true;
        i = end == std::string::npos ? q.size() : end + close.size();
      } else {
        std::size_t j = i;
        while (j < q.size() && !is_space_at(q, j, len)) ++j;
        c.text = q.substr(i, j - i);
        i = j;
      }
    }
    if (!c.phrase && !c.exclude && (c.text == "OR" || c.text == "|" || c.text == "ＯＲ")) {
      pending_or = true;
      continue;
    }
    c.or_before = pending_or;
    pending_or = false;
    if (!c.text.empty()) out.push_back(std::move(c));
  }
  return out;
}

/// "課:広聴課" → ("課", "広聴課"); full-width colons count.
bool split_filter(const std::string& text, std::string& key, std::string& value) {
  std::size_t at = text.find(':');
  std::size_t len = 1;
  const std::size_t wide = text.find("\uFF1A");
  if (wide != std::string::npos && (at == std::string::npos || wide < at)) at = wide, len = 3;
  if (at == std::string::npos || at == 0 || at + len >= text.size()) return false;
  key = text.substr(0, at);
  value = text.substr(at + len);
  return true;
}

}  // namespace

bool Filters::empty() const {
  return divisions.empty() && kinds.empty() && projects.empty() && policies.empty() && departments.empty() &&
         years.empty();
}

Result<Query> filter_query(const Filters& f) {
  std::vector<Query> ands;
  auto add = [&](const std::vector<std::string>& values, auto&& to_term) -> Status {
    if (values.empty()) return {};
    std::vector<Query> ors;
    for (const auto& v : values) {
      std::string term;
      if (Status s = to_term(v, term); !s.ok()) return s;
      ors.emplace_back(term);
    }
    ands.push_back(or_of(ors));
    return {};
  };
  auto plain = [](std::string_view prefix) {
    return [prefix](const std::string& v, std::string& term) {
      term = schema::term(prefix, v);
      return Status{};
    };
  };
  Status s;
  if (!(s = add(f.divisions, plain(schema::kDivision))).ok()) return s;
  if (!(s = add(f.kinds, [](const std::string& v, std::string& term) {
          auto kind = parse_kind(v);
          if (!kind) {
            std::string names;
            for (auto k : all_section_kinds()) names += (names.empty() ? "" : ", ") + std::string(kind_name(k));
            return Status::invalid("bad_request", "unknown section kind «" + v + "»: use one of " + names +
                                                      " or their Japanese labels (課題, 事業内容, …)");
          }
          term = schema::term(schema::kKind, kind_name(*kind));
          return Status{};
        })).ok())
    return s;
  if (!(s = add(f.projects, plain(schema::kProject))).ok()) return s;
  if (!(s = add(f.policies, [](const std::string& v, std::string& term) {
          const bool sub = v.find('.') != std::string::npos;
          for (char c : v)
            if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.'))
              return Status::invalid("bad_request", "施策 must be a number such as 5 or 5.2, not «" + v + "»");
          term = schema::term(sub ? schema::kSubPolicy : schema::kPolicy, v);
          return Status{};
        })).ok())
    return s;
  if (!(s = add(f.departments, plain(schema::kDepartment))).ok()) return s;
  if (!(s = add(f.years, plain(schema::kFiscalYear))).ok()) return s;
  if (ands.empty()) return Query();
  return Query(Query::OP_AND, ands.begin(), ands.end());
}

namespace {

/// A piece written as a filter (課:広聴課, 項目:課題 …) goes into `filters`; false when it
/// is no filter.
bool take_filter(const Analyzer& analyzer, const QueryPiece& piece, Filters& filters) {
  std::string key, value;
  if (piece.phrase || !split_filter(piece.text, key, value)) return false;
  if (key == "課" || key == "division")
    filters.divisions.push_back(value);
  else if (key == "項目" || key == "kind" || key == "section")
    filters.kinds.push_back(analyzer.normalizer().normalize(value).text);
  else if (key == "事業" || key == "project")
    filters.projects.push_back(value);
  else if (key == "施策" || key == "policy")
    filters.policies.push_back(value);
  else if (key == "部" || key == "department")
    filters.departments.push_back(value);
  else if (key == "年度" || key == "year")
    filters.years.push_back(value);
  else
    return false;
  return true;
}

/// A "quoted phrase": its words in order.
std::vector<Query> phrase_units(const Analysis& a, const std::vector<Group>& groups, QueryTerms& terms) {
  std::vector<Query> words;
  std::uint32_t first = 0, last = 0;
  for (const auto& t : a.terms) {
    if (t.kind != TermKind::word) continue;
    if (words.empty()) first = t.position;
    last = t.position;
    words.emplace_back(t.text, 1, t.position + 1);
    if (!t.affix) terms.words.insert(t.text);
  }
  for (const auto& g : groups)
    if (g.head->kind == TermKind::compound) terms.words.insert(g.head->text);
  if (words.size() <= 1) return words;
  return {Query(Query::OP_PHRASE, words.begin(), words.end(), last - first + 1)};
}

/// Queries used only when a query has nothing else: its stop words, then bare affixes.
struct Fallbacks {
  std::vector<Query> stop_only;
  std::vector<Query> affix_only;
};

/// `q`, or also every section of the projects whose 事業名 holds one of `words`, at no weight.
Query with_named_projects(Query q, const std::vector<std::string>& words, const ProjectsNamed& named) {
  if (!named) return q;
  std::set<std::string> ids;
  for (const auto& w : words)
    for (auto& id : named(w)) ids.insert(std::move(id));
  // A word and its synonyms together name a project or a few, as one word does.
  if (ids.empty() || ids.size() > ProjectNames::kMostNamed) return q;
  std::vector<Query> projects;
  for (const auto& id : ids) projects.emplace_back(schema::term(schema::kProject, id));
  const Query all_of_them(Query::OP_SCALE_WEIGHT, Query(Query::OP_OR, projects.begin(), projects.end()), 0);
  return Query(Query::OP_OR, q, all_of_them);
}

/// A word group's query, and the projects it names: by the word, its synonyms or the words
/// its kana reads (not by a compound's parts: 姉妹都市 names no project whose 事業名 says 都市).
Query named_group_query(const Analyzer& analyzer, const ReadingTable& readings, const Group& g, QueryTerms& terms,
                        const ProjectsNamed& named) {
  QueryTerms own;
  Query q = group_query(analyzer, readings, g, own, WordOrder::checked);
  std::vector<std::string> words;
  for (const auto& w : own.words)
    if (std::none_of(g.parts.begin(), g.parts.end(), [&](const Term* p) { return p->text == w; })) words.push_back(w);
  terms.words.insert(own.words.begin(), own.words.end());
  terms.readings.insert(own.readings.begin(), own.readings.end());
  return with_named_projects(std::move(q), words, named);
}

/// An unquoted piece: each word group, a several-word synonym standing for its group, and a
/// kana piece as the reading of kanji text (ひしょ → 秘書).
std::vector<Query> word_units(const Analyzer& analyzer, const ReadingTable& readings, const QueryPiece& piece,
                              const Analysis& a, const std::vector<Group>& groups, QueryTerms& terms,
                              Fallbacks& fallbacks, const ProjectsNamed& named) {
  std::vector<Query> units;
  for (const auto& g : groups) {
    if (is_affix_only(g))
      fallbacks.affix_only.push_back(group_query(analyzer, readings, g, terms, WordOrder::checked));
    else if (g.head->stop && !piece.exclude)  // -市民 still excludes: the user named the word
      fallbacks.stop_only.push_back(group_query(analyzer, readings, g, terms, WordOrder::checked));
    else if (piece.exclude)  // -秘書 excludes the sections that say it, not all of 秘書業務等
      units.push_back(group_query(analyzer, readings, g, terms, WordOrder::checked));
    else
      units.push_back(named_group_query(analyzer, readings, g, terms, named));
  }
  for (const auto& [gi, surface] : phrase_synonyms(analyzer, a.normalized.text)) {
    auto alts = group_alternatives(analyzer, gi, "", terms);
    if (!units.empty()) alts.insert(alts.begin(), Query(Query::OP_AND, units.begin(), units.end()));
    units = {or_of(alts)};
  }
  const std::string& norm = a.normalized.text;
  if (utf8::is_kana_only(norm) && utf8::length(norm) >= 2) {
    const std::string reading = utf8::to_katakana(norm);
    Query r = reading_query(readings, reading, 1, terms);
    if (!piece.exclude) r = with_named_projects(r, readings.words(reading), named);
    units = {units.empty() ? r : Query(Query::OP_OR, Query(Query::OP_AND, units.begin(), units.end()), r)};
  }
  return units;
}

/// Adds a piece's queries to the tiers: excluded, or required (ORed with the previous piece
/// after OR) and optional; the relaxed tier also takes a compound's parts one by one.
void add_piece(StaffQuery& sq, const QueryPiece& piece, const std::vector<Query>& units,
               const std::vector<Group>& groups) {
  if (piece.exclude) {
    sq.excluded.insert(sq.excluded.end(), units.begin(), units.end());
    return;
  }
  sq.optional.insert(sq.optional.end(), units.begin(), units.end());
  if (!piece.phrase)
    for (const auto& g : groups)
      for (const Term* p : g.parts)
        if (!p->affix && !p->stop) sq.optional.emplace_back(p->text);
  if (piece.or_before && !sq.required.empty()) {
    Query prev = sq.required.back();
    sq.required.back() = Query(Query::OP_OR, prev, Query(Query::OP_AND, units.begin(), units.end()));
  } else {
    sq.required.insert(sq.required.end(), units.begin(), units.end());
  }
}

}  // namespace

Result<StaffQuery> parse_staff_query(const Analyzer& analyzer, const ReadingTable& readings, const std::string& text,
                                     const ProjectsNamed& named) {
  if (auto bad = utf8::find_invalid(text))
    return Status::invalid("invalid_utf8", "the query is not valid UTF-8 (byte offset " + std::to_string(*bad) + ")");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::invalid("empty_query", "the query is empty: type a word to search for");
  StaffQuery sq;
  Fallbacks fallbacks;
  // Split what was typed (so OR stays an operator), then analyze each piece.
  for (const auto& piece : split_pieces(text)) {
    if (take_filter(analyzer, piece, sq.filters)) continue;
    const Analysis a = analyzer.analyze(piece.text);
    const auto groups = groups_of(a);
    const auto units = piece.phrase ? phrase_units(a, groups, sq.terms)
                                    : word_units(analyzer, readings, piece, a, groups, sq.terms, fallbacks, named);
    if (!units.empty()) add_piece(sq, piece, units, groups);
  }
  if (sq.required.empty()) {
    // Only stop words or bare numbers/affixes: search them rather than refuse.
    auto& fallback = !fallbacks.stop_only.empty() ? fallbacks.stop_only : fallbacks.affix_only;
    for (auto& q : fallback) {
      sq.required.push_back(q);
      sq.optional.push_back(q);
    }
  }
  if (sq.required.empty() && sq.filters.empty())
    return Status::invalid("bad_request",
                           "the query has nothing searchable in it: type a word (記号や助詞だけでは検索できません)");
  if (auto f = filter_query(sq.filters); !f.ok()) return f.status();
  return sq;
}

Result<VoiceQuery> build_voice_query(const Analyzer& analyzer, const ReadingTable& readings, const std::string& text) {
  if (auto bad = utf8::find_invalid(text))
    return Status::invalid("invalid_utf8", "text is not valid UTF-8 (byte offset " + std::to_string(*bad) + ")");
  VoiceQuery vq = voice_query(analyzer, readings, analyzer.analyze(text));
  if (vq.query.empty()) return nothing_to_match();
  return vq;
}

Status nothing_to_match() {
  return Status::invalid("bad_request",
                         "the text has nothing to match: no content words after removing particles and stop words");
}

Query reading_query(const ReadingTable& readings, const std::string& reading, Xapian::termcount wqf,
                    QueryTerms& terms) {
  terms.readings.insert(reading);
  const std::string key = schema::term(schema::kReading, reading);
  std::vector<Query> words;
  for (const auto& w : readings.words(reading)) {
    words.emplace_back(w, wqf);
    terms.words.insert(w);
  }
  // No section holds the key as a term: it matches nothing, yet keeps its place in an AND
  // (Query::MatchNothing would empty the AND, and a filtered search would list the filter).
  if (words.empty()) return Query(key, wqf);
  if (words.size() == 1) return words.front();
  // Xapian weighs a synonym group as one term of wqf 1; a reading the text repeats counts as
  // BM25's query-frequency factor ((k3 + 1) wqf / (k3 + wqf), k3 = 1 as koe leaves it) counted
  // it when it was a term of its own.
  const Query synonym(Query::OP_SYNONYM, words.begin(), words.end());
  return wqf > 1 ? Query(Query::OP_SCALE_WEIGHT, synonym, 2.0 * wqf / (1.0 + wqf)) : synonym;
}

namespace {

/// A term counts as evidence that a voice concerns a section's project unless it is a single
/// character or a stop word.
void add_evidence(const Lexicon& lexicon, const std::string& term, VoiceQuery& vq) {
  if (utf8::length(term) >= 2 && !lexicon.stopwords.count(term)) vq.evidence_terms.insert(term);
}

/// The expansion keys a voice's word stands for: itself when it is one; for a noun in kana,
/// the keys read as it is (みぞ: 溝); none otherwise.
std::vector<std::string> expansion_keys(const Lexicon& lexicon, const std::string& word, const std::string& reading) {
  if (lexicon.expansions.count(word)) return {word};
  return expansion_keys_read(lexicon, reading);
}

}  // namespace

const std::vector<std::string>& expansion_keys_read(const Lexicon& lexicon, std::string_view reading) {
  static const std::vector<std::string> none;
  const auto read = lexicon.expansion_readings.find(reading);
  return read == lexicon.expansion_readings.end() ? none : read->second;
}

std::vector<std::string> add_expansions(const Analyzer& analyzer, const std::vector<std::string>& keys,
                                        std::vector<Query>& parts, VoiceQuery& vq) {
  const auto& lexicon = analyzer.lexicon();
  auto evidence = [&](const std::string& term) { add_evidence(lexicon, term, vq); };
  std::vector<std::string> added;
  for (const auto& k : keys) {
    const auto it = lexicon.expansions.find(k);
    if (it == lexicon.expansions.end()) continue;
    for (const auto& seq : it->second) {
      const std::string compound = joined(seq);
      parts.emplace_back(Query::OP_SCALE_WEIGHT, Query(compound), 0.5);
      for (const auto& w : seq) {
        vq.terms.words.insert(w);
        evidence(w);
      }
      // What a section matches is the compound term (民間賃貸住宅 for アパート), not its words.
      evidence(compound);
      added.push_back(compound);
    }
  }
  return added;
}

VoiceQuery voice_query(const Analyzer& analyzer, const ReadingTable& readings, const Analysis& a) {
  VoiceQuery vq;
  std::map<std::string, std::pair<const Group*, Xapian::termcount>> seen;
  const auto groups = groups_of(a);
  for (const auto& g : groups) {
    if (g.head->stop || is_affix_only(g)) continue;
    auto& slot = seen[g.head->text];
    if (!slot.first) slot.first = &g;
    ++slot.second;
  }
  auto noun = [](const Term& t) {
    return t.kind == TermKind::compound || t.part_of_speech.starts_with("名詞") || t.part_of_speech.starts_with("未知");
  };
  auto evidence = [&](const std::string& term) { add_evidence(analyzer.lexicon(), term, vq); };
  std::vector<Query> parts;
  for (auto& [text_key, entry] : seen) {
    const Group& g = *entry.first;
    QueryTerms group_terms;
    parts.push_back(group_query(analyzer, readings, g, group_terms, WordOrder::compound_only, entry.second));
    VoiceQuery::Noun own{g.head->text, {}, entry.second};
    if (noun(*g.head)) {
      for (const auto& w : group_terms.words) evidence(w), own.terms.insert(w);
      for (const auto& r : group_terms.readings)  // what kana stood for counts however short (えき: 駅)
        for (const auto& w : readings.words(r)) vq.evidence_terms.insert(w);
    }
    vq.terms.words.insert(group_terms.words.begin(), group_terms.words.end());
    vq.terms.readings.insert(group_terms.readings.begin(), group_terms.readings.end());
    // The parts of a compound count on their own too: 返礼品の追加 and 魅力ある返礼品 share 返礼品.
    for (const Term* p : g.parts)
      if (!p->affix && !p->stop && utf8::length(p->text) >= 2 && !seen.count(p->text)) {
        parts.emplace_back(p->text, entry.second);
        vq.terms.words.insert(p->text);
        evidence(p->text);
        own.terms.insert(p->text);
      }
    // The plan's own words for what a citizen says (市長 → 理事者, みぞ → 側溝; see WordOrder).
    const bool kana_noun = noun(*g.head) && utf8::is_kana_only(g.head->text);
    const auto keys = expansion_keys(analyzer.lexicon(), g.head->text, kana_noun ? g.head->reading : "");
    for (auto& t : add_expansions(analyzer, keys, parts, vq)) own.terms.insert(std::move(t));
    if (noun(*g.head) && utf8::length(g.head->text) >= 2 && !utf8::is_hiragana_only(g.head->text))
      vq.nouns.push_back(std::move(own));
    ++vq.content_terms;
  }
  for (const auto& [gi, surface] : phrase_synonyms(analyzer, a.normalized.text)) {
    if (seen.count(surface)) continue;  // the word's own group already brought its synonyms
    QueryTerms group_terms;
    for (auto& q : group_alternatives(analyzer, gi, "", group_terms)) parts.push_back(std::move(q));
    for (const auto& w : group_terms.words) evidence(w);
    vq.terms.words.insert(group_terms.words.begin(), group_terms.words.end());
  }
  // A short text typed in kana alone may be the reading of kanji in the plans (しまいとし).
  if (utf8::is_kana_only(a.normalized.text) && utf8::length(a.normalized.text) >= 2) {
    QueryTerms read;
    parts.push_back(reading_query(readings, utf8::to_katakana(a.normalized.text), 1, read));
    vq.terms.readings.insert(read.readings.begin(), read.readings.end());
    vq.terms.words.insert(read.words.begin(), read.words.end());
    vq.evidence_terms.insert(read.words.begin(), read.words.end());
  }
  if (!parts.empty()) vq.query = Query(Query::OP_OR, parts.begin(), parts.end());
  return vq;
}

std::string display_term(const std::string& t) {
  if (t.starts_with(schema::kBigram)) return t.substr(schema::kBigram.size());
  return t;
}

}  // namespace koe::search
