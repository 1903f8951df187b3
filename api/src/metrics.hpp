/// @file metrics.hpp
/// @brief Prometheus counters and latency histograms for the server.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "koe/http/server.hpp"

namespace koe::api {

class Metrics {
 public:
  void observe(const std::string& route, int status, double seconds);
  /// Prometheus text exposition; `revision` and `documents` describe the open index,
  /// `transport` the connections and queues (none in a server without a transport).
  std::string render(std::uint64_t revision, std::uint64_t documents,
                     const http::Server::Counters* transport = nullptr) const;

 private:
  static constexpr std::array<double, 11> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
};

}  // namespace koe::api
