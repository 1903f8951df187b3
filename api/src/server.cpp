#include "koe/api/server.hpp"

#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <spdlog/spdlog.h>
#include <xapian.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "koe/indexer/error.hpp"
#include "koe/indexer/index_builder.hpp"
#include "koe/indexer/utf8.hpp"
#include "koe/search/matcher.hpp"
#include "koe/search/related.hpp"
#include "koe/search/router.hpp"
#include "koe/search/searcher.hpp"
#include "metrics.hpp"
#include "openapi.hpp"

namespace koe::api {
namespace {

using json = nlohmann::json;

std::atomic<std::uint64_t> next_server_id{1};

// Per-request context: the worker thread that routes a request also logs it.
thread_local std::chrono::steady_clock::time_point t_started;
thread_local std::string t_request_id;
thread_local std::string t_error;

std::string code_name(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 503: return "index_unavailable";
    default: return status >= 500 ? "internal" : "error";
  }
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // A path or parameter echoed in a message may hold bytes that are not UTF-8: replace
  // them rather than throw while answering.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  t_error = message;
  send_json(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

void send_status(httplib::Response& res, const Status& s) { send_error(res, s.http_status, s.code, s.message); }

/// The route pattern a path belongs to, as metrics and the access log name it.
std::string route_of(const httplib::Request& req) {
  const std::string& p = req.path;
  if (p.starts_with("/api/v1/projects/")) return p.ends_with("/related") ? "/api/v1/projects/{id}/related" : "/api/v1/projects/{id}";
  if (p.starts_with("/projects/")) return "/projects/{id}";
  if (p.starts_with("/static/")) return "/static/*";
  static const char* known[] = {"/api/v1/search", "/api/v1/match", "/api/v1/route", "/api/v1/projects", "/api/v1/openapi.json",
                                "/healthz", "/metrics", "/", "/voice"};
  for (const char* k : known)
    if (p == k) return k;
  return "other";
}

std::string new_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint32_t prefix = std::random_device{}();
  std::ostringstream o;
  o << std::hex << prefix << "-" << ++counter;
  return o.str();
}

/// Reads an optional integer query parameter within [min, max].
bool int_param(const httplib::Request& req, httplib::Response& res, const char* name, std::size_t& out, std::size_t min,
               std::size_t max) {
  if (!req.has_param(name)) return true;
  const std::string v = req.get_param_value(name);
  std::size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || v.empty() || n < static_cast<long long>(min) || n > static_cast<long long>(max)) {
    send_error(res, 400, std::string(name) + "_out_of_range",
               std::string(name) + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", got «" + v + "»");
    return false;
  }
  out = static_cast<std::size_t>(n);
  return true;
}

std::vector<std::string> params(const httplib::Request& req, const char* name) {
  std::vector<std::string> out;
  const auto n = req.get_param_value_count(name);
  for (std::size_t i = 0; i < n; ++i) {
    auto v = req.get_param_value(name, i);
    if (!v.empty()) out.push_back(v);
  }
  return out;
}

/// The body as JSON, or false after sending the 400 that says why it is not.
bool parse_body(const std::string& text, httplib::Response& res, json& body) {
  if (auto bad = utf8::find_invalid(text)) {
    send_error(res, 400, "invalid_utf8", "the body is not valid UTF-8 (byte offset " + std::to_string(*bad) + ")");
    return false;
  }
  try {
    body = json::parse(text);
  } catch (const json::parse_error& e) {
    send_error(res, 400, "invalid_json", std::string("the body is not valid JSON: ") + e.what());
    return false;
  }
  return true;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

}  // namespace

/// cpp-httplib listens with a backlog of 5: 64 clients connecting at once overflow it and
/// wait for SYN retransmits (1 s, 3 s). Listening again on the bound socket widens it.
class HttpServer : public httplib::Server {
 public:
  void widen_backlog(int backlog) { ::listen(svr_sock_, backlog); }
};

struct Server::Impl {
  ServerConfig config;
  std::unique_ptr<Analyzer> analyzer;
  HttpServer http;
  Metrics metrics;
  std::uint64_t id = next_server_id++;
  int port = 0;

  /// This thread's handle on the index, reopened to the latest revision on every request:
  /// Xapian objects are not thread-safe, and reopening is how a new index revision is served
  /// without a restart.
  Xapian::Database* database(std::string& why) {
    struct Handle {
      std::unique_ptr<Xapian::Database> db;
      ino_t version_inode = 0;  // of iamglass, rewritten (renamed into place) by every commit
    };
    thread_local std::unordered_map<std::uint64_t, Handle> handles;
    auto& h = handles[id];
    // reopen() compares revisions only: an index deleted and rebuilt in place starts again at
    // revision 1 and would keep this handle on the deleted files. A new iamglass inode means
    // a new commit or a new index; either way open afresh.
    struct stat st {};
    const bool present = ::stat((config.db / "iamglass").c_str(), &st) == 0;
    try {
      if (!h.db || !present || st.st_ino != h.version_inode) {
        h.db.reset();
        h.db = std::make_unique<Xapian::Database>(open_index(config.db));
        h.version_inode = present ? st.st_ino : 0;
      }
    } catch (const Xapian::DatabaseOpeningError&) {
      why = "the index at " + config.db.string() + " is not open yet (run koe index)";
      return nullptr;
    } catch (const Error& e) {
      why = e.what();
      return nullptr;
    }
    return h.db.get();
  }

  /// Runs `body` with this thread's index; retries once when a newer revision arrived mid-way.
  template <class F>
  void with_db(httplib::Response& res, F&& body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::string why;
      Xapian::Database* db = database(why);
      if (!db) {
        send_error(res, 503, "index_unavailable", why);
        return;
      }
      try {
        body(*db);
        return;
      } catch (const Xapian::DatabaseModifiedError&) {
        db->reopen();
      }
    }
    send_error(res, 503, "index_busy", "the index changed twice during the request; try again");
  }

  std::filesystem::path web_root() const { return config.web_root.empty() ? std::filesystem::path(KOE_DEFAULT_WEB_ROOT) : config.web_root; }

  void serve_page(httplib::Response& res, const char* file) {
    const std::string body = read_file(web_root() / file);
    if (body.empty()) {
      res.status = 404;
      res.set_content("<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\"><title>見つかりません</title><p>ページが見つかりません。</p>", "text/html; charset=utf-8");
      return;
    }
    res.set_content(body, "text/html; charset=utf-8");
  }

  void register_routes();
  void register_hooks();
  void search(const httplib::Request& req, httplib::Response& res);
  void match(const std::string& body, httplib::Response& res);
  void route(const httplib::Request& req, const std::string& body, httplib::Response& res);
};

void Server::Impl::search(const httplib::Request& req, httplib::Response& res) {
  search::SearchRequest sr;
  sr.query = req.get_param_value("q");
  if (auto bad = utf8::find_invalid(sr.query))
    return send_error(res, 400, "invalid_utf8", "q is not valid UTF-8 (byte offset " + std::to_string(*bad) + ")");
  if (sr.query.find_first_not_of(" \t\r\n") == std::string::npos)
    return send_error(res, 400, "empty_query", "q is empty: type a word to search for");
  if (!int_param(req, res, "limit", sr.limit, 1, search::kMaxLimit)) return;
  if (!int_param(req, res, "offset", sr.offset, 0, 100000)) return;
  sr.filters.divisions = params(req, "division");
  sr.filters.kinds = params(req, "kind");
  sr.filters.projects = params(req, "project");
  with_db(res, [&](Xapian::Database& db) {
    auto r = search::search(*analyzer, db, sr);
    if (!r.ok()) return send_status(res, r.status());
    send_json(res, 200, r.value().to_json());
  });
}

void Server::Impl::match(const std::string& raw, httplib::Response& res) {
  if (raw.size() > config.max_match_bytes)
    return send_error(res, 413, "payload_too_large",
                      "the body is " + std::to_string(raw.size()) + " bytes; the limit for match is " + std::to_string(config.max_match_bytes));
  json body;
  if (!parse_body(raw, res, body)) return;
  if (!body.is_object()) return send_error(res, 400, "invalid_json", "the body must be a JSON object {\"text\": \"…\"}");
  if (!body.contains("text")) return send_error(res, 400, "missing_text", "the body has no \"text\" field");
  if (!body["text"].is_string()) return send_error(res, 400, "invalid_text", "\"text\" must be a string");
  search::MatchRequest mr;
  mr.text = body["text"].get<std::string>();
  if (mr.text.find_first_not_of(" \t\r\n") == std::string::npos)
    return send_error(res, 400, "empty_text", "\"text\" is empty: paste the voice to route");
  if (body.contains("limit")) {
    if (!body["limit"].is_number_integer() || body["limit"].get<long long>() < 1 ||
        body["limit"].get<long long>() > static_cast<long long>(search::kMaxMatchLimit))
      return send_error(res, 400, "limit_out_of_range", "limit must be a whole number from 1 to " + std::to_string(search::kMaxMatchLimit));
    mr.limit = body["limit"].get<std::size_t>();
  }
  auto options = config.match;
  options.max_text_bytes = config.max_match_bytes;
  with_db(res, [&](Xapian::Database& db) {
    auto r = search::match(*analyzer, db, mr, options);
    if (!r.ok()) return send_status(res, r.status());
    send_json(res, 200, r.value().to_json());
  });
}

void Server::Impl::route(const httplib::Request& req, const std::string& raw, httplib::Response& res) {
  if (raw.size() > config.max_route_bytes)
    return send_error(res, 413, "payload_too_large", "the body is over the route limit of " + std::to_string(config.max_route_bytes) + " bytes");
  const std::string type = req.get_header_value("Content-Type");
  search::VoiceBatch batch;
  try {
    if (type.starts_with("text/csv")) {
      batch = search::read_voices(raw, search::BatchFormat::csv, search::TextEncoding::automatic);
    } else if (type.empty() || type.starts_with("application/json")) {
      json body;
      if (!parse_body(raw, res, body)) return;
      if (body.is_object() && body.contains("voices")) body = body["voices"];
      if (!body.is_array()) return send_error(res, 400, "invalid_json", "expected a JSON array of {\"id\", \"text\"}");
      for (std::size_t i = 0; i < body.size(); ++i) {
        const auto& v = body[i];
        if (!v.is_object() || !v.contains("text") || !v["text"].is_string()) {
          batch.errors.push_back("item " + std::to_string(i) + ": expected {\"id\": …, \"text\": \"…\"}");
          continue;
        }
        std::string id = v.contains("id") ? (v["id"].is_string() ? v["id"].get<std::string>() : v["id"].dump()) : std::to_string(i);
        batch.voices.push_back({id, v["text"].get<std::string>(), static_cast<int>(i)});
      }
    } else {
      return send_error(res, 415, "unsupported_media_type", "send application/json or text/csv, not " + type);
    }
  } catch (const Error& e) {
    return send_error(res, 400, "bad_request", e.what());
  }
  if (batch.voices.size() > config.max_route_voices)
    return send_error(res, 413, "too_many_voices", std::to_string(batch.voices.size()) + " voices; the limit per request is " + std::to_string(config.max_route_voices));
  with_db(res, [&](Xapian::Database& db) {
    json results = json::array();
    json errors = batch.errors;
    for (const auto& v : batch.voices) {
      auto r = search::match(*analyzer, db, {v.text, 3}, config.match);
      if (!r.ok()) {
        errors.push_back("voice " + v.id + ": " + r.status().message);
        continue;
      }
      results.push_back(search::routing_json(v.id, r.value()));
    }
    send_json(res, 200, {{"results", results}, {"errors", errors}});
  });
}

void Server::Impl::register_routes() {
  http.Get("/api/v1/search", [this](const auto& req, auto& res) { search(req, res); });
  // POST bodies are read through a content reader: otherwise cpp-httplib parses a body
  // sent as a form (curl -d) itself and refuses one over 8 KB, whatever koe's limits say.
  auto read_body = [this](const httplib::ContentReader& reader, httplib::Response& res, std::string& body) {
    const bool complete = reader([&](const char* data, std::size_t n) {
      body.append(data, n);
      return true;
    });
    // The reader stops at the server's payload limit (the route limit, the larger one).
    if (!complete)
      send_error(res, 413, "payload_too_large", "the body is over the limit of " + std::to_string(config.max_route_bytes) + " bytes");
    return complete;
  };
  http.Post("/api/v1/match", [this, read_body](const httplib::Request&, httplib::Response& res, const httplib::ContentReader& reader) {
    std::string body;
    if (read_body(reader, res, body)) match(body, res);
  });
  http.Post("/api/v1/route", [this, read_body](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    std::string body;
    if (read_body(reader, res, body)) route(req, body, res);
  });
  http.Get("/api/v1/projects", [this](const auto&, auto& res) {
    with_db(res, [&](Xapian::Database& db) {
      json out = json::array();
      for (const auto& p : search::list_projects(db))
        out.push_back({{"id", p.project_id.value_or("")}, {"name", p.project.value_or("")}, {"division", p.division},
                       {"department", p.department}, {"number", p.number}, {"policy", p.policy}, {"sub_policy", p.sub_policy},
                       {"sub_policy_name", p.sub_policy_name}, {"fiscal_year", p.fiscal_year}});
      send_json(res, 200, {{"projects", out}});
    });
  });
  http.Get(R"(/api/v1/projects/([^/]+))", [this](const auto& req, auto& res) {
    with_db(res, [&](Xapian::Database& db) {
      auto r = search::project_sections(db, req.matches[1]);
      if (!r.ok()) return send_status(res, r.status());
      send_json(res, 200, search::project_detail_json(r.value()));
    });
  });
  http.Get(R"(/api/v1/projects/([^/]+)/related)", [this](const auto& req, auto& res) {
    std::size_t limit = 5;
    if (!int_param(req, res, "limit", limit, 1, 20)) return;
    with_db(res, [&](Xapian::Database& db) {
      auto r = search::related_projects(*analyzer, db, req.matches[1], limit);
      if (!r.ok()) return send_status(res, r.status());
      json out = json::array();
      for (const auto& rp : r.value())
        out.push_back({{"project", search::project_json(rp.project)}, {"score", rp.score}, {"terms", rp.terms}});
      send_json(res, 200, {{"project_id", std::string(req.matches[1])}, {"related", out}});
    });
  });
  http.Get("/api/v1/openapi.json", [](const auto&, auto& res) { send_json(res, 200, openapi_document()); });
  http.Get("/healthz", [this](const auto&, auto& res) {
    std::string why;
    Xapian::Database* db = database(why);
    if (!db) return send_json(res, 503, {{"status", "starting"}, {"error", {{"code", "index_unavailable"}, {"message", why}}}});
    send_json(res, 200, {{"status", "ok"}, {"revision", db->get_revision()}, {"sections", db->get_doccount()}});
  });
  http.Get("/metrics", [this](const auto&, auto& res) {
    std::string why;
    Xapian::Database* db = database(why);
    res.set_content(metrics.render(db ? db->get_revision() : 0, db ? db->get_doccount() : 0), "text/plain; version=0.0.4");
  });

  http.Get("/", [this](const auto&, auto& res) { serve_page(res, "index.html"); });
  http.Get("/voice", [this](const auto&, auto& res) { serve_page(res, "voice.html"); });
  http.Get(R"(/projects/([^/]+))", [this](const auto&, auto& res) { serve_page(res, "project.html"); });
  http.set_mount_point("/static", (web_root() / "static").string());

  // A known path with the wrong method is 405 with Allow, not 404.
  const std::vector<std::pair<std::string, std::string>> allowed{
      {"/api/v1/search", "GET"}, {"/api/v1/match", "POST"}, {"/api/v1/route", "POST"}, {"/api/v1/projects", "GET"},
      {R"(/api/v1/projects/([^/]+))", "GET"}, {R"(/api/v1/projects/([^/]+)/related)", "GET"},
      {"/api/v1/openapi.json", "GET"}, {"/healthz", "GET"}, {"/metrics", "GET"}};
  for (const auto& [path, allow] : allowed) {
    auto refuse = [allow = allow](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Allow", allow + ", OPTIONS");
      send_error(res, 405, "method_not_allowed", req.method + " is not allowed on " + req.path + "; use " + allow);
    };
    if (allow != "GET") http.Get(path, refuse);
    if (allow != "POST") http.Post(path, refuse);
    http.Put(path, refuse);
    http.Delete(path, refuse);
    http.Patch(path, refuse);
  }
  http.Options(R"(/api/.*)", [](const auto&, auto& res) { res.status = 204; });
}

void Server::Impl::register_hooks() {
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response& res) {
    t_started = std::chrono::steady_clock::now();
    t_request_id = new_request_id();
    t_error.clear();
    res.set_header("X-Request-Id", t_request_id);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Runs once the response is final but before it is written, so a client that reads
  // /metrics right after a response already sees it counted.
  http.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    metrics.observe(route_of(req), res.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - t_started).count());
    const std::string origin = req.get_header_value("Origin");
    if (origin.empty() || !req.path.starts_with("/api/")) return;
    for (const auto& allowed : config.cors_origins) {
      if (allowed == "*" || allowed == origin) {
        res.set_header("Access-Control-Allow-Origin", allowed == "*" ? "*" : origin);
        res.set_header("Vary", "Origin");
        res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "Content-Type");
        res.set_header("Access-Control-Max-Age", "600");
        break;
      }
    }
  });
  http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 413) send_error(res, 413, "payload_too_large", "the body is over the configured maximum");
    else if (res.status == 404) send_error(res, 404, "not_found", "no route " + req.method + " " + req.path);
    else send_error(res, res.status, code_name(res.status), "request failed with status " + std::to_string(res.status));
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const Xapian::Error& e) {
      what = e.get_description();
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("[api][handler] request_id={} path={} err={}", t_request_id, req.path, what);
    send_error(res, 500, "internal", "internal error (request id " + t_request_id + ")");
  });
  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_started).count();
    const std::string route = route_of(req);
    if (!config.access_log) return;
    json line = {{"time", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count()},
                 {"request_id", t_request_id}, {"method", req.method}, {"route", route}, {"status", res.status},
                 {"us", static_cast<long long>(seconds * 1e6)}};
    if (!t_error.empty()) line["error"] = t_error;
    std::printf("%s\n", line.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    std::fflush(stdout);
  });
}

Server::Server(ServerConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  if (auto problems = validate(impl_->config); !problems.empty()) {
    std::string msg = "invalid configuration:";
    for (const auto& p : problems) msg += "\n  " + p;
    throw Error(msg);
  }
  impl_->analyzer = std::make_unique<Analyzer>(impl_->config.analyzer);
  const int threads = impl_->config.threads;
  impl_->http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  impl_->http.set_payload_max_length(impl_->config.max_route_bytes);
  // Without TCP_NODELAY a keep-alive client waits ~40 ms per response (Nagle + delayed ACK).
  impl_->http.set_tcp_nodelay(true);
  // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, which lets a second
  // server bind a port already served and silently share it.
  impl_->http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const void*>(&yes), sizeof(yes));
  });
  // One request per connection: cpp-httplib keeps a worker thread for each open keep-alive
  // connection, so as many idle browser connections as workers would stall every other
  // client for the keep-alive timeout (5 s). A loopback or LAN connect costs far less.
  impl_->http.set_keep_alive_max_count(1);
  impl_->http.set_read_timeout(10, 0);
  impl_->register_hooks();
  impl_->register_routes();
}

Server::~Server() = default;

int Server::bind() {
  auto& c = impl_->config;
  if (c.port == 0) impl_->port = impl_->http.bind_to_any_port(c.host);
  else impl_->port = impl_->http.bind_to_port(c.host, c.port) ? c.port : -1;
  if (impl_->port <= 0) throw Error("cannot listen on " + c.host + ":" + std::to_string(c.port) + " (in use, or not an address of this machine)");
  impl_->http.widen_backlog(1024);
  return impl_->port;
}

void Server::run() { impl_->http.listen_after_bind(); }
void Server::stop() { impl_->http.stop(); }
const ServerConfig& Server::config() const { return impl_->config; }

int serve_until_signalled(const ServerConfig& config) {
  // Block the signals before any thread starts so only the waiter below receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Server server(config);
  const int port = server.bind();
  spdlog::info("[api] serving index={} on http://{}:{}/ threads={}", config.db.string(), config.host, port, config.threads);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("[api] signal={} draining in-flight requests", sig);
    server.stop();
  });
  server.run();
  // run() returns on stop(); if it returned for another reason, release the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  spdlog::info("[api] stopped");
  return 0;
}

}  // namespace koe::api
