#include "route_table.hpp"

#include <algorithm>

namespace koe::api {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

/// Whether `path` fits `pattern`; fills the `{name}` values.
bool fits(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params) {
  if (path.empty() || path.front() != '/') return false;
  const auto want = segments(pattern), have = segments(path);
  for (std::size_t i = 0; i < want.size(); ++i) {
    const std::string_view w = want[i];
    const bool variable = w.size() > 2 && w.front() == '{' && w.back() == '}';
    if (variable && w.ends_with("...}")) {  // the rest of the path
      if (i >= have.size()) return false;
      const std::string_view rest = path.substr(static_cast<std::size_t>(have[i].data() - path.data()));
      if (rest.empty()) return false;
      params[std::string(w.substr(1, w.size() - 5))] = std::string(rest);
      return true;
    }
    if (i >= have.size()) return false;
    if (variable) {
      if (have[i].empty()) return false;
      params[std::string(w.substr(1, w.size() - 2))] = std::string(have[i]);
    } else if (w != have[i]) {
      return false;
    }
  }
  return want.size() == have.size();
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

void RouteTable::add(Route route) { routes_.push_back(std::move(route)); }

RouteTable::Found RouteTable::find(std::string_view method, std::string_view path) const {
  Found found;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!fits(r.path, path, params)) continue;
    if (r.method == method) {
      found.route = &r;
      found.path_params = std::move(params);
      found.allowed.clear();
      return found;
    }
    if (std::find(found.allowed.begin(), found.allowed.end(), r.method) == found.allowed.end())
      found.allowed.push_back(r.method);
  }
  return found;
}

nlohmann::json RouteTable::openapi_paths() const {
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& r : routes_) {
    if (r.summary.empty()) continue;
    nlohmann::json op = {{"summary", r.summary}};
    if (!r.params.empty()) {
      op["parameters"] = nlohmann::json::array();
      for (const auto& p : r.params) {
        nlohmann::json param = {{"name", p.name}, {"in", p.in}, {"schema", p.schema}};
        if (p.required || p.in == "path") param["required"] = true;
        if (!p.description.empty()) param["description"] = p.description;
        op["parameters"].push_back(param);
      }
    }
    if (!r.request_body.is_null()) op["requestBody"] = r.request_body;
    op["responses"] = r.responses.is_null() ? nlohmann::json{{"200", {{"description", "OK"}}}} : r.responses;
    if (r.access == Access::open_with_caller) {
      // Anonymous ({}) or signed in: the answer holds more for a signed-in caller.
      op["security"] = nlohmann::json::array(
          {nlohmann::json::object(), {{"bearer", nlohmann::json::array()}}, {{"session", nlohmann::json::array()}}});
    } else if (r.access != Access::open) {
      op["security"] =
          nlohmann::json::array({{{"bearer", nlohmann::json::array()}}, {{"session", nlohmann::json::array()}}});
      op["responses"]["401"] = {{"$ref", "#/components/responses/Error"}};
      op["responses"]["403"] = {{"$ref", "#/components/responses/Error"}};
    }
    paths[std::string(r.path)][lower(r.method)] = op;
  }
  return paths;
}

}  // namespace koe::api
