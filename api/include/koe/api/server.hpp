/// @file server.hpp
/// @brief koe's HTTP service: the JSON API (version 1), health, metrics and the web pages.
#pragma once

#include <memory>

#include "koe/api/settings.hpp"

namespace koe::api {

class Server {
 public:
  /// Loads the analyzer and builds the route table. Throws Error on invalid settings.
  explicit Server(Settings settings);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket; with port 0 picks a free port. Returns the port.
  int bind();
  /// Serves until stop(); in-flight requests finish before it returns.
  void run();
  void stop();
  const Settings& settings() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// `koe serve`: binds, serves, and on SIGTERM or SIGINT drains in-flight requests and
/// returns 0.
int serve_until_signalled(const Settings& settings);

}  // namespace koe::api
