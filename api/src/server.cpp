#include "koe/api/server.hpp"

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
#include "koe/http/server.hpp"
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

/// The value of cookie `name` in a Cookie header ("a=1; koe_session=…"), or nullopt.
std::optional<std::string> cookie_value(const std::string& header, std::string_view name) {
  std::size_t at = 0;
  while (at < header.size()) {
    const auto end = std::min(header.find(';', at), header.size());
    std::string_view pair(header.data() + at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
      return std::string(pair.substr(name.size() + 1));
    at = end + 1;
  }
  return std::nullopt;
}

/// Status 415 unless the request's body is of a media type the route documents. A browser
/// on another site can send text/plain or a form without asking; it cannot send JSON.
Status check_media_type(const Route& route, const http::Request& req) {
  if (route.request_body.is_null()) return {};
  const auto& accepted = route.request_body["content"];
  const std::string type = req.media_type();
  if (accepted.contains(type)) return {};
  std::string names;
  for (const auto& [name, schema] : accepted.items()) names += (names.empty() ? "" : " or ") + name;
  return Status::unsupported_media_type("send " + names +
                                        (type.empty() ? " (the request names no Content-Type)" : ", not " + type));
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

struct Server::Impl {
  Settings settings;
  std::unique_ptr<Analyzer> analyzer;
  Metrics metrics;
  std::unique_ptr<IndexHandles> index;
  std::unique_ptr<Service> service;
  RouteTable routes;
  std::unique_ptr<http::Server> transport;

  std::unique_ptr<search::ReferralTable> referrals;
  std::unique_ptr<VoiceDesk> desk;

  void handle(http::Request& req, http::Response& res);
  Status identify(const http::Request& req, std::optional<desk::User>& user,
                  std::optional<desk::Session>& session) const;
  Status authorize(const Route& route, const http::Request& req, std::optional<desk::User>& user,
                   std::optional<desk::Session>& session) const;
  http::RequestPlan plan(const http::Request& head) const;
  void answer_transport_error(int status, std::string_view code, std::string_view message, http::Response& res);
  void add_cors_headers(const http::Request& req, http::Response& res) const;
  void log(const http::Request& req, const http::Response& res, const std::string& route, const std::string& id,
           double seconds) const;
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
    } else {
      req.path_params = found.path_params;
      std::optional<desk::User> user;
      std::optional<desk::Session> session;
      if (Status denied = authorize(*found.route, req, user, session); !denied.ok()) {
        if (denied.http_status == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"koe\"");
        send_status(res, denied);
      } else {
        Call call{req, res, user ? &*user : nullptr, session ? &*session : nullptr};
        found.route->handler(call);
      }
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

/// Who calls: an API token (Authorization: Bearer), or the session cookie of the login page —
/// then an unsafe method must echo the session's CSRF token, which a page on another site
/// cannot read. 401 without either, or with one that is unknown or expired.
Status Server::Impl::identify(const http::Request& req, std::optional<desk::User>& user,
                              std::optional<desk::Session>& session) const {
  const std::string authorization = req.header("Authorization");
  if (authorization.starts_with("Bearer ")) {
    auto u = desk->accounts().authenticate_token(authorization.substr(7));
    if (!u.ok()) return u.status();
    user = u.value();
    return {};
  }
  if (const auto cookie = cookie_value(req.header("Cookie"), kSessionCookie)) {
    auto sn = desk->accounts().session(*cookie);
    if (!sn.ok()) return sn.status();
    const bool safe = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
    if (!safe && req.header("X-CSRF-Token") != sn.value().csrf_token)
      return Status::forbidden("csrf_failed", "this request must carry the page's X-CSRF-Token; reload the page");
    session = sn.value();
    session->id = *cookie;
    user = session->user;
    return {};
  }
  return Status::unauthorized("unauthorized",
                              "sign in on the login page (/login), or send Authorization: Bearer <token>");
}

/// Whether the caller may call the route: anyone on an open route (a signed-in caller known
/// to the handler where the route wants to know), else a signed-in user of the role it needs.
Status Server::Impl::authorize(const Route& route, const http::Request& req, std::optional<desk::User>& user,
                               std::optional<desk::Session>& session) const {
  if (route.access == Access::open) return {};
  if (route.access == Access::open_with_caller) {
    if (desk && !identify(req, user, session).ok()) {
      user.reset();  // anonymous, as if no credentials had come
      session.reset();
    }
    return {};
  }
  if (!desk) return desk_disabled();
  if (Status who = identify(req, user, session); !who.ok()) return who;
  if (route.access == Access::clerk) return desk::Accounts::require_role(*user, desk::Role::clerk);
  if (route.access == Access::admin) return desk::Accounts::require_role(*user, desk::Role::admin);
  return {};
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

/// From a request's head, before its body is read: its route's lane and largest body (a
/// request with no route gets a small allowance, enough to be answered 404 or 405).
http::RequestPlan Server::Impl::plan(const http::Request& head) const {
  const RouteTable::Found found = routes.find(head.method, head.path);
  if (!found.route) return {http::Lane::interactive, 64 * 1024};
  return {found.route->workload == Workload::batch ? http::Lane::batch : http::Lane::interactive,
          found.route->max_body_bytes()};
}

/// A request the transport refused before any route saw it (too large, too slow, malformed,
/// the server too busy): the same error body and headers as any other answer, counted and
/// logged.
void Server::Impl::answer_transport_error(int status, std::string_view code, std::string_view message,
                                          http::Response& res) {
  const std::string request_id = new_request_id();
  res.status = status;
  res.set_header("X-Request-Id", request_id);
  res.set_body(wire::dump(wire::error_json({status, std::string(code), std::string(message)})),
               "application/json; charset=utf-8");
  add_security_headers(res);
  metrics.observe("transport", status, 0);
  if (!settings.access_log) return;
  const Json line = {{"time", std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()},
                     {"request_id", request_id},
                     {"route", "transport"},
                     {"status", status},
                     {"error", std::string(message)}};
  std::printf("%s\n", wire::dump(line).c_str());
  std::fflush(stdout);
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
  impl_->referrals = std::make_unique<search::ReferralTable>(
      search::ReferralTable::load(*impl_->analyzer, search::referrals_path(s.analyzer)));
  const search::MatchSources sources{impl_->referrals.get()};
  if (!s.store.empty()) {
    impl_->desk = std::make_unique<VoiceDesk>(s, *impl_->analyzer, sources);
    if (auto users = impl_->desk->accounts().list_users(); users.ok() && users.value().empty())
      spdlog::warn(
          "[desk] store={} has no accounts yet; create the first with: koe users add --store {} "
          "--name NAME --role admin --password-stdin",
          s.store.string(), s.store.string());
  }
  impl_->service.reset(new Service{s, *impl_->analyzer, *impl_->index, impl_->metrics,
                                   s.web_root.empty() ? std::filesystem::path(KOE_DEFAULT_WEB_ROOT) : s.web_root,
                                   impl_->desk.get(), sources});
  impl_->routes = build_routes(*impl_->service);
  impl_->service->routes = &impl_->routes;

  http::ServerLimits limits;
  limits.io_threads = static_cast<std::size_t>(s.io_threads);
  limits.interactive_workers = static_cast<std::size_t>(s.threads);
  limits.batch_workers = static_cast<std::size_t>(s.batch_threads);
  limits.interactive_queue = s.queue;
  limits.max_connections = s.max_connections;
  limits.header_timeout = std::chrono::milliseconds(s.header_timeout_ms);
  limits.body_timeout = std::chrono::milliseconds(s.body_timeout_ms);
  limits.idle_timeout = std::chrono::milliseconds(s.idle_timeout_ms);
  limits.max_header_bytes = s.max_header_bytes;
  Impl* impl = impl_.get();
  impl_->transport = std::make_unique<http::Server>(
      limits, [impl](http::Request& req, http::Response& res) { impl->handle(req, res); },
      [impl](const http::Request& head) { return impl->plan(head); },
      [impl](int status, std::string_view code, std::string_view message, http::Response& res) {
        impl->answer_transport_error(status, code, message, res);
      });
  impl_->service->transport = impl_->transport.get();
}

Server::~Server() = default;

int Server::bind() {
  try {
    return impl_->transport->bind(impl_->settings.host, impl_->settings.port);
  } catch (const http::BindError& e) {
    throw Error(std::string(e.what()) + " (in use, or not an address of this machine)");
  }
}

void Server::run() { impl_->transport->run(); }
void Server::stop() { impl_->transport->stop(); }
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
