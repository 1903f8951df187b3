// koe's HTTP transport against real sockets on 127.0.0.1: framing, limits enforced while
// reading, deadlines, lanes and queues, overload, hostile clients (slow, idle, huge, smuggling)
// and a graceful stop. Raw POSIX sockets for what a well-behaved client would never send,
// httplib::Client for ordinary traffic.
#include "koe/http/server.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using koe::http::Lane;
using koe::http::Request;
using koe::http::RequestPlan;
using koe::http::Response;
using koe::http::Server;
using koe::http::ServerLimits;
using Clock = std::chrono::steady_clock;

// ---- a server on its own thread

/// Answers "<method> <path> [k=v ...] body=<body>" as text/plain; /throw throws.
void echo(Request& req, Response& res) {
  if (req.path == "/throw") throw std::runtime_error("handler failed on purpose");
  std::string out = req.method + " " + req.path;
  for (const auto& [k, v] : req.query) out += " " + k + "=" + v;
  out += " body=" + req.body;
  res.set_body(std::move(out), "text/plain; charset=utf-8");
}

/// The server under test; the destructor is the scope guard that stops and joins it.
class RunningServer {
 public:
  explicit RunningServer(ServerLimits limits = {}, Server::Handler handler = echo, Server::Planner planner = {},
                         Server::ErrorResponder responder = {}, Server::Observer observer = {}, int port = 0)
      : server_(limits, std::move(handler), std::move(planner), std::move(responder), std::move(observer)) {
    port_ = server_.bind("127.0.0.1", port);
    thread_ = std::thread([this] { server_.run(); });
  }
  ~RunningServer() { stop(); }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  bool stopped() const { return !thread_.joinable(); }
  int port() const { return port_; }
  Server& server() { return server_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(20, 0);
    c.set_keep_alive(true);
    return c;
  }

 private:
  Server server_;
  int port_ = 0;
  std::thread thread_;
};

/// Holds handlers that call pass() until open(). Declare it before the server and an
/// OpenOnExit after it, so a failing test opens it before the server waits for its handlers.
class Gate {
 public:
  void pass() {
    std::unique_lock lock(mutex_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait_entered(int n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 20s, [&] { return entered_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
  int entered_ = 0;
};

struct OpenOnExit {
  Gate& gate;
  ~OpenOnExit() { gate.open(); }
};

/// Polls `condition` until it holds or a generous deadline passes (only to catch a hang).
template <class F>
bool eventually(F&& condition, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// ---- a raw client

struct RawResponse {
  int status = 0;
  koe::http::Headers headers;
  std::string body;
  bool has(std::string_view name) const { return headers.find(name) != headers.end(); }
  std::string header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(RawConnection&& o) noexcept : fd_(o.fd_), pending_(std::move(o.pending_)) { o.fd_ = -1; }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  /// False once the server closed or reset the connection.
  bool send(std::string_view data) {
    while (!data.empty()) {
      const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  enum class Read { data, closed, timeout };
  Read fill(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) == 0) return Read::timeout;
    char buf[16384];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return Read::closed;
    pending_.append(buf, static_cast<std::size_t>(n));
    return Read::data;
  }

  /// The next response, or nullopt when the connection closed (or 20 s passed) first.
  std::optional<RawResponse> response(bool head_request = false) {
    const auto deadline = Clock::now() + 20s;
    auto wait = [&] {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      return left.count() > 0 && fill(left) == Read::data;
    };
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
      if (!wait()) return std::nullopt;
    RawResponse r;
    const std::string head = pending_.substr(0, end);
    pending_.erase(0, end + 4);
    if (head.rfind("HTTP/1.1 ", 0) != 0) return std::nullopt;
    r.status = std::stoi(head.substr(9, 3));
    for (std::size_t pos = head.find("\r\n"); pos != std::string::npos;) {
      const auto next = head.find("\r\n", pos + 2);
      const auto line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      const auto colon = line.find(':');
      if (colon != std::string::npos) r.headers.emplace(line.substr(0, colon), line.substr(colon + 2));
      pos = next;
    }
    std::size_t length = 0;
    if (!head_request && r.status >= 200 && r.status != 204 && r.status != 304 && r.has("Content-Length"))
      length = std::stoul(r.header("Content-Length"));
    while (pending_.size() < length)
      if (!wait()) return std::nullopt;
    r.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return r;
  }

  /// True when the server closes the connection within `timeout`; whatever arrives before
  /// is kept in pending().
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      switch (fill(left)) {
        case Read::closed:
          return true;
        case Read::timeout:
          return false;
        case Read::data:
          break;
      }
    }
  }

  const std::string& pending() const { return pending_; }

 private:
  int fd_ = -1;
  std::string pending_;
};

std::string get_request(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: koe.test\r\n" + extra + "\r\n";
}

/// Every response carries Content-Length and no Server header.
void check_framing(const RawResponse& r) {
  CHECK(r.headers.count("Content-Length") == 1);
  CHECK_FALSE(r.has("Server"));
}

/// Sends one request on a fresh connection and returns the response (checked for framing).
RawResponse round_trip(int port, const std::string& request) {
  RawConnection c(port);
  REQUIRE(c.connected());
  REQUIRE(c.send(request));
  auto r = c.response();
  REQUIRE(r);
  check_framing(*r);
  return *r;
}

std::string error_code_of(const RawResponse& r) {
  const auto at = r.body.find("\"code\":\"");
  if (at == std::string::npos) return {};
  const auto start = at + 8;
  return r.body.substr(start, r.body.find('"', start) - start);
}

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// ---- ordinary traffic

TEST_CASE("A GET is answered with Content-Length and without a Server header", "[http]") {
  RunningServer srv;
  const auto r = round_trip(srv.port(), get_request("/plans/%E5%B8%82?q=a+b&n=1"));
  CHECK(r.status == 200);
  CHECK(r.body == "GET /plans/市 q=a b n=1 body=");
  CHECK(r.header("Content-Length") == std::to_string(r.body.size()));
  CHECK(r.header("Content-Type") == "text/plain; charset=utf-8");
}

TEST_CASE("Headers a handler must not set are replaced by the transport's", "[http]") {
  RunningServer srv({}, [](Request&, Response& res) {
    res.set_body("abc", "text/plain");
    res.set_header("Content-Length", "999");
    res.set_header("Server", "leaky/1.0");
    res.set_header("X-Split", "a\r\nX-Injected: 1");
    res.set_header("X-Fine", "yes");
  });
  const auto r = round_trip(srv.port(), get_request("/"));
  CHECK(r.body == "abc");
  CHECK(r.header("Content-Length") == "3");
  CHECK_FALSE(r.has("X-Injected"));
  CHECK_FALSE(r.has("X-Split"));
  CHECK(r.header("X-Fine") == "yes");
}

TEST_CASE("A keep-alive connection serves several requests, pipelined ones in order", "[http]") {
  RunningServer srv;
  RawConnection c(srv.port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(c.send(get_request("/n?i=" + std::to_string(i))));
    const auto r = c.response();
    REQUIRE(r);
    check_framing(*r);
    CHECK(r->body == "GET /n i=" + std::to_string(i) + " body=");
    CHECK(r->header("Connection") != "close");
  }
  REQUIRE(c.send(get_request("/a") + get_request("/b")));
  const auto a = c.response(), b = c.response();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->body == "GET /a body=");
  CHECK(b->body == "GET /b body=");
  CHECK_FALSE(c.closed_within(200ms));
}

TEST_CASE("Connection: close, HTTP/1.0 and max_keepalive_requests end a connection", "[http]") {
  ServerLimits limits;
  limits.max_keepalive_requests = 2;
  RunningServer srv(limits);

  SECTION("Connection: close") {
    RawConnection c(srv.port());
    REQUIRE(c.send(get_request("/", "Connection: close\r\n")));
    const auto r = c.response();
    REQUIRE(r);
    CHECK(r->header("Connection") == "close");
    CHECK(c.closed_within(5s));
  }
  SECTION("HTTP/1.0 without keep-alive") {
    RawConnection c(srv.port());
    REQUIRE(c.send("GET /old HTTP/1.0\r\n\r\n"));
    const auto r = c.response();
    REQUIRE(r);
    CHECK(r->body == "GET /old body=");
    CHECK(r->header("Connection") == "close");
    CHECK(c.closed_within(5s));
  }
  SECTION("HTTP/1.0 asking for keep-alive") {
    RawConnection c(srv.port());
    REQUIRE(c.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto r = c.response();
    REQUIRE(r);
    CHECK(r->header("Connection") == "keep-alive");
    CHECK_FALSE(c.closed_within(200ms));
  }
  SECTION("the last request the limit allows") {
    RawConnection c(srv.port());
    REQUIRE(c.send(get_request("/1")));
    const auto first = c.response();
    REQUIRE(first);
    CHECK(first->header("Connection") != "close");
    REQUIRE(c.send(get_request("/2")));
    const auto second = c.response();
    REQUIRE(second);
    CHECK(second->header("Connection") == "close");
    CHECK(c.closed_within(5s));
  }
}

TEST_CASE("HEAD is answered as GET without the body", "[http]") {
  std::mutex m;
  std::vector<std::string> seen_by_handler, seen_by_observer;
  RunningServer srv(
      {},
      [&](Request& req, Response& res) {
        {
          std::lock_guard lock(m);
          seen_by_handler.push_back(req.method);
        }
        echo(req, res);
      },
      {}, {},
      [&](const Request& req, const Response&, double) {
        std::lock_guard lock(m);
        seen_by_observer.push_back(req.method);
      });
  RawConnection c(srv.port());
  REQUIRE(c.send("HEAD /x HTTP/1.1\r\nHost: koe.test\r\n\r\n"));
  const auto head = c.response(/*head_request=*/true);
  REQUIRE(head);
  check_framing(*head);
  CHECK(head->status == 200);
  CHECK(head->header("Content-Length") == std::to_string(std::string("GET /x body=").size()));
  // A body sent after the HEAD response would be read here as the start of the next response.
  REQUIRE(c.send(get_request("/y")));
  const auto next = c.response();
  REQUIRE(next);
  CHECK(next->body == "GET /y body=");
  REQUIRE(eventually([&] {
    std::lock_guard lock(m);
    return seen_by_observer.size() == 2;
  }));
  std::lock_guard lock(m);
  CHECK(seen_by_handler == std::vector<std::string>{"GET", "GET"});
  CHECK(seen_by_observer == std::vector<std::string>{"HEAD", "GET"});
}

TEST_CASE("A request body reaches the handler whole, by Content-Length or chunked", "[http]") {
  RunningServer srv;
  SECTION("Content-Length, through an ordinary client") {
    auto client = srv.client();
    const std::string body(30000, 'x');
    auto r = client.Post("/echo", body, "text/plain");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "POST /echo body=" + body);
  }
  SECTION("chunked") {
    const auto r = round_trip(srv.port(),
                              "POST /echo HTTP/1.1\r\nHost: koe.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    CHECK(r.status == 200);
    CHECK(r.body == "POST /echo body=hello world");
  }
  SECTION("neither: an empty body, and the connection stays usable") {
    RawConnection c(srv.port());
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: koe.test\r\n\r\n"));
    const auto r = c.response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "POST /echo body=");
    REQUIRE(c.send(get_request("/after")));
    const auto next = c.response();
    REQUIRE(next);
    CHECK(next->body == "GET /after body=");
  }
}

TEST_CASE("Expect: 100-continue gets 100 Continue within the limit and 413 over it", "[http]") {
  RunningServer srv;
  SECTION("within") {
    RawConnection c(srv.port());
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: koe.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    const auto interim = c.response();
    REQUIRE(interim);
    CHECK(interim->status == 100);
    REQUIRE(c.send("hello"));
    const auto r = c.response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "POST /echo body=hello");
  }
  SECTION("over") {
    RawConnection c(srv.port());
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: koe.test\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n"));
    const auto r = c.response();
    REQUIRE(r);
    check_framing(*r);
    CHECK(r->status == 413);
    CHECK(error_code_of(*r) == "payload_too_large");
    CHECK(c.closed_within(5s));
  }
  SECTION("through an ordinary client (curl-like: Expect sent for a larger body)") {
    auto client = srv.client();
    httplib::Headers headers{{"Expect", "100-continue"}};
    auto r = client.Post("/echo", headers, std::string(2000, 'y'), "text/plain");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "POST /echo body=" + std::string(2000, 'y'));
  }
}

TEST_CASE("A body over the planner's limit is refused with 413, from Content-Length or while chunked", "[http]") {
  auto planner = [](const Request& head) {
    RequestPlan plan;
    plan.max_body_bytes = head.path == "/big" ? 200000 : 1000;
    return plan;
  };
  RunningServer srv({}, echo, planner);
  SECTION("Content-Length over the limit, before the body is read") {
    RawConnection c(srv.port());
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: koe.test\r\nContent-Length: 1001\r\n\r\n"));
    const auto r = c.response();
    REQUIRE(r);
    check_framing(*r);
    CHECK(r->status == 413);
    CHECK(error_code_of(*r) == "payload_too_large");
    CHECK(c.closed_within(5s));
  }
  SECTION("a chunked body that grows past the limit") {
    RawConnection c(srv.port());
    REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: koe.test\r\nTransfer-Encoding: chunked\r\n\r\n"));
    for (int i = 0; i < 3; ++i) REQUIRE(c.send("190\r\n" + std::string(400, 'z') + "\r\n"));
    const auto r = c.response();
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(error_code_of(*r) == "payload_too_large");
    CHECK(c.closed_within(5s));
  }
  SECTION("exactly the limit, and a larger limit the planner gives another path") {
    auto client = srv.client();
    auto at_limit = client.Post("/echo", std::string(1000, 'a'), "text/plain");
    REQUIRE(at_limit);
    CHECK(at_limit->status == 200);
    auto big = client.Post("/big", std::string(150000, 'b'), "text/plain");
    REQUIRE(big);
    CHECK(big->status == 200);
    CHECK(big->body.size() == std::string("POST /big body=").size() + 150000);
  }
}

// ---- hostile and malformed requests

TEST_CASE("Ambiguous framing is refused with 400 and the connection closed", "[http][smuggling]") {
  RunningServer srv;
  const char* heads[] = {
      "Content-Length: 5\r\nContent-Length: 5\r\n",
      "Content-Length: 5\r\nContent-Length: 6\r\n",
      "Content-Length: 5, 5\r\n",
      "Content-Length: abc\r\n",
      "Content-Length: -5\r\n",
      "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
      "Transfer-Encoding: gzip\r\n",
      "Transfer-Encoding: gzip, chunked\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
  };
  for (const char* head : heads) {
    CAPTURE(head);
    RawConnection c(srv.port());
    REQUIRE(c.send(std::string("POST /echo HTTP/1.1\r\nHost: koe.test\r\n") + head + "\r\nhello"));
    const auto r = c.response();
    REQUIRE(r);
    check_framing(*r);
    CHECK(r->status == 400);
    CHECK(error_code_of(*r) == "bad_request");
    CHECK(r->header("Connection") == "close");
    CHECK(c.closed_within(5s));
  }
}

TEST_CASE("Malformed request lines, headers and targets are refused with 400, never a crash", "[http]") {
  RunningServer srv;
  const char* requests[] = {
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
      "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
      "GET / FOO/1.1\r\nHost: x\r\n\r\n",
      "G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
      "GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n",
      "GET / HTTP/1.1\r\n: empty name\r\n\r\n",
      "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /a%2 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /?q=%0 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET relative HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",  // a TLS ClientHello's first bytes
  };
  for (const std::string request : requests) {
    CAPTURE(request);
    const auto r = round_trip(srv.port(), request);
    CHECK(r.status == 400);
    CHECK(error_code_of(r) == "bad_request");
  }
  CHECK(round_trip(srv.port(), get_request("/still")).body == "GET /still body=");
}

TEST_CASE("A request line or headers over max_header_bytes are refused with 431", "[http][limits]") {
  ServerLimits limits;
  limits.max_header_bytes = 4096;
  RunningServer srv(limits);
  SECTION("a long request line") {
    const auto r = round_trip(srv.port(), get_request("/" + std::string(5000, 'a')));
    CHECK(r.status == 431);
    CHECK(error_code_of(r) == "header_too_large");
  }
  SECTION("a long header value") {
    const auto r = round_trip(srv.port(), get_request("/", "X-Big: " + std::string(5000, 'b') + "\r\n"));
    CHECK(r.status == 431);
  }
  SECTION("100,000 tiny header fields count against the same limit") {
    std::string fields;
    for (int i = 0; i < 100000; ++i) fields += "a: b\r\n";
    const auto r = round_trip(srv.port(), get_request("/", fields));
    CHECK(r.status == 431);
    CHECK(error_code_of(r) == "header_too_large");
  }
  SECTION("just under the limit is served") {
    const auto r = round_trip(srv.port(), get_request("/", "X-Big: " + std::string(3900, 'c') + "\r\n"));
    CHECK(r.status == 200);
  }
}

TEST_CASE("A 20 MB request line is refused without the server buffering it", "[http][limits]") {
  RunningServer srv;
  // Warm up: threads, their stacks and arenas exist before the measurement.
  CHECK(round_trip(srv.port(), get_request("/warm")).status == 200);
  const auto before = resident_bytes();
  {
    RawConnection c(srv.port());
    REQUIRE(c.connected());
    const std::string chunk(64 * 1024, 'a');
    bool sent_all = c.send("GET /");
    for (std::size_t sent = 0; sent_all && sent < 20u * 1024 * 1024; sent += chunk.size()) sent_all = c.send(chunk);
    // The server answers 431 after max_header_bytes and soon closes; the rest of the line
    // is refused by a reset, so the client may or may not get to read the 431.
    if (const auto r = c.response()) CHECK(r->status == 431);
  }
  const auto after = resident_bytes();
  const auto growth = after > before ? after - before : 0;
  CAPTURE(before, after);
  CHECK(growth < 8u * 1024 * 1024);
  CHECK(round_trip(srv.port(), get_request("/after")).status == 200);
}

TEST_CASE("A handler that throws yields 500 and the server keeps serving", "[http]") {
  RunningServer srv;
  RawConnection c(srv.port());
  REQUIRE(c.send(get_request("/throw")));
  const auto r = c.response();
  REQUIRE(r);
  check_framing(*r);
  CHECK(r->status == 500);
  CHECK(error_code_of(*r) == "internal");
  CHECK(r->body.find("on purpose") == std::string::npos);  // no internals leak to the client
  REQUIRE(c.send(get_request("/next")));
  const auto next = c.response();
  REQUIRE(next);
  CHECK(next->status == 200);
}

TEST_CASE("The default error body is JSON with a code and a message; an ErrorResponder replaces it", "[http]") {
  SECTION("default") {
    RunningServer srv;
    const auto r = round_trip(srv.port(), "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(r.status == 400);
    CHECK(r.header("Content-Type") == "application/json; charset=utf-8");
    CHECK(r.body == R"({"error":{"code":"bad_request","message":"bad request target"}})");
  }
  SECTION("custom, for transport errors and a throwing handler alike") {
    RunningServer srv({}, echo, {}, [](int status, std::string_view code, std::string_view, Response& res) {
      res.status = status;
      res.set_body("E:" + std::string(code), "text/plain");
    });
    const auto bad = round_trip(srv.port(), "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(bad.status == 400);
    CHECK(bad.body == "E:bad_request");
    const auto thrown = round_trip(srv.port(), get_request("/throw"));
    CHECK(thrown.status == 500);
    CHECK(thrown.body == "E:internal");
  }
}

// ---- deadlines

TEST_CASE("The header deadline is one deadline that dripping bytes do not extend", "[http][deadlines]") {
  ServerLimits limits;
  limits.header_timeout = 1000ms;
  RunningServer srv(limits);
  RawConnection c(srv.port());
  const auto start = Clock::now();
  REQUIRE(c.send("GET / HTTP/1.1\r\nX-Slow: "));
  // One byte every 100 ms for up to 15 s: a per-byte read timeout would never fire.
  bool closed = false;
  while (!closed && Clock::now() - start < 15s) {
    closed = !c.send("a") || c.closed_within(100ms);
  }
  const auto elapsed = Clock::now() - start;
  CHECK(closed);
  CHECK(elapsed < 8s);
  CHECK(c.pending().rfind("HTTP/1.1 408 ", 0) == 0);
  CHECK(c.pending().find("request_timeout") != std::string::npos);
  CHECK(srv.server().counters().timeouts >= 1);
}

TEST_CASE("A connection that never sends a byte is closed after the header deadline without an answer",
          "[http][deadlines]") {
  ServerLimits limits;
  limits.header_timeout = 500ms;
  RunningServer srv(limits);
  RawConnection c(srv.port());
  REQUIRE(c.connected());
  CHECK(c.closed_within(10s));
  CHECK(c.pending().empty());
}

TEST_CASE("The body deadline answers 408 and closes", "[http][deadlines]") {
  ServerLimits limits;
  limits.body_timeout = 500ms;
  RunningServer srv(limits);
  RawConnection c(srv.port());
  REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: koe.test\r\nContent-Length: 100\r\n\r\n0123456789"));
  const auto r = c.response();
  REQUIRE(r);
  check_framing(*r);
  CHECK(r->status == 408);
  CHECK(error_code_of(*r) == "request_timeout");
  CHECK(c.closed_within(5s));
}

TEST_CASE("An idle keep-alive connection is closed after idle_timeout", "[http][deadlines]") {
  ServerLimits limits;
  limits.idle_timeout = 300ms;
  RunningServer srv(limits);
  RawConnection c(srv.port());
  REQUIRE(c.send(get_request("/")));
  REQUIRE(c.response());
  CHECK(c.closed_within(10s));
  CHECK(c.pending().empty());
  CHECK(eventually([&] { return srv.server().counters().open_connections == 0; }));
}

TEST_CASE("A client that stops reading its response is cut off at the write deadline", "[http][deadlines]") {
  ServerLimits limits;
  limits.write_timeout = 500ms;
  // Larger than what the kernel's socket buffers on both sides absorb.
  RunningServer srv(limits, [](Request&, Response& res) { res.set_body(std::string(64u << 20, 'w'), "text/plain"); });
  RawConnection c(srv.port());
  REQUIRE(c.send(get_request("/huge")));
  CHECK(eventually([&] { return srv.server().counters().timeouts == 1; }));
  CHECK(eventually([&] { return srv.server().counters().open_connections == 0; }));
}

// ---- concurrency, lanes and overload

TEST_CASE("Slow and idle clients do not hold back a normal request", "[http][hostile]") {
  ServerLimits limits;
  limits.interactive_workers = 1;
  RunningServer srv(limits);
  std::vector<RawConnection> idle, dripping;
  for (int i = 0; i < 60; ++i) {
    idle.emplace_back(srv.port());
    dripping.emplace_back(srv.port());
    REQUIRE(idle.back().connected());
    REQUIRE(dripping.back().connected());
  }
  REQUIRE(eventually([&] { return srv.server().counters().open_connections >= 120; }));
  std::atomic<bool> done{false};
  std::thread drip([&] {
    const std::string head = "GET /slow HTTP/1.1\r\nHost: koe.test\r\nX-Slow: ";
    for (std::size_t i = 0; !done && i < 400; ++i) {
      for (auto& c : dripping) c.send(i < head.size() ? std::string(1, head[i]) : std::string("a"));
      std::this_thread::sleep_for(20ms);
    }
  });
  std::this_thread::sleep_for(200ms);  // every dripping client has started its head
  auto client = srv.client();
  auto r = client.Get("/normal");
  const auto open = srv.server().counters().open_connections;
  done = true;
  drip.join();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "GET /normal body=");
  CHECK(open >= 121);
}

TEST_CASE("Many concurrent keep-alive clients are all answered", "[http]") {
  RunningServer srv;
  constexpr int kClients = 32, kRequests = 50;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      auto client = srv.client();
      for (int j = 0; j < kRequests; ++j) {
        const std::string path = "/c" + std::to_string(i) + "/" + std::to_string(j);
        auto r = client.Get(path.c_str());
        if (r && r->status == 200 && r->body == "GET " + path + " body=") ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  CHECK(ok == kClients * kRequests);
}

TEST_CASE("Each lane runs its handlers on its own long-lived worker threads", "[http][lanes]") {
  ServerLimits limits;
  limits.interactive_workers = 2;
  limits.batch_workers = 1;
  std::mutex m;
  std::set<std::thread::id> interactive_threads, batch_threads;
  auto planner = [](const Request& head) {
    RequestPlan plan;
    if (head.path.rfind("/batch", 0) == 0) plan.lane = Lane::batch;
    return plan;
  };
  RunningServer srv(
      limits,
      [&](Request& req, Response& res) {
        std::lock_guard lock(m);
        (req.path.rfind("/batch", 0) == 0 ? batch_threads : interactive_threads).insert(std::this_thread::get_id());
        res.set_body("ok", "text/plain");
      },
      planner);
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      auto client = srv.client();
      for (int j = 0; j < 25; ++j) client.Get(i % 2 ? "/batch" : "/search");
    });
  }
  for (auto& t : clients) t.join();
  std::lock_guard lock(m);
  CHECK(batch_threads.size() == 1);
  CHECK(interactive_threads.size() >= 1);
  CHECK(interactive_threads.size() <= 2);
  for (const auto& id : batch_threads) CHECK(interactive_threads.count(id) == 0);
}

TEST_CASE("A full queue answers 503 busy with Retry-After at once", "[http][lanes]") {
  ServerLimits limits;
  limits.interactive_workers = 1;
  limits.interactive_queue = 1;
  Gate gate;
  RunningServer srv(limits, [&](Request& req, Response& res) {
    if (req.path == "/block") gate.pass();
    res.set_body("done " + req.path, "text/plain");
  });
  OpenOnExit release{gate};

  RawConnection running(srv.port()), queued(srv.port()), refused(srv.port());
  REQUIRE(running.send(get_request("/block")));
  REQUIRE(gate.wait_entered(1));
  REQUIRE(queued.send(get_request("/block")));
  REQUIRE(eventually([&] { return srv.server().counters().queued_interactive == 1; }));

  REQUIRE(refused.send(get_request("/more")));
  const auto busy = refused.response();
  REQUIRE(busy);
  check_framing(*busy);
  CHECK(busy->status == 503);
  CHECK(busy->header("Retry-After") == "1");
  CHECK(error_code_of(*busy) == "busy");
  CHECK(srv.server().counters().rejected_overload == 1);

  gate.open();
  const auto first = running.response(), second = queued.response();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->status == 200);
  CHECK(second->status == 200);
  // The refused client's connection was kept: its request was read whole.
  REQUIRE(refused.send(get_request("/again")));
  const auto again = refused.response();
  REQUIRE(again);
  CHECK(again->body == "done /again");
}

TEST_CASE("A saturated batch lane leaves the interactive lane answering", "[http][lanes]") {
  ServerLimits limits;
  limits.batch_workers = 1;
  limits.batch_queue = 1;
  Gate gate;
  auto planner = [](const Request& head) {
    RequestPlan plan;
    if (head.path == "/route") plan.lane = Lane::batch;
    return plan;
  };
  RunningServer srv(
      limits,
      [&](Request& req, Response& res) {
        if (req.path == "/route") gate.pass();
        res.set_body("done " + req.path, "text/plain");
      },
      planner);
  OpenOnExit release{gate};

  RawConnection running(srv.port()), queued(srv.port()), refused(srv.port());
  REQUIRE(running.send("POST /route HTTP/1.1\r\nHost: koe.test\r\nContent-Length: 2\r\n\r\n{}"));
  REQUIRE(gate.wait_entered(1));
  REQUIRE(queued.send("POST /route HTTP/1.1\r\nHost: koe.test\r\nContent-Length: 2\r\n\r\n{}"));
  REQUIRE(eventually([&] { return srv.server().counters().queued_batch == 1; }));
  REQUIRE(refused.send("POST /route HTTP/1.1\r\nHost: koe.test\r\nContent-Length: 2\r\n\r\n{}"));
  const auto busy = refused.response();
  REQUIRE(busy);
  CHECK(busy->status == 503);
  CHECK(error_code_of(*busy) == "busy");

  auto client = srv.client();
  for (int i = 0; i < 20; ++i) {
    auto r = client.Get("/search");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  gate.open();
  const auto first = running.response(), second = queued.response();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->body == "done /route");
  CHECK(second->body == "done /route");
}

TEST_CASE("Connections over max_connections get 503 overloaded and are closed", "[http][hostile]") {
  ServerLimits limits;
  limits.max_connections = 4;
  RunningServer srv(limits);
  std::vector<RawConnection> held;
  for (int i = 0; i < 4; ++i) held.emplace_back(srv.port());
  REQUIRE(eventually([&] { return srv.server().counters().open_connections == 4; }));

  RawConnection extra(srv.port());
  REQUIRE(extra.connected());
  const auto r = extra.response();
  REQUIRE(r);
  check_framing(*r);
  CHECK(r->status == 503);
  CHECK(error_code_of(*r) == "overloaded");
  CHECK(r->header("Connection") == "close");
  CHECK(extra.closed_within(5s));
  CHECK(srv.server().counters().rejected_overload == 1);

  held.pop_back();
  REQUIRE(eventually([&] { return srv.server().counters().open_connections == 3; }));
  CHECK(round_trip(srv.port(), get_request("/room")).status == 200);
}

TEST_CASE("The observer sees every response, transport errors included", "[http]") {
  struct Seen {
    std::string method, path;
    int status;
  };
  std::mutex m;
  std::vector<Seen> seen;
  RunningServer srv({}, echo, {}, {}, [&](const Request& req, const Response& res, double seconds) {
    std::lock_guard lock(m);
    if (seconds >= 0) seen.push_back({req.method, req.path, res.status});
  });
  round_trip(srv.port(), get_request("/ok"));
  round_trip(srv.port(), get_request("/throw"));
  round_trip(srv.port(), "BROKEN\r\n\r\n");
  round_trip(srv.port(), get_request("/" + std::string(20000, 'x')));
  REQUIRE(eventually([&] {
    std::lock_guard lock(m);
    return seen.size() == 4;
  }));
  std::lock_guard lock(m);
  std::multiset<int> statuses;
  for (const auto& s : seen) statuses.insert(s.status);
  CHECK(statuses == std::multiset<int>{200, 400, 431, 500});
  for (const auto& s : seen) {
    if (s.status == 200) CHECK((s.method == "GET" && s.path == "/ok"));
    if (s.status == 431) CHECK(s.method.empty());
  }
}

// ---- stop and bind

TEST_CASE("stop() lets in-flight requests finish, closes idle connections, and frees the port", "[http][stop]") {
  Gate gate;
  auto srv = std::make_unique<RunningServer>(ServerLimits{}, [&](Request& req, Response& res) {
    if (req.path == "/block") gate.pass();
    res.set_body("done " + req.path, "text/plain");
  });
  OpenOnExit release{gate};
  const int port = srv->port();

  RawConnection idle(port);
  REQUIRE(idle.send(get_request("/first")));
  REQUIRE(idle.response());
  RawConnection in_flight(port);
  REQUIRE(in_flight.send(get_request("/block")));
  REQUIRE(gate.wait_entered(1));

  std::thread stopper([&] { srv->stop(); });
  CHECK(idle.closed_within(10s));
  CHECK(eventually([&] { return !RawConnection(port).connected(); }));
  gate.open();
  const auto r = in_flight.response();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "done /block");
  CHECK(r->header("Connection") == "close");
  stopper.join();
  CHECK(srv->stopped());
  srv.reset();

  RunningServer again({}, echo, {}, {}, {}, port);
  CHECK(again.port() == port);
  CHECK(round_trip(port, get_request("/again")).status == 200);
}

TEST_CASE("stop() before run() makes run() return at once", "[http][stop]") {
  Server server({}, echo);
  server.bind("127.0.0.1", 0);
  server.stop();
  server.stop();
  server.run();
  SUCCEED("run() returned");
}

TEST_CASE("bind() refuses a port already served, naming host and port", "[http]") {
  RunningServer srv;
  Server second({}, echo);
  const std::string where = "127.0.0.1:" + std::to_string(srv.port());
  CHECK_THROWS_WITH(second.bind("127.0.0.1", srv.port()), Catch::Contains(where));
  CHECK_THROWS_AS(second.bind("127.0.0.1", 70000), koe::http::BindError);
}

}  // namespace
