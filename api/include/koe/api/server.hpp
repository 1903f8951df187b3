/// @file server.hpp
/// @brief koe's HTTP service: the JSON API (version 1), health, metrics and the web pages.
#pragma once

#include <memory>

#include "koe/api/config.hpp"

namespace koe::api {

class Server {
 public:
  /// Loads the analyzer and registers every route. Throws Error on a bad configuration.
  explicit Server(ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket; with port 0 picks a free port. Returns the port.
  int bind();
  /// Serves until stop(); in-flight requests finish before it returns.
  void run();
  void stop();
  const ServerConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// `koe serve`: binds, serves, and on SIGTERM or SIGINT drains in-flight requests and
/// returns 0.
int serve_until_signalled(const ServerConfig& config);

}  // namespace koe::api
