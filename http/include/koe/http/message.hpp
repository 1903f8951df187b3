/// @file message.hpp
/// @brief koe's HTTP request and response, independent of the transport that reads and
/// writes them (the route table and every handler see only these).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace koe::http {

/// Header names compare case-insensitively (RFC 9110).
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};

using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct Request {
  std::string method;  ///< "GET", "POST", … as sent
  std::string target;  ///< the request-target as sent (path and query, still encoded)
  std::string path;    ///< percent-decoded path, without the query
  /// Query parameters in the order sent, percent-decoded ('+' is a space).
  std::vector<std::pair<std::string, std::string>> query;
  /// Values of `{name}` segments of the route pattern that matched (set by the router).
  std::map<std::string, std::string> path_params;
  Headers headers;
  std::string body;
  std::string remote_address;  ///< the peer's IP address

  /// First value of a header, or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  /// The media type of Content-Type, lowercased and without parameters ("text/csv" for
  /// `Text/CSV; charset=Shift_JIS`), or "" when absent.
  std::string media_type() const;
  /// First value of a query parameter, or nullopt when absent.
  std::optional<std::string> param(std::string_view name) const;
  /// Every non-empty value of a repeated query parameter, in order.
  std::vector<std::string> params(std::string_view name) const;
  /// A `{name}` path segment of the matched route, or "" when the route has none.
  std::string path_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  /// Replaces every value of the header with `value`.
  void set_header(std::string_view name, std::string value);
  std::string header(std::string_view name) const;
  void set_body(std::string body, std::string content_type);
};

/// Splits a request-target into its percent-decoded path and query parameters. Returns
/// nullopt for a target koe will not serve: not starting with '/', a bad %-escape, or a
/// decoded NUL (a path cut at a NUL byte would name another file).
struct Target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
};
std::optional<Target> parse_target(std::string_view target);

/// Percent-decodes `s` ('+' as a space when `plus_is_space`); nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

/// The reason phrase of a status code ("Not Found").
std::string_view reason_phrase(int status);

}  // namespace koe::http
