/// @file respond.hpp
/// @brief How a handler answers: JSON bodies, error bodies from a Status, pages and files.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "koe/http/message.hpp"
#include "koe/indexer/error.hpp"

namespace koe::api {

void send_json(http::Response& res, int status, const nlohmann::json& body);

/// The error body of `status` ({"error": {"code", "message"}}) with its HTTP status; the
/// message is kept for this request's access-log line.
void send_status(http::Response& res, const Status& status);

/// The error message of the request this thread is answering ("" when none): the access log
/// names it.
std::string& request_error();

/// A file under `root` (a page or a static file) with its media type; 404 when it is missing
/// or `relative` would leave `root`.
void send_file(http::Response& res, const std::filesystem::path& root, const std::string& relative);

}  // namespace koe::api
