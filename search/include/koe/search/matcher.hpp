/// @file matcher.hpp
/// @brief Voice matching: which projects a citizen's voice concerns, which 課 should handle
/// it, how sure koe is, and whether it concerns none of the plans.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/section_record.hpp"
#include "koe/search/catalogue.hpp"
#include "koe/search/example_index.hpp"
#include "koe/search/referral.hpp"

namespace koe::search {

/// The calibrated constants of the routing rule (README.md, "How koe routes a voice"). Scores
/// and evidence are divided by ln(1 + sections in the index), the scale of an idf, so the
/// thresholds keep their meaning as the corpus grows.
struct MatchOptions {
  /// The best sections aggregated into projects. 50 ranked every labeled voice as 100 did,
  /// for about 10 % less time per match at 10k sections.
  std::size_t sections_considered = 50;
  /// In an index of at least long_voice_sections sections, a voice of more words than
  /// words_considered (each with its synonyms and readings) finds candidate sections by its
  /// strongest words, then all its words weigh those. 20 ranked and scored every labeled voice
  /// as all its words did (10 moved one). A match at 100k sections takes a quarter less; at
  /// 10k the two passes cost more than they save.
  std::size_t words_considered = 20;
  std::size_t long_voice_sections = 50000;
  /// The plans' order weighs each project's score by its coverage (the share of the voice's
  /// nouns it holds) to this power; scope and strength stay on the score alone.
  double coverage_exponent = 0.25;
  /// …for this many projects, the best by score: the others follow them in score order.
  /// Reading every matching project's termlists made a match at 1k sections twice as slow.
  std::size_t coverage_projects = 10;
  /// In scope only when the best project's strength (its score over ln(1+N)) reaches this…
  double min_strength = 1.5;
  /// …and the specific words found in it (summed idf of its matched nouns, over ln(1+N))
  /// reach this.
  double min_evidence = 0.35;
  double high_strength = 4.5;    ///< high confidence: this strong and a clear lead
  double medium_strength = 2.5;  ///< medium confidence: this strong and some lead
  double clear_lead = 1.5;       ///< best over runner-up score for high confidence
  double some_lead = 1.2;        ///< … for medium
  /// A voice whose words name another body (the referral table) is out of scope unless its
  /// best project is at least this strong: 国道16号 is in a plan's context, not its work.
  double referral_max_strength = 5;
  /// …or whatever its strength, when it mentions the body's matters this often (Referral::
  /// mentions: 水道料金 twice, or 保険証 and 資格確認書): it is about them, not the project.
  double referral_insistent = 2;

  // Learning from the desk (README, "How koe routes a voice"): the nearest confirmed voices
  // vote for their projects (or for out of scope), each by its similarity squared.
  std::size_t example_neighbours = 10;
  double example_min_similarity = 0.25;  ///< less alike than this: no vote (every two voices share some words)
  double example_weight = 0.7;           ///< the most the votes weigh against the plans' evidence
  /// The nearest this alike: the votes weigh example_weight on scope. On the ranking they
  /// weigh it only from duplicate_similarity on, less in proportion below.
  double example_full_similarity = 0.5;
  /// Votes this strong for the best project keep an otherwise out-of-scope voice in scope…
  double example_rescue = 0.25;
  /// …and votes this strong for out of scope make an in-scope one out of scope.
  double example_out_of_scope = 0.3;
  double duplicate_similarity = 0.8;  ///< a past voice this alike is marked a duplicate
  std::size_t similar_shown = 5;
  std::size_t max_text_bytes = 64 * 1024;
};

/// What routing consults besides the plan index, loaded once by the caller and shared.
struct MatchSources {
  /// Other bodies (年金事務所, 警察署 …) an out-of-scope voice belongs to.
  const ReferralTable* referrals = nullptr;
  /// Voices clerks routed (the desk's confirmed voices): the nearest vote with the plans.
  const ExampleIndex* examples = nullptr;
};

struct MatchRequest {
  std::string text;
  std::int64_t limit = 5;  ///< projects returned, within kMatchLimitRange
};

struct MatchedSection {
  SectionRecord section;
  double score = 0;
  std::string snippet;
};

struct ProjectMatch {
  ProjectSummary project;
  double score = 0;     ///< what projects are ordered by: the plans' score × coverage^coverage_exponent
  double strength = 0;  ///< the plans' score (before coverage) / ln(1 + N)
  double evidence = 0;  ///< summed idf of the voice's nouns found here / ln(1 + N)
  /// The share of the voice's own nouns (weighted by idf; a noun no plan uses weighs most)
  /// that this project holds: low when the voice is mostly about something else.
  double coverage = 0;
  std::string confidence;  ///< high, medium, low
  std::vector<MatchedSection> sections;
  std::vector<std::string> terms;  ///< voice words found in the project, rarest first
  double votes = 0;                ///< share of the nearest confirmed voices' votes for this project (0..1)
};

/// A past voice like this one, and how it was handled.
struct SimilarVoice {
  Example example;
  double similarity = 0;
  bool duplicate = false;  ///< so alike it is likely the same matter sent again
};

struct MatchResponse {
  bool out_of_scope = true;
  std::vector<ProjectMatch> matches;
  /// The body an out-of-scope voice belongs to, when the referral table names one.
  std::optional<Referral> referral;
  /// The most alike past voices a clerk routed (with examples only), most alike first.
  std::vector<SimilarVoice> similar;
  std::size_t content_terms = 0;

  /// The best project when the voice is in scope, else nullptr: where the voice goes.
  const ProjectMatch* route() const { return out_of_scope || matches.empty() ? nullptr : &matches.front(); }
};

/// Routes one voice. Status 400 `limit_out_of_range`, `empty_text`, `invalid_utf8` or
/// `bad_request` (nothing to match), 413 `payload_too_large` over options.max_text_bytes.
Result<MatchResponse> match(const Analyzer& analyzer, const Xapian::Database& db, const MatchRequest& request,
                            const MatchOptions& options = {}, const MatchSources& sources = {});

}  // namespace koe::search
