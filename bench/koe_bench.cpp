// koe-bench: in-process query latency, so the figures leave HTTP out.
//   koe-bench latency --db DIR --queries FILE --mode search|match [--runs N] [--warmup N]
// prints "p50_ms p99_ms mean_ms queries" on one line (after a warm-up pass).
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/index_builder.hpp"
#include "koe/search/catalogue.hpp"
#include "koe/search/example_index.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/referral.hpp"
#include "koe/search/searcher.hpp"

namespace {

struct Labeled {
  std::string text, primary;
  std::vector<std::string> gold;
  bool in_scope = true;
};

struct Tally {
  double top1 = 0, recall3 = 0, in = 0, out = 0, oos_caught = 0, wrongly = 0, right = 0;
  void add(const Labeled& v, const koe::search::MatchResponse& m) {
    std::vector<std::string> names;
    for (const auto& p : m.matches) names.push_back(p.project.name);
    if (!v.in_scope) {
      ++out;
      if (m.out_of_scope) ++oos_caught, ++right;
      return;
    }
    ++in;
    if (!names.empty() && names[0] == v.primary) ++top1;
    double hit = 0;
    for (const auto& g : v.gold)
      if (const auto end = names.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(3, names.size()));
          std::find(names.begin(), end, g) != end)
        ++hit;
    recall3 += v.gold.empty() ? 0 : hit / static_cast<double>(v.gold.size());
    if (m.out_of_scope)
      ++wrongly;
    else if (!names.empty() && std::find(v.gold.begin(), v.gold.end(), names[0]) != v.gold.end())
      ++right;
  }
  void print(const char* label) const {
    std::printf(
        "%-15s top1 %.3f  recall@3 %.3f  oos_recall %.3f  wrongly_abstained %.3f  end_to_end %.3f  (%g in, %g out)\n",
        label, top1 / in, recall3 / in, out > 0 ? oos_caught / out : 0.0, wrongly / in, right / (in + out), in, out);
  }
};

/// k-fold: each voice is matched with the plans alone, then with the voices of the other
/// folds as confirmed examples (their primary project, or out of scope), never its own.
int run_kfold(const std::string& db_path, const std::string& voices_file, int folds,
              const koe::search::MatchOptions& options) {
  try {
    koe::Analyzer analyzer(koe::default_analyzer_options());
    Xapian::Database db = koe::open_index(db_path);
    const auto referrals = koe::search::ReferralTable::load(analyzer, koe::search::referrals_path(analyzer.options()));
    std::map<std::string, koe::search::ProjectSummary> by_name;
    for (const auto& p : koe::search::list_projects(db)) by_name[p.name] = p;
    std::vector<Labeled> voices;
    std::ifstream in(voices_file);
    if (!in) throw koe::Error(voices_file + ": cannot open");
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
      const auto j = nlohmann::json::parse(line);
      Labeled v;
      v.text = j["text"];
      v.in_scope = j.value("scope", "in") == "in";
      if (j.contains("primary") && j["primary"].is_string()) v.primary = j["primary"];
      for (const auto& g : j.value("gold", nlohmann::json::array())) v.gold.push_back(g);
      voices.push_back(std::move(v));
    }
    Tally plans_only, with_examples;
    for (int f = 0; f < folds; ++f) {
      koe::search::ExampleIndex examples(analyzer);
      for (std::size_t i = 0; i < voices.size(); ++i) {
        if (static_cast<int>(i % folds) == f) continue;
        const auto& v = voices[i];
        koe::search::Example e;
        e.id = static_cast<std::int64_t>(i);
        e.text = v.text;
        if (!v.in_scope)
          e.out_of_scope = true;
        else if (auto it = by_name.find(v.primary); it != by_name.end())
          e.project_id = it->second.id, e.project_name = it->second.name, e.division = it->second.division;
        else
          continue;
        examples.upsert(e);
      }
      for (std::size_t i = 0; i < voices.size(); ++i) {
        if (static_cast<int>(i % folds) != f) continue;
        for (bool learn : {false, true}) {
          koe::search::MatchSources sources{&referrals, learn ? &examples : nullptr};
          auto m = koe::search::match(analyzer, db, {voices[i].text, 5}, options, sources);
          if (!m.ok()) m = koe::search::MatchResponse{};
          (learn ? with_examples : plans_only).add(voices[i], m.value());
        }
      }
    }
    plans_only.print("plans only");
    with_examples.print("with examples");
  } catch (const std::exception& e) {
    std::cerr << "koe-bench: " << e.what() << "\n";
    return 1;
  } catch (const Xapian::Error& e) {
    std::cerr << "koe-bench: " << e.get_description() << "\n";
    return 1;
  }
  return 0;
}

/// The options of how a match ranks, which both latency (their cost) and kfold (their effect
/// on routing) measure.
void add_ranking_options(CLI::App& command, koe::search::MatchOptions& options) {
  command.add_option("--coverage-exponent", options.coverage_exponent)->capture_default_str();
  command.add_option("--coverage-projects", options.coverage_projects)->capture_default_str();
  command.add_option("--sections-considered", options.sections_considered)->capture_default_str();
  command.add_option("--words-considered", options.words_considered)->capture_default_str();
  command.add_option("--long-voice-sections", options.long_voice_sections)->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"koe-bench: in-process latency of search and match"};
  app.require_subcommand(1);
  std::string db, queries, mode = "search";
  int runs = 3, warmup = 1;
  auto* latency = app.add_subcommand("latency", "p50/p99 latency over a query file");
  latency->add_option("--db", db, "index directory")->required();
  latency->add_option("--queries", queries, "one query or voice per line")->required();
  latency->add_option("--mode", mode, "search or match")->check(CLI::IsMember({"search", "match"}));
  latency->add_option("--runs", runs, "passes over the file")->capture_default_str();
  latency->add_option("--warmup", warmup, "untimed passes first")->capture_default_str();
  std::string voices_file;
  int folds = 5;
  koe::search::MatchOptions options;
  std::string answers_file;
  latency->add_option("--answers", answers_file,
                      "match: write each voice's five projects (id, strength, scope) here, to compare settings");
  add_ranking_options(*latency, options);
  auto* kfold = app.add_subcommand("kfold", "Routing learnt from other folds' labeled voices, against none");
  kfold->add_option("--db", db, "index directory")->required();
  kfold->add_option("--voices", voices_file, "labeled voices (comments.jsonl: text, gold, primary, scope)")->required();
  kfold->add_option("--folds", folds, "folds (each voice is matched with the others' folds as examples)")
      ->capture_default_str();
  kfold->add_option("--example-weight", options.example_weight)->capture_default_str();
  kfold->add_option("--example-min-similarity", options.example_min_similarity)->capture_default_str();
  kfold->add_option("--example-full-similarity", options.example_full_similarity)->capture_default_str();
  kfold->add_option("--example-rescue", options.example_rescue)->capture_default_str();
  kfold->add_option("--example-out-of-scope", options.example_out_of_scope)->capture_default_str();
  kfold->add_option("--min-strength", options.min_strength)->capture_default_str();
  kfold->add_option("--min-evidence", options.min_evidence)->capture_default_str();
  kfold->add_option("--referral-max-strength", options.referral_max_strength)->capture_default_str();
  kfold->add_option("--referral-insistent", options.referral_insistent)->capture_default_str();
  add_ranking_options(*kfold, options);
  CLI11_PARSE(app, argc, argv);
  if (*kfold) return run_kfold(db, voices_file, folds, options);
  try {
    koe::Analyzer analyzer(koe::default_analyzer_options());
    Xapian::Database database = koe::open_index(db);
    std::ifstream in(queries);
    if (!in) throw koe::Error(queries + ": cannot open");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) lines.push_back(line);
    std::vector<double> ms;
    std::size_t failures = 0;
    if (!answers_file.empty()) {
      std::ofstream answers(answers_file);
      if (!answers) throw koe::Error(answers_file + ": cannot write");
      for (const auto& q : lines) {
        const auto m = koe::search::match(analyzer, database, {q, 5}, options);
        if (!m.ok()) continue;
        answers << (m.value().out_of_scope ? "out" : "in");
        for (const auto& pm : m.value().matches) answers << '\t' << pm.project.id << ' ' << pm.strength;
        answers << '\n';
      }
    }
    for (int pass = 0; pass < warmup + runs; ++pass) {
      for (const auto& q : lines) {
        const auto t0 = std::chrono::steady_clock::now();
        bool ok = false;
        if (mode == "search") {
          koe::search::SearchRequest r;
          r.query = q;
          ok = koe::search::search(analyzer, database, r).ok();
        } else {
          ok = koe::search::match(analyzer, database, {q, 5}, options).ok();
        }
        const double elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (pass >= warmup) {
          ms.push_back(elapsed);
          if (!ok) ++failures;
        }
      }
    }
    if (ms.empty()) throw koe::Error(queries + ": no queries");
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) {
      return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
    };
    double sum = 0;
    for (double v : ms) sum += v;
    std::printf("%.3f %.3f %.3f %zu\n", pct(0.50), pct(0.99), sum / static_cast<double>(ms.size()), ms.size());
    if (failures) std::fprintf(stderr, "koe-bench: %zu queries were refused (e.g. nothing searchable)\n", failures);
  } catch (const std::exception& e) {
    std::cerr << "koe-bench: " << e.what() << "\n";
    return 1;
  } catch (const Xapian::Error& e) {
    std::cerr << "koe-bench: " << e.get_description() << "\n";
    return 1;
  }
  return 0;
}
