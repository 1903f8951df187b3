#include "koe/api/config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "koe/indexer/error.hpp"

extern char** environ;

namespace koe::api {
namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

long long to_number(const std::string& where, const std::string& value) {
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty()) throw Error(where + ": expected a whole number, got «" + value + "»");
  return n;
}

}  // namespace

void apply_config_file(ServerConfig& c, const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error(file.string() + ": cannot open the configuration file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in, nullptr, true, /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(file.string() + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(file.string() + ": expected a JSON object of settings");
  for (auto& [key, value] : j.items()) {
    const std::string where = file.string() + ": " + key;
    if (key.starts_with("max_") && !(value.is_number_integer() && value.get<long long>() >= 0))
      throw Error(where + ": expected a whole number of bytes or voices, not " + value.dump());
    try {
      if (key == "host") c.host = value.get<std::string>();
      else if (key == "port") c.port = value.get<int>();
      else if (key == "db") c.db = value.get<std::string>();
      else if (key == "web_root") c.web_root = value.get<std::string>();
      else if (key == "threads") c.threads = value.get<int>();
      else if (key == "max_match_bytes") c.max_match_bytes = value.get<std::size_t>();
      else if (key == "max_route_bytes") c.max_route_bytes = value.get<std::size_t>();
      else if (key == "max_route_voices") c.max_route_voices = value.get<std::size_t>();
      else if (key == "cors_origins") c.cors_origins = value.get<std::vector<std::string>>();
      else if (key == "access_log") c.access_log = value.get<bool>();
      else if (key == "dicdir") c.analyzer.dicdir = value.get<std::string>();
      else if (key == "dictionaries") c.analyzer.dictionaries = value.get<std::string>();
      else if (key == "match_min_strength") c.match.min_strength = value.get<double>();
      else if (key == "match_min_evidence") c.match.min_evidence = value.get<double>();
      else if (key == "match_medium_strength") c.match.medium_strength = value.get<double>();
      else if (key == "match_high_strength") c.match.high_strength = value.get<double>();
      else throw Error(where + ": unknown setting");
    } catch (const nlohmann::json::type_error& e) {
      throw Error(where + ": wrong type (" + std::string(e.what()) + ")");
    }
  }
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    if (!kv.starts_with("KOE_")) continue;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

void apply_environment(ServerConfig& c, const std::map<std::string, std::string>& env) {
  auto get = [&](const char* k) -> const std::string* {
    auto it = env.find(k);
    return it == env.end() ? nullptr : &it->second;
  };
  if (auto v = get("KOE_HOST")) c.host = *v;
  if (auto v = get("KOE_PORT")) c.port = static_cast<int>(to_number("KOE_PORT", *v));
  if (auto v = get("KOE_DB")) c.db = *v;
  if (auto v = get("KOE_WEB_ROOT")) c.web_root = *v;
  if (auto v = get("KOE_THREADS")) c.threads = static_cast<int>(to_number("KOE_THREADS", *v));
  if (auto v = get("KOE_CORS_ORIGINS")) c.cors_origins = split_list(*v);
  auto size = [&](const char* name, const std::string& v) {
    const long long n = to_number(name, v);
    if (n < 0) throw Error(std::string(name) + ": expected a size in bytes, got «" + v + "»");
    return static_cast<std::size_t>(n);
  };
  if (auto v = get("KOE_MAX_MATCH_BYTES")) c.max_match_bytes = size("KOE_MAX_MATCH_BYTES", *v);
  if (auto v = get("KOE_MAX_ROUTE_BYTES")) c.max_route_bytes = size("KOE_MAX_ROUTE_BYTES", *v);
  if (auto v = get("KOE_DICDIR")) c.analyzer.dicdir = *v;
  if (auto v = get("KOE_DICTIONARIES")) c.analyzer.dictionaries = *v;
}

std::vector<std::string> validate(const ServerConfig& c) {
  std::vector<std::string> problems;
  if (c.host.empty()) problems.push_back("host: must not be empty");
  if (c.port < 0 || c.port > 65535) problems.push_back("port: must be between 1 and 65535 (0 picks a free port), got " + std::to_string(c.port));
  if (c.threads < 1 || c.threads > 256) problems.push_back("threads: must be between 1 and 256, got " + std::to_string(c.threads));
  if (c.db.empty()) problems.push_back("db: the index directory must be set (--db)");
  if (c.max_match_bytes < 256) problems.push_back("max_match_bytes: must be at least 256");
  if (c.max_route_bytes < c.max_match_bytes) problems.push_back("max_route_bytes: must be at least max_match_bytes");
  if (c.max_route_voices < 1) problems.push_back("max_route_voices: must be at least 1");
  for (const auto& o : c.cors_origins)
    if (o != "*" && !o.starts_with("http://") && !o.starts_with("https://"))
      problems.push_back("cors_origins: «" + o + "» is not an origin (http://… or https://…)");
  if (!c.web_root.empty() && !std::filesystem::is_directory(c.web_root))
    problems.push_back("web_root: " + c.web_root.string() + " is not a directory");
  if (!(c.match.min_strength <= c.match.medium_strength && c.match.medium_strength <= c.match.high_strength))
    problems.push_back("match_*_strength: thresholds must satisfy min <= medium <= high");
  if (c.match.min_evidence < 0) problems.push_back("match_min_evidence: must not be negative");
  return problems;
}

}  // namespace koe::api
