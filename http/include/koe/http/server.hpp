/// @file server.hpp
/// @brief koe's HTTP/1.1 transport: asynchronous I/O, bounded worker lanes, limits and
/// deadlines enforced while reading. Knows nothing of koe's routes.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "koe/http/message.hpp"

namespace koe::http {

/// Which pool of worker threads runs a request's handler. Batch work (/route, imports) has
/// its own few workers and short queue, so a burst of it cannot keep searches waiting.
enum class Lane { interactive, batch };

/// What the Planner decides from a request's head, before its body is read.
struct RequestPlan {
  Lane lane = Lane::interactive;
  std::size_t max_body_bytes = 64 * 1024;  ///< larger → 413, checked before and while reading
};

/// Thread counts of 0 are taken as 1. A queue of 0 takes a request only when a worker is free.
struct ServerLimits {
  std::size_t io_threads = 2;           ///< threads that read and write sockets; never run handlers
  std::size_t interactive_workers = 2;  ///< long-lived threads that run interactive handlers
  std::size_t batch_workers = 1;        ///< long-lived threads that run batch handlers
  std::size_t interactive_queue = 256;  ///< requests waiting for a worker; beyond → 503 busy
  std::size_t batch_queue = 16;
  std::size_t max_connections = 1024;  ///< open connections; beyond → 503 overloaded, closed
  /// From accept (or from the first byte after a keep-alive wait) to the end of the headers:
  /// one deadline that bytes arriving do not extend. Past it → 408 and close.
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};   ///< the whole body, one deadline
  std::chrono::milliseconds idle_timeout{5000};    ///< keep-alive wait for the next request's first byte
  std::chrono::milliseconds write_timeout{30000};  ///< the whole response
  std::size_t max_header_bytes = 16 * 1024;        ///< request line + headers, enforced while reading → 431
  std::size_t max_keepalive_requests = 1000;       ///< the last one is answered with Connection: close
};

/// `bind` could not listen on the address; `what()` names host:port. (koe::Error lives in
/// koe::indexer, which the transport does not link; koe::api rethrows this as koe::Error.)
class BindError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An HTTP/1.1 server. Requests are read asynchronously on `io_threads`; once a request's
/// body is complete its handler runs on a worker of the lane the Planner chose, so a slow or
/// idle client never holds a worker. Transport errors are answered through the ErrorResponder
/// with these codes: 400 bad_request (malformed, ambiguous framing: two Content-Length
/// headers, Content-Length beside Transfer-Encoding, any Transfer-Encoding but chunked),
/// 408 request_timeout, 413 payload_too_large, 431 header_too_large, 500 internal (a handler
/// or planner threw), 503 busy (lane queue full, with Retry-After: 1) and 503 overloaded (too
/// many connections, with Retry-After: 1). Errors that leave the request unread close the
/// connection; 500 and 503 busy keep it.
///
/// Every response carries Content-Length (except 204 and 304, which carry no body) and no
/// Server header; the transport sets Content-Length, Transfer-Encoding and Connection itself
/// (a handler's `Connection: close` still closes) and drops a header whose value holds CR or
/// LF. HEAD is served as GET: the planner and handler see method "GET" (so every GET route
/// answers HEAD), the observer sees "HEAD", and the GET body's length is sent without the
/// body. After a closing response the server reads and discards input for up to 1 s (1 MB)
/// before closing, so the client reads the response rather than a reset.
class Server {
 public:
  /// Runs on a worker thread with the body complete. Threads of a lane live as long as run(),
  /// so thread_local state (a Xapian handle, a MeCab tagger) is made once per worker.
  using Handler = std::function<void(Request&, Response&)>;
  /// Runs on an I/O thread with the head only (no body yet): must be quick and not block.
  using Planner = std::function<RequestPlan(const Request& head)>;
  /// Fills the response for a transport error (on an I/O thread) or a handler that threw (on
  /// a worker): must be thread-safe. Default: `{"error":{"code":…,"message":…}}` as
  /// application/json; charset=utf-8.
  using ErrorResponder = std::function<void(int status, std::string_view code, std::string_view message, Response&)>;
  /// Called once per response after it was written (or failed to be), transport errors
  /// included; `seconds` runs from the request's first byte. Runs on an I/O thread: must be
  /// quick and thread-safe. For a request refused before its head was read, method and
  /// target are empty.
  using Observer = std::function<void(const Request&, const Response&, double seconds)>;

  Server(ServerLimits limits, Handler handler, Planner planner = {}, ErrorResponder error_responder = {},
         Observer observer = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Listens on host:port (port 0: a free port) with SO_REUSEADDR (not SO_REUSEPORT, which
  /// would let a second server share a port already served) and a backlog of 1024. Returns
  /// the port. Throws BindError naming host:port.
  int bind(const std::string& host, int port);

  /// Serves until stop(); call once, after bind(). Returns after every request already
  /// dispatched to a handler was answered and every thread it started was joined.
  void run();

  /// Stops accepting and closes connections that are not waiting for a handler (idle, or
  /// still sending a request); requests already dispatched finish and are answered with
  /// Connection: close. Thread-safe, idempotent, and may come before run().
  void stop();

  struct Counters {
    std::size_t open_connections = 0;
    std::size_t queued_interactive = 0;  ///< waiting for an interactive worker now
    std::size_t queued_batch = 0;
    std::size_t rejected_overload = 0;  ///< 503 busy + 503 overloaded since start
    std::size_t timeouts = 0;           ///< header, body and write deadlines missed since start
  };
  /// For /metrics; thread-safe.
  Counters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace koe::http
