// The Beast/Asio transport. The only translation unit that includes Beast or Asio, so
// editing a handler or the router never recompiles it.
#include "http/server.h"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "auth/secrets.h"
#include "base/guarded.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/text.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/router.h"

namespace narwhal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// After a response that ends a connection, unread request bytes are drained for this long
// so that closing does not reset the connection before the client has read the answer.
constexpr std::chrono::seconds kLingerTime{2};

class ServerImpl;

// A header name or value as it goes on the wire: CR, LF and NUL cannot end a header line
// early (a handler's value never splits into a second header); each becomes a space.
void AppendHeaderText(std::string_view text, std::string& out) {
  for (char c : text) out += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
}

// 1xx, 204 and 304 answers carry no body and no Content-Length (RFC 9110, 8.6).
bool IsBodiless(int status) {
  return status < 200 || status == 204 || status == 304;
}

// The status line and headers of a whole (not streamed) response, written by hand: the
// same bytes Beast's serializer would produce (Content-Length, Connection as HTTP/1.0 or
// 1.1 needs it, no body for 1xx, 204 and 304), without building a header container per
// request. Content-Length, Transfer-Encoding and Connection are the server's alone.
void SerializeHead(const HttpResponse& response, unsigned version, bool keep_alive,
                   std::string& out) {
  const auto status = static_cast<http::status>(response.status);
  out.clear();
  out += version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
  out += std::to_string(response.status);
  out += ' ';
  out += http::obsolete_reason(status);
  out += "\r\n";
  if (!response.content_type.empty()) {
    out += "Content-Type: ";
    AppendHeaderText(response.content_type, out);
    out += "\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
        beast::iequals(name, "connection")) {
      continue;
    }
    AppendHeaderText(name, out);
    out += ": ";
    AppendHeaderText(value, out);
    out += "\r\n";
  }
  if (!IsBodiless(response.status)) {
    out += "Content-Length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  out += "\r\n";
}

// One connection, as the server sees it: closable on shutdown, unregistered when it ends.
class SessionBase {
 public:
  SessionBase(ServerImpl& server, uint64_t id) : server_(server), id_(id) {}
  virtual ~SessionBase();

  // Posted by Shutdown: a connection waiting for a request that has not begun (or
  // lingering) is closed; one with a request in flight finishes it first.
  virtual void CloseIfIdle() = 0;
  // Constant after construction; safe from any thread.
  virtual asio::any_io_executor executor() = 0;

 protected:
  ServerImpl& server_;
  const uint64_t id_;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection over a plain or a TLS stream. Lives as long as an asynchronous operation
// holds it; every member is touched only on the connection's I/O thread, except where noted.
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(tcp::socket socket, ServerImpl& server, uint64_t id) requires(!kTls)
      : SessionBase(server, id), stream_(std::move(socket)) {}
  Session(tcp::socket socket, ServerImpl& server, uint64_t id,
          asio::ssl::context& tls) requires kTls : SessionBase(server, id),
                                                   stream_(std::move(socket), tls) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->Handshake();
      } else {
        self->DoRead();
      }
    });
  }

  void CloseIfIdle() override {
    // Before its first read a session has no parser yet; DoRead will see stopping().
    const bool waiting = state_ == State::kReading && parser_ && !parser_->got_some();
    if (waiting || state_ == State::kLingering) {
      Lowest().close();
    }
  }

  asio::any_io_executor executor() override { return stream_.get_executor(); }

 private:
  enum class State { kReading, kHandling, kWriting, kLingering };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  void Handshake();
  void DoRead();
  void OnRead(beast::error_code ec);
  void Respond(HttpResponse response, bool keep_alive);
  void OnWrite(bool close, beast::error_code ec);
  // A response with a BodyStream: the headers and first piece, then a piece about every
  // second (asked for on the handler pool), each as one chunk, until the stream or the
  // server ends; then the last chunk and the connection closes.
  void StartStream(const HttpResponse& response);
  void SendPiece(std::optional<std::string> piece);
  void WaitForPiece();
  void EndStream(beast::error_code ec);
  void Linger();
  void Drain();
  HttpRequest PartialRequest();
  std::string RemoteAddress(const HttpRequest& request);

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  // The response being written: its head (SerializeHead) and its body.
  std::string out_head_;
  std::string out_body_;
  // The open stream, while there is one.
  std::shared_ptr<BodyStream> body_stream_;
  std::optional<http::response<http::empty_body>> stream_head_;
  std::optional<http::response_serializer<http::empty_body>> stream_serializer_;
  std::string piece_;
  std::optional<asio::steady_timer> tick_;
  unsigned version_ = 11;
  State state_ = State::kReading;
  std::array<char, 4096> drain_buffer_;
};

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& options, Store& store, const Clock& clock, const ServerDeps& deps)
      : options_(options),
        owned_auth_(deps.auth ? nullptr
                              : std::make_unique<AuthService>(store, clock, options.auth)),
        auth_(deps.auth ? *deps.auth : *owned_auth_),
        owned_authenticator_(deps.authenticator ? nullptr
                                                : std::make_unique<BearerAuthenticator>(auth_)),
        owned_metrics_(deps.metrics ? nullptr : std::make_unique<MetricsRegistry>()),
        metrics_(deps.metrics ? *deps.metrics : *owned_metrics_),
        audit_(store, options.audit),
        router_(ApiRoutes({store,
                           metrics_,
                           auth_,
                           clock,
                           {.election = options.election,
                            .max_inflight_strikes = options.max_inflight_strikes,
                            .stopping = &stopping_}}),
                deps.authenticator ? *deps.authenticator : *owned_authenticator_, metrics_, clock,
                audit_, options.rate_limits),
        iocs_([n = std::max(1, options.threads)] {
          std::vector<std::unique_ptr<asio::io_context>> contexts;
          contexts.reserve(static_cast<size_t>(n));
          for (int i = 0; i < n; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
          return contexts;
        }()),
        work_guards_([this] {
          std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
          for (auto& ioc : iocs_) guards.push_back(asio::make_work_guard(*ioc));
          return guards;
        }()),
        acceptor_(*iocs_[0]),
        handler_pool_(static_cast<size_t>(options.handler_threads)) {}

  ~ServerImpl() override { Shutdown(); }

  // Loads the certificate chain and key when both are configured; without them the
  // listener speaks plain HTTP.
  Status LoadTls() {
    if (options_.tls_cert_file.empty() && options_.tls_key_file.empty()) return Status::Ok();
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty()) {
      return InvalidArgument("TLS needs both a certificate file and a key file");
    }
    try {
      tls_.emplace(asio::ssl::context::tls_server);
      tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
      tls_->use_certificate_chain_file(options_.tls_cert_file);
      tls_->use_private_key_file(options_.tls_key_file, asio::ssl::context::pem);
    } catch (const std::exception& e) {
      tls_.reset();
      return InvalidArgument("cannot load the TLS certificate or key: " + std::string(e.what()));
    }
    return Status::Ok();
  }

  Status Listen() {
    beast::error_code ec;
    const asio::ip::address address = asio::ip::make_address(options_.host, ec);
    if (ec) return InvalidArgument("listen address '" + options_.host + "': " + ec.message());
    const tcp::endpoint endpoint(address, options_.port);
    const std::string where = options_.host + ":" + std::to_string(options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Unavailable("cannot listen on " + where + ": " + ec.message());
    port_ = acceptor_.local_endpoint(ec).port();
    if (ec) return Unavailable("cannot read the bound port: " + ec.message());
    return Status::Ok();
  }

  void Run() {
    DoAccept();
    for (auto& ioc : iocs_) io_threads_.emplace_back([this, &ioc] { RunIo(*ioc); });
  }

  uint16_t port() const override { return port_; }

  void Shutdown() override {
    std::lock_guard<std::mutex> once(shutdown_mu_);
    if (shut_down_) return;
    stopping_.store(true);
    wake_.With([](bool& w) { w = true; });
    wake_cv_.notify_all();

    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    std::vector<std::shared_ptr<SessionBase>> live;
    sessions_.With([&](auto& sessions) {
      for (auto& [id, weak] : sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    });
    for (auto& s : live) asio::post(s->executor(), [s] { s->CloseIfIdle(); });
    live.clear();  // our references must not keep connections open

    const auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
    {
      auto sessions = sessions_.Lock();
      if (!sessions_cv_.wait_until(sessions.lock(), deadline, [&] { return sessions->empty(); })) {
        LogWarning("http: " + std::to_string(sessions->size()) +
                   " connections still open after the shutdown grace period; closing them");
      }
    }
    for (auto& guard : work_guards_) guard.reset();
    for (auto& ioc : iocs_) ioc->stop();
    for (std::thread& t : io_threads_) t.join();
    io_threads_.clear();
    handler_pool_.join();
    Status flushed = audit_.Flush();
    if (!flushed.ok()) LogError("http: audit log on shutdown: " + flushed.ToString());
    shut_down_ = true;
  }

  void WaitForSignal() override {
    asio::signal_set signals(*iocs_[0], SIGINT, SIGTERM);
    signals.async_wait([this](const beast::error_code& ec, int signal_number) {
      if (ec) return;
      LogInfo("http: signal " + std::to_string(signal_number) + ", shutting down");
      wake_.With([](bool& w) { w = true; });
      wake_cv_.notify_all();
    });
    {
      auto wake = wake_.Lock();
      wake_cv_.wait(wake.lock(), [&] { return *wake; });
    }
    Shutdown();
  }

  // --- for sessions ---
  const ServerOptions& options() const { return options_; }
  Router& router() { return router_; }
  asio::thread_pool& handler_pool() { return handler_pool_; }
  bool stopping() const { return stopping_.load(); }
  void Unregister(uint64_t id) {
    sessions_.With([&](auto& sessions) { sessions.erase(id); });
    sessions_cv_.notify_all();
  }

 private:
  void RunIo(asio::io_context& ioc) {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        // A handler threw; the connection it served is gone, the server goes on.
        LogError(std::string("http: I/O thread caught: ") + e.what());
      }
    }
  }

  template <class S>
  void Begin(std::shared_ptr<S> session, uint64_t id) {
    sessions_.With([&](auto& sessions) { sessions.emplace(id, session); });
    session->Start();
  }

  void DoAccept() {
    // Connections are spread over the I/O contexts in turn; each context has one thread, so
    // a connection's handlers never run concurrently and need no strand.
    asio::io_context& ioc = *iocs_[next_session_id_ % iocs_.size()];
    acceptor_.async_accept(ioc.get_executor(), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || stopping()) return;
      if (ec) {
        LogWarning("http: accept failed: " + ec.message());
      } else {
        const uint64_t id = next_session_id_++;
        if (tls_) {
          Begin(std::make_shared<Session<TlsStream>>(std::move(socket), *this, id, *tls_), id);
        } else {
          Begin(std::make_shared<Session<PlainStream>>(std::move(socket), *this, id), id);
        }
      }
      DoAccept();
    });
  }

  // Constant after construction. Declared before the io_context: pending handlers that
  // the io_context destroys last may still reach them.
  const ServerOptions options_;
  const std::unique_ptr<AuthService> owned_auth_;
  AuthService& auth_;
  const std::unique_ptr<Authenticator> owned_authenticator_;
  const std::unique_ptr<MetricsRegistry> owned_metrics_;
  MetricsRegistry& metrics_;
  StoreAuditSink audit_;  // outlives the router and the handler threads
  Router router_;
  uint16_t port_ = 0;
  std::optional<asio::ssl::context> tls_;  // set by LoadTls before Run

  std::atomic<bool> stopping_{false};
  Guarded<std::map<uint64_t, std::weak_ptr<SessionBase>>> sessions_;
  std::condition_variable sessions_cv_;  // signalled when a session ends
  Guarded<bool> wake_{false};            // WaitForSignal returns when set
  std::condition_variable wake_cv_;

  std::mutex shutdown_mu_;
  bool shut_down_ = false;  // guarded by shutdown_mu_

  // One io_context per I/O thread, each run by that thread alone (concurrency hint 1):
  // less locking than one context shared by all threads, and no strands.
  std::vector<std::unique_ptr<asio::io_context>> iocs_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_guards_;
  tcp::acceptor acceptor_;        // on iocs_[0]; touched only by its thread after Run
  uint64_t next_session_id_ = 0;  // touched only by the acceptor's thread
  asio::thread_pool handler_pool_;
  std::vector<std::thread> io_threads_;  // guarded by shutdown_mu_ after Run
};

SessionBase::~SessionBase() {
  server_.Unregister(id_);
}

template <class Stream>
void Session<Stream>::Handshake() {
  Lowest().expires_after(server_.options().request_timeout);
  stream_.async_handshake(asio::ssl::stream_base::server,
                          [self = this->shared_from_this()](beast::error_code ec) {
                            if (ec) {
                              self->Lowest().close();  // not TLS, or a bad client: no answer
                              return;
                            }
                            self->DoRead();
                          });
}

template <class Stream>
void Session<Stream>::DoRead() {
  if (server_.stopping()) {
    Linger();
    return;
  }
  state_ = State::kReading;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(server_.options().max_header_bytes));
  parser_->body_limit(server_.options().max_body_bytes);
  Lowest().expires_after(server_.options().request_timeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
}

template <class Stream>
HttpRequest Session<Stream>::PartialRequest() {
  HttpRequest r;
  if (parser_ && parser_->is_header_done()) {
    const auto& header = parser_->get();
    r.method = std::string(header.method_string());
    r.target = std::string(header.target());
    beast::error_code ignored;
    const tcp::endpoint peer = Lowest().socket().remote_endpoint(ignored);
    if (!ignored) r.remote_addr = peer.address().to_string();
    if (auto id = header.find("x-request-id"); id != header.end()) {
      r.headers.emplace_back("x-request-id", std::string(id->value()));
    }
  }
  return r;
}

template <class Stream>
std::string Session<Stream>::RemoteAddress(const HttpRequest& request) {
  if (server_.options().trust_forwarded_for) {
    std::string_view forwarded = request.Header("x-forwarded-for");
    if (!forwarded.empty()) {
      const size_t comma = forwarded.rfind(',');
      std::string_view last =
          TrimAscii(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
      beast::error_code ec;
      const asio::ip::address parsed = asio::ip::make_address(std::string(last), ec);
      if (!ec) return parsed.to_string();
    }
  }
  beast::error_code ec;
  const tcp::endpoint peer = Lowest().socket().remote_endpoint(ec);
  return ec ? std::string() : peer.address().to_string();
}

template <class Stream>
void Session<Stream>::OnRead(beast::error_code ec) {
  if (ec == http::error::end_of_stream) {
    Linger();
    return;
  }
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) return;
  if (ec == http::error::body_limit) {
    Respond(
        server_.router().Reject(PartialRequest(), 413, "payload_too_large", "Payload too large",
                                "the body is larger than " +
                                    std::to_string(server_.options().max_body_bytes) + " bytes"),
        false);
    return;
  }
  if (ec == http::error::header_limit) {
    Respond(server_.router().Reject(
                PartialRequest(), 431, "header_too_large", "Request header fields too large",
                "the request line and headers are larger than " +
                    std::to_string(server_.options().max_header_bytes) + " bytes"),
            false);
    return;
  }
  if (ec && ec.category() == http::make_error_code(http::error::bad_method).category()) {
    Respond(server_.router().Reject(PartialRequest(), 400, "bad_request", "Bad request",
                                    "the request is not valid HTTP/1.1: " + ec.message()),
            false);
    return;
  }
  if (ec) {
    Lowest().close();  // reset by peer and the like: nobody to answer
    return;
  }

  http::request<http::string_body> message = parser_->release();
  version_ = message.version();
  const bool keep_alive = message.keep_alive();
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(AsciiLower(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_addr = RemoteAddress(request);

  state_ = State::kHandling;
  Lowest().expires_never();
  Router& router = server_.router();
  Router::Resolution resolution = router.Resolve(request.method, request.target);
  const Route* route = resolution.route;
  if (route != nullptr && route->execution == Execution::kInline) {
    Respond(router.Handle(request, std::move(resolution)), keep_alive);
    return;
  }
  std::shared_ptr<Admission> admission = route != nullptr ? route->admission : nullptr;
  if (admission && !admission->TryEnter()) {
    HttpResponse refused = router.Reject(
        request, 429, ErrorCodeName(ErrorCode::kResourceExhausted), "Too many requests",
        "too many " + admission->what() + " in flight; retry in a second");
    refused.headers.emplace_back("Retry-After", "1");
    Respond(std::move(refused), keep_alive);
    return;
  }
  asio::post(server_.handler_pool(), [self = this->shared_from_this(), request = std::move(request),
                                      resolution = std::move(resolution), keep_alive,
                                      admission = std::move(admission)]() mutable {
    HttpResponse response = self->server_.router().Handle(request, std::move(resolution));
    if (admission) admission->Leave();
    asio::post(self->executor(), [self, response = std::move(response), keep_alive]() mutable {
      self->Respond(std::move(response), keep_alive);
    });
  });
}

template <class Stream>
void Session<Stream>::Respond(HttpResponse response, bool keep_alive) {
  if (response.stream && version_ >= 11 && !server_.stopping()) {
    StartStream(response);
    return;
  }
  const bool close = !keep_alive || server_.stopping();
  SerializeHead(response, version_, !close, out_head_);
  out_body_ = IsBodiless(response.status) ? std::string() : std::move(response.body);
  state_ = State::kWriting;
  Lowest().expires_after(server_.options().request_timeout);
  const std::array<asio::const_buffer, 2> buffers = {asio::buffer(out_head_),
                                                     asio::buffer(out_body_)};
  asio::async_write(stream_, buffers,
                    [self = this->shared_from_this(), close](beast::error_code ec, size_t) {
                      self->OnWrite(close, ec);
                    });
}

template <class Stream>
void Session<Stream>::StartStream(const HttpResponse& response) {
  body_stream_ = response.stream;
  piece_ = response.body;
  try {
    stream_head_.emplace(static_cast<http::status>(response.status), version_);
    if (!response.content_type.empty()) {
      stream_head_->set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) stream_head_->set(name, value);
    stream_head_->keep_alive(false);  // the end of the stream ends the connection
    stream_head_->chunked(true);
    stream_serializer_.emplace(*stream_head_);
  } catch (const std::exception& e) {
    LogError(std::string("http: cannot start a stream: ") + e.what());
    Lowest().close();
    return;
  }
  state_ = State::kWriting;
  Lowest().expires_after(server_.options().request_timeout);
  http::async_write_header(stream_, *stream_serializer_,
                           [self = this->shared_from_this()](beast::error_code ec, size_t) {
                             if (ec) {
                               self->EndStream(ec);
                               return;
                             }
                             self->SendPiece(std::move(self->piece_));
                           });
}

template <class Stream>
void Session<Stream>::SendPiece(std::optional<std::string> piece) {
  if (!piece || server_.stopping()) {
    Lowest().expires_after(server_.options().request_timeout);
    asio::async_write(
        stream_, http::make_chunk_last(),
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->EndStream(ec); });
    return;
  }
  if (piece->empty()) {
    WaitForPiece();
    return;
  }
  piece_ = std::move(*piece);
  Lowest().expires_after(server_.options().request_timeout);
  asio::async_write(stream_, http::make_chunk(asio::buffer(piece_)),
                    [self = this->shared_from_this()](beast::error_code ec, size_t) {
                      if (ec) {
                        self->EndStream(ec);
                        return;
                      }
                      self->WaitForPiece();
                    });
}

template <class Stream>
void Session<Stream>::WaitForPiece() {
  Lowest().expires_never();
  if (!tick_) tick_.emplace(stream_.get_executor());
  tick_->expires_after(std::chrono::seconds(1));
  tick_->async_wait([self = this->shared_from_this()](beast::error_code ec) {
    if (ec) {
      self->EndStream(ec);
      return;
    }
    asio::post(self->server_.handler_pool(), [self] {
      std::optional<std::string> piece;
      try {
        piece = self->body_stream_->Next();
      } catch (const std::exception& e) {
        LogError(std::string("http: a stream failed: ") + e.what());
      }
      asio::post(self->executor(),
                 [self, piece = std::move(piece)]() mutable { self->SendPiece(std::move(piece)); });
    });
  });
}

template <class Stream>
void Session<Stream>::EndStream(beast::error_code ec) {
  body_stream_.reset();
  stream_serializer_.reset();
  stream_head_.reset();
  if (ec) {
    Lowest().close();
    return;
  }
  Linger();
}

template <class Stream>
void Session<Stream>::OnWrite(bool close, beast::error_code ec) {
  out_body_.clear();
  if (ec) {
    Lowest().close();
    return;
  }
  if (close) {
    Linger();
    return;
  }
  DoRead();
}

template <class Stream>
void Session<Stream>::Linger() {
  state_ = State::kLingering;
  Lowest().expires_after(kLingerTime);
  if constexpr (kTls) {
    // close_notify, then the peer's; the timeout bounds a peer that never answers.
    stream_.async_shutdown(
        [self = this->shared_from_this()](beast::error_code) { self->Lowest().close(); });
  } else {
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Drain();
  }
}

template <class Stream>
void Session<Stream>::Drain() {
  stream_.async_read_some(asio::buffer(drain_buffer_),
                          [self = this->shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) {
                              self->Lowest().close();
                              return;
                            }
                            self->Drain();
                          });
}

Result<std::unique_ptr<Server>> StartServer(const ServerOptions& options, Store& store,
                                            const Clock& clock, const ServerDeps& deps) {
  if (options.threads < 1) return InvalidArgument("threads must be at least 1");
  if (options.handler_threads < 1) return InvalidArgument("handler_threads must be at least 1");
  if (options.max_body_bytes == 0 || options.max_header_bytes == 0 ||
      options.max_header_bytes > UINT32_MAX) {
    return InvalidArgument("max_body_bytes and max_header_bytes must be positive");
  }
  NARWHAL_RETURN_IF_ERROR(InitSecrets());
  try {
    auto impl = std::make_unique<ServerImpl>(options, store, clock, deps);
    NARWHAL_RETURN_IF_ERROR(impl->LoadTls());
    NARWHAL_RETURN_IF_ERROR(impl->Listen());
    impl->Run();
    LogInfo(std::string("http: listening on ") +
            (options.tls_cert_file.empty() ? "http://" : "https://") + options.host + ":" +
            std::to_string(impl->port()));
    return std::unique_ptr<Server>(std::move(impl));
  } catch (const std::exception& e) {
    return Internal(std::string("cannot start the HTTP server: ") + e.what());
  }
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Store& store,
                                              const Clock& clock, const ServerDeps& deps) {
  return StartServer(options, store, clock, deps);
}

}  // namespace narwhal
