#include "commands.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "koe/api/server.hpp"
#include "koe/api/settings.hpp"
#include "koe/api/voice_desk.hpp"
#include "koe/desk/dates.hpp"
#include "koe/indexer/analyzer.hpp"
#include "koe/indexer/corpus.hpp"
#include "koe/indexer/error.hpp"
#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/section_record.hpp"
#include "koe/search/catalogue.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/related.hpp"
#include "koe/search/searcher.hpp"
#include "koe/wire/desk_json.hpp"
#include "koe/wire/json.hpp"
#include "koe/wire/route_file.hpp"

namespace koe::cli {
namespace {

int g_exit = 0;

/// --config and the flags of the settings a subcommand uses, read into koe's one settings
/// loader (defaults → file → environment → flags), as `koe serve` reads them.
struct SettingsFlags {
  std::string config_file;
  std::map<std::string, std::string> values;

  api::Settings load() const {
    api::SettingsSources sources;
    if (!config_file.empty()) sources.config_file = config_file;
    sources.environment = api::process_environment();
    sources.flags = values;
    return api::load_settings(sources);
  }
};

void add_settings_flags(CLI::App* cmd, SettingsFlags& flags, const std::vector<std::string_view>& names) {
  cmd->add_option("--config", flags.config_file, "configuration file (JSON with comments; see koe.sample.jsonc)")
      ->envname("KOE_CONFIG");
  for (const auto name : names) {
    const api::SettingInfo* info = api::find_setting(name);
    if (!info || info->flag.empty()) continue;
    cmd->add_option_function<std::string>(
        std::string(info->flag), [&flags, key = std::string(name)](const std::string& v) { flags.values[key] = v; },
        std::string(info->doc));
  }
}

/// The settings of every command that reads the index.
const std::vector<std::string_view> kIndexReader = {"db", "dicdir", "dictionaries"};

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

/// The referral table of the analyzer's dictionaries, as the server loads it.
search::ReferralTable referral_table(const Analyzer& analyzer) {
  return search::ReferralTable::load(analyzer, search::referrals_path(analyzer.options()));
}

std::vector<std::filesystem::path> as_paths(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

std::string read_text_arg(const std::string& arg) {
  if (arg != "-") return arg;
  std::ostringstream buf;
  buf << std::cin.rdbuf();
  return buf.str();
}

/// Prints a request-path failure the way the API words it; exit 2 for the caller's mistake.
bool report(const Status& s) {
  if (s.ok()) return true;
  std::cerr << "koe: " << s.message << "\n";
  g_exit = s.http_status >= 500 ? 1 : 2;
  return false;
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
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
        for (const auto& r : section_records(doc.department))
          std::cout << wire::dump(wire::section_dump_json(r)) << "\n";
      for (const auto& e : load.errors) std::cerr << "koe: " << e << "\n";
      if (!load.errors.empty()) g_exit = 1;
    });
  });

  static std::vector<std::string> check_paths{"corpus"};
  auto* check =
      corpus->add_subcommand("check", "Summarize each document (projects, sections, warnings); exit 1 on errors");
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
          for (const auto& w : doc.warnings)
            std::cout << "  warning: " << w.file << ":" << w.line << ": " << w.message << "\n";
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
  static SettingsFlags settings;
  static bool json = false;
  static std::string text;
  auto* cmd = app.add_subcommand("analyze", "Show how koe normalizes and splits a text into terms");
  cmd->add_flag("--json", json, "print JSON");
  cmd->add_option("TEXT", text, "text to analyze; - reads standard input")->required();
  add_settings_flags(cmd, settings, {"dicdir", "dictionaries"});
  cmd->callback([] {
    guarded([] {
      const std::string input = read_text_arg(text);
      Analyzer analyzer(settings.load().analyzer);
      const auto a = analyzer.analyze(input);
      if (json) return print_json(wire::analysis_json(a, input));
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
  static SettingsFlags settings;
  static std::vector<std::string> corpus{"corpus"};
  static bool rebuild = false;
  auto* cmd = app.add_subcommand("index", "Build or update the index from the corpus");
  cmd->add_option("--corpus", corpus, "plan documents or directories")->capture_default_str();
  cmd->add_flag("--rebuild", rebuild,
                "index every document into a new database beside the current one and swap it in at once "
                "(a server keeps answering from the old one until then)");
  add_settings_flags(cmd, settings, kIndexReader);
  cmd->callback([] {
    guarded([] {
      const api::Settings s = settings.load();
      Analyzer analyzer(s.analyzer);
      const ProgressFn progress = progress_bar("sections", 2000, 200);
      const IndexOptions options{as_paths(corpus), s.db, rebuild ? IndexMode::rebuild : IndexMode::update};
      auto summary = build_index(analyzer, options, progress);
      for (const auto& w : summary.warnings)
        std::cerr << "koe: warning: " << w.file << ":" << w.line << ": " << w.message << "\n";
      for (const auto& e : summary.errors) std::cerr << "koe: " << e << " (its previous sections are kept)\n";
      std::printf(
          "indexed %zu documents (%zu changed, %zu removed): %zu projects, %zu sections, %zu terms, %zu postings, "
          "%.2f s%s\n",
          summary.documents, summary.documents_changed, summary.documents_removed, summary.projects, summary.sections,
          summary.terms, summary.postings, summary.seconds, summary.committed ? "" : " (index unchanged)");
      if (rebuild && summary.committed)
        std::printf("rebuilt aside and swapped in: %s\n", summary.database.generic_string().c_str());
      if (!summary.errors.empty()) g_exit = 1;
    });
  });
}

void print_search(const search::SearchResponse& resp, std::int64_t offset) {
  std::cout << resp.total << " sections (" << resp.total_all_words << " with every word)"
            << (resp.relaxed ? "; none holds every word, showing sections with some of them" : "") << "\n";
  std::int64_t rank = offset;
  for (const auto& h : resp.hits) {
    std::cout << "\n"
              << ++rank << ". " << h.section.project_name.value_or(h.section.department) << " ["
              << (h.section.division.empty() ? h.section.department : h.section.division) << "] " << h.section.label
              << "  score " << h.score << "\n   " << h.snippet << "\n";
  }
  if (resp.division_facet.empty()) return;
  std::cout << "\n課:";
  for (const auto& f : resp.division_facet) std::cout << " " << f.value << "(" << f.count << ")";
  std::cout << "\n項目:";
  for (const auto& f : resp.kind_facet) std::cout << " " << f.value << "(" << f.count << ")";
  std::cout << "\n";
}

void register_search(CLI::App& app) {
  static SettingsFlags settings;
  static std::string query;
  static bool json = false;
  static search::SearchRequest request;
  auto* cmd = app.add_subcommand("search", "Search every section of every plan (staff search)");
  cmd->add_flag("--json", json, "print the API's JSON");
  cmd->add_option("--division", request.filters.divisions, "only this 課 (repeatable)");
  cmd->add_option("--kind", request.filters.kinds, "only this section kind (repeatable)");
  cmd->add_option("--project", request.filters.projects, "only this project id (repeatable)");
  cmd->add_option("--limit", request.limit, "results per page")->capture_default_str();
  cmd->add_option("--offset", request.offset, "results to skip")->capture_default_str();
  cmd->add_option("QUERY", query, "words, \"phrases\", -exclusions, OR, 課:… 項目:… 施策:… 事業:…")->required();
  add_settings_flags(cmd, settings, kIndexReader);
  cmd->callback([] {
    guarded([] {
      const api::Settings s = settings.load();
      Analyzer analyzer(s.analyzer);
      Xapian::Database database = open_index(s.db);
      request.query = query;
      auto r = search::search(analyzer, database, request);
      if (!report(r.status())) return;
      if (json) return print_json(wire::search_json(r.value()));
      print_search(r.value(), request.offset);
    });
  });
}

void print_match(const search::MatchResponse& resp) {
  if (const auto* best = resp.route())
    std::cout << "route: " << best->project.division << " (" << best->project.department << "), project "
              << best->project.name << "\n";
  else
    std::cout << "out of scope: this voice concerns none of the plans in the index\n";
  if (resp.referral) std::cout << "refer to: " << resp.referral->body << " — " << resp.referral->reason << "\n";
  for (std::size_t k = 0; k < resp.matches.size(); ++k) {
    const auto& m = resp.matches[k];
    std::cout << "\n"
              << k + 1 << ". " << m.project.name << " [" << m.project.division << "] " << m.project.id << "  score "
              << m.score << "  confidence " << m.confidence << "\n   terms:";
    for (const auto& t : m.terms) std::cout << " " << t;
    std::cout << "\n";
    for (const auto& s : m.sections) std::cout << "   " << s.section.label << ": " << s.snippet << "\n";
  }
}

void register_match(CLI::App& app) {
  static SettingsFlags settings;
  static std::string text;
  static bool json = false;
  static std::int64_t limit = 5;
  auto* cmd = app.add_subcommand("match", "Route one citizen voice: projects it concerns, the 課, the confidence");
  cmd->add_flag("--json", json, "print the API's JSON");
  cmd->add_option("--limit", limit, "projects to show")->capture_default_str();
  cmd->add_option("TEXT", text, "the voice; - reads standard input")->required();
  add_settings_flags(cmd, settings, kIndexReader);
  cmd->callback([] {
    guarded([] {
      const api::Settings s = settings.load();
      Analyzer analyzer(s.analyzer);
      Xapian::Database database = open_index(s.db);
      const auto referrals = referral_table(analyzer);
      auto r = search::match(analyzer, database, {read_text_arg(text), limit}, s.match_options(), {&referrals});
      if (!report(r.status())) return;
      if (json) return print_json(wire::match_json(r.value()));
      print_match(r.value());
    });
  });
}

void register_route(CLI::App& app) {
  static SettingsFlags settings;
  static std::string in, out, encoding = "auto", format = "auto";
  auto* cmd = app.add_subcommand("route", "Route a file of voices (CSV id,text or JSON Lines) in one run");
  cmd->add_option("--in", in, "input file (.csv or .jsonl)")->required();
  cmd->add_option("--out", out, "output file (.csv, written with a UTF-8 BOM for Excel, or .jsonl)")->required();
  cmd->add_option("--encoding", encoding, "input encoding")
      ->check(CLI::IsMember({"auto", "utf-8", "cp932", "shift_jis"}))
      ->capture_default_str();
  cmd->add_option("--format", format, "input format")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}))
      ->capture_default_str();
  add_settings_flags(cmd, settings, kIndexReader);
  cmd->callback([] {
    guarded([] {
      const api::Settings s = settings.load();
      Analyzer analyzer(s.analyzer);
      Xapian::Database database = open_index(s.db);
      wire::RouteFileOptions options;
      options.in = in;
      options.out = out;
      options.encoding = encoding == "auto"    ? search::TextEncoding::automatic
                         : encoding == "utf-8" ? search::TextEncoding::utf8
                                               : search::TextEncoding::cp932;
      options.format = format == "auto"  ? search::BatchFormat::automatic
                       : format == "csv" ? search::BatchFormat::csv
                                         : search::BatchFormat::jsonl;
      options.match = s.match_options();
      const auto referrals = referral_table(analyzer);
      options.sources.referrals = &referrals;
      auto summary = wire::route_file(analyzer, database, options, progress_bar("voices", 100, 50));
      for (const auto& e : summary.errors) std::cerr << "koe: skipped " << e << "\n";
      std::printf("routed %zu voices (%s): %zu to a project, %zu out of scope, %zu skipped, %.2f s → %s\n",
                  summary.voices, summary.encoding.c_str(), summary.routed, summary.out_of_scope, summary.skipped,
                  summary.seconds, out.c_str());
    });
  });
}

void register_related(CLI::App& app) {
  static SettingsFlags settings;
  static std::string project;
  static bool json = false;
  static std::int64_t limit = 5;
  auto* cmd = app.add_subcommand("related", "Projects most like the given one (関連する事業)");
  cmd->add_flag("--json", json, "print the API's JSON");
  cmd->add_option("--limit", limit, "projects to show")->capture_default_str();
  cmd->add_option("PROJECT_ID", project, "a project id, as koe corpus dump prints it")->required();
  add_settings_flags(cmd, settings, kIndexReader);
  cmd->callback([] {
    guarded([] {
      const api::Settings s = settings.load();
      Analyzer analyzer(s.analyzer);
      Xapian::Database database = open_index(s.db);
      auto r = search::related_projects(analyzer, database, project, limit);
      if (!report(r.status())) return;
      if (json) return print_json(wire::related_json(project, r.value()));
      for (const auto& rp : r.value()) {
        std::cout << rp.project.id << "\t" << rp.project.name << " [" << rp.project.division << "]  score " << rp.score
                  << "  shared:";
        for (const auto& t : rp.terms) std::cout << " " << t;
        std::cout << "\n";
      }
    });
  });
}

void register_project(CLI::App& app) {
  static SettingsFlags settings;
  static std::string project;
  auto* cmd =
      app.add_subcommand("project", "Print one project with every section, as JSON (GET /api/v1/projects/{id})");
  cmd->add_option("PROJECT_ID", project, "a project id, as koe corpus dump prints it")->required();
  add_settings_flags(cmd, settings, kIndexReader);
  cmd->callback([] {
    guarded([] {
      const api::Settings s = settings.load();
      Xapian::Database database = open_index(s.db);
      auto r = search::project_detail(database, project);
      if (!report(r.status())) return;
      print_json(wire::project_detail_json(r.value()));
    });
  });
}

void register_config(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("config", "Show the settings: the effective values, the sample file, the README table");
  cmd->require_subcommand(1);
  static SettingsFlags settings;
  auto* show =
      cmd->add_subcommand("show", "Print the settings in effect (defaults, --config/KOE_CONFIG, KOE_* variables)");
  add_settings_flags(show, settings, {});
  show->callback([] { guarded([] { print_json(api::settings_json(settings.load())); }); });
  cmd->add_subcommand("sample", "Print koe.sample.jsonc: every setting with its default")->callback([] {
    std::cout << api::sample_config();
  });
  cmd->add_subcommand("table", "Print the README's table of settings (Markdown)")->callback([] {
    std::cout << api::settings_table_markdown();
  });
}

/// The desk's settings: the store, and the index and analyzer that route voices into it.
const std::vector<std::string_view> kDesk = {"store", "db", "dicdir", "dictionaries"};

/// The store named by --store (or KOE_STORE, or the configuration); an error when none is.
api::Settings desk_settings(const SettingsFlags& flags) {
  api::Settings s = flags.load();
  if (s.store.empty()) throw Error("no store: name the desk's database with --store FILE (or KOE_STORE)");
  return s;
}

/// The value, or the command fails with the Status's message. By value: a reference into a
/// temporary Result would not outlive a range-for over it.
template <class T>
T or_report(Result<T> r) {
  if (!r.ok()) throw Error(r.status().message);
  return std::move(r.value());
}

std::string read_password_stdin() {
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

void register_users(CLI::App& app) {
  auto* users = app.add_subcommand("users", "The desk's accounts: add, list, disable, issue API tokens");
  users->require_subcommand(1);
  static SettingsFlags settings;
  static std::string name, role, division, label;
  static bool password_stdin = false;

  auto* add = users->add_subcommand("add", "Add a user (the password is read from standard input)");
  add->add_option("--name", name, "user name")->required();
  add->add_option("--role", role, "admin, clerk (広聴課: every voice) or division (one 課's voices, masked)")
      ->required()
      ->check(CLI::IsMember({"admin", "clerk", "division"}));
  add->add_option("--division", division, "the 課 of a division user");
  add->add_flag("--password-stdin", password_stdin, "read the password from standard input")->required();
  add_settings_flags(add, settings, kDesk);
  add->callback([] {
    guarded([] {
      const api::Settings s = desk_settings(settings);
      Analyzer analyzer(s.analyzer);
      api::VoiceDesk desk(s, analyzer);
      const auto user =
          or_report(desk.accounts().add_user({name, *desk::parse_role(role), division, read_password_stdin()}));
      std::cout << "added " << user.name << " (" << desk::role_name(user.role)
                << (user.division.empty() ? "" : ", " + user.division) << ")\n";
    });
  });

  auto* token = users->add_subcommand("token", "Issue an API token for a user (printed once; koe keeps only its hash)");
  token->add_option("--name", name, "user name")->required();
  token->add_option("--label", label, "what the token is for");
  add_settings_flags(token, settings, kDesk);
  token->callback([] {
    guarded([] {
      const api::Settings s = desk_settings(settings);
      Analyzer analyzer(s.analyzer);
      api::VoiceDesk desk(s, analyzer);
      std::cout << or_report(desk.accounts().issue_token(name, label)).token << "\n";
    });
  });

  auto* list = users->add_subcommand("list", "List the users");
  add_settings_flags(list, settings, kDesk);
  list->callback([] {
    guarded([] {
      const api::Settings s = desk_settings(settings);
      Analyzer analyzer(s.analyzer);
      api::VoiceDesk desk(s, analyzer);
      for (const auto& u : or_report(desk.accounts().list_users()))
        std::cout << u.name << "\t" << desk::role_name(u.role) << "\t" << u.division << "\t"
                  << (u.enabled ? "enabled" : "disabled") << "\n";
    });
  });

  auto* disable = users->add_subcommand("disable", "Disable a user: their tokens and sessions stop working at once");
  disable->add_option("--name", name, "user name")->required();
  add_settings_flags(disable, settings, kDesk);
  disable->callback([] {
    guarded([] {
      const api::Settings s = desk_settings(settings);
      Analyzer analyzer(s.analyzer);
      api::VoiceDesk desk(s, analyzer);
      if (Status st = desk.accounts().disable_user(name); !st.ok()) throw Error(st.message);
      std::cout << "disabled " << name << "\n";
    });
  });
}

void register_voices(CLI::App& app) {
  auto* voices = app.add_subcommand("voices", "The desk's voices: import a city's export, export, statistics, backup");
  voices->require_subcommand(1);
  static SettingsFlags settings;
  static std::string in, out, columns, encoding = "auto", channel, from, to;
  static bool json = false;

  auto* import =
      voices->add_subcommand("import", "Import voices (CSV from Excel, JSON Lines or a JSON array), each routed");
  import->add_option("--in", in, "the city's export")->required();
  import->add_option("--columns", columns, "field=column pairs, e.g. 'text=ご意見,external_id=受付番号'");
  import->add_option("--encoding", encoding, "auto, utf-8 or cp932")->check(CLI::IsMember({"auto", "utf-8", "cp932"}));
  import->add_option("--channel", channel, "the channel of rows that name none (letter, phone, web…)");
  add_settings_flags(import, settings, kDesk);
  import->callback([] {
    guarded([] {
      const api::Settings s = desk_settings(settings);
  Analyzer analyzer(s.analyzer);
  const auto referrals = referral_table(analyzer);
  api::VoiceDesk desk(s, analyzer, {&referrals});
  Xapian::Database db = open_index(s.db);
  std::ifstream file(in, std::ios::binary);
  if (!file) throw Error(in + ": cannot open the file");
  std::ostringstream bytes;
  bytes << file.rdbuf();
  desk::ExportOptions options = api::VoiceDesk::export_options(db);
  options.columns = columns;
  options.default_channel = channel;
  options.encoding = encoding == "cp932"   ? search::TextEncoding::cp932
                     : encoding == "utf-8" ? search::TextEncoding::utf8
                                           : search::TextEncoding::automatic;
  const auto read = desk::read_voice_export(bytes.str(), options);
  if (!read.ok()) throw Error(in + ": " + read.status().message);
  for (const auto& e : read.value().errors) std::cerr << "koe: skipped " << in << ":" << e.substr(5) << "\n";
  const auto report = or_report(desk.import(read.value().voices, {"koe voices import", desk::Role::admin, {}}, db,
                                            progress_bar("voices", 100, 50)));
  for (const auto& e : report.errors) std::cerr << "koe: skipped " << in << ":" << e.substr(5) << "\n";
  std::printf("imported %zu voices (%s, %s), %zu skipped → %s\n", report.ids.size(), read.value().format.c_str(),
              read.value().encoding.c_str(), read.value().errors.size() + report.errors.size(),
              s.store.string().c_str());
  if (!read.value().errors.empty() || !report.errors.empty()) g_exit = 1;
});
}  // namespace
);

auto* exp = voices->add_subcommand("export", "Export every voice as CSV for Excel (masked text only)");
exp->add_option("--out", out, "output file (.csv)")->required();
add_settings_flags(exp, settings, kDesk);
exp->callback([] {
  guarded([] {
    const api::Settings s = desk_settings(settings);
    Analyzer analyzer(s.analyzer);
    api::VoiceDesk desk(s, analyzer);
    const auto part = out + ".part";
    std::ofstream file(part, std::ios::binary);
    if (!file) throw Error(out + ": cannot write the file");
    file << "\xEF\xBB\xBF" << wire::voice_csv_header();
    desk::VoiceFilter f;
    f.limit = desk::kMaxListLimit;
    std::size_t written = 0;
    for (;; f.offset += f.limit) {
      const auto page = or_report(desk.store().list_voices(f));
      for (const auto& v : page.voices) file << wire::voice_csv_row(v);
      written += page.voices.size();
      if (page.voices.size() < f.limit) break;
    }
    if (!file.flush()) throw Error(out + ": write failed");
    file.close();
    std::filesystem::rename(part, out);
    std::printf("exported %zu voices → %s\n", written, out.c_str());
  });
});

auto* stats =
    voices->add_subcommand("stats", "Counts by 課, month and status, the backlog, how good the suggestions were");
stats->add_option("--from", from, "received on or after");
stats->add_option("--to", to, "received on or before");
stats->add_flag("--json", json, "print the API's JSON");
add_settings_flags(stats, settings, kDesk);
stats->callback([] {
  guarded([] {
    const api::Settings s = desk_settings(settings);
    Analyzer analyzer(s.analyzer);
    api::VoiceDesk desk(s, analyzer);
    desk::StatsQuery q;
    q.overdue_days = s.overdue_days;
    for (auto [text, target] : {std::pair{&from, &q.from}, std::pair{&to, &q.to}}) {
      if (text->empty()) continue;
      const auto date = desk::parse_date(*text);
      if (!date) throw Error("«" + *text + "» is not a date (2024-04-01, 2024/4/1, 令和6年4月1日)");
      *target = *date;
    }
    const auto st = or_report(desk.store().stats(q));
    if (json) return print_json(wire::stats_json(st, q));
    std::cout << st.total << " voices" << (q.from.empty() && q.to.empty() ? "" : " received " + q.from + "…" + q.to)
              << "\n";
    auto table = [](const char* title, const std::vector<desk::Count>& counts) {
      std::cout << "\n" << title << ":\n";
      for (const auto& c : counts)
        std::cout << "  " << (c.label.empty() ? (c.key.empty() ? "(none)" : c.key) : c.label) << "\t" << c.count
                  << "\n";
    };
    table("by status", st.by_status);
    table("by 課", st.by_division);
    table("by month", st.by_month);
    table("by channel", st.by_channel);
    table(("unanswered after " + std::to_string(q.overdue_days) + " days, by 課").c_str(), st.overdue_by_division);
    std::printf("\nsuggestions: %.1f%% out of scope, %.1f%% low confidence\n", 100 * st.out_of_scope_share,
                100 * st.low_confidence_share);
    std::printf(
        "of %lld voices a clerk confirmed to a project: %.1f%% were koe's first suggestion, %.1f%% in its top three\n",
        static_cast<long long>(st.accuracy.confirmed), 100 * st.accuracy.first_share, 100 * st.accuracy.top3_share);
  });
});

auto* backup =
    voices->add_subcommand("backup", "A consistent copy of the desk (SQLite's online backup), taken while it serves");
backup->add_option("--out", out, "the copy")->required();
add_settings_flags(backup, settings, kDesk);
backup->callback([] {
  guarded([] {
    const api::Settings s = desk_settings(settings);
    Analyzer analyzer(s.analyzer);
    api::VoiceDesk desk(s, analyzer);
    if (Status st = desk.store().backup(out); !st.ok()) throw Error(st.message);
    std::printf("backed up %s → %s\n", s.store.string().c_str(), out.c_str());
  });
});
}  // namespace koe::cli

void register_serve(CLI::App& app) {
  static SettingsFlags settings;
  auto* cmd = app.add_subcommand("serve", "Serve the JSON API and the web pages");
  add_settings_flags(cmd, settings,
                     {"host", "port", "db", "store", "threads", "web_root", "cors_origins", "dicdir", "dictionaries"});
  cmd->callback([] { guarded([] { g_exit = api::serve_until_signalled(settings.load()); }); });
}

}  // namespace

void register_commands(CLI::App& app) {
  register_serve(app);
  register_corpus(app);
  register_analyze(app);
  register_index(app);
  register_search(app);
  register_match(app);
  register_route(app);
  register_related(app);
  register_project(app);
  register_users(app);
  register_voices(app);
  register_config(app);
}

int exit_code() { return g_exit; }

}  // namespace koe::cli
