#include "metrics.hpp"

#include <sstream>

namespace koe::api {

void Metrics::observe(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  auto& h = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(std::uint64_t revision, std::uint64_t documents,
                            const http::Server::Counters* transport) const {
  std::lock_guard lock(mutex_);
  std::ostringstream o;
  o << "# HELP koe_requests_total HTTP requests by route and status.\n# TYPE koe_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    o << "koe_requests_total{route=\"" << key.first << "\",status=\"" << key.second << "\"} " << n << "\n";
  o << "# HELP koe_request_duration_seconds Request latency by route.\n# TYPE koe_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      o << "koe_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << kBuckets[i] << "\"} " << h.counts[i]
        << "\n";
    o << "koe_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << h.count << "\n";
    o << "koe_request_duration_seconds_sum{route=\"" << route << "\"} " << h.sum << "\n";
    o << "koe_request_duration_seconds_count{route=\"" << route << "\"} " << h.count << "\n";
  }
  o << "# HELP koe_index_revision Revision of the open index.\n# TYPE koe_index_revision gauge\nkoe_index_revision "
    << revision << "\n";
  o << "# HELP koe_index_documents Sections in the open index.\n# TYPE koe_index_documents gauge\nkoe_index_documents "
    << documents << "\n";
  if (transport) {
    const auto gauge = [&o](const char* name, const char* help, std::size_t value) {
      o << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n" << name << " " << value << "\n";
    };
    gauge("koe_http_open_connections", "Connections open now.", transport->open_connections);
    o << "# HELP koe_http_queued Requests waiting for a worker now, by lane.\n# TYPE koe_http_queued gauge\n"
      << "koe_http_queued{lane=\"interactive\"} " << transport->queued_interactive << "\n"
      << "koe_http_queued{lane=\"batch\"} " << transport->queued_batch << "\n";
    o << "# HELP koe_http_rejected_overload_total Requests answered 503 busy or overloaded.\n"
      << "# TYPE koe_http_rejected_overload_total counter\nkoe_http_rejected_overload_total "
      << transport->rejected_overload << "\n";
    o << "# HELP koe_http_timeouts_total Header, body and write deadlines missed.\n"
      << "# TYPE koe_http_timeouts_total counter\nkoe_http_timeouts_total " << transport->timeouts << "\n";
  }
  return o.str();
}

}  // namespace koe::api
