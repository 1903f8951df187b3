/// @file route_table.hpp
/// @brief The route table: each route is one entry (method, path pattern, handler and its
/// documentation), from which dispatch, 405 with Allow, the metrics label and the OpenAPI
/// paths all come.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "koe/desk/accounts.hpp"
#include "koe/http/message.hpp"

namespace koe::api {

/// A documented parameter: OpenAPI's parameter object.
struct ParamDoc {
  std::string_view name;
  std::string_view in;  ///< "query" or "path"
  nlohmann::json schema;
  std::string_view description = {};
  bool required = false;
};

/// Which requests a route serves at once with the rest, and which it queues apart: batch
/// work (many voices per request) must not hold every worker while searches wait.
enum class Workload { interactive, batch };

/// Who may call a route. The desk's routes hold personal data: they need a signed-in user
/// (the login page's session cookie, or an API token) of a role.
///
/// `open_with_caller` is open to all, and a caller who signed in (an API token, or the
/// session cookie with its CSRF token) is known to the handler; a missing, unknown or expired
/// one is simply anonymous. /match shows a signed-in clerk the desk's past voices this way.
enum class Access { open, open_with_caller, signed_in, clerk, admin };

/// One request as its handler sees it: the request, the response, and who asked (routes
/// other than open; the session too when the caller signed in on the login page).
struct Call {
  http::Request& req;
  http::Response& res;
  const desk::User* user = nullptr;
  const desk::Session* session = nullptr;
};

struct Route {
  std::string_view method;  ///< GET, POST, PATCH, DELETE
  /// "/api/v1/projects/{id}": a `{name}` segment matches one path segment (its value in
  /// Request::path_params); a last `{name...}` matches the rest of the path.
  std::string_view path;
  std::function<void(Call&)> handler;
  std::string_view summary;  ///< OpenAPI summary; routes without one are not documented
  std::vector<ParamDoc> params = {};
  /// OpenAPI requestBody; its media types are the only ones the route accepts (415 otherwise).
  nlohmann::json request_body = nullptr;
  nlohmann::json responses = nullptr;  ///< OpenAPI responses
  Workload workload = Workload::interactive;
  /// Largest body this route reads, in bytes (0: no body); a function of the settings.
  std::function<std::size_t()> max_body_bytes = [] { return std::size_t{0}; };
  Access access = Access::open;
};

class RouteTable {
 public:
  void add(Route route);

  struct Found {
    const Route* route = nullptr;  ///< the route for this method and path
    std::map<std::string, std::string> path_params;
    std::vector<std::string_view> allowed;  ///< methods the path has, when the method is not one
  };
  Found find(std::string_view method, std::string_view path) const;

  /// OpenAPI's "paths" object for every documented route.
  nlohmann::json openapi_paths() const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace koe::api
