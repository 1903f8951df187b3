#include "koe/api/server.hpp"

#include <httplib.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <sstream>
#include <thread>

#include "index_handles.hpp"
#include "koe/indexer/error.hpp"
#include "koe/wire/json.hpp"
#include "metrics.hpp"
#include "respond.hpp"
#include "route_table.hpp"
#include "service.hpp"

namespace koe::api {
namespace {

using Json = nlohmann::json;

/// Paths under it are the API: CORS applies, and OPTIONS is a preflight.
constexpr std::string_view kApiPrefix = "/api/";

/// The pages load only koe's own scripts, styles and data, and no other site may frame them.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

/// The media type of a Content-Type header, lowercased, without parameters.
std::string media_type_of(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  t.erase(t.find_last_not_of(" \t") + 1);
  t.erase(0, t.find_first_not_of(" \t"));
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return t;
}

/// Status 415 unless the request's body is of a media type the route documents. A browser
/// on another site can send text/plain or a form without asking; it cannot send JSON.
Status check_media_type(const Route& route, const http::Request& req) {
  if (route.request_body.is_null()) return {};
  const auto& accepted = route.request_body["content"];
  const std::string type = media_type_of(req.header("Content-Type"));
  if (accepted.contains(type)) return {};
  std::string names;
  for (const auto& [name, schema] : accepted.items()) names += (names.empty() ? "" : " or ") + name;
  return Status::unsupported_media_type("send " + names + (type.empty() ? " (the request names no Content-Type)" : ", not " + type));
}

/// Headers every response carries, whatever answered it.
void add_security_headers(http::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
}

std::string new_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  static const std::uint32_t prefix = std::random_device{}();
  std::ostringstream o;
  o << std::hex << prefix << "-" << ++counter;
  return o.str();
}

}  // namespace

/// cpp-httplib listens with a backlog of 5: 64 clients connecting at once overflow it and
/// wait for SYN retransmits (1 s, 3 s). Listening again on the bound socket widens it.
class HttpServer : public httplib::Server {
 public:
  void widen_backlog(int backlog) { ::listen(svr_sock_, backlog); }
};

struct Server::Impl {
  Settings settings;
  std::unique_ptr<Analyzer> analyzer;
  Metrics metrics;
  std::unique_ptr<IndexHandles> index;
  std::unique_ptr<Service> service;
  RouteTable routes;
  HttpServer http;
  int port = 0;

  void handle(http::Request& req, http::Response& res);
  void add_cors_headers(const http::Request& req, http::Response& res) const;
  void log(const http::Request& req, const http::Response& res, const std::string& route, const std::string& id,
           double seconds) const;
  void attach_transport();
};

/// One request, start to end: find its route (or say why there is none), run the handler,
/// then the headers every response gets, the metrics and the access log.
void Server::Impl::handle(http::Request& req, http::Response& res) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = new_request_id();
  request_error().clear();
  res.set_header("X-Request-Id", request_id);
  const RouteTable::Found found = routes.find(req.method, req.path);
  const std::string route = found.route ? std::string(found.route->path) : "other";
  try {
    if (req.method == "OPTIONS" && req.path.starts_with(kApiPrefix)) {
      res.status = 204;  // a CORS preflight; the headers below say what is allowed
    } else if (!found.route && !found.allowed.empty()) {
      std::string allow;
      for (auto m : found.allowed) allow += std::string(m) + ", ";
      res.set_header("Allow", allow + "OPTIONS");
      send_status(res, {405, "method_not_allowed",
                        req.method + " is not allowed on " + req.path + "; use " + allow.substr(0, allow.size() - 2)});
    } else if (!found.route) {
      send_status(res, Status::not_found("no route " + req.method + " " + req.path));
    } else if (Status media = check_media_type(*found.route, req); !media.ok()) {
      send_status(res, media);
    } else if (req.body.size() > found.route->max_body_bytes()) {
      send_status(res, Status::too_large("payload_too_large", "the body is " + std::to_string(req.body.size()) +
                                                                  " bytes; the limit for " + req.path + " is " +
                                                                  std::to_string(found.route->max_body_bytes())));
    } else {
      req.path_params = found.path_params;
      found.route->handler(req, res);
    }
  } catch (const Xapian::Error& e) {
    spdlog::error("[api][handler] request_id={} path={} err={}", request_id, req.path, e.get_description());
    send_status(res, {500, "internal", "internal error (request id " + request_id + ")"});
  } catch (const std::exception& e) {
    spdlog::error("[api][handler] request_id={} path={} err={}", request_id, req.path, e.what());
    send_status(res, {500, "internal", "internal error (request id " + request_id + ")"});
  }
  add_cors_headers(req, res);
  add_security_headers(res);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics.observe(route, res.status, seconds);
  log(req, res, route, request_id, seconds);
}

void Server::Impl::add_cors_headers(const http::Request& req, http::Response& res) const {
  const std::string origin = req.header("Origin");
  if (origin.empty() || !req.path.starts_with(kApiPrefix)) return;
  for (const auto& allowed : settings.cors_origins) {
    if (allowed == "*" || allowed == origin) {
      res.set_header("Access-Control-Allow-Origin", allowed == "*" ? "*" : origin);
      res.set_header("Vary", "Origin");
      res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      res.set_header("Access-Control-Allow-Headers", "Content-Type");
      res.set_header("Access-Control-Max-Age", "600");
      return;
    }
  }
}

void Server::Impl::log(const http::Request& req, const http::Response& res, const std::string& route,
                       const std::string& request_id, double seconds) const {
  if (!settings.access_log) return;
  Json line = {{"time", std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count()},
               {"request_id", request_id},
               {"method", req.method},
               {"route", route},
               {"status", res.status},
               {"us", static_cast<long long>(seconds * 1e6)}};
  if (!request_error().empty()) line["error"] = request_error();
  std::printf("%s\n", wire::dump(line).c_str());
  std::fflush(stdout);
}

/// Hands every request cpp-httplib reads to handle() as koe's own Request.
void Server::Impl::attach_transport() {
  auto convert = [this](const httplib::Request& in, httplib::Response& out, std::string body) {
    http::Request req;
    req.method = in.method;
    req.target = in.target;
    req.remote_address = in.remote_addr;
    for (const auto& [k, v] : in.headers) req.headers.emplace(k, v);
    req.body = std::move(body);
    http::Response res;
    if (auto target = http::parse_target(in.target)) {
      req.path = std::move(target->path);
      req.query = std::move(target->query);
      handle(req, res);
    } else {
      request_error().clear();
      send_status(res, Status::invalid("bad_request", "the request target is not a valid path"));
    }
    out.status = res.status;
    for (const auto& [k, v] : res.headers)
      if (k != "Content-Type") out.set_header(k.c_str(), v);
    out.set_content(res.body, res.header("Content-Type").c_str());
  };
  // Bodies are read through a content reader: otherwise cpp-httplib parses a form body itself
  // and refuses one over 8 KB, whatever koe's limits say.
  auto with_body = [convert](const httplib::Request& in, httplib::Response& out, const httplib::ContentReader& reader) {
    std::string body;
    if (!reader([&](const char* data, std::size_t n) {
          body.append(data, n);
          return true;
        })) {
      http::Response res;
      send_status(res, Status::too_large("payload_too_large", "the body is over the configured maximum"));
      out.status = res.status;
      out.set_content(res.body, "application/json; charset=utf-8");
      return;
    }
    convert(in, out, std::move(body));
  };
  auto without_body = [convert](const httplib::Request& in, httplib::Response& out) { convert(in, out, {}); };
  http.Get(".*", without_body);
  http.Options(".*", without_body);
  http.Post(".*", with_body);
  http.Put(".*", with_body);
  http.Patch(".*", with_body);
  http.Delete(".*", with_body);
  http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    http::Response r;
    send_status(r, res.status == 413 ? Status::too_large("payload_too_large", "the body is over the configured maximum")
                                     : Status{res.status, res.status >= 500 ? "internal" : "bad_request",
                                              "request failed with status " + std::to_string(res.status)});
    res.set_content(r.body, "application/json; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  }));
}

Server::Server(Settings settings) : impl_(std::make_unique<Impl>()) {
  impl_->settings = std::move(settings);
  if (auto problems = validate(impl_->settings); !problems.empty()) {
    std::string msg = "invalid configuration:";
    for (const auto& p : problems) msg += "\n  " + p;
    throw Error(msg);
  }
  auto& s = impl_->settings;
  impl_->analyzer = std::make_unique<Analyzer>(s.analyzer);
  impl_->index = std::make_unique<IndexHandles>(s.db);
  impl_->service.reset(new Service{s, *impl_->analyzer, *impl_->index, impl_->metrics,
                                   s.web_root.empty() ? std::filesystem::path(KOE_DEFAULT_WEB_ROOT) : s.web_root});
  impl_->routes = build_routes(*impl_->service);
  impl_->service->routes = &impl_->routes;

  const int threads = s.threads;
  impl_->http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  impl_->http.set_payload_max_length(std::max(s.max_route_bytes, s.max_match_bytes));
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
  // client for the keep-alive timeout (5 s).
  impl_->http.set_keep_alive_max_count(1);
  impl_->http.set_read_timeout(10, 0);
  impl_->attach_transport();
}

Server::~Server() = default;

int Server::bind() {
  const auto& s = impl_->settings;
  if (s.port == 0) impl_->port = impl_->http.bind_to_any_port(s.host);
  else impl_->port = impl_->http.bind_to_port(s.host, s.port) ? s.port : -1;
  if (impl_->port <= 0)
    throw Error("cannot listen on " + s.host + ":" + std::to_string(s.port) + " (in use, or not an address of this machine)");
  impl_->http.widen_backlog(1024);
  return impl_->port;
}

void Server::run() { impl_->http.listen_after_bind(); }
void Server::stop() { impl_->http.stop(); }
const Settings& Server::settings() const { return impl_->settings; }

int serve_until_signalled(const Settings& settings) {
  // Block the signals before any thread starts so only the waiter below receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Server server(settings);
  const int port = server.bind();
  spdlog::info("[api] serving index={} on http://{}:{}/ threads={}", settings.db.string(), settings.host, port,
               settings.threads);
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
