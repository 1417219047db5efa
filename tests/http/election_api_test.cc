// Election day over HTTP: body parsing as plain functions, then the real Server on port 0
// over a real SQLite store (strikes, replays, scope per item, backpressure, undo and its
// audit row, turnout, the change feed and GOTV lists).
#include "http/election_api.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "../print/read_back.h"
#include "http/auth.h"
#include "http/server.h"
#include "test_support.h"

namespace narwhal {
namespace {

using testing::Str;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

constexpr char kElection[] = "2026-11-03";

struct Reply {
  int status = -1;
  std::string retry_after;
  std::string content_type;
  std::string content_disposition;
  std::string body;
  json::value Json() const { return json::parse(body); }
};

// One request on a fresh connection.
Reply Call(uint16_t port, std::string method, std::string target, std::string body = "") {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return {};
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  request.prepare_payload();
  http::write(stream, request, ec);
  if (ec) return {};
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, ec);
  if (ec) return {};
  Reply r;
  r.status = static_cast<int>(response.result_int());
  if (auto it = response.find("Retry-After"); it != response.end()) r.retry_after = it->value();
  if (auto it = response.find(http::field::content_type); it != response.end()) {
    r.content_type = it->value();
  }
  if (auto it = response.find(http::field::content_disposition); it != response.end()) {
    r.content_disposition = it->value();
  }
  r.body = response.body();
  return r;
}

std::string Strike(std::string voter_id, std::string key) {
  return json::serialize(json::object{{"voter_id", voter_id}, {"idempotency_key", key}});
}

Principal Watcher() {
  Principal p;
  p.user_id = 7;
  p.name = "watcher";
  p.role = Role::kPollWatcher;
  p.scope.precincts = {{"92", "01-07"}};
  return p;
}

class ElectionApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loaded_ = testing::OpenLoadedStore();
    ASSERT_NE(loaded_, nullptr);
    store_ = std::make_unique<testing::ControllableStore>(*loaded_->store);
  }
  void TearDown() override {
    if (store_) store_->ReleaseStrikes();
    if (server_) server_->Shutdown();
  }

  void Start(Principal principal = {}, int max_inflight = 256) {
    authenticator_ = principal.user_id == 0
                         ? std::make_unique<OpenAccessAuthenticator>()
                         : std::make_unique<OpenAccessAuthenticator>(std::move(principal));
    ServerOptions options;
    options.port = 0;
    options.election = kElection;
    options.max_inflight_strikes = max_inflight;
    Result<std::unique_ptr<Server>> server =
        Server::Start(options, *store_, clock_, {.authenticator = authenticator_.get()});
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  Reply Post(std::string target, std::string body) {
    return Call(server_->port(), "POST", std::move(target), std::move(body));
  }
  Reply Get(std::string target) { return Call(server_->port(), "GET", std::move(target)); }

  // The precinct row of the turnout answer.
  json::object Precinct(const std::string& county, const std::string& precinct) {
    Reply r = Get("/api/v1/turnout");
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    const json::value body = r.Json();
    for (const json::value& p : body.at("precincts").as_array()) {
      if (Str(p.at("county")) == county && Str(p.at("precinct")) == precinct) {
        return p.as_object();
      }
    }
    ADD_FAILURE() << "no precinct " << county << "/" << precinct << " in " << r.body;
    return {};
  }

  std::unique_ptr<testing::LoadedStore> loaded_;
  std::unique_ptr<testing::ControllableStore> store_;
  SystemClock clock_;
  std::unique_ptr<OpenAccessAuthenticator> authenticator_;
  std::unique_ptr<Server> server_;
};

TEST(StrikeBodyTest, OneOrABatch) {
  auto one = ParseStrikeBody("application/json", Strike("NC100", "key-00000001"));
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].voter_id, "NC100");
  EXPECT_EQ((*one)[0].source, StrikeSource::kPollWatcher);

  auto batch =
      ParseStrikeBody("application/json; charset=utf-8",
                      R"({"strikes":[{"voter_id":"NC100","idempotency_key":"key-00000001"},)"
                      R"({"voter_id":"NC101","idempotency_key":"key-00000002"}]})");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[1].idempotency_key, "key-00000002");
}

TEST(StrikeBodyTest, MalformedBodiesNameTheField) {
  struct Case {
    std::string content_type;
    std::string body;
    std::string message_has;
  };
  std::string too_many = R"({"strikes":[)";
  for (int i = 0; i <= 500; ++i) {
    too_many += (i ? "," : "") + Strike("NC100", "key-" + std::to_string(100000000 + i));
  }
  too_many += "]}";
  const std::vector<Case> cases = {
      {"application/json", "", "body"},
      {"text/plain", Strike("NC100", "key-00000001"), "Content-Type"},
      {"application/json", "[]", "body"},
      {"application/json", R"({"voter_id":"NC100"})", "idempotency_key"},
      {"application/json", R"({"voter_id":1,"idempotency_key":"key-00000001"})", "voter_id"},
      {"application/json", R"({"voter_id":"NC100","idempotency_key":"k","x":1})", "x"},
      {"application/json", R"({"strikes":[]})", "strikes"},
      {"application/json", R"({"strikes":[1]})", "strikes[0]"},
      {"application/json", R"({"strikes":[{"voter_id":"NC100"}]})", "strikes[0].idempotency_key"},
      {"application/json", R"({"strikes":[],"voter_id":"NC100"})", "strikes"},
      {"application/json", too_many, "500"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseStrikeBody(c.content_type, c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument) << c.body;
    EXPECT_NE(parsed.status().message().find(c.message_has), std::string::npos)
        << parsed.status().message();
  }
}

TEST_F(ElectionApiTest, ReplayedKeyGivesTheOriginalAnswer) {
  Start();
  Reply first = Post("/api/v1/strikes", Strike("NC100", "replay-key-0001"));
  ASSERT_EQ(first.status, 200) << first.body;
  json::value a = first.Json().at("results").at(0);
  EXPECT_EQ(Str(a.at("outcome")), "struck") << first.body;
  EXPECT_EQ(Str(first.Json().at("election")), kElection);

  Reply again = Post("/api/v1/strikes", Strike("NC100", "replay-key-0001"));
  ASSERT_EQ(again.status, 200) << again.body;
  json::value b = again.Json().at("results").at(0);
  EXPECT_EQ(Str(b.at("outcome")), "replayed") << again.body;
  EXPECT_EQ(Str(b.at("strike_id")), Str(a.at("strike_id")));
  EXPECT_EQ(Str(b.at("struck_at")), Str(a.at("struck_at")));
  EXPECT_EQ(Precinct("92", "01-07").at("voted").as_int64(), 1);
}

TEST_F(ElectionApiTest, TwoReportsOfOneVoterCountOnce) {
  Start();
  Reply r = Post("/api/v1/strikes",
                 R"({"strikes":[{"voter_id":"NC100","idempotency_key":"watcher-a-0001"},)"
                 R"({"voter_id":"NC101","idempotency_key":"watcher-a-0002"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  Reply second = Post("/api/v1/strikes", Strike("NC100", "watcher-b-0001"));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Str(second.Json().at("results").at(0).at("outcome")), "already_struck") << second.body;
  json::object precinct = Precinct("92", "01-07");
  EXPECT_EQ(precinct.at("voted").as_int64(), 2);
  EXPECT_EQ(precinct.at("registered").as_int64(), 2);
}

TEST_F(ElectionApiTest, UnknownVoterIsAnItemErrorNotARequestError) {
  Start();
  Reply r = Post("/api/v1/strikes",
                 R"({"strikes":[{"voter_id":"NC999","idempotency_key":"unknown-0001"},)"
                 R"({"voter_id":"NC100","idempotency_key":"known-00001"},)"
                 R"({"voter_id":"NC101","idempotency_key":"bad key!"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value r_json = r.Json();
  const json::array& items = r_json.at("results").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(Str(items[0].at("error").at("code")), "not_found") << r.body;
  EXPECT_EQ(Str(items[1].at("outcome")), "struck") << r.body;
  EXPECT_EQ(Str(items[2].at("error").at("code")), "invalid_argument") << r.body;
}

TEST_F(ElectionApiTest, WatcherOutsideHerPrecinctsGetsA403Item) {
  Start(Watcher());
  Reply r = Post("/api/v1/strikes",
                 R"({"strikes":[{"voter_id":"NC100","idempotency_key":"scope-in-0001"},)"
                 R"({"voter_id":"NC104","idempotency_key":"scope-out-0001"},)"
                 R"({"voter_id":"NC999","idempotency_key":"scope-unk-0001"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value r_json = r.Json();
  const json::array& items = r_json.at("results").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(Str(items[0].at("outcome")), "struck") << r.body;
  EXPECT_EQ(items[1].at("error").at("status").as_int64(), 403) << r.body;
  EXPECT_EQ(Str(items[1].at("error").at("code")), "permission_denied");
  // Unknown ids look like ids outside her scope, so she cannot probe the voter file.
  EXPECT_EQ(items[2].at("error").at("status").as_int64(), 403) << r.body;
  server_->Shutdown();  // flushes the audit log
  Result<AuditPage> denied = loaded_->store->ListAudit({.action = "strike.denied"});
  ASSERT_TRUE(denied.ok()) << denied.status().ToString();
  ASSERT_EQ(denied->events.size(), 2u);
  Result<AuditPage> recorded = loaded_->store->ListAudit({.action = "strike.record"});
  ASSERT_TRUE(recorded.ok());
  ASSERT_EQ(recorded->events.size(), 1u);
  EXPECT_EQ(recorded->events[0].target, "NC100");
  EXPECT_EQ(recorded->events[0].user_id, 7);
}

// A batch is one audit event listing every recorded item (a phone's backlog is one audit
// write); the strike log has one row per report.
TEST_F(ElectionApiTest, BatchOfStrikesIsOneAuditEventNamingEveryVoter) {
  Start();
  Reply r = Post("/api/v1/strikes",
                 R"({"strikes":[{"voter_id":"NC100","idempotency_key":"audit-batch-01"},)"
                 R"({"voter_id":"NC101","idempotency_key":"audit-batch-02"},)"
                 R"({"voter_id":"NC100","idempotency_key":"audit-batch-03"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  server_->Shutdown();  // flushes the audit log
  Result<AuditPage> recorded = loaded_->store->ListAudit({.action = "strike.record"});
  ASSERT_TRUE(recorded.ok()) << recorded.status().ToString();
  ASSERT_EQ(recorded->events.size(), 1u);
  EXPECT_EQ(recorded->events[0].target, "batch of 3");
  const json::value detail = json::parse(recorded->events[0].detail);
  EXPECT_EQ(Str(detail.at("election")), kElection);
  const json::array& strikes = detail.at("strikes").as_array();
  ASSERT_EQ(strikes.size(), 3u);
  EXPECT_EQ(Str(strikes[0].at("voter_id")), "NC100");
  EXPECT_EQ(Str(strikes[0].at("outcome")), "struck");
  EXPECT_EQ(Str(strikes[1].at("voter_id")), "NC101");
  EXPECT_EQ(Str(strikes[2].at("outcome")), "already_struck");
  EXPECT_EQ(Str(strikes[2].at("idempotency_key")), "audit-batch-03");
}

TEST_F(ElectionApiTest, NoRoomForStrikesIs429AtOnce) {
  Start({}, 0);
  Reply r = Post("/api/v1/strikes", Strike("NC100", "busy-key-0001"));
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.retry_after, "1");
  EXPECT_EQ(r.content_type, "application/problem+json");
  Start({}, 256);  // nothing was recorded by the refused request
  EXPECT_EQ(Precinct("92", "01-07").at("voted").as_int64(), 0);
}

TEST_F(ElectionApiTest, SaturatedStrikesAre429WhileTheOthersFinish) {
  Start({}, 1);
  store_->HoldStrikes();
  std::future<Reply> held = std::async(std::launch::async, [this] {
    return Post("/api/v1/strikes", Strike("NC100", "held-key-0001"));
  });
  store_->WaitForHeldStrikes(1);
  Reply refused = Post("/api/v1/strikes", Strike("NC101", "refused-key-0001"));
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.retry_after, "1");
  store_->ReleaseStrikes();
  Reply done = held.get();
  EXPECT_EQ(done.status, 200) << done.body;
  // The slot is free again.
  EXPECT_EQ(Post("/api/v1/strikes", Strike("NC101", "refused-key-0001")).status, 200);
}

TEST_F(ElectionApiTest, UndoNeedsAReasonAndIsAudited) {
  Start();
  ASSERT_EQ(Post("/api/v1/strikes", Strike("NC100", "undo-key-00001")).status, 200);
  EXPECT_EQ(Precinct("92", "01-07").at("voted").as_int64(), 1);
  EXPECT_EQ(Post("/api/v1/strikes/undo", R"({"voter_id":"NC100"})").status, 400);
  EXPECT_EQ(Post("/api/v1/strikes/undo", R"({"voter_id":"NC100","reason":" "})").status, 400);
  Reply undone = Post("/api/v1/strikes/undo", R"({"voter_id":"NC100","reason":"wrong row"})");
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(Precinct("92", "01-07").at("voted").as_int64(), 0);
  EXPECT_EQ(Post("/api/v1/strikes/undo", R"({"voter_id":"NC100","reason":"again"})").status, 404);
  server_->Shutdown();
  Result<AuditPage> audit = loaded_->store->ListAudit({.action = "strike.undo"});
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  ASSERT_EQ(audit->events.size(), 1u);
  EXPECT_EQ(audit->events[0].target, "NC100");
  EXPECT_NE(audit->events[0].detail.find("wrong row"), std::string::npos);
}

TEST_F(ElectionApiTest, TurnoutFollowsStrikes) {
  Start();
  Reply before = Get("/api/v1/turnout");
  ASSERT_EQ(before.status, 200) << before.body;
  json::value b = before.Json();
  EXPECT_EQ(Str(b.at("election")), kElection);
  EXPECT_EQ(b.at("overall").at("voted").as_int64(), 0);
  EXPECT_EQ(b.at("overall").at("registered").as_int64(), 5);
  // No precinct has reported yet: all are quiet.
  EXPECT_EQ(b.at("quiet_precincts").as_array().size(), b.at("precincts").as_array().size());

  ASSERT_EQ(Post("/api/v1/strikes", Strike("NC104", "turnout-key-01")).status, 200);
  Reply after = Get("/api/v1/turnout?county=32");
  ASSERT_EQ(after.status, 200) << after.body;
  json::value a = after.Json();
  EXPECT_EQ(a.at("overall").at("voted").as_int64(), 1);
  ASSERT_EQ(a.at("counties").as_array().size(), 1u);
  EXPECT_EQ(Str(a.at("counties").at(0).at("county")), "32");
  EXPECT_EQ(a.at("counties").at(0).at("voted").as_int64(), 1);
  EXPECT_TRUE(a.at("quiet_precincts").as_array().empty()) << after.body;
  EXPECT_FALSE(a.at("precincts").at(0).at("last_report_at").is_null());
}

TEST_F(ElectionApiTest, TurnoutOfOnePrecinct) {
  Start();
  ASSERT_EQ(Post("/api/v1/strikes", Strike("NC104", "precinct-key-01")).status, 200);
  const json::value all = Get("/api/v1/turnout").Json();
  // Every precinct the voter file has, one at a time, each just itself.
  for (const json::value& p : all.at("precincts").as_array()) {
    const std::string county = Str(p.at("county"));
    const std::string precinct = Str(p.at("precinct"));
    Reply one = Get("/api/v1/turnout?county=" + county + "&precinct=" + precinct);
    ASSERT_EQ(one.status, 200) << one.body;
    const json::value o = one.Json();
    ASSERT_EQ(o.at("precincts").as_array().size(), 1u) << one.body;
    EXPECT_EQ(o.at("precincts").at(0), p);
    EXPECT_EQ(o.at("overall").at("voted"), p.at("voted"));
    EXPECT_EQ(o.at("overall").at("registered"), p.at("registered"));
  }
  EXPECT_EQ(Get("/api/v1/turnout?county=32&precinct=NOPE").status, 404);
  EXPECT_EQ(Get("/api/v1/turnout?precinct=01-07").status, 400);  // codes repeat across counties
}

// Strikes that do not pass through this server (another app node, a state file) reach
// its turnout within a second; its own strikes at once (TurnoutFollowsStrikes).
TEST_F(ElectionApiTest, TurnoutShowsStrikesFromElsewhereWithinASecond) {
  Start();
  auto voted = [this] {
    return Get("/api/v1/turnout").Json().at("overall").at("voted").as_int64();
  };
  ASSERT_EQ(voted(), 0);
  const std::vector<NewStrike> direct = {NewStrike{kElection, "NC101", "elsewhere-key-1",
                                                   StrikeSource::kStateFile, 0,
                                                   std::chrono::system_clock::now()}};
  ASSERT_TRUE(loaded_->store->RecordStrikes(direct).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  int64_t seen = voted();
  while (seen != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = voted();
  }
  EXPECT_EQ(seen, 1);
}

TEST_F(ElectionApiTest, TurnoutWhileTheDatabaseIsAwayIsTheLastKnownMarkedStale) {
  Start();
  ASSERT_EQ(Get("/api/v1/turnout").Json().at("overall").at("voted").as_int64(), 0);
  ASSERT_EQ(
      Post("/api/v1/strikes", R"({"voter_id":"NC101","idempotency_key":"stale-key-1"})").status,
      200);
  json::value fresh = Get("/api/v1/turnout").Json();
  ASSERT_EQ(fresh.at("overall").at("voted").as_int64(), 1);
  EXPECT_EQ(fresh.as_object().if_contains("stale"), nullptr);

  store_->FailTurnout(Unavailable("connection refused"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past the cache's second
  Reply r = Get("/api/v1/turnout");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value stale = r.Json();
  EXPECT_EQ(stale.at("overall").at("voted").as_int64(), 1) << "the last numbers read";
  ASSERT_NE(stale.as_object().if_contains("stale"), nullptr) << r.body;
  EXPECT_GE(stale.at("stale").at("age_ms").as_int64(), 1000);
  EXPECT_FALSE(Str(stale.at("stale").at("as_of")).empty());

  // Another failure (not the database being away) is still an error.
  store_->FailTurnout(Internal("a bug"));
  EXPECT_EQ(Get("/api/v1/turnout").status, 500);

  store_->FailTurnout(Status::Ok());
  json::value back = Get("/api/v1/turnout").Json();
  EXPECT_EQ(back.as_object().if_contains("stale"), nullptr) << "fresh again once the store answers";
}

// The raw bytes of a Server-Sent Events stream, read until `want` has been seen `times`
// times or `limit` passed.
class RawStream {
 public:
  RawStream(uint16_t port, const std::string& target) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    asio::write(socket_, asio::buffer(request));
    socket_.non_blocking(true);
  }
  bool ReadUntil(const std::string& want, int times, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (Count(want) < times && std::chrono::steady_clock::now() < deadline) {
      std::array<char, 4096> buf;
      boost::system::error_code ec;
      const size_t n = socket_.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      if (ec) break;
      got_.append(buf.data(), n);
    }
    return Count(want) >= times;
  }
  const std::string& got() const { return got_; }

 private:
  int Count(const std::string& want) const {
    int n = 0;
    for (size_t at = got_.find(want); at != std::string::npos; at = got_.find(want, at + 1)) ++n;
    return n;
  }
  asio::io_context ioc_;
  tcp::socket socket_;
  std::string got_;
};

TEST_F(ElectionApiTest, TurnoutEventsStreamEveryChange) {
  Start();
  RawStream events(server_->port(), "/api/v1/turnout/events?county=32");
  // At once: the headers and the turnout now.
  ASSERT_TRUE(events.ReadUntil("event: turnout", 1, std::chrono::seconds(5))) << events.got();
  EXPECT_NE(events.got().find("200 OK"), std::string::npos) << events.got();
  EXPECT_NE(events.got().find("text/event-stream"), std::string::npos) << events.got();
  EXPECT_NE(events.got().find("chunked"), std::string::npos) << events.got();
  EXPECT_NE(events.got().find(R"("overall":{"registered":)"), std::string::npos);
  // A strike: a second message within about a second, with the new count.
  ASSERT_EQ(Post("/api/v1/strikes", Strike("NC104", "events-key-01")).status, 200);
  ASSERT_TRUE(events.ReadUntil("event: turnout", 2, std::chrono::seconds(5))) << events.got();
  const std::string& got = events.got();
  const size_t second = got.rfind("data: ");
  ASSERT_NE(second, std::string::npos);
  const json::value turnout =
      json::parse(got.substr(second + 6, got.find('\n', second) - second - 6));
  EXPECT_EQ(turnout.at("overall").at("voted").as_int64(), 1);
  // Nothing changed: no third message (keep-alive comments only every 15 s).
  EXPECT_FALSE(events.ReadUntil("event: turnout", 3, std::chrono::seconds(2)));
  // The server's shutdown ends the stream (the last chunk) instead of waiting on it.
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ElectionApiTest, ChangeFeedReturnsNewStrikes) {
  Start();
  Reply empty = Get("/api/v1/turnout/changes?wait=0");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_TRUE(empty.Json().at("events").as_array().empty());
  const int64_t after = empty.Json().at("next_after").as_int64();

  // A waiting poll is woken by the strike.
  std::future<Reply> waiting = std::async(std::launch::async, [this, after] {
    return Get("/api/v1/turnout/changes?wait=20&after=" + std::to_string(after));
  });
  ASSERT_EQ(Post("/api/v1/strikes", Strike("NC102", "feed-key-0001")).status, 200);
  Reply got = waiting.get();
  ASSERT_EQ(got.status, 200) << got.body;
  const json::value got_json = got.Json();
  const json::array& events = got_json.at("events").as_array();
  ASSERT_EQ(events.size(), 1u) << got.body;
  EXPECT_EQ(Str(events[0].at("voter_id")), "NC102");
  EXPECT_EQ(Str(events[0].at("precinct")), "02-01");
  EXPECT_GT(got.Json().at("next_after").as_int64(), after);
}

// Regression: a waiting long poll held its handler thread for its whole wait after
// SIGTERM, so `narwhal serve` took the full 25 s to stop while a turnout page was open.
TEST_F(ElectionApiTest, ShutdownEndsAWaitingPollEarly) {
  Start();
  std::future<Reply> waiting = std::async(
      std::launch::async, [this] { return Get("/api/v1/turnout/changes?wait=25&after=999999"); });
  // The poll is waiting once the server counts it among the in-flight requests; without
  // a hook for that, give it the one-second tick the poll checks on.
  ASSERT_EQ(waiting.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  Reply r = waiting.get();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(ElectionApiTest, GotvListsSupportersNotYetVoted) {
  std::vector<VoterScore> scores = {{"NC100", 100, 80}, {"NC101", 75, -1}, {"NC102", 10, 50}};
  ASSERT_TRUE(store_->UpsertScores(scores).ok());
  Start(Watcher());
  Reply before = Get("/api/v1/precincts/92/01-07/gotv");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.Json().at("count").as_int64(), 2) << before.body;
  ASSERT_EQ(Post("/api/v1/strikes", Strike("NC100", "gotv-key-00001")).status, 200);
  Reply after = Get("/api/v1/precincts/92/01-07/gotv");
  ASSERT_EQ(after.status, 200) << after.body;
  const json::value after_json = after.Json();
  const json::array& voters = after_json.at("voters").as_array();
  ASSERT_EQ(voters.size(), 1u) << after.body;
  EXPECT_EQ(Str(voters[0].at("voter_id")), "NC101");
  EXPECT_EQ(voters[0].at("support").as_int64(), 75);
  EXPECT_TRUE(voters[0].at("turnout").is_null());

  Reply csv = Get("/api/v1/precincts/92/01-07/gotv.csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")),
            "\xEF\xBB\xBF"
            "county,precinct,last_name,first_name,street,city,phone,support,turnout,voter_id");
  EXPECT_NE(csv.body.find("NC101"), std::string::npos);
  EXPECT_EQ(csv.body.find("NC100"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/precincts/32/01/gotv").status, 403);
}

TEST_F(ElectionApiTest, GotvPdfIsAnAttachmentInTheCallersScopeOnly) {
  std::vector<VoterScore> scores = {{"NC100", 100, 80}, {"NC101", 75, -1}};
  ASSERT_TRUE(store_->UpsertScores(scores).ok());
  Start(Watcher());
  Reply pdf = Get("/api/v1/precincts/92/01-07/gotv.pdf");
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.content_disposition, "attachment; filename=\"92-01-07-gotv.pdf\"");
  EXPECT_TRUE(pdf.body.starts_with("%PDF")) << pdf.body.substr(0, 200);
  testing::TempDir dir;
  const std::string path = (dir.path() / "gotv.pdf").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << pdf.body;
  }
  const std::string text = testing::PdfToText(path);
  EXPECT_NE(text.find("92 — precinct 01-07 — GOTV list 2026-11-03"), std::string::npos) << text;
  EXPECT_NE(text.find("2 supporters not yet voted as of"), std::string::npos) << text;
  EXPECT_NE(text.find("SMITH, JOHN"), std::string::npos) << text;
  EXPECT_NE(text.find("SMITH, JANE"), std::string::npos) << text;
  Reply csv = Get("/api/v1/precincts/92/01-07/gotv.csv");
  EXPECT_EQ(csv.content_disposition, "attachment; filename=\"92-01-07-gotv.csv\"");
  // A poll watcher of 92/01-07 asks for another precinct: refused before the store is asked.
  Reply other = Get("/api/v1/precincts/32/01/gotv.pdf");
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_FALSE(other.body.starts_with("%PDF"));
  EXPECT_EQ(Get("/api/v1/precincts/92/02-01/gotv.pdf").status, 403);
}

}  // namespace
}  // namespace narwhal
