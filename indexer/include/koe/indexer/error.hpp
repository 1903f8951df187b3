/// @file error.hpp
/// @brief koe's error types: Error for the command line and start-up, Status for request paths.
#pragma once

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

/// The outcome of a request: code 0 is success; otherwise an HTTP-shaped code and a message.
struct Status {
  int code = 0;
  std::string message;

  bool ok() const { return code == 0; }
  static Status bad_request(std::string m) { return {400, std::move(m)}; }
  static Status not_found(std::string m) { return {404, std::move(m)}; }
  static Status unavailable(std::string m) { return {503, std::move(m)}; }
};

/// A value or the Status that says why there is none.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
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
