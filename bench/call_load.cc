// call_load: many phone bankers at once over HTTP, for bench/calls_bench.sh.
//
// Each simulated caller is its own session (a line "TOKEN ADDRESS" of SESSIONS, sent as
// its bearer token and X-Forwarded-For) on its own keep-alive connection, and loops for
// SECONDS: claim the next person of call list LIST, then record a result for her (three
// calls in four "no answer", which puts her back in the queue hours later; one "talked to
// them", which finishes her), then claim again. All callers run as coroutines on one
// thread. With RATE (claims per second for all callers together) each caller waits
// CALLERS/RATE seconds between calls, started at a random point of that interval, as
// volunteers who spend a while on each call do; RATE 0 calls back to back. It prints claims per
// second, claim latency (p50, p99, max), results, answers other than 200, and the check that
// matters: how many people were handed to two callers (in this run a person is claimed once: a
// result releases her for hours or for good, and leases outlast the run).
//
//   call_load URL SESSIONS LIST CALLERS SECONDS [RATE]
#include <fmt/core.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct Session {
  std::string token;
  std::string address;
};

struct Stats {
  std::vector<double> claim_ms;
  int64_t claims = 0;
  int64_t empty = 0;                            // {claim: null}
  int64_t results = 0;                          // results answered 200
  int64_t refused = 0;                          // results answered 409
  std::map<int, int64_t> errors;                // other statuses (0: transport)
  std::map<int64_t, std::vector<int>> holders;  // position -> callers it was handed to
};

asio::awaitable<void> Caller(asio::ip::tcp::endpoint server, std::string host, Session s,
                             int64_t list, int me, Clock::time_point end,
                             std::chrono::microseconds think, int64_t run, Stats& stats) {
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream stream(executor);
  beast::flat_buffer buffer;
  bool connected = false;
  int64_t n = 0;
  asio::steady_timer pause(executor);
  auto post = [&](std::string target,
                  std::string body) -> asio::awaitable<http::response<http::string_body>> {
    if (!connected) {
      co_await stream.async_connect(server, asio::use_awaitable);
      connected = true;
    }
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::authorization, "Bearer " + s.token);
    req.set("X-Forwarded-For", s.address);
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    stream.expires_after(std::chrono::seconds(30));
    co_await http::async_write(stream, req, asio::use_awaitable);
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    if (!res.keep_alive()) {
      stream.close();
      connected = false;
    }
    co_return res;
  };
  const std::string claim_path = fmt::format("/api/v1/call-lists/{}/claim", list);
  std::mt19937_64 rng(static_cast<uint64_t>(me) * 7919 + 1);
  Clock::time_point next_call = Clock::now();
  if (think.count() > 0) {
    next_call += std::chrono::microseconds(rng() % static_cast<uint64_t>(think.count()));
  }
  while (Clock::now() < end) {
    try {
      if (think.count() > 0) {
        // The next call at a fixed pace, however long the last one took.
        pause.expires_at(next_call);
        co_await pause.async_wait(asio::use_awaitable);
        next_call += think;
        if (Clock::now() >= end) break;
      }
      const auto t0 = Clock::now();
      http::response<http::string_body> res = co_await post(claim_path, R"({"lease_seconds":600})");
      const auto t1 = Clock::now();
      if (res.result_int() != 200) {
        ++stats.errors[static_cast<int>(res.result_int())];
        pause.expires_after(std::chrono::milliseconds(200));
        co_await pause.async_wait(asio::use_awaitable);
        continue;
      }
      const json::value v = json::parse(res.body());
      const json::value& claim = v.at("claim");
      if (claim.is_null()) {
        ++stats.empty;
        pause.expires_after(std::chrono::seconds(1));
        co_await pause.async_wait(asio::use_awaitable);
        continue;
      }
      ++stats.claims;
      stats.claim_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      const int64_t position = claim.at("position").as_int64();
      std::vector<int>& held = stats.holders[position];
      if (std::find(held.begin(), held.end(), me) == held.end()) held.push_back(me);
      const std::string voter(claim.at("voter").at("voter_id").as_string());
      ++n;
      const std::string body = json::serialize(
          json::object{{"voter_id", voter},
                       {"idempotency_key", fmt::format("load-{}-{}-{}", run, me, n)},
                       {"result", n % 4 == 0 ? "C" : "NA"}});
      http::response<http::string_body> done =
          co_await post(fmt::format("/api/v1/call-lists/{}/calls/{}/result", list, position), body);
      if (done.result_int() == 200) {
        ++stats.results;
      } else if (done.result_int() == 409) {
        ++stats.refused;
      } else {
        ++stats.errors[static_cast<int>(done.result_int())];
      }
    } catch (const std::exception&) {
      ++stats.errors[0];
      beast::error_code ignored;
      stream.socket().close(ignored);
      connected = false;
    }
  }
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i =
      std::min(v.size() - 1, static_cast<size_t>(p / 100 * static_cast<double>(v.size())));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6 && argc != 7) {
    fmt::print(stderr, "usage: call_load URL SESSIONS LIST CALLERS SECONDS [RATE]\n");
    return 2;
  }
  const std::string url = argv[1];  // http://127.0.0.1:PORT
  const size_t colon = url.rfind(':');
  const std::string host = url.substr(7, colon - 7);
  const auto port = static_cast<unsigned short>(std::stoi(url.substr(colon + 1)));
  std::vector<Session> sessions;
  std::ifstream in(argv[2]);
  for (std::string token, address; in >> token >> address;) sessions.push_back({token, address});
  const int64_t list = std::stoll(argv[3]);
  const int callers = std::stoi(argv[4]);
  const int seconds = std::stoi(argv[5]);
  const double rate = argc == 7 ? std::stod(argv[6]) : 0;
  const auto think =
      std::chrono::microseconds(rate > 0 ? static_cast<int64_t>(1e6 * callers / rate) : 0);
  if (static_cast<int>(sessions.size()) < callers) {
    fmt::print(stderr, "call_load: {} callers need {} sessions, SESSIONS has {}\n", callers,
               callers, sessions.size());
    return 2;
  }
  // Keys of this run's results: a second run over the same store makes new calls.
  const int64_t run = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  asio::io_context io(1);
  const asio::ip::tcp::endpoint server(asio::ip::make_address(host), port);
  Stats stats;
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  for (int i = 0; i < callers; ++i) {
    asio::co_spawn(
        io, Caller(server, host, sessions[static_cast<size_t>(i)], list, i, end, think, run, stats),
        asio::detached);
  }
  io.run();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  // Claims are made only before the end; a paced caller may sleep past it.
  const double window = std::min(elapsed, static_cast<double>(seconds));
  int64_t doubled = 0;
  for (const auto& [position, held] : stats.holders) doubled += held.size() > 1 ? 1 : 0;
  int64_t errors = 0;
  std::string error_list;
  for (const auto& [status, count] : stats.errors) {
    errors += count;
    error_list += fmt::format(" {}x{}", count,
                              status == 0 ? std::string("transport") : std::to_string(status));
  }
  const double p50 = Percentile(stats.claim_ms, 50);
  const double p99 = Percentile(stats.claim_ms, 99);
  const double max = stats.claim_ms.empty() ? 0 : stats.claim_ms.back();
  fmt::print(
      "callers {} (offered {}) seconds {:.1f}: claims {} ({:.0f}/s), claim p50 {:.1f} ms p99 "
      "{:.1f} ms max "
      "{:.1f} ms; results {} ({} refused 409); nobody to call {}; errors {}{}; people handed to "
      "two callers: {}\n",
      callers, rate > 0 ? fmt::format("{:.0f}/s", rate) : std::string("back to back"), elapsed,
      stats.claims, static_cast<double>(stats.claims) / window, p50, p99, max, stats.results,
      stats.refused, stats.empty, errors, error_list, doubled);
  fmt::print("CSV {},{:.1f},{},{:.1f},{:.2f},{:.2f},{},{},{}\n", callers, elapsed, stats.claims,
             static_cast<double>(stats.claims) / window, p50, p99, stats.results, errors, doubled);
  return doubled == 0 ? 0 : 1;
}
