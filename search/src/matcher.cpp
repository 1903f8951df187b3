#include "koe/search/matcher.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/schema.hpp"
#include "koe/indexer/utf8.hpp"
#include "koe/search/highlighter.hpp"
#include "koe/search/kana_readings.hpp"
#include "koe/search/limits.hpp"
#include "koe/search/query_builder.hpp"
#include "koe/search/reading_table.hpp"
#include "koe/search/section_facts.hpp"

namespace koe::search {
namespace {

using Xapian::Query;

/// How many sections hold a term: for the voice's query terms from the statistics the match
/// gathered, without reading the index again (a lookup is a block read each, bench/README.md
/// "Reads per request"); for any other term from the index.
class TermStats {
 public:
  TermStats(const Xapian::Database& db, const Xapian::MSet& mset)
      : mset_(mset), sections_(static_cast<double>(db.get_doccount())) {}

  double freq(const std::string& term) const { return mset_.get_termfreq(term); }

  /// Inverse document frequency over project sections, the unit evidence is counted in.
  double idf(const std::string& term) const {
    const double df = freq(term);
    if (df <= 0 || sections_ <= 0) return 0;
    return std::log((sections_ + 1) / df);
  }

  /// The same with a term no section holds counted as held by one: the most specific.
  double idf_at_least_one(const std::string& term) const {
    return std::log((std::max(sections_, 1.0) + 1) / std::max(freq(term), 1.0));
  }

 private:
  const Xapian::MSet& mset_;
  double sections_;
};

Status validate(const MatchRequest& request, const MatchOptions& options) {
  if (Status s = check_count("limit", request.limit, kMatchLimitRange); !s.ok()) return s;
  if (request.text.size() > options.max_text_bytes)
    return Status::too_large("payload_too_large", "text is " + std::to_string(request.text.size()) +
                                                      " bytes; the limit is " + std::to_string(options.max_text_bytes));
  if (request.text.find_first_not_of(" \t\r\n") == std::string::npos)
    return Status::invalid("empty_text", "\"text\" is empty: paste the voice to route");
  if (auto bad = utf8::find_invalid(request.text))
    return Status::invalid("invalid_utf8", "text is not valid UTF-8 (byte offset " + std::to_string(*bad) + ")");
  return {};
}

/// Sections found by a first pass, as a posting list for the second: filtered by it, each of
/// the voice's words skips its postings to these sections instead of walking them all.
class SectionsFound : public Xapian::PostingSource {
 public:
  explicit SectionsFound(std::vector<Xapian::docid> docids) : docids_(std::move(docids)) {
    std::sort(docids_.begin(), docids_.end());
  }

  Xapian::doccount get_termfreq_min() const override { return static_cast<Xapian::doccount>(docids_.size()); }
  Xapian::doccount get_termfreq_est() const override { return get_termfreq_min(); }
  Xapian::doccount get_termfreq_max() const override { return get_termfreq_min(); }
  void init(const Xapian::Database&) override { next_ = kBeforeFirst; }
  void next(double) override { next_ = next_ == kBeforeFirst ? 0 : next_ + 1; }
  void skip_to(Xapian::docid docid, double) override {
    const std::size_t from = next_ == kBeforeFirst ? 0 : next_;
    next_ = static_cast<std::size_t>(
        std::lower_bound(docids_.begin() + static_cast<std::ptrdiff_t>(from), docids_.end(), docid) - docids_.begin());
  }
  bool at_end() const override { return next_ != kBeforeFirst && next_ >= docids_.size(); }
  Xapian::docid get_docid() const override { return docids_[next_]; }
  Xapian::PostingSource* clone() const override { return new SectionsFound(docids_); }

 private:
  static constexpr std::size_t kBeforeFirst = static_cast<std::size_t>(-1);
  std::vector<Xapian::docid> docids_;
  std::size_t next_ = kBeforeFirst;
};

/// The voice's best project sections (every section is of a project or of its department, and
/// leaving out the few department ones costs less than checking the many project ones).
///
/// In a large index, a voice of more than options.words_considered words (each with its
/// synonyms and readings) finds candidates by its strongest words first, Xapian's elite set:
/// the everyday words of a long letter (思う, 場合, 市民) would each walk postings through much
/// of the index for little weight. Every word is then weighed on those candidates alone, so
/// each section's score, and the strength scope is decided on, is what all the words give it.
Xapian::MSet best_sections(const Xapian::Database& db, Xapian::Enquire& enquire, const Query& voice,
                           const MatchOptions& options) {
  const Query department(schema::term(schema::kLevel, "department"));
  const auto wanted = static_cast<Xapian::doccount>(options.sections_considered);
  const std::size_t words = voice.get_type() == Query::OP_OR ? voice.get_num_subqueries() : 1;
  if (words <= options.words_considered || db.get_doccount() < options.long_voice_sections) {
    enquire.set_query(Query(Query::OP_AND_NOT, voice, department));
    return enquire.get_mset(0, wanted);
  }
  std::vector<Query> each;
  each.reserve(words);
  for (std::size_t k = 0; k < words; ++k) each.push_back(voice.get_subquery(k));
  const Query strongest(Query::OP_ELITE_SET, each.begin(), each.end(),
                        static_cast<Xapian::termcount>(options.words_considered));
  enquire.set_query(Query(Query::OP_AND_NOT, strongest, department));
  // Eight candidates for each section kept, since all the words may order them otherwise: at
  // 100k sections the benchmark's voices then find the same best project as with all their
  // words (100 of 100; 97 with twice as many), for a quarter less time.
  const Xapian::MSet candidates = enquire.get_mset(0, 8 * wanted);
  std::vector<Xapian::docid> found;
  found.reserve(candidates.size());
  for (auto it = candidates.begin(); it != candidates.end(); ++it) found.push_back(*it);
  // Released to the query, which owns it from here: the enquire keeps the query after this returns.
  auto* among = new SectionsFound(std::move(found));
  enquire.set_query(Query(Query::OP_FILTER, voice, Query(among->release())));
  return enquire.get_mset(0, wanted);
}

/// A matching section, weighted by how much its kind says about a voice's project.
struct SectionHit {
  Xapian::MSetIterator it;
  double weight;
};

/// A project with its matching sections, best first, and its score from them.
struct RankedProject {
  std::string id;
  std::vector<SectionHit> hits;
  double score = 0;               ///< from the plans' sections: scope and strength are decided on it
  double rank = 0;                ///< the plans' order: the score weighed by how much of the voice the project explains
  double votes = 0;               ///< share of the examples' votes
  std::set<std::string> matched;  ///< the voice's query terms its matching sections hold…
  bool gathered = false;          ///< …once gathered (gather_terms)
};

/// What the nearest confirmed voices say: votes per project and for out of scope (shares of
/// all votes), and how much they weigh against the plans (0 without examples).
struct ExampleVotes {
  std::vector<SimilarExample> nearest;
  std::map<std::string, double> for_project;
  double out_of_scope = 0;
  double weight = 0;       ///< how much the votes weigh on scope
  double rank_weight = 0;  ///< … and on the ranking: fully only from a near-duplicate
};

ExampleVotes example_votes(const MatchSources& sources, const MatchOptions& options, const Analysis& voice) {
  ExampleVotes v;
  if (!sources.examples) return v;
  v.nearest = sources.examples->nearest(voice, std::max(options.example_neighbours, options.similar_shown));
  double total = 0;
  for (std::size_t k = 0; k < v.nearest.size() && k < options.example_neighbours; ++k) {
    const auto& n = v.nearest[k];
    if (n.similarity < options.example_min_similarity) break;
    // Only what is alike beyond the shared everyday words of any two voices counts.
    const double beyond = (n.similarity - options.example_min_similarity) / (1 - options.example_min_similarity);
    const double w = beyond * beyond;
    if (n.example.out_of_scope)
      v.out_of_scope += w;
    else if (!n.example.project_id.empty())
      v.for_project[n.example.project_id] += w;
    else
      continue;  // a 課-only route votes for no project
    total += w;
  }
  if (total <= 0) return v;
  for (auto& [pid, w] : v.for_project) w /= total;
  v.out_of_scope /= total;
  const double nearest = v.nearest.front().similarity - options.example_min_similarity;
  v.weight = options.example_weight *
             std::min(1.0, nearest / (options.example_full_similarity - options.example_min_similarity));
  v.rank_weight =
      options.example_weight * std::min(1.0, nearest / (options.duplicate_similarity - options.example_min_similarity));
  return v;
}

/// Reorders the plans' ranking by the nearest voices' votes; a project only the examples name
/// joins with its votes alone.
void blend_votes(const ExampleVotes& v, std::vector<RankedProject>& ranked) {
  if (v.rank_weight <= 0 || v.for_project.empty()) return;
  for (const auto& vote : v.for_project) {
    const std::string& pid = vote.first;
    if (std::none_of(ranked.begin(), ranked.end(), [&](const auto& r) { return r.id == pid; }))
      ranked.push_back({pid, {}, 0, 0, 0, {}, false});
  }
  // On the scale of the plans' best project: weakly alike voices lift a project close to it;
  // a near-duplicate's route wins, as the clerk decided it.
  double plans_best = 0;
  for (const auto& r : ranked) plans_best = std::max(plans_best, r.rank);
  std::map<std::string, double> combined;
  for (auto& r : ranked) {
    const auto vote = v.for_project.find(r.id);
    r.votes = vote == v.for_project.end() ? 0 : vote->second;
    combined[r.id] = (1 - v.rank_weight) * (plans_best > 0 ? r.rank / plans_best : 0) + v.rank_weight * r.votes;
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](const auto& a, const auto& b) { return combined[a.id] > combined[b.id]; });
}

/// The first `limit` projects; the plans' best stays among them (in the last place kept, when
/// like voices lifted others over it), since scope is decided on it.
void truncate_keeping_plans_best(std::vector<RankedProject>& ranked, std::size_t limit) {
  if (ranked.size() <= limit || limit == 0) return;
  const auto plans_best =
      std::max_element(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.score < b.score; });
  if (plans_best - ranked.begin() >= static_cast<std::ptrdiff_t>(limit)) std::swap(ranked[limit - 1], *plans_best);
  ranked.resize(limit);
}

/// The examples' say on scope: a voice the plans find out of scope stays in scope when the
/// examples vote strongly for its best project, and the other way round.
void apply_example_scope(const ExampleVotes& v, const MatchOptions& options, MatchResponse& resp) {
  if (v.weight <= 0 || resp.matches.empty()) return;
  auto& best = resp.matches.front();
  if (resp.out_of_scope && v.weight * best.votes >= options.example_rescue) {
    resp.out_of_scope = false;
    best.confidence = "low";  // kept in scope by like voices alone: a clerk should look
  } else if (!resp.out_of_scope && v.weight * v.out_of_scope >= options.example_out_of_scope) {
    resp.out_of_scope = true;
    for (auto& pm : resp.matches) pm.confidence = "low";
  }
}

std::vector<SimilarVoice> similar_voices(const ExampleVotes& v, const MatchOptions& options) {
  std::vector<SimilarVoice> out;
  for (const auto& n : v.nearest) {
    if (out.size() >= options.similar_shown || n.similarity < options.example_min_similarity) break;
    out.push_back({n.example, n.similarity, n.similarity >= options.duplicate_similarity});
  }
  return out;
}

/// Projects ranked from each section's project and kind alone (held in memory per index
/// revision): a section's stored record is parsed only for the projects returned.
std::vector<RankedProject> rank_projects(const Xapian::MSet& mset, const SectionFacts& facts) {
  std::map<std::string, std::vector<SectionHit>> by_project;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const SectionFacts::Section s = facts.section(*it);
    if (s.owner == SectionFacts::kNoOwner) continue;
    const std::string& pid = facts.owners()[s.owner].project_id;
    if (pid.empty()) continue;
    const auto kind = parse_kind(facts.kinds()[s.kind]).value_or(SectionKind::title);
    by_project[pid].push_back({it, it.get_weight() * schema::kind_weight(kind)});
  }
  std::vector<RankedProject> ranked;
  for (auto& [pid, hits] : by_project) {
    std::stable_sort(hits.begin(), hits.end(), [](auto& a, auto& b) { return a.weight > b.weight; });
    // The best section counts fully and the next two add diminishing support: a voice about
    // a project tends to touch several of its sections.
    static constexpr double kDecay[] = {1.0, 0.5, 0.25};
    RankedProject r{pid, std::move(hits), 0, 0, 0, {}, false};
    for (std::size_t k = 0; k < r.hits.size() && k < 3; ++k) r.score += kDecay[k] * r.hits[k].weight;
    ranked.push_back(std::move(r));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) { return a.score > b.score; });
  return ranked;
}

/// How much of what the voice writes about a project explains: each of the voice's nouns
/// weighs its idf in the index (a noun no section holds, 年金 or 信号機, the most) times how
/// often the voice writes it (a word it comes back to is what it is about), and counts as
/// explained when the project holds it or a word standing for it.
double coverage(const TermStats& stats, const VoiceQuery& vq, const std::set<std::string>& matched) {
  double total = 0, explained = 0;
  for (const auto& noun : vq.nouns) {
    const double weight = stats.idf_at_least_one(noun.text) * noun.count;
    total += weight;
    if (std::any_of(noun.terms.begin(), noun.terms.end(), [&](const std::string& t) { return matched.count(t) > 0; }))
      explained += weight;
  }
  return total > 0 ? explained / total : 1.0;
}

/// The query's terms, each once and sorted as a termlist is, less boolean filter terms (not
/// evidence): collected once per voice. Enquire::get_matching_terms collects and sorts them
/// again for every section it is asked about.
std::vector<std::string> evidence_candidates(const Query& query) {
  std::vector<std::string> terms;
  for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t)
    if (!(*t).starts_with("X")) terms.push_back(*t);
  return terms;
}

/// Adds the candidates (sorted) that section `docid` holds: its termlist and the candidates
/// walked together, each skipping ahead to the other.
void add_terms_held(const Xapian::Database& db, Xapian::docid docid, const std::vector<std::string>& candidates,
                    std::set<std::string>& into) {
  auto held = db.termlist_begin(docid);
  const auto end = db.termlist_end(docid);
  auto wanted = candidates.begin();
  while (wanted != candidates.end()) {
    held.skip_to(*wanted);
    if (held == end) return;
    std::string term = *held;
    if (term == *wanted) {
      into.insert(std::move(term));
      ++wanted;
    } else {
      wanted = std::lower_bound(wanted, candidates.end(), term);
    }
  }
}

/// The voice's query terms a project's matching sections hold (read from their termlists once).
void gather_terms(const Xapian::Database& db, const std::vector<std::string>& candidates, RankedProject& r) {
  if (r.gathered) return;
  for (const auto& h : r.hits) add_terms_held(db, *h.it, candidates, r.matched);
  r.gathered = true;
}

/// Orders the best projects by their score weighed by how much of the voice they explain: a
/// project that holds one rare word of a voice (ひとり暮らし, said of the writer) yields to one
/// that holds what it is about (広報). The weight is gentle (coverage^0.25 spans 0.56–1 for
/// coverage 0.1–1), so it settles close calls and leaves clear leads alone. Only the first
/// options.coverage_projects by score are reordered (each costs its sections' termlists); the
/// others follow in score order, weighed by the smallest weight given, which keeps them below.
void order_by_coverage(const Xapian::Database& db, const std::vector<std::string>& candidates, const TermStats& stats,
                       const VoiceQuery& vq, const MatchOptions& options, std::vector<RankedProject>& ranked) {
  double lowest = 1;
  for (std::size_t k = 0; k < ranked.size(); ++k) {
    auto& r = ranked[k];
    if (k < options.coverage_projects) {
      gather_terms(db, candidates, r);
      const double weight = std::pow(coverage(stats, vq, r.matched), options.coverage_exponent);
      lowest = std::min(lowest, weight);
      r.rank = r.score * weight;
    } else {
      r.rank = r.score * lowest;  // below every reordered one: its score and weight are no higher
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) { return a.rank > b.rank; });
}

/// The voice's words found in a project, its evidence (how specific those words are), and its
/// best three sections, whose records name the project.
ProjectMatch gather_evidence(const Xapian::Database& db, const std::vector<std::string>& candidates,
                             const TermStats& stats, const VoiceQuery& vq, double scale, RankedProject& r) {
  ProjectMatch pm;
  pm.score = r.rank;
  pm.strength = r.score / scale;
  gather_terms(db, candidates, r);
  const std::set<std::string>& matched = r.matched;
  pm.coverage = coverage(stats, vq, matched);
  std::set<std::string> shown;
  for (const auto& t : matched) {
    std::string d = display_term(t);
    if (shown.insert(d).second && vq.evidence_terms.count(t)) pm.evidence += stats.idf(t);
  }
  // A word inside a longer one shown beside it (返礼 in 返礼品, 者 in 理事者) says nothing more.
  for (const auto& d : shown) {
    const bool inside = std::any_of(shown.begin(), shown.end(), [&](const std::string& o) {
      return o.size() > d.size() && o.find(d) != std::string::npos;
    });
    if (!inside && (utf8::length(d) >= 2 || d.size() >= 2)) pm.terms.push_back(d);
  }
  // Rarest first: the words that say most about why this project.
  std::map<std::string, double> freq;
  for (const auto& t : pm.terms) freq[t] = stats.freq(t);
  std::stable_sort(pm.terms.begin(), pm.terms.end(),
                   [&](const std::string& a, const std::string& b) { return freq[a] < freq[b]; });
  for (std::size_t k = 0; k < r.hits.size() && k < 3; ++k) {
    const Xapian::Document doc = r.hits[k].it.get_document();
    MatchedSection section{stored_record(doc), r.hits[k].weight, {}};
    section.snippet = make_snippet(doc, section.section.text, vq.terms);
    pm.sections.push_back(std::move(section));
  }
  // A project only the examples voted for matched no section: the catalogue names it.
  if (!pm.sections.empty())
    pm.project = project_of(pm.sections.front().section);
  else if (auto p = find_project(db, r.id))
    pm.project = *p;
  pm.votes = r.votes;
  return pm;
}

/// Out of scope unless the best project is strong enough and holds specific words of the
/// voice; confidence from strength and the lead over the runner-up.
void decide_confidence(const MatchOptions& options, double scale, double lead, MatchResponse& resp) {
  auto& ranked = resp.matches;
  for (auto& pm : ranked) pm.evidence /= scale;
  if (ranked.empty()) return;
  // Scope is the plans' call, on their best project: like voices may reorder the ranking
  // (apply_example_scope gives them their own say on scope).
  const auto& plans_best = *std::max_element(ranked.begin(), ranked.end(),
                                             [](const auto& a, const auto& b) { return a.strength < b.strength; });
  resp.out_of_scope = plans_best.strength < options.min_strength || plans_best.evidence < options.min_evidence;
  for (std::size_t k = 0; k < ranked.size(); ++k) {
    auto& pm = ranked[k];
    const bool plausible = pm.strength >= options.min_strength && pm.evidence >= options.min_evidence;
    if (resp.out_of_scope || !plausible)
      pm.confidence = "low";
    else if (k == 0 && pm.strength >= options.high_strength && lead >= options.clear_lead)
      pm.confidence = "high";
    else if (pm.strength >= options.medium_strength && (k > 0 || lead >= options.some_lead))
      pm.confidence = "medium";
    else
      pm.confidence = "low";
  }
}

/// Names the body an out-of-scope voice belongs to; a voice that names another body and
/// whose best project is weak is out of scope too.
void refer_elsewhere(const MatchSources& sources, const MatchOptions& options, const Analysis& voice,
                     MatchResponse& resp) {
  if (!sources.referrals) return;
  auto referral = sources.referrals->refer(voice);
  if (!referral) return;
  double strongest = 0;
  for (const auto& pm : resp.matches) strongest = std::max(strongest, pm.strength);
  const bool weak = strongest < options.referral_max_strength || referral->mentions >= options.referral_insistent;
  if (!resp.out_of_scope && !weak) return;
  resp.out_of_scope = true;
  for (auto& pm : resp.matches) pm.confidence = "low";
  resp.referral = std::move(referral);
}

}  // namespace

Result<MatchResponse> match(const Analyzer& analyzer, const Xapian::Database& db, const MatchRequest& request,
                            const MatchOptions& options, const MatchSources& sources) {
  if (Status s = validate(request, options); !s.ok()) return s;
  const Analysis analysis = analyzer.analyze(request.text);
  const auto readings = ReadingTable::of(db);
  VoiceQuery vq = voice_query(analyzer, *readings, analysis);
  // A voice in hiragana may hold no word MeCab could read, yet spell the plans' words.
  add_kana_readings(analyzer, *readings, analysis, vq);
  if (vq.query.empty()) return nothing_to_match();

  Xapian::Enquire enquire(db);
  const Xapian::MSet mset = best_sections(db, enquire, vq.query, options);

  std::vector<RankedProject> ranked = rank_projects(mset, *SectionFacts::of(db));
  const TermStats stats(db, mset);
  const std::vector<std::string> candidates = evidence_candidates(enquire.get_query());
  order_by_coverage(db, candidates, stats, vq, options, ranked);
  const ExampleVotes votes = example_votes(sources, options, analysis);
  blend_votes(votes, ranked);
  const double lead = ranked.size() > 1 && ranked[1].rank > 0 ? ranked[0].rank / ranked[1].rank : 1e9;
  truncate_keeping_plans_best(ranked, static_cast<std::size_t>(request.limit));

  MatchResponse resp;
  resp.content_terms = vq.content_terms;
  const double scale = std::log(1.0 + db.get_doccount());
  for (auto& r : ranked) resp.matches.push_back(gather_evidence(db, candidates, stats, vq, scale, r));
  decide_confidence(options, scale, lead, resp);
  apply_example_scope(votes, options, resp);
  refer_elsewhere(sources, options, analysis, resp);
  resp.similar = similar_voices(votes, options);
  return resp;
}

}  // namespace koe::search
