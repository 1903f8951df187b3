/// @file settings.hpp
/// @brief Every setting of koe, defined once (name, default, environment variable, flag,
/// check, one line of doc): loading, the sample configuration file and the README's table all
/// come from the one table, and every subcommand reads the same settings the same way.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/search/matcher.hpp"

namespace koe::api {

/// The values of every setting; the initializers are the defaults.
struct Settings {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::filesystem::path db = "db";
  std::filesystem::path web_root;  ///< koe's pages; empty: the source tree's api/web
  /// Threads that run interactive requests (search, match, pages), each with its own index
  /// handle and MeCab tagger; about the number of cores.
  int threads = 2;
  int batch_threads = 1;  ///< threads that run batch requests (/route), queued apart
  int io_threads = 1;     ///< threads that read and write sockets (never run a request)
  std::size_t max_connections = 1024;
  std::size_t queue = 256;  ///< interactive requests waiting for a thread before a 503
  std::size_t header_timeout_ms = 10000;
  std::size_t body_timeout_ms = 30000;
  std::size_t idle_timeout_ms = 5000;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_match_bytes = 64 * 1024;
  std::size_t max_route_bytes = 4 * 1024 * 1024;
  std::size_t max_route_voices = 5000;
  std::vector<std::string> cors_origins;  ///< origins allowed to call the API from a browser
  bool access_log = true;
  /// The voice desk's database (SQLite), created on first use; empty: no desk.
  std::filesystem::path store;
  int session_hours = 10;      ///< a signed-in page session lasts this long (one working day)
  bool secure_cookie = false;  ///< mark the session cookie Secure (behind an HTTPS proxy)
  /// Behind a reverse proxy: the header it writes the client's address into (X-Real-IP, or
  /// X-Forwarded-For, whose last address is the one the proxy saw); empty: the peer's address.
  std::string client_address_header;
  int overdue_days = 14;  ///< a voice unanswered this long since received is overdue
  std::size_t max_import_bytes = 32 * 1024 * 1024;
  AnalyzerOptions analyzer = default_analyzer_options();
  /// The routing rule's thresholds; read them through match_options().
  search::MatchOptions match;

  /// The routing rule as every voice is routed (one voice, a batch, the CLI, the server): the
  /// thresholds, and texts up to max_match_bytes.
  search::MatchOptions match_options() const;
};

/// One setting: how it is named in each place, documented and checked.
struct SettingInfo {
  std::string_view name;  ///< key in the configuration file
  std::string_view env;   ///< environment variable
  std::string_view flag;  ///< command-line flag, or "" when the setting has none
  std::string_view doc;   ///< one line, for the sample file and the README
  /// How the default is shown when it depends on the build (a path in the build tree); the
  /// sample file then leaves the setting commented out.
  std::string_view default_doc;
  std::function<void(Settings&, const nlohmann::json&)> read_json;  ///< throws std::invalid_argument
  std::function<void(Settings&, const std::string&)> read_text;     ///< env and flags; throws std::invalid_argument
  std::function<nlohmann::json(const Settings&)> write_json;
  /// A problem with the value ("must be between 1 and 65535, got 70000"), or nullopt.
  std::function<std::optional<std::string>(const Settings&)> check;
};

/// Every setting, in the order the sample file and the README list them.
const std::vector<SettingInfo>& settings_table();
const SettingInfo* find_setting(std::string_view name);

/// Reads a configuration file (JSON, comments allowed) over `settings`. Throws Error naming
/// the file and the bad key.
void apply_config_file(Settings& settings, const std::filesystem::path& file);

/// Applies the settings' environment variables found in `env` (tests pass their own).
/// Throws Error naming the variable.
void apply_environment(Settings& settings, const std::map<std::string, std::string>& env);
std::map<std::string, std::string> process_environment();

/// Applies command-line values, by setting name. Throws Error naming the flag.
void apply_flags(Settings& settings, const std::map<std::string, std::string>& flags);

/// Every problem with the settings, one message each naming the setting; empty when valid.
std::vector<std::string> validate(const Settings& settings);

/// Where settings come from, later winning: defaults → file → environment → flags.
struct SettingsSources {
  std::optional<std::filesystem::path> config_file;  ///< --config, else KOE_CONFIG
  std::map<std::string, std::string> environment;
  std::map<std::string, std::string> flags;  ///< setting name → value as typed
};

/// Loads and validates. Throws Error listing every problem.
Settings load_settings(const SettingsSources& sources);

/// koe.sample.jsonc: every setting with its default and its line of doc.
std::string sample_config();
/// The README's settings table (Markdown).
std::string settings_table_markdown();
/// The settings as JSON (what `koe config show` prints).
nlohmann::json settings_json(const Settings& settings);

}  // namespace koe::api
