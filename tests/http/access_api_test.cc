// Logins, sessions, code reissue, scope and the audit log through the real route table
// (Router + ApiRoutes + AuthService + SQLite), on a ManualClock: no sockets, no sleeps.
#include "http/access_api.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "access_support.h"
#include "storage/sqlite/sqlite_store.h"

namespace narwhal {
namespace {

using testing::AccessWorld;
using testing::Body;
using testing::Str;

namespace json = boost::json;

std::string LoginBody(std::string_view code) {
  return json::serialize(json::object{{"code", code}});
}

// The same code with its last character changed: right selector, wrong secret.
std::string WrongSecret(std::string code) {
  code.back() = code.back() == '2' ? '3' : '2';
  return code;
}

std::string Detail(const HttpResponse& r) {
  json::value body = Body(r);
  return body.is_object() && body.as_object().contains("detail") ? Str(body.at("detail")) : "";
}

bool HasAction(const std::vector<AuditEvent>& events, std::string_view action,
               std::string_view target = "") {
  for (const AuditEvent& e : events) {
    if (e.action == action && (target.empty() || e.target == target)) return true;
  }
  return false;
}

TEST(SessionsTest, LoginReturnsTokenAndTheUserOnce) {
  AccessWorld world;
  const User& watcher = world.user(Role::kPollWatcher);
  const std::string code = world.Code(watcher.id);
  HttpResponse r = world.Send("POST", "/api/v1/sessions", "", LoginBody(code));
  ASSERT_EQ(r.status, 201) << r.body;
  json::value body = Body(r);
  const std::string token = Str(body.at("token"));
  EXPECT_TRUE(token.starts_with("nw_"));
  EXPECT_EQ(Str(body.at("expires_at")), "2026-11-04T00:00:00Z");
  EXPECT_EQ(body.at("user").at("id").to_number<int64_t>(), watcher.id);
  EXPECT_EQ(Str(body.at("user").at("role")), "poll_watcher");
  EXPECT_EQ(Str(body.at("user").at("scope").at("precincts").at(0).at("precinct")), "01-07");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");

  HttpResponse me = world.Send("GET", "/api/v1/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Str(Body(me).at("name")), watcher.name);

  HttpResponse again = world.Send("POST", "/api/v1/sessions", "", LoginBody(code));
  EXPECT_EQ(again.status, 401) << "a code logs in once";
  EXPECT_NE(Detail(again).find("already used"), std::string::npos) << again.body;
}

TEST(SessionsTest, MalformedLoginBodiesAre400NamingTheField) {
  AccessWorld world;
  struct Case {
    std::string body;
    std::string field;
  } cases[] = {
      {"{}", "code"},
      {R"({"code": 7})", "code"},
      {R"({"code": "ABCD-EFGH-JKMN", "remember": true})", "remember"},
      {R"([1,2])", "body"},
      {R"({"code": )", "body"},
      {R"({"code": "not a code at all"})", ""},
  };
  for (const Case& c : cases) {
    HttpResponse r = world.Send("POST", "/api/v1/sessions", "", c.body);
    EXPECT_EQ(r.status, 400) << c.body << "\n" << r.body;
    EXPECT_TRUE(Detail(r).starts_with(c.field)) << Detail(r);
  }
  HttpRequest text{
      "POST", "/api/v1/sessions", {{"content-type", "text/plain"}}, R"({"code":"x"})", "10.0.0.1"};
  EXPECT_EQ(world.router().Handle(text).status, 400);
}

TEST(SessionsTest, WrongSecretsLockTheCodeWithRetryAfter) {
  AccessWorld world;
  const std::string code = world.Code(world.user(Role::kCanvasser).id);
  const int max_attempts = AuthOptions{}.max_code_attempts;
  for (int i = 1; i < max_attempts; ++i) {
    HttpResponse r = world.Send("POST", "/api/v1/sessions", "", LoginBody(WrongSecret(code)));
    ASSERT_EQ(r.status, 401) << "try " << i << ": " << r.body;
    EXPECT_NE(Detail(r).find("not right"), std::string::npos) << r.body;
  }
  HttpResponse locked = world.Send("POST", "/api/v1/sessions", "", LoginBody(WrongSecret(code)));
  ASSERT_EQ(locked.status, 429) << locked.body;
  EXPECT_NE(Detail(locked).find("locked until"), std::string::npos) << locked.body;
  EXPECT_EQ(locked.Header("Retry-After"), "900");
  // Locked means locked, even for the right code, until the lockout passes.
  EXPECT_EQ(world.Send("POST", "/api/v1/sessions", "", LoginBody(code)).status, 429);
  world.clock().Advance(AuthOptions{}.lockout + std::chrono::seconds(1));
  EXPECT_EQ(world.Send("POST", "/api/v1/sessions", "", LoginBody(code)).status, 201);
  EXPECT_TRUE(HasAction(world.Audit(), "session.login_failed"));
}

TEST(SessionsTest, GuessingFromOneAddressIsThrottled) {
  RateLimits limits = testing::GenerousLimits();
  limits.login = {0.5, 3};
  AccessWorld world(limits);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(world.Send("POST", "/api/v1/sessions", "", LoginBody("AAAA-BBBB-CCCC")).status, 401);
  }
  HttpResponse throttled = world.Send("POST", "/api/v1/sessions", "", LoginBody("AAAA-BBBB-CCCC"));
  ASSERT_EQ(throttled.status, 429) << throttled.body;
  EXPECT_EQ(throttled.Header("Retry-After"), "2");
  EXPECT_EQ(Str(Body(throttled).at("code")), "resource_exhausted");
  // Other routes from the same address are not held back by the login bucket.
  EXPECT_EQ(world.Send("GET", "/healthz").status, 200);
  world.clock().Advance(std::chrono::seconds(2));
  EXPECT_EQ(world.Send("POST", "/api/v1/sessions", "", LoginBody("AAAA-BBBB-CCCC")).status, 401);
}

TEST(SessionsTest, EveryAddressAndEverySessionIsRateLimited) {
  RateLimits limits = testing::GenerousLimits();
  limits.per_session = {1, 2};
  AccessWorld world(limits);
  const std::string token = world.Token(Role::kAdmin);
  EXPECT_EQ(world.Send("GET", "/api/v1/me", token).status, 200);
  EXPECT_EQ(world.Send("GET", "/api/v1/me", token).status, 200);
  HttpResponse r = world.Send("GET", "/api/v1/me", token);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("Retry-After"), "1");

  limits = testing::GenerousLimits();
  limits.per_address = {1, 1};
  AccessWorld strict(limits);
  EXPECT_EQ(strict.Send("GET", "/healthz").status, 200);
  EXPECT_EQ(strict.Send("GET", "/healthz").status, 429);
}

TEST(SessionsTest, ReissueInvalidatesTheOldCode) {
  AccessWorld world;
  const User& target = world.target_in();
  const std::string old_code = world.Code(target.id);
  const std::string organizer = world.Token(Role::kOrganizer);
  HttpResponse r =
      world.Send("POST", "/api/v1/users/" + std::to_string(target.id) + "/login-code", organizer);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string new_code = Str(Body(r).at("code"));
  EXPECT_NE(new_code, old_code);
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");

  HttpResponse stale = world.Send("POST", "/api/v1/sessions", "", LoginBody(old_code));
  EXPECT_EQ(stale.status, 401);
  EXPECT_NE(Detail(stale).find("replaced"), std::string::npos) << stale.body;
  EXPECT_EQ(world.Send("POST", "/api/v1/sessions", "", LoginBody(new_code)).status, 201);
}

TEST(SessionsTest, LogoutAndRevocationEndSessions) {
  AccessWorld world;
  const std::string token = world.Token(Role::kPollWatcher);
  EXPECT_EQ(world.Send("DELETE", "/api/v1/sessions/current", token).status, 204);
  HttpResponse after = world.Send("GET", "/api/v1/me", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.Header("WWW-Authenticate"), "Bearer");

  // A stale token does not keep anyone from logging in again.
  const std::string code = world.Code(world.user(Role::kPollWatcher).id);
  EXPECT_EQ(world.Send("POST", "/api/v1/sessions", token, LoginBody(code)).status, 201);

  const User& target = world.target_in();
  const std::string lost_phone = world.Token(target.id);
  HttpResponse revoked =
      world.Send("DELETE", "/api/v1/users/" + std::to_string(target.id) + "/sessions",
                 world.Token(Role::kOrganizer));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(Body(revoked).at("revoked").to_number<int64_t>(), 1);
  EXPECT_EQ(world.Send("GET", "/api/v1/me", lost_phone).status, 401);
}

TEST(SessionsTest, BadCredentialsAre401) {
  AccessWorld world;
  for (std::string header : {"Bearer nw_not-a-real-token-at-all", "Basic dXNlcjpwYXNz", "Bearer"}) {
    HttpRequest r{"GET", "/api/v1/me", {{"authorization", header}}, "", "10.0.0.1"};
    HttpResponse answer = world.router().Handle(r);
    EXPECT_EQ(answer.status, 401) << header;
    EXPECT_EQ(answer.Header("WWW-Authenticate"), "Bearer");
  }
}

TEST(ScopeTest, SearchesAreNarrowedToTheCallersScope) {
  AccessWorld world;
  auto ids = [&](const HttpResponse& r) {
    std::vector<std::string> out;
    const json::value body = Body(r);
    if (!body.is_object()) return std::vector<std::string>{"status " + std::to_string(r.status)};
    for (const json::value& v : body.at("voters").as_array()) out.push_back(Str(v.at("voter_id")));
    return out;
  };
  HttpResponse admin = world.Send("GET", "/api/v1/voters?q=smith", world.Token(Role::kAdmin));
  EXPECT_EQ(ids(admin), (std::vector<std::string>{"NC101", "NC100"}));
  // The poll watcher of 92/01-07 finds her precinct's voters only, by name or county.
  const std::string watcher = world.Token(Role::kPollWatcher);
  EXPECT_EQ(ids(world.Send("GET", "/api/v1/voters?q=sm", watcher)),
            (std::vector<std::string>{"NC101", "NC100"}));
  EXPECT_EQ(ids(world.Send("GET", "/api/v1/voters?county=92", watcher)),
            (std::vector<std::string>{"NC101", "NC100"}));
  EXPECT_EQ(world.Send("GET", "/api/v1/voters?county=92&precinct=02-01", watcher).status, 403);
  EXPECT_EQ(world.Send("GET", "/api/v1/voters/NC102", watcher).status, 403);
  // The organizer of county 92 sees all of it and nothing of 32.
  const std::string organizer = world.Token(Role::kOrganizer);
  EXPECT_EQ(ids(world.Send("GET", "/api/v1/voters?q=o", organizer)), std::vector<std::string>{});
  EXPECT_EQ(ids(world.Send("GET", "/api/v1/voters?county=92", organizer)).size(), 3u);
  // Canvassers see nobody yet, and analysts never see voters.
  EXPECT_EQ(ids(world.Send("GET", "/api/v1/voters?q=smith", world.Token(Role::kCanvasser))),
            std::vector<std::string>{});
  EXPECT_EQ(world.Send("GET", "/api/v1/voters?q=smith", world.Token(Role::kAnalyst)).status, 403);
}

TEST(ScopeTest, ReadinessHidesNamesFromAnalysts) {
  AccessWorld world;
  HttpResponse organizer = world.Send("GET", "/api/v1/readiness", world.Token(Role::kOrganizer));
  ASSERT_EQ(organizer.status, 200) << organizer.body;
  EXPECT_TRUE(Body(organizer).at("names").as_bool());
  bool named = false;
  const json::value organizer_body = Body(organizer);
  for (const json::value& p : organizer_body.at("precincts").as_array()) {
    EXPECT_EQ(Str(p.at("county")), "92") << "organizers see their counties only";
    named |= p.as_object().contains("not_logged_in") && !p.at("not_logged_in").as_array().empty();
  }
  EXPECT_TRUE(named) << organizer.body;

  HttpResponse analyst = world.Send("GET", "/api/v1/readiness", world.Token(Role::kAnalyst));
  ASSERT_EQ(analyst.status, 200) << analyst.body;
  EXPECT_FALSE(Body(analyst).at("names").as_bool());
  const json::value analyst_body = Body(analyst);
  for (const json::value& p : analyst_body.at("precincts").as_array()) {
    EXPECT_FALSE(p.as_object().contains("not_logged_in")) << analyst.body;
  }
}

TEST(AuditTest, ReadsAndChangesAreLoggedAndSurviveReopening) {
  auto world = std::make_unique<AccessWorld>();
  const User& watcher = world->user(Role::kPollWatcher);
  const std::string code = world->Code(watcher.id);
  HttpResponse login = world->Send("POST", "/api/v1/sessions", "", LoginBody(code));
  ASSERT_EQ(login.status, 201);
  const std::string token = Str(Body(login).at("token"));
  ASSERT_EQ(world->Send("GET", "/api/v1/voters?q=smith", token).status, 200);
  ASSERT_EQ(world->Send("GET", "/api/v1/voters/NC100", token).status, 200);
  ASSERT_EQ(world->Send("GET", "/api/v1/voters/NC104", token).status, 403);
  const std::string admin = world->Token(Role::kAdmin);
  ASSERT_EQ(
      world
          ->Send("POST", "/api/v1/users/" + std::to_string(world->target_in().id) + "/login-code",
                 admin)
          .status,
      201);
  ASSERT_EQ(world->Send("DELETE", "/api/v1/sessions/current", token).status, 204);

  std::vector<AuditEvent> events = world->Audit();
  EXPECT_TRUE(HasAction(events, "session.create", std::to_string(watcher.id)));
  EXPECT_TRUE(HasAction(events, "voter.read", "NC100"));
  EXPECT_TRUE(HasAction(events, "voter.read_denied", "NC104"));
  EXPECT_TRUE(HasAction(events, "login_code.reissue", std::to_string(world->target_in().id)));
  EXPECT_TRUE(HasAction(events, "session.revoke"));
  for (const AuditEvent& e : events) {
    if (e.action == "voter.search") {
      EXPECT_EQ(e.user_id, watcher.id);
      EXPECT_EQ(e.remote_addr, "10.0.0.1");
      EXPECT_FALSE(e.request_id.empty());
      json::value detail = json::parse(e.detail);
      EXPECT_EQ(Str(detail.at("query").at("q")), "smith");
      EXPECT_EQ(detail.at("count").to_number<int>(), 2);
      EXPECT_EQ(json::serialize(detail.at("voter_ids")), R"(["NC101","NC100"])");
    }
  }
  EXPECT_TRUE(HasAction(events, "voter.search"));

  // The admin reads the log through the API, filtered.
  HttpResponse listed = world->Send(
      "GET", "/api/v1/audit?action=voter.read&user_id=" + std::to_string(watcher.id), admin);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(Body(listed).at("events").as_array().size(), 1u) << listed.body;
  EXPECT_EQ(Str(Body(listed).at("events").at(0).at("target")), "NC100");
  EXPECT_EQ(world->Send("GET", "/api/v1/audit?since=yesterday", admin).status, 400);

  const size_t before = events.size();
  std::unique_ptr<testing::LoadedStore> loaded = std::move(*world).TakeStore();
  world.reset();
  const std::string path = (loaded->dir.path() / "narwhal.db").string();
  loaded->store.reset();
  Result<std::unique_ptr<Store>> reopened = OpenSqliteStore({.path = path});
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  AuditQuery all;
  all.limit = 1000;
  Result<AuditPage> page = (*reopened)->ListAudit(all);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_GE(page->events.size(), before) << "audit rows lost on reopening";
}

TEST(AuditTest, ReadsAreRefusedWhenTheAuditLogCannotKeepUp) {
  auto loaded = testing::OpenLoadedStore();
  ASSERT_NE(loaded, nullptr);
  testing::ControllableStore store(*loaded->store);
  ManualClock clock;
  MetricsRegistry metrics;
  ASSERT_TRUE(InitSecrets().ok());
  AuthService auth(store, clock, testing::CheapAuthOptions());
  OpenAccessAuthenticator open;
  StoreAuditSink sink(store, {.max_queued = 1,
                              .max_batch = 1,
                              .max_wait = std::chrono::milliseconds(50),
                              .retry_delay = std::chrono::milliseconds(5)});
  Router router(ApiRoutes({store, metrics, auth, clock}), open, metrics, clock, sink,
                testing::GenerousLimits());
  HttpRequest read{"GET", "/api/v1/voters/NC100", {}, "", "10.0.0.1"};
  store.FailAudit(Unavailable("disk full"));
  EXPECT_EQ(router.Handle(read).status, 200) << "one event fits in the queue";
  HttpResponse refused = router.Handle(read);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.body.find("NC100\",\"state"), std::string::npos) << "no unaudited data";
  store.FailAudit(Status::Ok());
  EXPECT_TRUE(sink.Flush().ok());
  EXPECT_EQ(router.Handle(read).status, 200);
}

TEST(SecurityHeadersTest, ApiResponsesAreNeverCached) {
  AccessWorld world;
  const std::string token = world.Token(Role::kAdmin);
  for (std::string target : {"/api/v1/voters/NC100", "/api/v1/voters/NOPE", "/api/v1/me"}) {
    HttpResponse r = world.Send("GET", target, token);
    EXPECT_EQ(r.Header("Cache-Control"), "no-store") << target;
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << target;
    EXPECT_EQ(r.Header("X-Frame-Options"), "DENY") << target;
    EXPECT_EQ(r.Header("Referrer-Policy"), "no-referrer") << target;
    EXPECT_TRUE(r.Header("Set-Cookie").empty());
  }
  EXPECT_EQ(world.Send("GET", "/").Header("Content-Security-Policy"), "default-src 'self'");
}

}  // namespace
}  // namespace narwhal
