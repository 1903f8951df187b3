/// @file error.hpp
/// @brief koe's error types: Error for the command line and start-up, Status for request paths.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace koe {

/// Data or environment koe cannot work with (a bad file, a missing dictionary). The message
/// names the file and line, or the setting, and what was expected.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A plan document koe cannot read; `what()` is "file:line: message".
class ParseError : public Error {
 public:
  ParseError(std::string file, int line, const std::string& message)
      : Error(file + ":" + std::to_string(line) + ": " + message),
        file_(std::move(file)),
        line_(line),
        message_(message) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  std::string message_;
};

/// An index that cannot be read as it is (written with another schema). `what()` names the
/// directory for the command line; `reason()` says what is wrong without it, for answers that
/// must not show the server's filesystem.
class IndexError : public Error {
 public:
  IndexError(const std::string& directory, std::string reason)
      : Error(directory + ": " + reason), reason_(std::move(reason)) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

/// The outcome of a request, produced where the request is understood (search/, indexer/,
/// desk/): a stable machine code (`limit_out_of_range`, `invalid_utf8`, …) that clients and
/// tests rely on, the HTTP status it maps to, and a message for people. The API only turns it
/// into a response; the CLI prints the message.
struct Status {
  int http_status = 0;  ///< 0: success
  std::string code;     ///< machine code, the `error.code` of an API error body
  std::string message;
  /// For a 429 or 503: seconds after which asking again may succeed (the Retry-After header).
  std::int64_t retry_after_seconds = 0;

  bool ok() const { return http_status == 0; }
  static Status invalid(std::string code, std::string m) { return {400, std::move(code), std::move(m)}; }
  static Status unauthorized(std::string code, std::string m) { return {401, std::move(code), std::move(m)}; }
  static Status forbidden(std::string code, std::string m) { return {403, std::move(code), std::move(m)}; }
  static Status not_found(std::string m) { return {404, "not_found", std::move(m)}; }
  static Status conflict(std::string code, std::string m) { return {409, std::move(code), std::move(m)}; }
  static Status too_large(std::string code, std::string m) { return {413, std::move(code), std::move(m)}; }
  static Status unsupported_media_type(std::string m) { return {415, "unsupported_media_type", std::move(m)}; }
  static Status too_many_requests(std::string code, std::string m) { return {429, std::move(code), std::move(m)}; }
  static Status unavailable(std::string code, std::string m) { return {503, std::move(code), std::move(m)}; }
};

/// A value or the Status that says why there is none.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace koe
