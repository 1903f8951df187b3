#include "koe/http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace koe::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// The read buffer may hold this much beyond max_header_bytes, so the parser's header limit
// (not the buffer's) is what a long head runs into. Beast reads no more than the buffer's
// free capacity (512 bytes at first), so a body is read into this much reserved room: a
// 10 MB upload took 19,500 reads of 512 bytes before.
constexpr std::size_t kBodyChunk = 64 * 1024;
// An idle keep-alive connection keeps at most this much buffer.
constexpr std::size_t kIdleBuffer = 4096;
// Closing a socket with unread input makes the kernel send a reset, which can destroy the
// error response before the client reads it; so after a closing response the server reads
// and discards what still arrives, for at most this long and this much.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::size_t kLingerBytes = 1 << 20;
constexpr std::size_t kDrainChunk = 4096;
// Pause before accepting again after accept failed (out of file descriptors): retrying at
// once would spin an I/O thread.
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

std::string_view view(boost::beast::string_view s) { return {s.data(), s.size()}; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A header line the transport may send: a CR or LF would let a value start a header (or
/// a body) of its own, so such a header is dropped.
bool sendable(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name)
    if (c <= ' ' || c == ':' || c == 0x7f) return false;
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out;
}

void default_error_response(int status, std::string_view code, std::string_view message, Response& res) {
  res.status = status;
  res.set_body("{\"error\":{\"code\":\"" + json_escape(code) + "\",\"message\":\"" + json_escape(message) + "\"}}",
               "application/json; charset=utf-8");
}

bool status_has_body(int status) { return status >= 200 && status != 204 && status != 304; }

/// Why the framing of a request head is refused, or "" when it is sound. Beast already
/// refuses Content-Length beside chunked and a non-numeric length; it accepts repeated equal
/// lengths ("5, 5" or two fields) and a Transfer-Encoding that does not end in chunked (which
/// it then treats as no body). A proxy in front may read either differently: smuggling.
std::string framing_error(const bhttp::request_parser<bhttp::string_body>::value_type& msg) {
  const auto lengths = msg.count(bhttp::field::content_length);
  const auto encodings = msg.count(bhttp::field::transfer_encoding);
  if (lengths > 1) return "more than one Content-Length";
  if (lengths == 1 && !all_digits(trim(view(msg[bhttp::field::content_length]))))
    return "Content-Length is not a number";
  if (encodings > 1) return "more than one Transfer-Encoding";
  if (encodings == 1) {
    if (lengths == 1) return "Content-Length beside Transfer-Encoding";
    if (!iequals(trim(view(msg[bhttp::field::transfer_encoding])), "chunked"))
      return "Transfer-Encoding other than chunked";
  }
  return {};
}

bool is_parse_error(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

/// A fixed set of long-lived threads and a bounded queue of jobs waiting for them.
class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t capacity)
      : threads_(std::max<std::size_t>(threads, 1)), capacity_(capacity) {}
  ~WorkerPool() { stop_and_join(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start() {
    for (std::size_t i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
  }

  /// False when `capacity` jobs already wait beyond the workers that are free to take them.
  bool try_submit(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || queue_.size() >= capacity_ + idle_) return false;
      queue_.push_back(std::move(job));
    }
    cv_.notify_one();
    return true;
  }

  std::size_t queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

  /// Runs every job already queued, then joins the workers.
  void stop_and_join() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ++idle_;
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      --idle_;
      if (queue_.empty()) return;
      {
        auto job = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        job();
        // The job may hold a connection's last reference: it is released here, unlocked.
      }
      lock.lock();
    }
  }

  const std::size_t threads_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace

struct Server::Impl {
  class Session;

  Impl(ServerLimits l, Handler h, Planner p, ErrorResponder e, Observer o)
      : limits(l),
        handler(std::move(h)),
        planner(std::move(p)),
        error_responder(std::move(e)),
        observer(std::move(o)),
        acceptor(asio::make_strand(ioc)),
        accept_retry(acceptor.get_executor()),
        interactive(limits.interactive_workers, limits.interactive_queue),
        batch(limits.batch_workers, limits.batch_queue) {}

  void accept();
  void on_accept(const error_code& ec, tcp::socket socket);
  void close_acceptor();
  void make_error(int status, std::string_view code, std::string_view message, Response& res) const;

  const ServerLimits limits;
  const Handler handler;
  const Planner planner;
  const ErrorResponder error_responder;
  const Observer observer;

  asio::io_context ioc;
  tcp::acceptor acceptor;  // on its own strand: accept, retry and close never overlap
  asio::steady_timer accept_retry;
  WorkerPool interactive;
  WorkerPool batch;

  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open_connections{0};
  std::atomic<std::size_t> rejected_overload{0};
  std::atomic<std::size_t> timeouts{0};

  // Every live session (the refused ones too), so stop() can reach them and run() can wait
  // for the last one; acceptor_closed says no session can be added any more.
  std::mutex sessions_mutex;
  std::condition_variable sessions_cv;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
  bool acceptor_closed = false;
};

/// One connection. Everything but the handler runs on the connection's strand; the handler
/// runs on a worker while the session is `handling` and touches nothing else then.
class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& srv, tcp::socket socket, bool refuse)
      : srv_(srv),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        buffer_(srv.limits.max_header_bytes + kBodyChunk),
        refuse_(refuse) {
    if (!refuse_) ++srv_.open_connections;
    error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
  }

  ~Session() {
    if (!refuse_) --srv_.open_connections;
    {
      std::lock_guard lock(srv_.sessions_mutex);
      srv_.sessions.erase(this);
    }
    srv_.sessions_cv.notify_all();
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Registers the session, then begins on its strand.
  void start() {
    {
      std::lock_guard lock(srv_.sessions_mutex);
      srv_.sessions.emplace(this, weak_from_this());
    }
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->begin(); });
  }

  /// From stop(): a connection not waiting for its handler is closed now.
  void stop_soon() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::reading) self->close();
    });
  }

 private:
  enum class State { reading, handling, writing, closing, closed };

  void begin() {
    started_ = Clock::now();
    if (refuse_) {
      ++srv_.rejected_overload;
      req_.remote_address = remote_;
      return send_error(503, "overloaded", "too many open connections", /*close=*/true);
    }
    read_header(started_ + srv_.limits.header_timeout);
  }

  // ---- deadlines: one timer, re-armed per phase; a stale expiry is told apart by its generation

  void arm(Clock::time_point deadline) {
    timed_out_ = false;
    timer_.expires_at(deadline);
    timer_.async_wait([self = shared_from_this(), generation = ++timer_generation_](const error_code& ec) {
      if (ec || generation != self->timer_generation_) return;
      self->timed_out_ = true;
      error_code ignored;
      self->socket_.cancel(ignored);
    });
  }

  void disarm() {
    ++timer_generation_;
    timer_.cancel();
  }

  // ---- reading a request

  void wait_idle() {
    if (srv_.stopping) return linger();
    started_ = Clock::now();
    if (buffer_.size() > 0) return read_header(started_ + srv_.limits.header_timeout);  // pipelined
    if (buffer_.capacity() > kIdleBuffer) buffer_.shrink_to_fit();
    state_ = State::reading;
    arm(started_ + srv_.limits.idle_timeout);
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
      if (self->state_ == State::closed) return;
      self->disarm();
      if (ec) return self->close();  // idle timeout, stop() or a dead socket: nothing to answer
      self->started_ = Clock::now();
      self->read_header(self->started_ + self->srv_.limits.header_timeout);
    });
  }

  void read_header(Clock::time_point deadline) {
    if (srv_.stopping) return close();
    state_ = State::reading;
    req_ = Request{};
    req_.remote_address = remote_;
    res_ = Response{};
    head_request_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(srv_.limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    // The body limit is the Planner's, known only once the head is read; until then Beast's
    // default (1 MB) must not refuse a head for its Content-Length.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    arm(deadline);
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(const error_code& ec) {
    if (state_ == State::closed) return;
    disarm();
    if (ec) {
      if (timed_out_) {
        if (buffer_.size() == 0 && !parser_->got_some()) return close();  // nothing asked, nothing to answer
        ++srv_.timeouts;
        return send_error(408, "request_timeout", "the request head did not arrive in time", true);
      }
      if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
        return send_error(431, "header_too_large",
                          "request line and headers exceed " + std::to_string(srv_.limits.max_header_bytes) + " bytes",
                          true);
      if (is_parse_error(ec)) return send_error(400, "bad_request", "malformed request: " + ec.message(), true);
      return close();  // the client went away
    }

    auto& msg = parser_->get();
    req_.method = std::string(msg.method_string());
    req_.target = std::string(msg.target());
    for (const auto& field : msg) req_.headers.emplace(std::string(field.name_string()), std::string(field.value()));
    version_ = msg.version();
    if (version_ != 10 && version_ != 11) return send_error(400, "bad_request", "unsupported HTTP version", true);
    if (auto why = framing_error(msg); !why.empty()) return send_error(400, "bad_request", why, true);
    auto target = parse_target(req_.target);
    if (!target) return send_error(400, "bad_request", "bad request target", true);
    req_.path = std::move(target->path);
    req_.query = std::move(target->query);
    if (req_.method == "HEAD") {
      head_request_ = true;
      req_.method = "GET";
    }

    const bool body_pending = !parser_->is_done();
    try {
      plan_ = srv_.planner ? srv_.planner(req_) : RequestPlan{};
    } catch (...) {
      return send_error(500, "internal", "internal server error", body_pending || !parser_->keep_alive());
    }
    if (const auto length = parser_->content_length(); length && *length > plan_.max_body_bytes)
      return send_error(413, "payload_too_large", body_too_large(), true);
    if (!body_pending) return dispatch();

    parser_->body_limit(plan_.max_body_bytes);
    arm(Clock::now() + srv_.limits.body_timeout);
    if (version_ == 11 && iequals(trim(view(msg[bhttp::field::expect])), "100-continue")) {
      asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](const error_code& ec, std::size_t) {
                          if (self->state_ == State::closed) return;
                          if (!ec) return self->read_body();
                          if (self->timed_out_) ++self->srv_.timeouts;
                          self->close();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    buffer_.reserve(kBodyChunk);
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(const error_code& ec) {
    if (state_ == State::closed) return;
    disarm();
    if (ec) {
      if (timed_out_) {
        ++srv_.timeouts;
        return send_error(408, "request_timeout", "the request body did not arrive in time", true);
      }
      if (ec == bhttp::error::body_limit) return send_error(413, "payload_too_large", body_too_large(), true);
      if (is_parse_error(ec)) return send_error(400, "bad_request", "malformed request body: " + ec.message(), true);
      return close();
    }
    req_.body = std::move(parser_->get().body());
    dispatch();
  }

  std::string body_too_large() const {
    return "the request body exceeds " + std::to_string(plan_.max_body_bytes) + " bytes";
  }

  // ---- handling

  void dispatch() {
    close_after_ = !parser_->keep_alive() || ++served_ >= srv_.limits.max_keepalive_requests || srv_.stopping;
    parser_.reset();
    state_ = State::handling;
    auto& pool = plan_.lane == Lane::batch ? srv_.batch : srv_.interactive;
    if (!pool.try_submit([self = shared_from_this()] { self->handle(); })) {
      ++srv_.rejected_overload;
      send_error(503, "busy", "the server is busy; retry shortly", close_after_);
    }
  }

  /// On a worker thread.
  void handle() {
    try {
      if (!srv_.handler) throw std::logic_error("no handler");
      srv_.handler(req_, res_);
      if (res_.status < 200 || res_.status > 599) throw std::logic_error("handler set an invalid status");
    } catch (...) {
      res_ = Response{};
      srv_.make_error(500, "internal", "internal server error", res_);
    }
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->write_response(); });
  }

  // ---- writing the response

  void send_error(int status, std::string_view code, std::string_view message, bool close) {
    res_ = Response{};
    srv_.make_error(status, code, message, res_);
    if (status == 503) res_.set_header("Retry-After", "1");
    close_after_ = close;
    write_response();
  }

  void write_response() {
    if (state_ == State::closed) return;
    if (srv_.stopping || iequals(trim(res_.header("Connection")), "close")) close_after_ = true;
    if (head_request_) req_.method = "HEAD";
    const bool send_body = status_has_body(res_.status) && !head_request_;

    out_head_ = "HTTP/1.1 " + std::to_string(res_.status) + " " + std::string(reason_phrase(res_.status)) + "\r\n";
    for (const auto& [name, value] : res_.headers) {
      if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection") ||
          iequals(name, "Server") || !sendable(name, value))
        continue;
      out_head_ += name;
      out_head_ += ": ";
      out_head_ += value;
      out_head_ += "\r\n";
    }
    if (status_has_body(res_.status)) out_head_ += "Content-Length: " + std::to_string(res_.body.size()) + "\r\n";
    if (close_after_)
      out_head_ += "Connection: close\r\n";
    else if (version_ == 10)
      out_head_ += "Connection: keep-alive\r\n";
    out_head_ += "\r\n";

    state_ = State::writing;
    arm(Clock::now() + srv_.limits.write_timeout);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(out_head_),
                                                    send_body ? asio::buffer(res_.body) : asio::const_buffer()};
    asio::async_write(socket_, buffers,
                      [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_written(ec); });
  }

  void on_written(const error_code& ec) {
    if (state_ == State::closed) return;
    disarm();
    if (ec && timed_out_) ++srv_.timeouts;
    if (srv_.observer) {
      try {
        srv_.observer(req_, res_, std::chrono::duration<double>(Clock::now() - started_).count());
      } catch (...) {
        // An observer (a log line, a metric) must not take the connection down.
      }
    }
    if (ec) return close();
    if (close_after_) return linger();
    wait_idle();
  }

  // ---- closing

  void linger() {
    state_ = State::closing;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.clear();
    drained_ = 0;
    arm(Clock::now() + kLingerTime);
    drain();
  }

  void drain() {
    socket_.async_read_some(buffer_.prepare(kDrainChunk),
                            [self = shared_from_this()](const error_code& ec, std::size_t n) {
                              if (self->state_ == State::closed) return;
                              self->drained_ += n;
                              if (ec || self->drained_ >= kLingerBytes) return self->close();
                              self->drain();
                            });
  }

  void close() {
    state_ = State::closed;
    disarm();
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  Impl& srv_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  const bool refuse_;
  std::string remote_;

  State state_ = State::reading;
  std::uint64_t timer_generation_ = 0;
  bool timed_out_ = false;
  Clock::time_point started_;
  std::size_t served_ = 0;
  std::size_t drained_ = 0;

  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request req_;
  Response res_;
  RequestPlan plan_;
  unsigned version_ = 11;
  bool head_request_ = false;
  bool close_after_ = false;
  std::string out_head_;
};

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc),
                        [this](const error_code& ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void Server::Impl::on_accept(const error_code& ec, tcp::socket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (ec) {
    accept_retry.expires_after(kAcceptRetry);
    accept_retry.async_wait([this](const error_code& e) {
      if (!e && !stopping) accept();
    });
    return;
  }
  const bool refuse = open_connections >= limits.max_connections;
  std::make_shared<Session>(*this, std::move(socket), refuse)->start();
  accept();
}

void Server::Impl::close_acceptor() {
  error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mutex);
    acceptor_closed = true;
    for (const auto& [key, weak] : sessions)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  sessions_cv.notify_all();
  // Outside the lock: dropping the last reference runs ~Session, which takes it.
  for (const auto& s : live) s->stop_soon();
}

void Server::Impl::make_error(int status, std::string_view code, std::string_view message, Response& res) const {
  try {
    if (error_responder)
      error_responder(status, code, message, res);
    else
      default_error_response(status, code, message, res);
  } catch (...) {
    res = Response{};
    default_error_response(status, code, message, res);
  }
  res.status = status;
}

Server::Server(ServerLimits limits, Handler handler, Planner planner, ErrorResponder error_responder, Observer observer)
    : impl_(std::make_unique<Impl>(limits, std::move(handler), std::move(planner), std::move(error_responder),
                                   std::move(observer))) {}

Server::~Server() = default;

int Server::bind(const std::string& host, int port) {
  const std::string where = host + ":" + std::to_string(port);
  if (port < 0 || port > 65535) throw BindError("cannot listen on " + where + ": port out of range");
  error_code ec;
  tcp::endpoint endpoint;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, static_cast<unsigned short>(port));
  } else {
    tcp::resolver resolver(impl_->ioc);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty())
      throw BindError("cannot listen on " + where + ": " + (ec ? ec.message() : "no address for the host"));
    endpoint = *results.begin();
  }
  auto& acceptor = impl_->acceptor;
  auto fail = [&](const char* what) {
    error_code ignored;
    acceptor.close(ignored);
    throw BindError("cannot listen on " + where + ": " + what + ": " + ec.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("socket");
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) fail("SO_REUSEADDR");
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor.listen(1024, ec);
  if (ec) fail("listen");
  return acceptor.local_endpoint().port();
}

void Server::run() {
  auto& impl = *impl_;
  if (!impl.acceptor.is_open() && !impl.stopping) throw std::logic_error("koe::http::Server::run before bind");
  auto work = asio::make_work_guard(impl.ioc);
  impl.interactive.start();
  impl.batch.start();
  asio::post(impl.acceptor.get_executor(), [&impl] {
    if (!impl.stopping) impl.accept();
  });
  std::vector<std::thread> io;
  for (std::size_t i = 0; i < std::max<std::size_t>(impl.limits.io_threads, 1); ++i)
    io.emplace_back([&impl] { impl.ioc.run(); });
  {
    std::unique_lock lock(impl.sessions_mutex);
    impl.sessions_cv.wait(lock, [&] { return impl.acceptor_closed && impl.sessions.empty(); });
  }
  // No session is left, so no job is queued or running.
  impl.interactive.stop_and_join();
  impl.batch.stop_and_join();
  work.reset();
  impl.ioc.stop();
  for (auto& t : io) t.join();
}

void Server::stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->close_acceptor(); });
}

Server::Counters Server::counters() const {
  Counters c;
  c.open_connections = impl_->open_connections;
  c.queued_interactive = impl_->interactive.queued();
  c.queued_batch = impl_->batch.queued();
  c.rejected_overload = impl_->rejected_overload;
  c.timeouts = impl_->timeouts;
  return c;
}

}  // namespace koe::http
