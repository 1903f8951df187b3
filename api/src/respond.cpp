#include "respond.hpp"

#include <fstream>
#include <sstream>

#include "koe/wire/json.hpp"

namespace koe::api {
namespace {

std::string media_type(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

/// Whether `relative` stays inside the directory it is joined to: no "..", no absolute path.
bool stays_inside(const std::string& relative) {
  if (relative.empty() || relative.front() == '/') return false;
  for (const auto& part : std::filesystem::path(relative))
    if (part == ".." || part == ".") return false;
  return relative.find('\\') == std::string::npos;
}

}  // namespace

std::string& request_error() {
  thread_local std::string message;
  return message;
}

void send_json(http::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_body(wire::dump(body), "application/json; charset=utf-8");
}

void send_status(http::Response& res, const Status& status) {
  request_error() = status.message;
  if (status.retry_after_seconds > 0) res.set_header("Retry-After", std::to_string(status.retry_after_seconds));
  send_json(res, status.http_status, wire::error_json(status));
}

void send_file(http::Response& res, const std::filesystem::path& root, const std::string& relative) {
  std::string body;
  if (stays_inside(relative)) {
    std::ifstream in(root / relative, std::ios::binary);
    if (in && std::filesystem::is_regular_file(root / relative)) {
      std::ostringstream b;
      b << in.rdbuf();
      body = b.str();
    }
  }
  if (body.empty()) return send_status(res, Status::not_found("no file " + relative));
  res.status = 200;
  res.set_body(std::move(body), media_type(relative));
}

}  // namespace koe::api
