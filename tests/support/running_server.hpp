/// @file running_server.hpp
/// @brief A koe server in the test process, on a free port of 127.0.0.1, stopped and joined
/// when it goes out of scope.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "koe/api/server.hpp"

namespace koe::test {

/// A koe server on its own thread; the destructor is the scope guard that stops and joins it.
class RunningServer {
 public:
  explicit RunningServer(api::Settings config) : server_(std::make_unique<api::Server>(std::move(config))) {
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
    // Ready once it answers at all (healthz is 503 until the index exists).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      httplib::Client c("127.0.0.1", port_);
      c.set_connection_timeout(0, 200000);
      if (auto r = c.Get("/healthz")) break;
      if (std::chrono::steady_clock::now() > deadline) FAIL("the server did not answer on port " << port_);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ~RunningServer() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  int port() const { return port_; }
  const api::Settings& settings() const { return server_->settings(); }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(20, 0);
    return c;
  }

 private:
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace koe::test
