/// @file config.hpp
/// @brief Server configuration: defaults → file → environment → flags, then validated.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "koe/indexer/analyzer.hpp"
#include "koe/search/matcher.hpp"

namespace koe::api {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::filesystem::path db = "db";
  std::filesystem::path web_root;  ///< koe's pages; empty: the source tree's api/web
  /// Worker threads, each with its own index handle. cpp-httplib gives a keep-alive
  /// connection a thread for as long as it stays open, so this caps the connections served
  /// at once; the handles share the OS page cache, so threads are cheap.
  int threads = 64;
  std::size_t max_match_bytes = 64 * 1024;
  std::size_t max_route_bytes = 4 * 1024 * 1024;
  std::size_t max_route_voices = 5000;
  std::vector<std::string> cors_origins;  ///< origins allowed to call the API from a browser
  bool access_log = true;
  AnalyzerOptions analyzer = default_analyzer_options();
  search::MatchOptions match;
};

/// Reads a configuration file (JSON, comments allowed) over `config`. Throws Error naming
/// the file and the bad key.
void apply_config_file(ServerConfig& config, const std::filesystem::path& file);

/// Applies KOE_* environment variables (KOE_HOST, KOE_PORT, KOE_DB, KOE_THREADS,
/// KOE_WEB_ROOT, KOE_CORS_ORIGINS, KOE_MAX_MATCH_BYTES, KOE_MAX_ROUTE_BYTES, KOE_DICDIR,
/// KOE_DICTIONARIES). `env` is the environment to read (tests pass their own).
void apply_environment(ServerConfig& config, const std::map<std::string, std::string>& env);
std::map<std::string, std::string> process_environment();

/// Every problem with the configuration, one message each; empty when it is valid.
std::vector<std::string> validate(const ServerConfig& config);

}  // namespace koe::api
