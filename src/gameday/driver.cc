#include "gameday/driver.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace narwhal::gameday {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

Schedule MakeSchedule(const Timeline& timeline, const Workload& workload,
                      const std::vector<WatcherPlan>& watchers, uint64_t seed) {
  Schedule s;
  if (watchers.empty()) return s;
  // Separate streams, so a change to the read rate leaves the strikes as they were.
  Random arrivals(seed * 0x100000001b3ULL + 1);
  Random reads(seed * 0x100000001b3ULL + 2);
  std::vector<size_t> next(watchers.size(), 0);
  std::vector<int64_t> made(watchers.size(), 0);
  // Per precinct, the voters reported so far and by whom, for second reports.
  std::map<std::string, std::vector<std::pair<std::string, int>>> reported;
  std::set<std::pair<std::string, int>> reported_by;  // a watcher reports a voter once
  const auto n = static_cast<int64_t>(watchers.size());
  for (const PhaseWindow& phase : timeline.phases) {
    if (phase.strikes_per_second > 0) {
      double t = static_cast<double>(phase.start.count()) / 1000.0;
      const double end = static_cast<double>(phase.end.count()) / 1000.0;
      for (t += arrivals.Exponential(phase.strikes_per_second); t < end;
           t += arrivals.Exponential(phase.strikes_per_second)) {
        int w = static_cast<int>(arrivals.Below(n));
        const WatcherPlan& plan = watchers[static_cast<size_t>(w)];
        std::string voter;
        if (arrivals.Uniform() < workload.second_reports) {
          const auto& seen = reported[plan.precinct];
          for (int tries = 0; tries < 4 && voter.empty() && !seen.empty(); ++tries) {
            const auto& [v, by] =
                seen[static_cast<size_t>(arrivals.Below(static_cast<int64_t>(seen.size())))];
            if (by != w && !reported_by.contains({v, w})) voter = v;
          }
        }
        if (voter.empty()) {
          size_t& i = next[static_cast<size_t>(w)];
          if (i >= plan.voters.size()) {
            ++s.exhausted;
            continue;
          }
          voter = plan.voters[i++];
          reported[plan.precinct].emplace_back(voter, w);
        }
        reported_by.emplace(voter, w);
        int64_t k = made[static_cast<size_t>(w)]++;
        s.arrivals.push_back({fmt::format("gd{}-w{}-{}", seed % 100000, w, k), voter, plan.precinct,
                              w, Millis(static_cast<int64_t>(t * 1000.0))});
      }
    }
    if (phase.reads_per_second > 0 && workload.readers > 0) {
      double t = static_cast<double>(phase.start.count()) / 1000.0;
      const double end = static_cast<double>(phase.end.count()) / 1000.0;
      for (t += reads.Exponential(phase.reads_per_second); t < end;
           t += reads.Exponential(phase.reads_per_second)) {
        s.reads.push_back({Millis(static_cast<int64_t>(t * 1000.0)),
                           static_cast<int>(reads.Below(workload.readers))});
      }
    }
  }
  return s;
}

namespace {

struct Answer {
  Outcome outcome = Outcome::kFailed;
  int status = 0;
  std::string body;
  std::string error;
  Millis retry_after{0};
};

// One keep-alive connection to whichever node it reached; reconnects (to the next node)
// after any error.
struct Connection {
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  size_t turn = 0;
};

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

}  // namespace

struct Driver::Impl {
  struct Phone {
    explicit Phone(asio::io_context& io) : wake(io), pause(io) {}
    int index = 0;
    std::string token;
    std::deque<const Arrival*> outbox;
    asio::steady_timer wake;   // cancelled when an arrival lands in the outbox
    asio::steady_timer pause;  // between retries
    Connection conn;
  };

  DriverConfig config;
  Schedule schedule;
  HistoryWriter* history;
  SteadyTime origin;
  asio::io_context io;
  std::vector<std::unique_ptr<Phone>> phones;
  std::atomic<bool> stopping{false};
  bool arrivals_done = false;  // io thread only
  int64_t next_request = 1;    // io thread only
  int64_t next_read = 1;       // io thread only

  mutable std::mutex mu;  // guards what follows
  LiveStats stats;
  std::vector<double> window;  // latencies (ms) acknowledged since the last Snapshot
  mutable double last_p99 = 0;
  std::vector<double> lags;  // ms late, per arrival timer

  Millis Now() const {
    return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - origin);
  }
  Millis HardEnd() const { return config.end + config.drain; }

  // Sleeps until `at` (from the origin), waking every 100 ms to notice a Stop().
  asio::awaitable<bool> SleepUntil(Millis at) {
    asio::steady_timer timer(io);
    while (!stopping.load()) {
      Millis now = Now();
      if (now >= at) co_return true;
      timer.expires_after(std::min(at - now, Millis(100)));
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return false;
  }

  asio::awaitable<Answer> Exchange(Connection& c, http::request<http::string_body>& req,
                                   Millis timeout) {
    boost::system::error_code ec;
    if (!c.stream) {
      const Endpoint& node = config.nodes[c.turn++ % config.nodes.size()];
      c.stream.emplace(io);
      c.buffer.clear();
      c.stream->expires_after(timeout);
      co_await c.stream->async_connect(tcp::endpoint(asio::ip::make_address(node.host), node.port),
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        c.stream.reset();
        co_return Answer{Outcome::kFailed, 0, {}, "connect: " + ec.message(), Millis(0)};
      }
    }
    c.stream->expires_after(timeout);
    co_await http::async_write(*c.stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      c.stream.reset();
      co_return Answer{Outcome::kUnknown, 0, {}, "send: " + ec.message(), Millis(0)};
    }
    http::response<http::string_body> res;
    co_await http::async_read(*c.stream, c.buffer, res,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      c.stream.reset();
      co_return Answer{Outcome::kUnknown,
                       0,
                       {},
                       (ec == beast::error::timeout ? std::string("no answer in time")
                                                    : "answer: " + ec.message()),
                       Millis(0)};
    }
    if (!res.keep_alive()) c.stream.reset();
    Answer a;
    a.status = static_cast<int>(res.result_int());
    a.body = std::move(res.body());
    if (a.status == 200) {
      a.outcome = Outcome::kOk;
    } else if (a.status >= 500) {
      a.outcome = Outcome::kUnknown;  // the server may have applied it before failing
      a.error = fmt::format("HTTP {}", a.status);
    } else {
      a.outcome = Outcome::kFailed;  // 429 and other refusals: certainly not applied
      a.error = fmt::format("HTTP {}", a.status);
    }
    if (auto it = res.find(http::field::retry_after); it != res.end()) {
      int seconds = std::atoi(std::string(it->value()).c_str());
      a.retry_after = Millis(std::clamp(seconds, 0, 5) * 1000);
    }
    co_return a;
  }

  asio::awaitable<void> Arrivals() {
    for (const Arrival& a : schedule.arrivals) {
      if (a.at >= config.end) break;
      if (!co_await SleepUntil(a.at)) break;
      Millis late = Now() - a.at;
      history->Write(a);
      Phone& p = *phones[static_cast<size_t>(a.watcher)];
      p.outbox.push_back(&a);
      p.wake.cancel();
      std::lock_guard lock(mu);
      lags.push_back(static_cast<double>(late.count()));
      ++stats.arrivals;
      ++stats.outbox;
    }
    arrivals_done = true;
    for (auto& p : phones) p->wake.cancel();
  }

  asio::awaitable<void> RunPhone(Phone& p) {
    const Workload& w = config.workload;
    for (;;) {
      if (Now() >= HardEnd()) break;
      if (p.outbox.empty()) {
        if (arrivals_done) break;
        p.wake.expires_after(Millis(100));
        boost::system::error_code ec;
        co_await p.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      size_t n = std::min(p.outbox.size(), static_cast<size_t>(w.batch));
      StrikeRequest rec;
      rec.id = next_request++;
      rec.watcher = p.index;
      json::array items;
      for (size_t i = 0; i < n; ++i) {
        const Arrival& a = *p.outbox[i];
        rec.keys.push_back(a.key);
        items.push_back(json::object{{"voter_id", a.voter}, {"idempotency_key", a.key}});
      }
      http::request<http::string_body> req{http::verb::post, "/api/v1/strikes", 11};
      req.set(http::field::host, "narwhal");
      req.set(http::field::authorization, "Bearer " + p.token);
      req.set(http::field::content_type, "application/json");
      req.keep_alive(true);
      req.body() = json::serialize(json::object{{"strikes", std::move(items)}});
      req.prepare_payload();
      rec.sent = Now();
      Answer a = co_await Exchange(p.conn, req, w.request_timeout);
      rec.done = Now();
      rec.outcome = a.outcome;
      rec.http_status = a.status;
      rec.error = a.error;
      std::vector<double> latencies;
      if (a.outcome == Outcome::kOk) {
        boost::system::error_code ec;
        json::value v = json::parse(a.body, ec);
        const json::value* results =
            (!ec && v.is_object()) ? v.as_object().if_contains("results") : nullptr;
        if (results == nullptr || !results->is_array() || results->as_array().size() != n) {
          rec.outcome = Outcome::kUnknown;
          rec.error = "an answer without one result per item";
        } else {
          for (size_t i = 0; i < n; ++i) {
            const json::object& item = results->as_array()[i].as_object();
            std::string result;
            if (const json::value* o = item.if_contains("outcome"); o && o->is_string()) {
              result = o->as_string();
              latencies.push_back(static_cast<double>((rec.done - p.outbox[i]->at).count()));
            } else if (const json::value* e = item.if_contains("error"); e && e->is_object()) {
              const json::value* code = e->as_object().if_contains("code");
              result = code != nullptr && code->is_string() ? std::string(code->as_string())
                                                            : std::string("error");
            } else {
              result = "error";
            }
            rec.items.push_back({rec.keys[i], std::move(result)});
          }
          p.outbox.erase(p.outbox.begin(), p.outbox.begin() + static_cast<std::ptrdiff_t>(n));
        }
      }
      history->Write(rec);
      {
        std::lock_guard lock(mu);
        switch (rec.outcome) {
          case Outcome::kOk:
            ++stats.ok_requests;
            stats.acked += static_cast<int64_t>(latencies.size());
            stats.outbox -= static_cast<int64_t>(n);
            window.insert(window.end(), latencies.begin(), latencies.end());
            break;
          case Outcome::kFailed: ++stats.failed_requests; break;
          case Outcome::kUnknown: ++stats.unknown_requests; break;
        }
      }
      if (rec.outcome != Outcome::kOk) {
        p.pause.expires_after(a.retry_after > Millis(0) ? std::min(a.retry_after, Millis(1000))
                                                        : w.retry_delay);
        boost::system::error_code ec;
        co_await p.pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    if (p.conn.stream) {
      boost::system::error_code ec;
      p.conn.stream->socket().shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  asio::awaitable<void> Read(ReadSlot slot) {
    TurnoutRead rec;
    rec.id = next_read++;
    rec.reader = slot.reader;
    http::request<http::string_body> req{http::verb::get, "/api/v1/turnout", 11};
    req.set(http::field::host, "narwhal");
    req.set(http::field::authorization,
            "Bearer " + config.reader_tokens[static_cast<size_t>(slot.reader)]);
    req.keep_alive(false);
    Connection c;
    c.turn = static_cast<size_t>(rec.id);
    rec.sent = Now();
    Answer a = co_await Exchange(c, req, config.workload.request_timeout);
    rec.done = Now();
    rec.outcome = a.outcome;
    rec.http_status = a.status;
    rec.error = a.error;
    if (a.outcome == Outcome::kOk) {
      boost::system::error_code ec;
      json::value v = json::parse(a.body, ec);
      const json::value* ps =
          (!ec && v.is_object()) ? v.as_object().if_contains("precincts") : nullptr;
      if (ps == nullptr || !ps->is_array()) {
        rec.outcome = Outcome::kUnknown;
        rec.error = "an answer without precincts";
      } else {
        if (const json::value* stale = v.as_object().if_contains("stale");
            stale && stale->is_object()) {
          const json::value* age = stale->as_object().if_contains("age_ms");
          rec.stale_ms = age != nullptr && age->is_int64() ? age->as_int64() : 0;
        }
        for (const json::value& p : ps->as_array()) {
          const json::object& o = p.as_object();
          rec.voted[fmt::format("{}/{}", o.at("county").as_string().c_str(),
                                o.at("precinct").as_string().c_str())] =
              o.at("voted").to_number<int64_t>();
        }
      }
    }
    if (c.stream) {
      boost::system::error_code ec;
      c.stream->socket().shutdown(tcp::socket::shutdown_both, ec);
    }
    history->Write(rec);
    std::lock_guard lock(mu);
    if (rec.outcome == Outcome::kOk) {
      ++stats.reads_ok;
    } else {
      ++stats.reads_failed;
    }
  }

  asio::awaitable<void> Reads() {
    for (const ReadSlot& slot : schedule.reads) {
      if (slot.at >= config.end) break;
      if (!co_await SleepUntil(slot.at)) break;
      asio::co_spawn(io, Read(slot), asio::detached);
    }
  }
};

Driver::Driver(DriverConfig config, Schedule schedule, HistoryWriter* history,
               std::chrono::steady_clock::time_point origin)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->schedule = std::move(schedule);
  impl_->history = history;
  impl_->origin = origin;
  for (size_t i = 0; i < impl_->config.watcher_tokens.size(); ++i) {
    auto p = std::make_unique<Impl::Phone>(impl_->io);
    p->index = static_cast<int>(i);
    p->token = impl_->config.watcher_tokens[i];
    p->conn.turn = i;
    impl_->phones.push_back(std::move(p));
  }
}

Driver::~Driver() = default;

void Driver::Run() {
  Impl& d = *impl_;
  asio::co_spawn(d.io, d.Arrivals(), asio::detached);
  asio::co_spawn(d.io, d.Reads(), asio::detached);
  for (auto& p : d.phones) asio::co_spawn(d.io, d.RunPhone(*p), asio::detached);
  d.io.run();
}

void Driver::Stop() {
  impl_->stopping.store(true);
  // A Stop ends the schedule; the drain still bounds the phones.
  asio::post(impl_->io, [d = impl_.get()] { d->config.end = std::min(d->config.end, d->Now()); });
}

LiveStats Driver::Snapshot() const {
  std::lock_guard lock(impl_->mu);
  LiveStats s = impl_->stats;
  s.now = impl_->Now();
  if (!impl_->window.empty()) {
    impl_->last_p99 = Percentile(impl_->window, 0.99);
    impl_->window.clear();
  }
  s.p99_ms = impl_->last_p99;
  return s;
}

DriverLag Driver::Lag() const {
  std::lock_guard lock(impl_->mu);
  DriverLag lag;
  std::vector<double> v = impl_->lags;
  lag.samples = static_cast<int64_t>(v.size());
  lag.p99_ms = Percentile(v, 0.99);
  lag.max_ms = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  return lag;
}

Result<HttpAnswer> HttpCall(const Endpoint& node, const std::string& method,
                            const std::string& path, const std::string& body, Millis timeout) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  boost::system::error_code ec;
  stream.connect(tcp::endpoint(asio::ip::make_address(node.host, ec), node.port), ec);
  if (ec) return Unavailable(fmt::format("{}:{}: {}", node.host, node.port, ec.message()));
  http::request<http::string_body> req{http::string_to_verb(method), path, 11};
  req.set(http::field::host, "narwhal");
  req.keep_alive(false);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buffer, res, ec);
  if (ec) return Unavailable(fmt::format("{}:{}: {}", node.host, node.port, ec.message()));
  return HttpAnswer{static_cast<int>(res.result_int()), std::move(res.body())};
}

Result<int> HttpGetStatus(const Endpoint& node, const std::string& path, Millis timeout) {
  NARWHAL_ASSIGN_OR_RETURN(HttpAnswer a, HttpCall(node, "GET", path, "", timeout));
  return a.status;
}

Result<std::string> Login(const Endpoint& node, const std::string& code, Millis timeout) {
  Result<HttpAnswer> a = HttpCall(node, "POST", "/api/v1/sessions",
                                  json::serialize(json::object{{"code", code}}), timeout);
  if (!a.ok()) return Unavailable("login: " + a.status().message());
  if (a->status != 201)
    return Unavailable(fmt::format("login refused: HTTP {} {}", a->status, a->body));
  boost::system::error_code ec;
  json::value v = json::parse(a->body, ec);
  const json::value* token = (!ec && v.is_object()) ? v.as_object().if_contains("token") : nullptr;
  if (token == nullptr || !token->is_string()) return Internal("login: an answer without a token");
  return std::string(token->as_string());
}

}  // namespace narwhal::gameday
