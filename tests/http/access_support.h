// Fixtures of the access tests: one user per role (and two poll watchers to manage, one
// inside the organizer's county and one outside), an AuthService on a ManualClock with the
// cheapest code hashing, a router over the real route table, and login helpers.
#ifndef NARWHAL_TESTS_HTTP_ACCESS_SUPPORT_H_
#define NARWHAL_TESTS_HTTP_ACCESS_SUPPORT_H_

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "auth/secrets.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "http/api.h"
#include "http/audit_sink.h"
#include "http/auth.h"
#include "http/router.h"
#include "storage/call_store.h"
#include "storage/turf_store.h"
#include "storage/universe_store.h"
#include "test_support.h"

namespace narwhal::testing {

// Keeps what it is given; for router tests that look at audit events.
class RecordingAuditSink final : public AuditSink {
 public:
  Status Record(std::vector<AuditEvent> events, bool) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (AuditEvent& e : events) events_.push_back(std::move(e));
    return Status::Ok();
  }
  std::vector<AuditEvent> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::vector<AuditEvent> events_;  // guarded by mu_
};

inline AuthOptions CheapAuthOptions() {
  AuthOptions o;
  o.hash_cost.ops = 1;
  o.hash_cost.mem_bytes = 8192;
  return o;
}

// Rate limits no test reaches unless it means to.
inline RateLimits GenerousLimits() {
  RateLimits l;
  l.per_address = {1e6, 1e6};
  l.per_session = {1e6, 1e6};
  l.login = {1e6, 1e6};
  return l;
}

inline NewUser NewUserWith(std::string name, Role role, Scope scope) {
  NewUser u;
  u.name = std::move(name);
  u.phone = "919-555-0100";
  u.role = role;
  u.scope = std::move(scope);
  u.field_office = "Raleigh";
  return u;
}

// The store of OpenLoadedStore, users for every role, an AuthService and a Router over
// ApiRoutes with bearer tokens. The organizer has county 92; the poll watcher precinct
// 92/01-07 (voters NC100, NC101); everyone else no scope. Two call lists: one of county 92
// (NC100) assigned to the phone banker, one of county 32 (NC104) assigned to nobody.
class AccessWorld {
 public:
  explicit AccessWorld(RateLimits limits = GenerousLimits(),
                       std::unique_ptr<LoadedStore> loaded = nullptr)
      : loaded_(loaded ? std::move(loaded) : OpenLoadedStore()),
        clock_(std::chrono::sys_days(std::chrono::year(2026) / 11 / 1)),
        auth_(store(), clock_, CheapAuthOptions()),
        bearer_(auth_),
        sink_(store(), AuditSinkOptions{}),
        router_(ApiRoutes({store(), metrics_, auth_, clock_}), bearer_, metrics_, clock_, sink_,
                limits) {
    EXPECT_TRUE(InitSecrets().ok());
    turf_in_ = KeepTurf("92", "01-07", {"NC100", "NC101"});
    turf_out_ = KeepTurf("32", "01", {"NC104"});
    for (Role role : kAllRoles) {
      Scope scope;
      if (role == Role::kOrganizer) scope.counties = {"92"};
      if (role == Role::kPollWatcher) scope.precincts = {{"92", "01-07"}};
      if (role == Role::kCanvasser) scope = Scope{{"92"}, {}, {turf_in_}};
      users_[role] = Create(std::string(RoleName(role)) + " user", role, scope);
    }
    target_in_ = Create("watcher in 92", Role::kPollWatcher, Scope{{}, {{"92", "02-01"}}, {}});
    call_in_ = KeepCallList("92");
    call_out_ = KeepCallList("32");
    EXPECT_TRUE(store().Calls()->SetCallers(call_in_, {users_[Role::kPhoneBanker].id}).ok());
    target_out_ = Create("watcher in 32", Role::kPollWatcher, Scope{{}, {{"32", "01"}}, {}});
  }

  Store& store() { return *loaded_->store; }
  ManualClock& clock() { return clock_; }
  AuthService& auth() { return auth_; }
  Router& router() { return router_; }
  StoreAuditSink& sink() { return sink_; }
  const User& user(Role role) { return users_.at(role); }
  const User& target_in() const { return target_in_; }
  const User& target_out() const { return target_out_; }
  // List numbers of two kept turfs: one in 92/01-07 (NC100, NC101) assigned to the
  // canvasser, one in 32/01 (NC104) assigned to nobody.
  const std::string& turf_in() const { return turf_in_; }
  const std::string& turf_out() const { return turf_out_; }
  // Ids of the two call lists.
  int64_t call_in() const { return call_in_; }
  int64_t call_out() const { return call_out_; }

  // A call list of the voters of `county` with a phone; its id.
  int64_t KeepCallList(const std::string& county) {
    UniverseCriteria criteria;
    criteria.counties = {county};
    Result<Universe> u =
        store().Universes()->SaveUniverse({"callers of " + county, "", criteria, 0, clock_.Now()});
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    NewVoterList list;
    list.universe_id = u.ok() ? u->id : 0;
    list.at = clock_.Now();
    Result<VoterList> made = store().Universes()->MakeList(list);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    NewCallList calls;
    calls.name = "calls in " + county;
    calls.voter_list_id = made.ok() ? made->id : 0;
    Result<CallList> kept = store().Calls()->CreateCallList(calls);
    EXPECT_TRUE(kept.ok()) << kept.status().ToString();
    return kept.ok() ? kept->id : 0;
  }

  // Keeps a one-door turf of `voters` and returns its list number.
  std::string KeepTurf(std::string county, std::string precinct, std::vector<std::string> voters) {
    NewTurfCut cut;
    cut.county = std::move(county);
    cut.precinct = std::move(precinct);
    cut.options = "test";
    TurfStop stop;
    stop.door_key = "door of " + voters.front();
    stop.address = "10 OAK ST";
    stop.voter_ids = std::move(voters);
    NewTurf turf;
    turf.stops = {std::move(stop)};
    cut.turfs = {std::move(turf)};
    Result<std::vector<TurfSummary>> kept = store().Turfs()->SaveTurfCut(cut);
    EXPECT_TRUE(kept.ok()) << kept.status().ToString();
    return kept.ok() ? kept->front().list_number : std::string();
  }

  User Create(std::string name, Role role, Scope scope) {
    Result<User> u = store().CreateUser(NewUserWith(std::move(name), role, std::move(scope)));
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() ? *u : User{};
  }

  // A fresh code for the user (any earlier one is replaced).
  std::string Code(int64_t user_id) {
    Result<IssuedCode> issued = auth_.IssueCode(user_id);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return issued.ok() ? issued->code : std::string();
  }

  // Logs the user in directly through the service; returns the bearer token.
  std::string Token(int64_t user_id) {
    Result<LoginResult> login = auth_.Login(Code(user_id), "10.0.0.9");
    EXPECT_TRUE(login.ok()) << login.status().ToString();
    return login.ok() ? login->token : std::string();
  }
  std::string Token(Role role) { return Token(user(role).id); }

  HttpResponse Send(std::string method, std::string target, std::string token = "",
                    std::string body = "", std::string content_type = "application/json") {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    if (!body.empty()) r.headers.emplace_back("content-type", std::move(content_type));
    r.body = std::move(body);
    r.remote_addr = "10.0.0.1";
    return router_.Handle(r);
  }

  // Every event the audit log holds, newest first, after flushing the sink.
  std::vector<AuditEvent> Audit(AuditQuery query = {}) {
    EXPECT_TRUE(sink_.Flush().ok());
    query.limit = 1000;
    Result<AuditPage> page = store().ListAudit(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->events : std::vector<AuditEvent>{};
  }

  // Destroys everything but the loaded store (its directory and file), for reopening.
  std::unique_ptr<LoadedStore> TakeStore() && { return std::move(loaded_); }

 private:
  std::unique_ptr<LoadedStore> loaded_;
  ManualClock clock_;
  MetricsRegistry metrics_;
  AuthService auth_;
  BearerAuthenticator bearer_;
  StoreAuditSink sink_;
  Router router_;
  std::map<Role, User> users_;
  User target_in_;
  User target_out_;
  std::string turf_in_;
  std::string turf_out_;
  int64_t call_in_ = 0;
  int64_t call_out_ = 0;
};

inline boost::json::value Body(const HttpResponse& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  return ec ? boost::json::value() : v;
}

}  // namespace narwhal::testing

#endif  // NARWHAL_TESTS_HTTP_ACCESS_SUPPORT_H_
