// koe-bench: in-process query latency, so the figures leave HTTP out.
//   koe-bench latency --db DIR --queries FILE --mode search|match [--runs N] [--warmup N]
// prints "p50_ms p99_ms mean_ms queries" on one line (after a warm-up pass).
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/index_builder.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/searcher.hpp"

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
  CLI11_PARSE(app, argc, argv);
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
    for (int pass = 0; pass < warmup + runs; ++pass) {
      for (const auto& q : lines) {
        const auto t0 = std::chrono::steady_clock::now();
        bool ok = false;
        if (mode == "search") {
          koe::search::SearchRequest r;
          r.query = q;
          ok = koe::search::search(analyzer, database, r).ok();
        } else {
          ok = koe::search::match(analyzer, database, {q, 5}).ok();
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
