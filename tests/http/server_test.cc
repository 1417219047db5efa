// API tests: the real Server on port 0 over a real SQLite store, spoken to over TCP by a
// small Beast client. Request/response cases are a table; add a row for a new case.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <future>
#include <thread>

#include "auth/auth_service.h"
#include "http/auth.h"
#include "import/importer.h"
#include "test_support.h"

namespace narwhal {
namespace {

using testing::Str;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

struct ClientResponse {
  int status = -1;  // -1: no response (connection closed or failed)
  std::string error;
  http::response<http::string_body> message;

  std::string Header(std::string_view name) const {
    auto it = message.find(name);
    return it == message.end() ? std::string() : std::string(it->value());
  }
  const std::string& body() const { return message.body(); }
};

// One connection to the server under test; requests on it are sent one at a time.
class Client {
 public:
  explicit Client(uint16_t port) : stream_(ioc_) {
    beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(10));
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    connected_ = !ec;
  }
  ~Client() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  ClientResponse Send(http::request<http::string_body> request) {
    if (!connected_) return {-1, "connect failed", {}};
    request.prepare_payload();
    beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(10));
    http::write(stream_, request, ec);
    if (ec) return {-1, "write: " + ec.message(), {}};
    return Read();
  }

  ClientResponse Send(std::string method, std::string target, std::string body = "",
                      NamedValues headers = {}) {
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    if (request.method() == http::verb::unknown) request.method_string(method);
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [n, v] : headers) request.set(n, v);
    request.body() = std::move(body);
    return Send(std::move(request));
  }

  // Writes bytes as they are, then reads one response.
  ClientResponse SendRaw(std::string_view bytes) {
    if (!connected_) return {-1, "connect failed", {}};
    beast::error_code ec;
    asio::write(stream_.socket(), asio::buffer(bytes), ec);
    if (ec) return {-1, "write: " + ec.message(), {}};
    return Read();
  }

  void WriteRaw(std::string_view bytes) {
    beast::error_code ignored;
    asio::write(stream_.socket(), asio::buffer(bytes), ignored);
  }

  // True when the server closed the connection (read returns EOF or reset).
  bool ClosedByServer() {
    char c;
    beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(10));
    stream_.read_some(asio::buffer(&c, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  ClientResponse Read() {
    ClientResponse r;
    beast::error_code ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream_, buffer_, parser, ec);
    if (ec) {
      r.error = "read: " + ec.message();
      return r;
    }
    r.message = parser.release();
    r.status = static_cast<int>(r.message.result_int());
    return r;
  }

  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

// True when every member of `expected` is in `actual` (recursively; arrays element-wise
// and of equal length). Appends the first difference to `why`.
bool JsonContains(const json::value& actual, const json::value& expected, std::string& why,
                  const std::string& at = "$") {
  if (expected.is_object()) {
    if (!actual.is_object()) return why = at + " is not an object", false;
    for (const auto& [key, value] : expected.as_object()) {
      const json::value* member = actual.as_object().if_contains(key);
      if (member == nullptr) return why = at + "." + std::string(key) + " is missing", false;
      if (!JsonContains(*member, value, why, at + "." + std::string(key))) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.as_array().size() != expected.as_array().size()) {
      return why = at + " is not an array of " + std::to_string(expected.as_array().size()), false;
    }
    for (size_t i = 0; i < expected.as_array().size(); ++i) {
      if (!JsonContains(actual.as_array()[i], expected.as_array()[i], why,
                        at + "[" + std::to_string(i) + "]")) {
        return false;
      }
    }
    return true;
  }
  if (actual != expected) {
    return why = at + " is " + json::serialize(actual) + ", want " + json::serialize(expected),
           false;
  }
  return true;
}

struct ApiCase {
  std::string method;
  std::string target;
  int status;
  std::string json_subset;                          // "" = do not check the body as JSON
  std::string content_type = "";                    // prefix of Content-Type, "" = by status
  std::string detail_contains = "";                 // for problems: a word the detail must contain
  std::pair<std::string, std::string> header = {};  // a header the response must carry
};

const ApiCase kCases[] = {
    {"GET", "/healthz", 200, R"({"status":"ok"})"},
    {"GET", "/readyz", 200, R"({"status":"ready"})"},
    {"GET", "/api/v1/voters?q=smith", 200,
     R"({"voters":[{"voter_id":"NC101","first_name":"JANE"},{"voter_id":"NC100"}],
         "next_cursor":null})"},
    {"GET", "/api/v1/voters?q=Smith+John", 200, R"({"voters":[{"voter_id":"NC100"}]})"},
    {"GET", "/api/v1/voters?q=%C3%A9mile", 200, R"({"voters":[]})"},
    {"GET", "/api/v1/voters?q=o%27neil", 200, R"({"voters":[{"voter_id":"NC103"}]})"},
    {"GET", "/api/v1/voters?county=92&precinct=01-07&limit=1", 200,
     R"({"voters":[{"voter_id":"NC101","precinct":"01-07"}]})"},
    {"GET", "/api/v1/voters?registration_number=2001", 200, R"({"voters":[{"voter_id":"NC104"}]})"},
    {"GET", "/api/v1/voters/NC100", 200,
     R"({"voter_id":"NC100","districts":{"congressional":"02"},
         "history":[{"election_date":"2024-11-05"},{"election_date":"2022-11-08"}]})"},
    {"GET", "/api/v1/voters/NOPE", 404,
     R"({"type":"https://narwhal.dev/problems/not_found","status":404,"code":"not_found",
         "instance":"/api/v1/voters/NOPE"})"},
    {"GET", "/api/v1/voters?q=x&limit=0", 400, R"({"code":"invalid_argument","status":400})", "",
     "limit"},
    {"GET", "/api/v1/voters?q=x&limit=5000", 400, R"({"code":"invalid_argument"})", "", "limit"},
    {"GET", "/api/v1/voters?q=x&precinct=01", 400, R"({"code":"invalid_argument"})", "",
     "precinct"},
    {"GET", "/api/v1/voters", 400, R"({"code":"invalid_argument"})", "", "q"},
    {"GET", "/api/v1/voters?county=92&cursor=garbage", 400, R"({"code":"invalid_argument"})"},
    {"GET", "/api/v1/voters?q=x&color=red", 400, R"({"code":"invalid_argument"})", "", "color"},
    {"GET", "/api/v1/precincts?county=32", 200,
     R"({"precincts":[{"county":"32","precinct":"01","voters":2}]})"},
    {"GET", "/api/v1/nothing", 404, R"({"code":"not_found"})"},
    {"POST",
     "/api/v1/voters",
     405,
     R"({"code":"method_not_allowed","status":405})",
     "",
     "",
     {"Allow", "GET"}},
    {"DELETE", "/healthz", 405, R"({"code":"method_not_allowed"})"},
    {"GET", "/api/v1/openapi.json", 200, R"({"openapi":"3.1.0"})"},
    {"GET", "/", 200, "", "text/html", "", {"X-Content-Type-Options", "nosniff"}},
    {"GET", "/strike/precinct/01", 200, "", "text/html", "", {"Cache-Control", "no-cache"}},
    {"GET", "/metrics", 200, "", "text/plain; version=0.0.4"},
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loaded_ = testing::OpenLoadedStore();
    ASSERT_NE(loaded_, nullptr);
    store_ = std::make_unique<testing::ControllableStore>(*loaded_->store);
    options_.port = 0;
    options_.max_body_bytes = 1024;
    options_.max_header_bytes = 2048;
    options_.request_timeout = std::chrono::seconds(1);
    options_.shutdown_grace = std::chrono::seconds(10);
    Result<std::unique_ptr<Server>> server =
        Server::Start(options_, *store_, clock_, {.authenticator = &open_});
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (store_) store_->Release();
    if (server_) server_->Shutdown();
  }

  ClientResponse Get(std::string target) { return Client(server_->port()).Send("GET", target); }

  std::unique_ptr<testing::LoadedStore> loaded_;
  std::unique_ptr<testing::ControllableStore> store_;
  SystemClock clock_;
  OpenAccessAuthenticator open_;  // these cases are about HTTP, not about who calls
  ServerOptions options_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, RequestResponseTable) {
  for (const ApiCase& c : kCases) {
    SCOPED_TRACE(c.method + " " + c.target);
    ClientResponse r = Client(server_->port()).Send(c.method, c.target);
    ASSERT_EQ(r.status, c.status) << r.error << r.body();
    std::string content_type = c.content_type;
    if (content_type.empty() && !c.json_subset.empty()) {
      content_type = c.status >= 400 ? "application/problem+json" : "application/json";
    }
    EXPECT_TRUE(r.Header("Content-Type").starts_with(content_type)) << r.Header("Content-Type");
    EXPECT_FALSE(r.Header("X-Request-Id").empty());
    if (!c.json_subset.empty()) {
      boost::system::error_code ec;
      json::value body = json::parse(r.body(), ec);
      ASSERT_FALSE(ec) << r.body();
      std::string why;
      EXPECT_TRUE(JsonContains(body, json::parse(c.json_subset), why)) << why << "\n" << r.body();
      if (c.status >= 400) {
        EXPECT_EQ(Str(body.at("request_id")), r.Header("X-Request-Id"));
        EXPECT_NE(std::string(body.at("detail").as_string()).find(c.detail_contains),
                  std::string::npos)
            << body.at("detail");
      }
    }
    if (!c.header.first.empty()) {
      EXPECT_EQ(r.Header(c.header.first), c.header.second);
    }
  }
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Client client(server_->port());
  for (int i = 0; i < 3; ++i) {
    ClientResponse r = client.Send("GET", "/healthz");
    ASSERT_EQ(r.status, 200) << r.error;
    EXPECT_TRUE(r.message.keep_alive());
  }
}

// The head the server writes itself follows the request's version: HTTP/1.0 keeps the
// connection only when asked ("Connection: keep-alive"), HTTP/1.1 unless asked to close;
// Content-Length always matches the body.
TEST_F(ServerTest, ResponseHeadFollowsTheHttpVersion) {
  Client old(server_->port());
  for (int i = 0; i < 2; ++i) {
    ClientResponse r =
        old.SendRaw("GET /healthz HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
    ASSERT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.message.version(), 10u);
    EXPECT_EQ(r.Header("Connection"), "keep-alive");
    EXPECT_EQ(r.Header("Content-Length"), std::to_string(r.body().size()));
    EXPECT_EQ(r.Header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  }
  Client once(server_->port());
  ClientResponse r = once.SendRaw("GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.Header("Connection"), "");
  EXPECT_TRUE(once.ClosedByServer());

  Client closing(server_->port());
  r = closing.SendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.message.version(), 11u);
  EXPECT_EQ(r.Header("Connection"), "close");
  EXPECT_TRUE(closing.ClosedByServer());
}

TEST_F(ServerTest, RequestIdIsEchoed) {
  ClientResponse r =
      Client(server_->port()).Send("GET", "/api/v1/voters/NOPE", "", {{"X-Request-Id", "trace-7"}});
  EXPECT_EQ(r.Header("X-Request-Id"), "trace-7");
  EXPECT_EQ(Str(json::parse(r.body()).at("request_id")), "trace-7");
}

TEST_F(ServerTest, OversizedBodyIs413) {
  ClientResponse r = Client(server_->port()).Send("POST", "/api/v1/voters", std::string(4096, 'x'));
  ASSERT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(Str(json::parse(r.body()).at("code")), "payload_too_large");
  EXPECT_FALSE(r.message.keep_alive());
}

TEST_F(ServerTest, OversizedHeaderIs431) {
  ClientResponse r =
      Client(server_->port()).Send("GET", "/healthz", "", {{"X-Padding", std::string(4096, 'p')}});
  ASSERT_EQ(r.status, 431) << r.error;
  EXPECT_EQ(Str(json::parse(r.body()).at("code")), "header_too_large");
}

TEST_F(ServerTest, MalformedRequestIs400) {
  ClientResponse r = Client(server_->port()).SendRaw("GET /healthz HTTP/1.1\r\nHost x\r\n\r\n");
  ASSERT_EQ(r.status, 400) << r.error;
  EXPECT_EQ(Str(json::parse(r.body()).at("code")), "bad_request");
}

TEST_F(ServerTest, IncompleteRequestIsDroppedAfterTheTimeout) {
  Client client(server_->port());
  client.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finished
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ServerTest, MetricsCountRequestsAndStoreSize) {
  ASSERT_EQ(Get("/healthz").status, 200);
  ASSERT_EQ(Get("/healthz").status, 200);
  ASSERT_EQ(Get("/api/v1/voters/NOPE").status, 404);
  ClientResponse r = Get("/metrics");
  ASSERT_EQ(r.status, 200);
  const std::string& text = r.body();
  EXPECT_NE(
      text.find(R"(narwhal_http_requests_total{route="healthz",method="GET",status="200"} 2)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(narwhal_http_requests_total{route="get_voter",method="GET",status="404"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find("# TYPE narwhal_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(text.find("narwhal_http_requests_in_flight 1\n"), std::string::npos)
      << "the scrape itself is in flight";
  EXPECT_NE(text.find("narwhal_store_voters 5\n"), std::string::npos);
}

TEST_F(ServerTest, ReadyzIs503WhenTheStoreIsDown) {
  store_->FailPing(Unavailable("database file /secret/path gone"));
  ClientResponse r = Get("/readyz");
  ASSERT_EQ(r.status, 503);
  EXPECT_EQ(r.Header("Retry-After"), "1");
  EXPECT_EQ(Str(json::parse(r.body()).at("code")), "unavailable");
  EXPECT_EQ(r.body().find("secret"), std::string::npos);
  EXPECT_EQ(Get("/healthz").status, 200) << "liveness does not depend on the store";
}

TEST_F(ServerTest, SlowStoreCallDoesNotStallOtherConnections) {
  store_->HoldSearches();
  auto slow = std::async(std::launch::async, [&] { return Get("/api/v1/voters?q=smith"); });
  store_->WaitForHeldSearch();
  EXPECT_EQ(Get("/healthz").status, 200);
  EXPECT_EQ(Get("/api/v1/voters/NC100").status, 200);
  store_->Release();
  EXPECT_EQ(slow.get().status, 200);
}

TEST_F(ServerTest, ShutdownFinishesTheRequestInFlight) {
  Client idle(server_->port());  // an idle keep-alive connection must not hold shutdown up
  ASSERT_EQ(idle.Send("GET", "/healthz").status, 200);

  store_->HoldSearches();
  auto in_flight = std::async(std::launch::async, [&] { return Get("/api/v1/voters?q=smith"); });
  store_->WaitForHeldSearch();
  auto shutdown = std::async(std::launch::async, [&] { server_->Shutdown(); });
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_EQ(shutdown.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout)
      << "Shutdown returned with a request in flight";
  store_->Release();
  ClientResponse r = in_flight.get();
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_FALSE(r.message.keep_alive());
  shutdown.get();
  EXPECT_EQ(Get("/healthz").status, -1) << "still accepting after Shutdown";
  server_->Shutdown();  // twice is fine
}

TEST_F(ServerTest, WaitForSignalReturnsAfterShutdown) {
  auto waiter = std::async(std::launch::async, [&] { server_->WaitForSignal(); });
  server_->Shutdown();
  EXPECT_EQ(waiter.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

// Percent-encodes a query value.
std::string Encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// The shared synthetic North Carolina file, imported with the real importer, browsed
// through the API the way the front end does: precincts, then a precinct's voters, then one.
TEST(ImportedDataTest, BrowseSyntheticNorthCarolina) {
  testing::TempDir dir;
  Result<std::unique_ptr<Store>> store =
      OpenSqliteStore({.path = (dir.path() / "narwhal.db").string()});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ImportOptions import;
  import.format = VoterFormat::kNcsbe;
  import.path = NARWHAL_SHARED_DATA "/voter-files/synthetic_nc.csv";
  import.rejects_path = (dir.path() / "rejects.tsv").string();
  Result<ImportSummary> summary = RunImport(**store, import, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_GT(summary->imported, 0);

  SystemClock clock;
  ServerOptions options;
  options.port = 0;
  OpenAccessAuthenticator open;
  Result<std::unique_ptr<Server>> server =
      Server::Start(options, **store, clock, {.authenticator = &open});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  Client client((*server)->port());

  ClientResponse precincts = client.Send("GET", "/api/v1/precincts");
  ASSERT_EQ(precincts.status, 200) << precincts.body();
  const json::array list = json::parse(precincts.body()).at("precincts").as_array();
  ASSERT_FALSE(list.empty());
  int64_t total = 0;
  for (const json::value& p : list) total += p.at("voters").to_number<int64_t>();
  EXPECT_EQ(total, summary->imported);

  const json::value& first = list.front();
  ClientResponse voters =
      client.Send("GET", "/api/v1/voters?county=" + Encode(Str(first.at("county"))) +
                             "&precinct=" + Encode(Str(first.at("precinct"))) + "&limit=1000");
  ASSERT_EQ(voters.status, 200) << voters.body();
  const json::array found = json::parse(voters.body()).at("voters").as_array();
  ASSERT_EQ(static_cast<int64_t>(found.size()), first.at("voters").to_number<int64_t>());

  const std::string id = Str(found.front().at("voter_id"));
  ClientResponse voter = client.Send("GET", "/api/v1/voters/" + Encode(id));
  ASSERT_EQ(voter.status, 200) << voter.body();
  EXPECT_EQ(Str(json::parse(voter.body()).at("voter_id")), id);
  EXPECT_EQ(Str(json::parse(voter.body()).at("state")), "NC");

  ClientResponse by_name = client.Send(
      "GET",
      "/api/v1/voters?q=" + Encode(Str(found.front().at("last_name")).substr(0, 3)) + "&limit=1");
  ASSERT_EQ(by_name.status, 200) << by_name.body();
  EXPECT_EQ(json::parse(by_name.body()).at("voters").as_array().size(), 1u);
  (*server)->Shutdown();
}

TEST(ServerStartTest, BadAddressAndBusyPort) {
  auto loaded = testing::OpenLoadedStore();
  ASSERT_NE(loaded, nullptr);
  SystemClock clock;
  ServerOptions options;
  options.host = "not-an-address";
  EXPECT_EQ(Server::Start(options, *loaded->store, clock).status().code(),
            ErrorCode::kInvalidArgument);
  options.host = "127.0.0.1";
  options.port = 0;
  Result<std::unique_ptr<Server>> first = Server::Start(options, *loaded->store, clock);
  ASSERT_TRUE(first.ok());
  options.port = (*first)->port();
  EXPECT_EQ(Server::Start(options, *loaded->store, clock).status().code(), ErrorCode::kUnavailable);
}

// A self-signed certificate for 127.0.0.1 in `dir`, made with the openssl command.
bool MakeCertificate(const std::filesystem::path& dir) {
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" +
      (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

TEST(ServerTlsTest, ServesHttpsWithTheGivenCertificate) {
  auto loaded = testing::OpenLoadedStore();
  ASSERT_NE(loaded, nullptr);
  ASSERT_TRUE(MakeCertificate(loaded->dir.path())) << "the openssl command is needed";
  SystemClock clock;
  ServerOptions options;
  options.port = 0;
  options.tls_cert_file = (loaded->dir.path() / "cert.pem").string();
  options.tls_key_file = (loaded->dir.path() / "missing.pem").string();
  EXPECT_EQ(Server::Start(options, *loaded->store, clock).status().code(),
            ErrorCode::kInvalidArgument);
  options.tls_key_file = (loaded->dir.path() / "key.pem").string();
  Result<std::unique_ptr<Server>> server = Server::Start(options, *loaded->store, clock);
  ASSERT_TRUE(server.ok()) << server.status().ToString();

  asio::io_context ioc;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file(options.tls_cert_file);
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::error_code ec;
  beast::get_lowest_layer(stream).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), (*server)->port()), ec);
  ASSERT_FALSE(ec) << ec.message();
  stream.handshake(asio::ssl::stream_base::client, ec);
  ASSERT_FALSE(ec) << ec.message();
  http::request<http::string_body> request{http::verb::get, "/api/v1/me", 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request, ec);
  ASSERT_FALSE(ec) << ec.message();
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(response.result_int(), 401u) << "TLS or not, the API wants a token";

  // Plain HTTP on the TLS port gets no answer.
  Client plain((*server)->port());
  EXPECT_EQ(plain.Send("GET", "/healthz").status, -1);
  (*server)->Shutdown();
}

// The production configuration: no authenticator given, so bearer tokens are required.
TEST(ServerAuthTest, ProductionServerRequiresBearerTokens) {
  auto loaded = testing::OpenLoadedStore();
  ASSERT_NE(loaded, nullptr);
  SystemClock clock;
  ServerOptions options;
  options.port = 0;
  Result<std::unique_ptr<Server>> server = Server::Start(options, *loaded->store, clock);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  Client client((*server)->port());

  ClientResponse anonymous = client.Send("GET", "/api/v1/voters/NC100");
  ASSERT_EQ(anonymous.status, 401) << anonymous.body();
  EXPECT_EQ(anonymous.Header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(client.Send("GET", "/healthz").status, 200);

  NewUser admin;
  admin.name = "Ada Admin";
  admin.role = Role::kAdmin;
  Result<User> user = loaded->store->CreateUser(admin);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  AuthOptions cheap;
  cheap.hash_cost = {1, 8192};
  AuthService issuer(*loaded->store, clock, cheap);
  Result<IssuedCode> code = issuer.IssueCode(user->id);
  ASSERT_TRUE(code.ok()) << code.status().ToString();

  ClientResponse login =
      client.Send("POST", "/api/v1/sessions", json::serialize(json::object{{"code", code->code}}),
                  {{"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 201) << login.body();
  const std::string token = Str(json::parse(login.body()).at("token"));
  ClientResponse voter =
      client.Send("GET", "/api/v1/voters/NC100", "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(voter.status, 200) << voter.body();
  EXPECT_EQ(voter.Header("Cache-Control"), "no-store");
  (*server)->Shutdown();

  // Shutdown wrote the audit log: the login and the read, with the client's address.
  AuditQuery query;
  query.action = "voter.read";
  Result<AuditPage> audit = loaded->store->ListAudit(query);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  ASSERT_EQ(audit->events.size(), 1u);
  EXPECT_EQ(audit->events[0].user_id, user->id);
  EXPECT_EQ(audit->events[0].remote_addr, "127.0.0.1");
}

}  // namespace
}  // namespace narwhal
