// koe-desk-bench: the voice desk's store at scale, in process (no HTTP).
//   koe-desk-bench [--voices 100000] [--db FILE] [--chunk 1000] [--lists 50] [--stats 20]
//                  [--updates 500] [--mask-sample 500]
// Imports synthetic voices (plain inserts, no masking), then times filtered lists, statistics,
// example reads and single updates, and the masker on a sample; prints one line per figure.
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "koe/desk/accounts.hpp"
#include "koe/desk/dates.hpp"
#include "koe/desk/masking.hpp"
#include "koe/desk/voice_store.hpp"
#include "koe/indexer/analyzer.hpp"

namespace {

using namespace koe::desk;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// CPU time of this thread: on a shared machine the wall time includes the wait for a core.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct Timing {
  double wall = 0, cpu = 0;
};

template <class F>
Timing timed(F&& f) {
  const auto t0 = Clock::now();
  const double c0 = cpu_ms();
  f();
  return {ms_since(t0), cpu_ms() - c0};
}

struct Percentiles {
  double p50 = 0, p95 = 0, p99 = 0, max = 0;
};

Percentiles percentiles(std::vector<double> ms) {
  if (ms.empty()) return {};
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) {
    return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
  };
  return {at(0.50), at(0.95), at(0.99), ms.back()};
}

// Pieces of voices as citizens write them; combined at random they give varied texts whose
// words recur at realistic rates (a few common, many rare).
const std::vector<std::string> kTopics = {
    "ふるさと納税の返礼品", "市道の舗装",
    "公園の遊具",           "図書館の開館時間",
    "ごみの収集日",         "駅前の駐輪場",
    "子育て支援センター",   "学童保育の定員",
    "高齢者の見守り",       "バスの本数",
    "防災無線の音",         "市役所の窓口",
    "道路の街灯",           "保育園の入園",
    "市民プールの料金",     "公民館の予約",
    "歩道の段差",           "河川敷の草刈り",
    "観光案内の看板",       "地域猫の対策",
    "空き家の管理",         "コミュニティバスの路線",
    "市のホームページ",     "健康診断の案内",
};
const std::vector<std::string> kAsks = {
    "を改善してほしい。",         "について教えてください。",     "が不便です。",
    "を増やしてほしいです。",     "はいつ直りますか。",           "に困っています。",
    "をもっと周知してください。", "の予算を見直すべきだと思う。",
};
const std::vector<std::string> kDetails = {
    "毎朝通勤で使っていますが、", "子どもが小さいので",     "高齢の母と暮らしていて",   "雨の日は特に",
    "近所の人も同じ意見です。",   "以前にも要望しましたが", "他の市ではできているので", "夜になると暗くて危ないので",
};
const std::vector<std::string> kChannels = {"web", "web", "web", "email", "letter", "phone", "survey", "meeting"};
const std::vector<std::string> kConfidences = {"high", "medium", "low"};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"koe-desk-bench: the voice desk's store at scale"};
  std::size_t voices = 100000, chunk = 1000, lists = 50, stats_runs = 20, updates = 500, mask_sample = 500;
  std::string db;
  app.add_option("--voices", voices, "voices to import")->capture_default_str();
  app.add_option("--db", db, "database file (default: a temporary file, removed after)");
  app.add_option("--chunk", chunk, "voices per import transaction")->capture_default_str();
  app.add_option("--lists", lists, "rounds over the list queries")->capture_default_str();
  app.add_option("--stats", stats_runs, "statistics runs")->capture_default_str();
  app.add_option("--updates", updates, "single voice updates timed")->capture_default_str();
  app.add_option("--mask-sample", mask_sample, "texts masked with the real analyzer (0: skip)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const bool temporary = db.empty();
  if (temporary)
    db = (std::filesystem::temp_directory_path() / ("koe-desk-bench-" + std::to_string(getpid()) + ".db")).string();
  auto cleanup = [&] {
    if (!temporary) return;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  };
  try {
    StoreOptions options;
    options.mask = [](std::string_view t) { return std::string(t); };  // plain inserts: masking timed apart
    auto store = open_sqlite_store(db, options);

    std::mt19937_64 rng(20240401);
    auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[rng() % v.size()]; };
    constexpr int kDivisions = 60, kProjects = 300;
    auto division_of = [](int project) { return "課" + std::to_string(project % kDivisions); };
    std::vector<NewVoice> batch;
    batch.reserve(voices);
    for (std::size_t i = 0; i < voices; ++i) {
      NewVoice v;
      v.line = static_cast<int>(i + 2);
      v.external_id = "B-" + std::to_string(i);
      v.channel = pick(kChannels);
      v.received_at = add_days("2023-04-01", static_cast<int>(rng() % 730));
      v.text = pick(kDetails) + pick(kTopics) + pick(kAsks) +
               (rng() % 2 ? pick(kDetails) + pick(kTopics) + pick(kAsks) : "");
      Suggestion s;
      s.out_of_scope = rng() % 10 == 0;
      s.confidence = pick(kConfidences);
      for (int k = 0; k < 3; ++k) s.top_projects.push_back("p-" + std::to_string(rng() % kProjects));
      s.json = "{}";
      v.suggestion = s;
      // Half the voices arrive already handled, as a city's export of past years does.
      const int project = static_cast<int>(rng() % kProjects);
      switch (rng() % 8) {
        case 0:
          v.status = VoiceStatus::forwarded;
          break;
        case 1:
          v.status = VoiceStatus::confirmed;
          break;
        case 2:
        case 3:
          v.status = VoiceStatus::answered;
          v.answer = "ご意見ありがとうございました。";
          break;
        default:
          break;
      }
      if (v.status != VoiceStatus::received)
        v.route =
            Route::to_project("p-" + std::to_string(project), "事業" + std::to_string(project), division_of(project));
      batch.push_back(std::move(v));
    }
    std::vector<std::int64_t> ids;
    VoiceFilter one;
    one.limit = 1;
    const auto present = store->list_voices(one).value().total;
    if (present >= static_cast<std::int64_t>(voices)) {
      // A kept database (--db) is measured again without importing anew.
      std::printf("import\tskipped: %lld voices in %s\n", static_cast<long long>(present), db.c_str());
      for (std::int64_t id = 1; id <= present; ++id) ids.push_back(id);
    } else {
      ImportOptions io;
      io.chunk_size = chunk;
      koe::Result<ImportReport> imported = ImportReport{};
      const auto it = timed([&] { imported = store->add_voices(batch, io); });
      if (!imported.ok()) throw koe::Error(imported.status().message);
      ids = imported.value().ids;
      const double n = static_cast<double>(voices);
      std::printf(
          "import\t%zu voices\twall %.1f s = %.0f voices/s\tcpu %.1f s = %.0f voices/s\t(chunks of %zu, "
          "synchronous=FULL, no masking)\n",
          ids.size(), it.wall / 1000, 1000 * n / it.wall, it.cpu / 1000, 1000 * n / it.cpu, chunk);
    }
    std::printf("file\t%.1f MB\n", static_cast<double>(std::filesystem::file_size(db)) / 1e6);

    // The list queries a desk makes: each filter alone, some together, pages deep, words.
    std::vector<std::pair<std::string, std::function<VoiceFilter()>>> kinds = {
        {"all", [] { return VoiceFilter{}; }},
        {"status",
         [&] {
           VoiceFilter f;
           f.status = VoiceStatus::forwarded;
           return f;
         }},
        {"division",
         [&] {
           VoiceFilter f;
           f.division = division_of(static_cast<int>(rng() % kProjects));
           return f;
         }},
        {"project",
         [&] {
           VoiceFilter f;
           f.project_id = "p-" + std::to_string(rng() % kProjects);
           return f;
         }},
        {"confidence",
         [&] {
           VoiceFilter f;
           f.confidence = "low";
           return f;
         }},
        {"month",
         [&] {
           VoiceFilter f;
           f.from = add_days("2023-04-01", static_cast<int>(rng() % 700));
           f.to = add_days(f.from, 30);
           return f;
         }},
        {"scope+status",
         [&] {
           VoiceFilter f;
           f.scope.division = division_of(static_cast<int>(rng() % kProjects));
           f.status = VoiceStatus::answered;
           return f;
         }},
        {"status+month",
         [&] {
           VoiceFilter f;
           f.status = VoiceStatus::received;
           f.from = "2024-01-01";
           f.to = "2024-01-31";
           return f;
         }},
        {"deep page",
         [&] {
           VoiceFilter f;
           f.offset = 2000 + rng() % 3000;
           return f;
         }},
        {"q common",
         [&] {
           VoiceFilter f;
           f.q = "改善してほしい";
           return f;
         }},
        {"q topic",
         [&] {
           VoiceFilter f;
           f.q = pick(kTopics);
           return f;
         }},
        {"q two words",
         [&] {
           VoiceFilter f;
           f.q = "駐輪場 危ない";
           return f;
         }},
        {"q 2 chars",
         [&] {
           VoiceFilter f;
           f.q = "公園";
           return f;
         }},
        {"q none",
         [&] {
           VoiceFilter f;
           f.q = "存在しない言葉";
           return f;
         }},
        {"q+division",
         [&] {
           VoiceFilter f;
           f.q = "図書館";
           f.division = division_of(static_cast<int>(rng() % kProjects));
           return f;
         }},
    };
    std::vector<double> all_wall, all_cpu;
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> by_kind;
    for (std::size_t round = 0; round < lists + 1; ++round) {
      for (auto& [name, make] : kinds) {
        const auto f = make();
        koe::Result<VoiceList> r = VoiceList{};
        const auto t = timed([&] { r = store->list_voices(f); });
        if (!r.ok()) throw koe::Error(name + ": " + r.status().message);
        if (round == 0) continue;  // warm-up
        all_wall.push_back(t.wall);
        all_cpu.push_back(t.cpu);
        by_kind[name].first.push_back(t.wall);
        by_kind[name].second.push_back(t.cpu);
      }
    }
    auto p = percentiles(all_wall);
    auto c = percentiles(all_cpu);
    std::printf(
        "list\tall kinds\twall p50 %.2f p95 %.2f p99 %.2f max %.2f ms\tcpu p50 %.2f p95 %.2f p99 %.2f max %.2f ms"
        "\t(%zu queries)\n",
        p.p50, p.p95, p.p99, p.max, c.p50, c.p95, c.p99, c.max, all_wall.size());
    for (auto& [name, ms] : by_kind) {
      auto k = percentiles(ms.first);
      auto kc = percentiles(ms.second);
      std::printf("list\t%-14s\twall p50 %7.2f p99 %7.2f ms\tcpu p50 %6.2f p99 %6.2f ms\n", name.c_str(), k.p50, k.p99,
                  kc.p50, kc.p99);
    }

    std::vector<double> stats_wall, stats_cpu;
    for (std::size_t i = 0; i < stats_runs + 1; ++i) {
      StatsQuery q;
      q.today = "2025-04-01";
      if (i % 2) {
        q.from = "2024-04-01";
        q.to = "2025-03-31";
      }
      koe::Result<Stats> s = Stats{};
      const auto t = timed([&] { s = store->stats(q); });
      if (!s.ok()) throw koe::Error(s.status().message);
      if (i > 0) {
        stats_wall.push_back(t.wall);
        stats_cpu.push_back(t.cpu);
      }
    }
    p = percentiles(stats_wall);
    c = percentiles(stats_cpu);
    std::printf("stats\twall p50 %.1f max %.1f ms\tcpu p50 %.1f max %.1f ms\t(all voices and one year, %zu runs)\n",
                p.p50, p.max, c.p50, c.max, stats_wall.size());

    auto t0 = Clock::now();
    auto examples = store->confirmed_examples();
    std::printf("examples\t%zu\t%.1f ms\n", examples.ok() ? examples.value().size() : 0, ms_since(t0));
    const auto revision = store->revision().value();

    std::vector<double> update_ms;
    Actor clerk{"bench", Role::clerk, {}};
    for (std::size_t i = 0; i < updates; ++i) {
      const auto id = ids[rng() % ids.size()];
      auto v = store->get_voice(id, {}).value();
      VoiceChange c;
      c.note = "確認";
      t0 = Clock::now();
      auto r = store->update_voice(id, v.version, c, clerk);
      update_ms.push_back(ms_since(t0));
      if (!r.ok()) throw koe::Error(r.status().message);
    }
    p = percentiles(update_ms);
    std::printf("update\tp50 %.2f ms\tp99 %.2f ms\t(one transaction + fsync each)\n", p.p50, p.p99);
    t0 = Clock::now();
    auto since = store->examples_since(revision);
    std::printf("examples_since\t%zu changed\t%.1f ms\n",
                since.ok() ? since.value().upserted.size() + since.value().removed.size() : 0, ms_since(t0));

    {
      // The cost of a password hash (argon2id, interactive limits): what a login costs.
      Accounts accounts(open_sqlite_account_store(db, {}));
      std::vector<double> hash_wall, hash_cpu;
      for (int i = 0; i < 5; ++i) {
        const auto t = timed([&] {
          (void)accounts.add_user({"bench" + std::to_string(i), Role::clerk, {}, "a long enough password"});
        });
        hash_wall.push_back(t.wall);
        hash_cpu.push_back(t.cpu);
      }
      p = percentiles(hash_wall);
      c = percentiles(hash_cpu);
      std::printf("password hash\twall p50 %.0f ms\tcpu p50 %.0f ms\t(argon2id interactive, 64 MiB)\n", p.p50, c.p50);
    }

    if (mask_sample > 0) {
      koe::Analyzer analyzer(koe::default_analyzer_options());
      const auto mask = masker(analyzer);
      std::size_t bytes = 0;
      t0 = Clock::now();
      for (std::size_t i = 0; i < mask_sample && i < batch.size(); ++i) {
        bytes += batch[i].text.size();
        (void)mask(batch[i].text + " 連絡先は090-1234-5678、山田様まで");
      }
      const double ms = ms_since(t0);
      std::printf("mask\t%.0f voices/s\t(%zu texts of ~%zu bytes, one thread)\n",
                  1000.0 * static_cast<double>(mask_sample) / ms, mask_sample,
                  bytes / std::max<std::size_t>(1, mask_sample));
    }
  } catch (const std::exception& e) {
    std::cerr << "koe-desk-bench: " << e.what() << "\n";
    cleanup();
    return 1;
  }
  cleanup();
  return 0;
}
