#include "commands.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "koe/api/server.hpp"
#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/corpus.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/section_record.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/related.hpp"
#include "koe/search/router.hpp"
#include "koe/search/searcher.hpp"

namespace koe::cli {
namespace {

int g_exit = 0;

struct Common {
  std::string dicdir;
  std::string dictionaries;
};

AnalyzerOptions analyzer_options(const Common& c) {
  auto o = default_analyzer_options();
  if (!c.dicdir.empty()) o.dicdir = c.dicdir;
  if (!c.dictionaries.empty()) o.dictionaries = c.dictionaries;
  return o;
}

void add_analyzer_flags(CLI::App* cmd, Common& c) {
  cmd->add_option("--dicdir", c.dicdir, "MeCab system dictionary directory")->envname("KOE_DICDIR");
  cmd->add_option("--dictionaries", c.dictionaries, "koe's compiled dictionaries/ directory")->envname("KOE_DICTIONARIES");
}

/// A progress bar on stderr when it is a terminal: "[####   ] 1200/5000 sections".
std::function<void(std::size_t, std::size_t)> progress_bar(const char* noun, std::size_t min_total, std::size_t every) {
  if (!isatty(STDERR_FILENO)) return {};
  return [noun, min_total, every](std::size_t done, std::size_t total) {
    if (total < min_total || (done % every != 0 && done != total)) return;
    const int width = 40;
    const int filled = static_cast<int>(width * done / std::max<std::size_t>(total, 1));
    std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << done << "/" << total
              << " " << noun << (done == total ? "\n" : "") << std::flush;
  };
}

/// Runs a command body, turning koe's errors into a message on stderr and exit code 1.
template <class F>
void guarded(F&& body) {
  try {
    body();
  } catch (const Error& e) {
    std::cerr << "koe: " << e.what() << "\n";
    g_exit = 1;
  } catch (const Xapian::Error& e) {
    std::cerr << "koe: index error: " << e.get_description() << "\n";
    g_exit = 1;
  }
}

std::vector<std::filesystem::path> as_paths(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

void register_corpus(CLI::App& app) {
  auto* corpus = app.add_subcommand("corpus", "Read plan documents: dump their sections or check them");
  corpus->require_subcommand(1);

  static std::vector<std::string> dump_paths{"corpus"};
  auto* dump = corpus->add_subcommand("dump", "Print one JSON object per section, one per line");
  dump->add_option("PATH", dump_paths, "plan documents (*.tsv) or directories")->capture_default_str();
  dump->callback([] {
    guarded([] {
      auto load = load_corpus(as_paths(dump_paths));
      for (const auto& doc : load.documents)
        for (const auto& r : section_records(doc.department)) {
          auto j = r.to_json();
          nlohmann::json out{{"department", j["department"]}, {"project_id", j["project_id"]},
                             {"project", j["project"]},       {"division", j["division"]},
                             {"kind", j["kind"]},             {"label", j["label"]},
                             {"text", j["text"]},             {"items", j["items"]},
                             {"source", j["source"]}};
          std::cout << out.dump() << "\n";
        }
      for (const auto& e : load.errors) std::cerr << "koe: " << e << "\n";
      if (!load.errors.empty()) g_exit = 1;
    });
  });

  static std::vector<std::string> check_paths{"corpus"};
  auto* check = corpus->add_subcommand("check", "Summarize each document (projects, sections, warnings); exit 1 on errors");
  check->add_option("PATH", check_paths, "plan documents (*.tsv) or directories")->capture_default_str();
  check->callback([] {
    guarded([] {
      const auto files = find_plan_files(as_paths(check_paths));
      std::size_t errors = 0;
      for (const auto& f : files) {
        try {
          auto doc = parse_plan_file(f);
          const auto& d = doc.department;
          std::cout << f.string() << ": " << d.name << " (id " << d.doc_id
                    << (d.fiscal_year.empty() ? "" : ", fiscal year " + d.fiscal_year) << "): " << d.projects.size()
                    << " projects, " << section_records(d).size() << " sections, " << doc.warnings.size()
                    << " warnings\n";
          for (const auto& w : doc.warnings) std::cout << "  warning: " << w.file << ":" << w.line << ": " << w.message << "\n";
        } catch (const Error& e) {
          ++errors;
          std::cout << "  error: " << e.what() << "\n";
        }
      }
      if (files.empty()) {
        std::cout << "no plan documents (*.tsv) found\n";
        g_exit = 1;
      }
      std::cout << files.size() << " documents, " << errors << " with errors\n";
      if (errors) g_exit = 1;
    });
  });
}

void register_analyze(CLI::App& app) {
  static Common common;
  static bool json = false;
  static std::string text;
  auto* cmd = app.add_subcommand("analyze", "Show how koe normalizes and splits a text into terms");
  cmd->add_flag("--json", json, "print JSON");
  cmd->add_option("TEXT", text, "text to analyze; - reads standard input")->required();
  add_analyzer_flags(cmd, common);
  cmd->callback([] {
    guarded([] {
      std::string input = text;
      if (input == "-") {
        std::ostringstream buf;
        buf << std::cin.rdbuf();
        input = buf.str();
      }
      Analyzer analyzer(analyzer_options(common));
      const auto a = analyzer.analyze(input);
      if (json) {
        nlohmann::json terms = nlohmann::json::array();
        for (const auto& t : a.terms)
          terms.push_back({{"term", t.text},
                           {"kind", std::string(term_kind_name(t.kind))},
                           {"reading", t.reading},
                           {"pos", t.pos},
                           {"position", t.position},
                           {"start", t.begin},
                           {"end", t.end},
                           {"original", input.substr(t.begin, t.end - t.begin)},
                           {"part", t.part},
                           {"affix", t.affix},
                           {"stop", t.stop}});
        std::cout << nlohmann::json{{"normalized", a.normalized.text}, {"terms", terms}}.dump(2) << "\n";
        return;
      }
      std::cout << "normalized: " << a.normalized.text << "\n";
      for (const auto& t : a.terms) {
        std::cout << "  " << t.position << "\t" << term_kind_name(t.kind) << "\t" << t.text;
        if (!t.reading.empty() && t.kind != TermKind::reading) std::cout << "\t[" << t.reading << "]";
        std::cout << "\t@" << t.begin << "-" << t.end << " «" << input.substr(t.begin, t.end - t.begin) << "»";
        if (t.part) std::cout << " part";
        if (t.affix) std::cout << " affix";
        if (t.stop) std::cout << " stop";
        std::cout << "\n";
      }
    });
  });
}

void register_index(CLI::App& app) {
  static Common common;
  static std::vector<std::string> corpus{"corpus"};
  static std::string db;
  auto* cmd = app.add_subcommand("index", "Build or update the index from the corpus");
  cmd->add_option("--corpus", corpus, "plan documents or directories")->capture_default_str();
  cmd->add_option("--db", db, "index directory")->required();
  add_analyzer_flags(cmd, common);
  cmd->callback([] {
    guarded([] {
      Analyzer analyzer(analyzer_options(common));
      const ProgressFn progress = progress_bar("sections", 2000, 200);
      auto s = build_index(analyzer, {as_paths(corpus), db}, progress);
      for (const auto& w : s.warnings) std::cerr << "koe: warning: " << w.file << ":" << w.line << ": " << w.message << "\n";
      for (const auto& e : s.errors) std::cerr << "koe: " << e << " (its previous sections are kept)\n";
      std::printf(
          "indexed %zu documents (%zu changed, %zu removed): %zu projects, %zu sections, %zu terms, %zu postings, "
          "%.2f s%s\n",
          s.documents, s.documents_changed, s.documents_removed, s.projects, s.sections, s.terms, s.postings,
          s.seconds, s.committed ? "" : " (index unchanged)");
      if (!s.errors.empty()) g_exit = 1;
    });
  });
}

std::string read_text_arg(const std::string& arg) {
  if (arg != "-") return arg;
  std::ostringstream buf;
  buf << std::cin.rdbuf();
  return buf.str();
}

/// Prints a request-path failure the way the API would word it.
bool report(const Status& s) {
  if (s.ok()) return true;
  std::cerr << "koe: " << s.message << "\n";
  g_exit = s.http_status >= 500 ? 1 : 2;
  return false;
}

void register_search(CLI::App& app) {
  static Common common;
  static std::string db, query;
  static bool json = false;
  static search::SearchRequest request;
  static std::vector<std::string> divisions, kinds, projects;
  auto* cmd = app.add_subcommand("search", "Search every section of every plan (staff search)");
  cmd->add_option("--db", db, "index directory")->required();
  cmd->add_flag("--json", json, "print the API's JSON");
  cmd->add_option("--division", divisions, "only this 課 (repeatable)");
  cmd->add_option("--kind", kinds, "only this section kind (repeatable)");
  cmd->add_option("--project", projects, "only this project id (repeatable)");
  cmd->add_option("--limit", request.limit, "results per page")->capture_default_str();
  cmd->add_option("--offset", request.offset, "results to skip")->capture_default_str();
  cmd->add_option("QUERY", query, "words, \"phrases\", -exclusions, OR, 課:… 項目:… 施策:… 事業:…")->required();
  add_analyzer_flags(cmd, common);
  cmd->callback([] {
    guarded([] {
      Analyzer analyzer(analyzer_options(common));
      Xapian::Database database = open_index(db);
      request.query = query;
      request.filters.divisions = divisions;
      request.filters.kinds = kinds;
      request.filters.projects = projects;
      auto r = search::search(analyzer, database, request);
      if (!report(r.status())) return;
      const auto& resp = r.value();
      if (json) {
        std::cout << resp.to_json().dump(2) << "\n";
        return;
      }
      std::cout << resp.total << " sections (" << resp.total_all_words << " with every word)"
                << (resp.relaxed ? "; none holds every word, showing sections with some of them" : "") << "\n";
      std::size_t rank = request.offset;
      for (const auto& h : resp.hits) {
        std::cout << "\n" << ++rank << ". " << (h.section.project ? *h.section.project : h.section.department) << " ["
                  << (h.section.division.empty() ? h.section.department : h.section.division) << "] "
                  << h.section.label << "  score " << h.score << "\n   " << h.snippet << "\n";
      }
      if (!resp.division_facet.empty()) {
        std::cout << "\n課:";
        for (const auto& f : resp.division_facet) std::cout << " " << f.value << "(" << f.count << ")";
        std::cout << "\n項目:";
        for (const auto& f : resp.kind_facet) std::cout << " " << f.value << "(" << f.count << ")";
        std::cout << "\n";
      }
    });
  });
}

void register_match(CLI::App& app) {
  static Common common;
  static std::string db, text;
  static bool json = false;
  static std::size_t limit = 5;
  auto* cmd = app.add_subcommand("match", "Route one citizen voice: projects it concerns, the 課, the confidence");
  cmd->add_option("--db", db, "index directory")->required();
  cmd->add_flag("--json", json, "print the API's JSON");
  cmd->add_option("--limit", limit, "projects to show")->capture_default_str();
  cmd->add_option("TEXT", text, "the voice; - reads standard input")->required();
  add_analyzer_flags(cmd, common);
  cmd->callback([] {
    guarded([] {
      Analyzer analyzer(analyzer_options(common));
      Xapian::Database database = open_index(db);
      auto r = search::match(analyzer, database, {read_text_arg(text), limit});
      if (!report(r.status())) return;
      const auto& resp = r.value();
      if (json) {
        std::cout << resp.to_json().dump(2) << "\n";
        return;
      }
      if (resp.out_of_scope)
        std::cout << "out of scope: this voice concerns none of the plans in the index\n";
      else
        std::cout << "route: " << resp.matches[0].project.division << " (" << resp.matches[0].project.department
                  << "), project " << *resp.matches[0].project.project << "\n";
      for (std::size_t k = 0; k < resp.matches.size(); ++k) {
        const auto& m = resp.matches[k];
        std::cout << "\n" << k + 1 << ". " << *m.project.project << " [" << m.project.division << "] " << m.project.project_id.value_or("")
                  << "  score " << m.score << "  confidence " << m.confidence << "\n   terms:";
        for (const auto& t : m.terms) std::cout << " " << t;
        std::cout << "\n";
        for (const auto& s : m.sections) std::cout << "   " << s.section.label << ": " << s.snippet << "\n";
      }
    });
  });
}

void register_route(CLI::App& app) {
  static Common common;
  static search::RouteFileOptions options;
  static std::string db, in, out, encoding = "auto", format = "auto";
  auto* cmd = app.add_subcommand("route", "Route a file of voices (CSV id,text or JSON Lines) in one run");
  cmd->add_option("--db", db, "index directory")->required();
  cmd->add_option("--in", in, "input file (.csv or .jsonl)")->required();
  cmd->add_option("--out", out, "output file (.csv, written with a UTF-8 BOM for Excel, or .jsonl)")->required();
  cmd->add_option("--encoding", encoding, "input encoding")->check(CLI::IsMember({"auto", "utf-8", "cp932", "shift_jis"}))->capture_default_str();
  cmd->add_option("--format", format, "input format")->check(CLI::IsMember({"auto", "csv", "jsonl"}))->capture_default_str();
  add_analyzer_flags(cmd, common);
  cmd->callback([] {
    guarded([] {
      Analyzer analyzer(analyzer_options(common));
      Xapian::Database database = open_index(db);
      options.in = in;
      options.out = out;
      options.encoding = encoding == "auto" ? search::TextEncoding::automatic
                         : encoding == "utf-8" ? search::TextEncoding::utf8 : search::TextEncoding::cp932;
      options.format = format == "auto" ? search::BatchFormat::automatic
                       : format == "csv" ? search::BatchFormat::csv : search::BatchFormat::jsonl;
      auto s = search::route_file(analyzer, database, options, progress_bar("voices", 100, 50));
      for (const auto& e : s.errors) std::cerr << "koe: skipped " << e << "\n";
      std::printf("routed %zu voices (%s): %zu to a project, %zu out of scope, %zu skipped, %.2f s → %s\n", s.voices,
                  s.encoding.c_str(), s.routed, s.out_of_scope, s.skipped, s.seconds, out.c_str());
    });
  });
}

void register_related(CLI::App& app) {
  static Common common;
  static std::string db, project;
  static bool json = false;
  static std::size_t limit = 5;
  auto* cmd = app.add_subcommand("related", "Projects most like the given one (関連する事業)");
  add_analyzer_flags(cmd, common);
  cmd->add_option("--db", db, "index directory")->required();
  cmd->add_flag("--json", json, "print JSON");
  cmd->add_option("--limit", limit, "projects to show")->capture_default_str();
  cmd->add_option("PROJECT_ID", project, "a project id, as koe corpus dump prints it")->required();
  cmd->callback([] {
    guarded([] {
      Analyzer analyzer(analyzer_options(common));
      Xapian::Database database = open_index(db);
      auto r = search::related_projects(analyzer, database, project, limit);
      if (!report(r.status())) return;
      nlohmann::json out = nlohmann::json::array();
      for (const auto& rp : r.value()) {
        if (json) {
          out.push_back({{"project", search::project_json(rp.project)}, {"score", rp.score}, {"terms", rp.terms}});
          continue;
        }
        std::cout << *rp.project.project_id << "\t" << *rp.project.project << " [" << rp.project.division << "]  score "
                  << rp.score << "  shared:";
        for (const auto& t : rp.terms) std::cout << " " << t;
        std::cout << "\n";
      }
      if (json) std::cout << nlohmann::json{{"project_id", project}, {"related", out}}.dump(2) << "\n";
    });
  });
}

}  // namespace

void register_serve(CLI::App& app) {
  static std::string config_file, host, db, web_root, cors;
  static int port = -1, threads = -1;
  auto* cmd = app.add_subcommand("serve", "Serve the JSON API and the web pages");
  cmd->add_option("--config", config_file, "configuration file (JSON with comments; see koe.sample.jsonc)");
  cmd->add_option("--db", db, "index directory");
  cmd->add_option("--host", host, "address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", port, "port (default 8080; 0 picks a free one)");
  cmd->add_option("--threads", threads, "worker threads (default 64)");
  cmd->add_option("--web-root", web_root, "directory of koe's web pages");
  cmd->add_option("--cors-origins", cors, "comma-separated origins allowed to call the API from a browser");
  cmd->callback([] {
    guarded([] {
      api::ServerConfig config;
      if (!config_file.empty()) api::apply_config_file(config, config_file);
      api::apply_environment(config, api::process_environment());
      std::map<std::string, std::string> flags;
      if (!host.empty()) config.host = host;
      if (!db.empty()) config.db = db;
      if (!web_root.empty()) config.web_root = web_root;
      if (port >= 0) config.port = port;
      if (threads >= 0) config.threads = threads;
      if (!cors.empty()) api::apply_environment(config, {{"KOE_CORS_ORIGINS", cors}});
      g_exit = api::serve_until_signalled(config);
    });
  });
}

void register_commands(CLI::App& app) {
  register_serve(app);
  register_corpus(app);
  register_analyze(app);
  register_index(app);
  register_search(app);
  register_match(app);
  register_route(app);
  register_related(app);
}

int exit_code() { return g_exit; }

}  // namespace koe::cli
