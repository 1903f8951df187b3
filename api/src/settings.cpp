#include "koe/api/settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "koe/indexer/error.hpp"

extern char** environ;

namespace koe::api {
namespace {

using Json = nlohmann::json;

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto first = item.find_first_not_of(' ');
    const auto last = item.find_last_not_of(' ');
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
  }
  return out;
}

long long whole_number(const std::string& text) {
  long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw std::invalid_argument("expected a whole number, got «" + text + "»");
  return n;
}

/// How a setting's type is read from JSON and from text (environment, flags) and written.
template <class T>
struct Codec;

template <>
struct Codec<std::string> {
  static std::string from_json(const Json& j) {
    if (!j.is_string()) throw std::invalid_argument("expected a string, not " + j.dump());
    return j.get<std::string>();
  }
  static std::string from_text(const std::string& s) { return s; }
  static Json to_json(const std::string& v) { return v; }
};

template <>
struct Codec<std::filesystem::path> {
  static std::filesystem::path from_json(const Json& j) { return Codec<std::string>::from_json(j); }
  static std::filesystem::path from_text(const std::string& s) { return s; }
  static Json to_json(const std::filesystem::path& v) { return v.string(); }
};

template <>
struct Codec<int> {
  static int from_json(const Json& j) {
    if (!j.is_number_integer()) throw std::invalid_argument("expected a whole number, not " + j.dump());
    return narrow(j.get<long long>(), j.dump());
  }
  static int from_text(const std::string& s) { return narrow(whole_number(s), s); }
  static Json to_json(int v) { return v; }
  static int narrow(long long n, const std::string& shown) {
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
      throw std::invalid_argument("«" + shown + "» is out of range");
    return static_cast<int>(n);
  }
};

template <>
struct Codec<std::size_t> {
  static std::size_t from_json(const Json& j) {
    if (!j.is_number_integer() || j.get<long long>() < 0)
      throw std::invalid_argument("expected a whole number of bytes or voices, not " + j.dump());
    return j.get<std::size_t>();
  }
  static std::size_t from_text(const std::string& s) {
    const long long n = whole_number(s);
    if (n < 0) throw std::invalid_argument("expected a size (a whole number, 0 or more), got «" + s + "»");
    return static_cast<std::size_t>(n);
  }
  static Json to_json(std::size_t v) { return v; }
};

template <>
struct Codec<double> {
  static double from_json(const Json& j) {
    if (!j.is_number()) throw std::invalid_argument("expected a number, not " + j.dump());
    return j.get<double>();
  }
  static double from_text(const std::string& s) {
    double d = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d))
      throw std::invalid_argument("expected a number, got «" + s + "»");
    return d;
  }
  static Json to_json(double v) { return v; }
};

template <>
struct Codec<bool> {
  static bool from_json(const Json& j) {
    if (!j.is_boolean()) throw std::invalid_argument("expected true or false, not " + j.dump());
    return j.get<bool>();
  }
  static bool from_text(const std::string& s) {
    if (s == "true" || s == "1" || s == "yes") return true;
    if (s == "false" || s == "0" || s == "no") return false;
    throw std::invalid_argument("expected true or false, got «" + s + "»");
  }
  static Json to_json(bool v) { return v; }
};

template <>
struct Codec<std::vector<std::string>> {
  static std::vector<std::string> from_json(const Json& j) {
    if (!j.is_array()) throw std::invalid_argument("expected a list of strings, not " + j.dump());
    std::vector<std::string> out;
    for (const auto& v : j) out.push_back(Codec<std::string>::from_json(v));
    return out;
  }
  static std::vector<std::string> from_text(const std::string& s) { return split_list(s); }
  static Json to_json(const std::vector<std::string>& v) { return v; }
};

struct Names {
  std::string_view name, env, flag, doc, default_doc = {};
};

/// One table row from the member it sets (`access` returns a reference into Settings) and the
/// check of its value.
template <class Access, class Check>
SettingInfo setting(Names n, Access access, Check check) {
  using T = std::decay_t<decltype(access(std::declval<Settings&>()))>;
  SettingInfo info;
  info.name = n.name;
  info.env = n.env;
  info.flag = n.flag;
  info.doc = n.doc;
  info.default_doc = n.default_doc;
  info.read_json = [access](Settings& s, const Json& j) { access(s) = Codec<T>::from_json(j); };
  info.read_text = [access](Settings& s, const std::string& t) { access(s) = Codec<T>::from_text(t); };
  info.write_json = [access](const Settings& s) { return Codec<T>::to_json(access(const_cast<Settings&>(s))); };
  info.check = [access, check](const Settings& s) -> std::optional<std::string> {
    return check(access(const_cast<Settings&>(s)));
  };
  return info;
}

auto any_value = [](const auto&) -> std::optional<std::string> { return std::nullopt; };

/// Empty, or an HTTP header name (letters, digits and - only).
auto header_name = [](const std::string& v) -> std::optional<std::string> {
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; })) return std::nullopt;
  return "must be a header name such as X-Forwarded-For, got «" + v + "»";
};

template <class T>
auto between(T min, T max) {
  return [min, max](const T& v) -> std::optional<std::string> {
    if (v >= min && v <= max) return std::nullopt;
    std::ostringstream o;
    o << "must be between " << min << " and " << max << ", got " << v;
    return o.str();
  };
}

auto at_least(std::size_t min) {
  return [min](std::size_t v) -> std::optional<std::string> {
    if (v >= min) return std::nullopt;
    return "must be at least " + std::to_string(min) + ", got " + std::to_string(v);
  };
}

auto not_empty = [](const auto& v) -> std::optional<std::string> {
  if (!v.empty()) return std::nullopt;
  return std::string("must not be empty");
};

auto non_negative = [](double v) -> std::optional<std::string> {
  if (v >= 0) return std::nullopt;
  return "must not be negative, got " + std::to_string(v);
};

auto origins = [](const std::vector<std::string>& list) -> std::optional<std::string> {
  for (const auto& o : list)
    if (o != "*" && !o.starts_with("http://") && !o.starts_with("https://"))
      return "«" + o + "» is not an origin (http://… or https://…)";
  return std::nullopt;
};

auto directory_or_empty = [](const std::filesystem::path& p) -> std::optional<std::string> {
  if (p.empty() || std::filesystem::is_directory(p)) return std::nullopt;
  return p.string() + " is not a directory";
};

std::vector<SettingInfo> make_table() {
  std::vector<SettingInfo> t;
  t.push_back(setting(
      {"host", "KOE_HOST", "--host", "Address to listen on; keep 127.0.0.1 behind a reverse proxy."},
      [](auto& s) -> auto& { return s.host; }, not_empty));
  t.push_back(setting(
      {"port", "KOE_PORT", "--port", "Port to listen on (0 picks a free port)."},
      [](auto& s) -> auto& { return s.port; }, between(0, 65535)));
  t.push_back(setting(
      {"db", "KOE_DB", "--db", "The index directory made by `koe index`."}, [](auto& s) -> auto& { return s.db; },
      not_empty));
  t.push_back(setting(
      {"threads", "KOE_THREADS", "--threads",
       "Threads that run interactive requests (search, match, pages); about the number of cores."},
      [](auto& s) -> auto& { return s.threads; }, between(1, 256)));
  t.push_back(setting(
      {"batch_threads", "KOE_BATCH_THREADS", "",
       "Threads that run batch requests (/api/v1/route), queued apart so searches keep answering."},
      [](auto& s) -> auto& { return s.batch_threads; }, between(1, 64)));
  t.push_back(setting(
      {"io_threads", "KOE_IO_THREADS", "", "Threads that read and write sockets."},
      [](auto& s) -> auto& { return s.io_threads; }, between(1, 16)));
  t.push_back(setting(
      {"max_connections", "KOE_MAX_CONNECTIONS", "",
       "Open connections at most; beyond, a fast 503 and the connection is closed."},
      [](auto& s) -> auto& { return s.max_connections; }, at_least(1)));
  t.push_back(setting(
      {"queue", "KOE_QUEUE", "", "Interactive requests waiting for a thread; beyond, a 503 with Retry-After."},
      [](auto& s) -> auto& { return s.queue; }, any_value));
  t.push_back(setting(
      {"header_timeout_ms", "KOE_HEADER_TIMEOUT_MS", "",
       "A request's line and headers must arrive within this (one deadline, not per byte)."},
      [](auto& s) -> auto& { return s.header_timeout_ms; }, at_least(100)));
  t.push_back(setting(
      {"body_timeout_ms", "KOE_BODY_TIMEOUT_MS", "", "A request's body must arrive within this."},
      [](auto& s) -> auto& { return s.body_timeout_ms; }, at_least(100)));
  t.push_back(setting(
      {"idle_timeout_ms", "KOE_IDLE_TIMEOUT_MS", "", "An idle keep-alive connection is closed after this."},
      [](auto& s) -> auto& { return s.idle_timeout_ms; }, at_least(10)));
  t.push_back(setting(
      {"max_header_bytes", "KOE_MAX_HEADER_BYTES", "",
       "Request line and headers at most, enforced while reading (431 beyond)."},
      [](auto& s) -> auto& { return s.max_header_bytes; }, at_least(1024)));
  t.push_back(setting(
      {"web_root", "KOE_WEB_ROOT", "--web-root", "koe's web pages; empty means the source tree's api/web."},
      [](auto& s) -> auto& { return s.web_root; }, directory_or_empty));
  t.push_back(setting(
      {"cors_origins", "KOE_CORS_ORIGINS", "--cors-origins",
       "Origins whose pages may call the API from a browser (comma-separated in env and flag)."},
      [](auto& s) -> auto& { return s.cors_origins; }, origins));
  t.push_back(setting(
      {"max_match_bytes", "KOE_MAX_MATCH_BYTES", "",
       "Largest voice: a /match body, and each voice of a batch or of `koe match`/`koe route`."},
      [](auto& s) -> auto& { return s.max_match_bytes; }, at_least(256)));
  t.push_back(setting(
      {"max_route_bytes", "KOE_MAX_ROUTE_BYTES", "", "Largest /api/v1/route body."},
      [](auto& s) -> auto& { return s.max_route_bytes; }, at_least(256)));
  t.push_back(setting(
      {"max_route_voices", "KOE_MAX_ROUTE_VOICES", "", "Most voices in one /api/v1/route request."},
      [](auto& s) -> auto& { return s.max_route_voices; }, at_least(1)));
  t.push_back(setting(
      {"access_log", "KOE_ACCESS_LOG", "", "One JSON line per request on stdout."},
      [](auto& s) -> auto& { return s.access_log; }, any_value));
  t.push_back(setting(
      {"store", "KOE_STORE", "--store", "The voice desk's database (SQLite), created on first use; empty: no desk."},
      [](auto& s) -> auto& { return s.store; }, any_value));
  t.push_back(setting(
      {"session_hours", "KOE_SESSION_HOURS", "", "A signed-in session of the desk's pages lasts this long."},
      [](auto& s) -> auto& { return s.session_hours; }, between(1, 24 * 30)));
  t.push_back(setting(
      {"secure_cookie", "KOE_SECURE_COOKIE", "",
       "Mark the session cookie Secure: set it when an HTTPS proxy serves koe."},
      [](auto& s) -> auto& { return s.secure_cookie; }, any_value));
  t.push_back(setting(
      {"client_address_header", "KOE_CLIENT_ADDRESS_HEADER", "",
       "Behind a reverse proxy, the header with the client's address (X-Real-IP, X-Forwarded-For): failed "
       "logins are counted per client, not per proxy. Empty: the connection's peer."},
      [](auto& s) -> auto& { return s.client_address_header; }, header_name));
  t.push_back(setting(
      {"overdue_days", "KOE_OVERDUE_DAYS", "",
       "A voice unanswered this many days after it was received counts as overdue."},
      [](auto& s) -> auto& { return s.overdue_days; }, between(1, 365)));
  t.push_back(setting(
      {"max_import_bytes", "KOE_MAX_IMPORT_BYTES", "", "Largest /api/v1/voices/import body."},
      [](auto& s) -> auto& { return s.max_import_bytes; }, at_least(256)));
  t.push_back(setting(
      {"dicdir", "KOE_DICDIR", "--dicdir", "MeCab's system dictionary.", "the pinned ipadic-utf8"},
      [](auto& s) -> auto& { return s.analyzer.dicdir; }, not_empty));
  t.push_back(setting(
      {"dictionaries", "KOE_DICTIONARIES", "--dictionaries", "koe's compiled dictionaries/ directory.",
       "the build's dictionaries/"},
      [](auto& s) -> auto& { return s.analyzer.dictionaries; }, not_empty));
  t.push_back(setting(
      {"match_min_strength", "KOE_MATCH_MIN_STRENGTH", "",
       "Out of scope below this strength (README, How koe routes a voice)."},
      [](auto& s) -> auto& { return s.match.min_strength; }, non_negative));
  t.push_back(setting(
      {"match_min_evidence", "KOE_MATCH_MIN_EVIDENCE", "", "Out of scope below this evidence."},
      [](auto& s) -> auto& { return s.match.min_evidence; }, non_negative));
  t.push_back(setting(
      {"match_medium_strength", "KOE_MATCH_MEDIUM_STRENGTH", "", "Medium confidence from this strength."},
      [](auto& s) -> auto& { return s.match.medium_strength; }, non_negative));
  t.push_back(setting(
      {"match_high_strength", "KOE_MATCH_HIGH_STRENGTH", "", "High confidence from this strength."},
      [](auto& s) -> auto& { return s.match.high_strength; }, non_negative));
  t.push_back(setting(
      {"match_coverage_exponent", "KOE_MATCH_COVERAGE_EXPONENT", "",
       "Projects are ordered by score x coverage to this power (0: by score alone)."},
      [](auto& s) -> auto& { return s.match.coverage_exponent; }, non_negative));
  t.push_back(setting(
      {"match_referral_max_strength", "KOE_MATCH_REFERRAL_MAX_STRENGTH", "",
       "A voice naming another body (referrals.tsv) is out of scope unless a project is this strong."},
      [](auto& s) -> auto& { return s.match.referral_max_strength; }, non_negative));
  t.push_back(setting(
      {"match_referral_insistent", "KOE_MATCH_REFERRAL_INSISTENT", "",
       "…or however strong, when it mentions the body's words this often (repeats counted)."},
      [](auto& s) -> auto& { return s.match.referral_insistent; }, non_negative));
  return t;
}

/// Checks that involve two settings.
void check_together(const Settings& s, std::vector<std::string>& problems) {
  if (s.max_route_bytes < s.max_match_bytes) problems.push_back("max_route_bytes: must be at least max_match_bytes");
  if (!(s.match.min_strength <= s.match.medium_strength && s.match.medium_strength <= s.match.high_strength))
    problems.push_back("match_*_strength: thresholds must satisfy min <= medium <= high");
}

}  // namespace

search::MatchOptions Settings::match_options() const {
  search::MatchOptions o = match;
  o.max_text_bytes = max_match_bytes;
  return o;
}

const std::vector<SettingInfo>& settings_table() {
  static const std::vector<SettingInfo> table = make_table();
  return table;
}

const SettingInfo* find_setting(std::string_view name) {
  for (const auto& s : settings_table())
    if (s.name == name) return &s;
  return nullptr;
}

void apply_config_file(Settings& settings, const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error(file.string() + ": cannot open the configuration file");
  Json j;
  try {
    j = Json::parse(in, nullptr, true, /*ignore_comments=*/true);
  } catch (const Json::exception& e) {
    throw Error(file.string() + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(file.string() + ": expected a JSON object of settings");
  for (const auto& [key, value] : j.items()) {
    const SettingInfo* info = find_setting(key);
    if (!info) throw Error(file.string() + ": " + key + ": unknown setting");
    try {
      info->read_json(settings, value);
    } catch (const std::exception& e) {
      throw Error(file.string() + ": " + key + ": " + e.what());
    }
  }
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string kv(*e);
    if (!kv.starts_with("KOE_")) continue;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

void apply_environment(Settings& settings, const std::map<std::string, std::string>& env) {
  for (const auto& info : settings_table()) {
    const auto it = env.find(std::string(info.env));
    if (it == env.end()) continue;
    try {
      info.read_text(settings, it->second);
    } catch (const std::exception& e) {
      throw Error(std::string(info.env) + ": " + e.what());
    }
  }
}

void apply_flags(Settings& settings, const std::map<std::string, std::string>& flags) {
  for (const auto& [name, value] : flags) {
    const SettingInfo* info = find_setting(name);
    if (!info) throw Error("unknown setting " + name);
    try {
      info->read_text(settings, value);
    } catch (const std::exception& e) {
      throw Error(std::string(info->flag.empty() ? info->name : info->flag) + ": " + e.what());
    }
  }
}

std::vector<std::string> validate(const Settings& settings) {
  std::vector<std::string> problems;
  for (const auto& info : settings_table())
    if (auto p = info.check(settings)) problems.push_back(std::string(info.name) + ": " + *p);
  check_together(settings, problems);
  return problems;
}

Settings load_settings(const SettingsSources& sources) {
  Settings s;
  std::optional<std::filesystem::path> file = sources.config_file;
  if (!file)
    if (auto it = sources.environment.find("KOE_CONFIG"); it != sources.environment.end() && !it->second.empty())
      file = it->second;
  if (file) apply_config_file(s, *file);
  apply_environment(s, sources.environment);
  apply_flags(s, sources.flags);
  if (auto problems = validate(s); !problems.empty()) {
    std::string msg = "invalid configuration:";
    for (const auto& p : problems) msg += "\n  " + p;
    throw Error(msg);
  }
  return s;
}

std::string sample_config() {
  const Settings defaults;
  std::ostringstream o;
  o << "// koe serve --config koe.sample.jsonc (or KOE_CONFIG=koe.sample.jsonc koe match …)\n"
       "// Every setting with its default; generated by `koe config sample` from the settings table.\n"
       "// Environment variables and flags override this file.\n{\n";
  const auto& table = settings_table();
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto& info = table[i];
    const bool last = i + 1 == table.size();
    o << "  // " << info.doc << "\n  ";
    // A default that depends on the build (a path in the build tree) is described, not written.
    if (!info.default_doc.empty())
      o << "// \"" << info.name << "\": \"…\"  (default: " << info.default_doc << ")\n";
    else
      o << "\"" << info.name << "\": " << info.write_json(defaults).dump() << (last ? "" : ",") << "\n";
  }
  o << "}\n";
  return o.str();
}

std::string settings_table_markdown() {
  const Settings defaults;
  std::ostringstream o;
  o << "| setting | env | flag | default | what |\n|---|---|---|---|---|\n";
  for (const auto& info : settings_table()) {
    o << "| `" << info.name << "` | `" << info.env << "` | "
      << (info.flag.empty() ? "" : "`" + std::string(info.flag) + "`") << " | ";
    if (!info.default_doc.empty())
      o << info.default_doc;
    else
      o << "`" << info.write_json(defaults).dump() << "`";
    o << " | " << info.doc << " |\n";
  }
  return o.str();
}

Json settings_json(const Settings& settings) {
  Json j = Json::object();
  for (const auto& info : settings_table()) j[std::string(info.name)] = info.write_json(settings);
  return j;
}

}  // namespace koe::api
