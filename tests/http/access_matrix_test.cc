// The role-by-endpoint matrix, generated from the route table itself: every route, every
// role, a request inside and one outside the caller's scope, and four token states (none,
// valid, expired, revoked). The expected status is computed from the route's declared
// requirement and the per-route table below. A route added to ApiRoutes without a row
// here fails the test, so no endpoint ships without its access rules written down.
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "access_support.h"

namespace narwhal {
namespace {

using testing::AccessWorld;

struct Probe {
  std::string method;
  // "{in}" / "{out}": the user id of the managed poll watcher; "{turf_in}" / "{turf_out}":
  // the list number of the canvasser's turf, and of one in another county.
  std::string target;
  std::string body;
};

// A status that differs from RouteCase::ok for one role, inside or outside her scope.
struct Exception {
  Role role;
  bool in_scope;
  int status;
};

struct RouteCase {
  std::string name;
  RoleSet roles;  // who the policy says may call it (checked against the table); {} = public
  Probe in_scope;
  std::optional<Probe> out_of_scope;  // unset: the route has no scope
  int ok;                             // permitted callers, in scope
  int anonymous = 401;                // public routes: no, bad or stale credentials
  std::vector<Exception> exceptions;
  bool ends_session = false;  // the caller's token is spent by the request
};

constexpr RoleSet kEveryone = RoleSet::All();
constexpr RoleSet kVoterReaders = {Role::kAdmin, Role::kOrganizer, Role::kPollWatcher,
                                   Role::kCanvasser, Role::kPhoneBanker};
constexpr RoleSet kManagers = {Role::kAdmin, Role::kOrganizer};
constexpr RoleSet kPollBookReaders = {Role::kAdmin, Role::kOrganizer, Role::kPollWatcher};
constexpr RoleSet kPlanners = {Role::kAdmin, Role::kOrganizer, Role::kAnalyst};
constexpr RoleSet kTurfReaders = {Role::kAdmin, Role::kOrganizer, Role::kCanvasser};
constexpr RoleSet kCallers = {Role::kAdmin, Role::kOrganizer, Role::kPhoneBanker};
// A phone banker is refused the lists not assigned to her; managers see every list.
const std::vector<Exception> kCallerOutside = {{Role::kPhoneBanker, false, 403}};

// Outside her scope, every scoped role but the admin is refused.
std::vector<Exception> RefusedOutside(RoleSet roles, std::vector<Exception> more = {}) {
  for (Role r : roles.roles()) {
    if (r != Role::kAdmin && r != Role::kAnalyst) more.push_back({r, false, 403});
  }
  return more;
}

std::vector<RouteCase> Cases() {
  const std::string login_body = R"({"code":"AAAA-BBBB-CCCC"})";
  return {
      {"healthz", {}, {"GET", "/healthz", ""}, std::nullopt, 200, 200},
      {"readyz", {}, {"GET", "/readyz", ""}, std::nullopt, 200, 200},
      {"metrics", {}, {"GET", "/metrics", ""}, std::nullopt, 200, 200},
      {"openapi", {}, {"GET", "/api/v1/openapi.json", ""}, std::nullopt, 200, 200},
      {"web", {}, {"GET", "/", ""}, std::nullopt, 200, 200},
      // An unknown code: refused the same way whoever asks.
      {"create_session", {}, {"POST", "/api/v1/sessions", login_body}, std::nullopt, 401, 401},
      {"test_login_code",
       {},
       {"POST", "/api/v1/sessions/test", login_body},
       std::nullopt,
       401,
       401},
      {"delete_session",
       kEveryone,
       {"DELETE", "/api/v1/sessions/current", ""},
       std::nullopt,
       204,
       401,
       {},
       true},
      {"me", kEveryone, {"GET", "/api/v1/me", ""}, std::nullopt, 200},
      {"list_precincts", kEveryone, {"GET", "/api/v1/precincts", ""}, std::nullopt, 200},
      {"search_voters",
       kVoterReaders,
       {"GET", "/api/v1/voters?county=92&precinct=01-07", ""},
       Probe{"GET", "/api/v1/voters?county=32", ""},
       200,
       401,
       // Canvassers and phone bankers have no voters until turfs and call lists arrive.
       RefusedOutside(kVoterReaders,
                      {{Role::kCanvasser, true, 403}, {Role::kPhoneBanker, true, 403}})},
      {"get_voter",
       kVoterReaders,
       {"GET", "/api/v1/voters/NC100", ""},
       Probe{"GET", "/api/v1/voters/NC104", ""},
       200,
       401,
       RefusedOutside(kVoterReaders,
                      {{Role::kCanvasser, true, 403}, {Role::kPhoneBanker, true, 403}})},
      {"list_users",
       kManagers,
       {"GET", "/api/v1/users?county=92", ""},
       Probe{"GET", "/api/v1/users?county=32", ""},
       200,
       401,
       RefusedOutside(kManagers)},
      {"reissue_login_code",
       kManagers,
       {"POST", "/api/v1/users/{in}/login-code", ""},
       Probe{"POST", "/api/v1/users/{out}/login-code", ""},
       201,
       401,
       RefusedOutside(kManagers)},
      {"revoke_user_sessions",
       kManagers,
       {"DELETE", "/api/v1/users/{in}/sessions", ""},
       Probe{"DELETE", "/api/v1/users/{out}/sessions", ""},
       200,
       401,
       RefusedOutside(kManagers)},
      // A precinct the voter file lacks: refused after the access check, so the probe adds
      // nobody in scope; outside it the admin adds a watcher of county 32.
      {"add_user",
       kManagers,
       {"POST", "/api/v1/users",
        R"({"name":"Matrix Watcher","role":"poll_watcher","county":"92","precinct":"99-99"})"},
       Probe{"POST", "/api/v1/users",
             R"({"name":"Matrix Out","role":"poll_watcher","county":"32","precinct":"01"})"},
       400,
       401,
       {{Role::kAdmin, false, 201}, {Role::kOrganizer, false, 403}}},
      // A JSON body where a CSV sheet belongs: refused after the access check.
      {"import_users", kManagers, {"POST", "/api/v1/users/import", "{}"}, std::nullopt, 400},
      {"change_user",
       kManagers,
       {"PATCH", "/api/v1/users/{in}", R"({"field_office":"Matrix office"})"},
       Probe{"PATCH", "/api/v1/users/{out}", R"({"field_office":"Matrix office"})"},
       200,
       401,
       RefusedOutside(kManagers)},
      // A user that does not exist: refused after the access check, no code drawn.
      {"print_login_codes",
       kManagers,
       {"POST", "/api/v1/users/credentials", R"({"user_ids":[987654]})"},
       std::nullopt,
       400},
      {"export_users",
       kManagers,
       {"GET", "/api/v1/users/export?county=92", ""},
       Probe{"GET", "/api/v1/users/export?county=32", ""},
       200,
       401,
       RefusedOutside(kManagers)},
      {"readiness",
       {Role::kAdmin, Role::kOrganizer, Role::kAnalyst},
       {"GET", "/api/v1/readiness?county=92", ""},
       Probe{"GET", "/api/v1/readiness?county=32", ""},
       200,
       401,
       {{Role::kOrganizer, false, 403}}},
      {"list_audit", {Role::kAdmin}, {"GET", "/api/v1/audit", ""}, std::nullopt, 200},
      {"poll_book_pdf",
       kPollBookReaders,
       {"GET", "/api/v1/precincts/92/01-07/poll-book.pdf", ""},
       Probe{"GET", "/api/v1/precincts/32/01/poll-book.pdf", ""},
       200,
       401,
       RefusedOutside(kPollBookReaders)},
      {"poll_book_csv",
       kPollBookReaders,
       {"GET", "/api/v1/precincts/92/01-07/poll-book.csv", ""},
       Probe{"GET", "/api/v1/precincts/32/01/poll-book.csv", ""},
       200,
       401,
       RefusedOutside(kPollBookReaders)},
      // A strike outside her scope is refused per item inside a 200 answer.
      {"record_strikes",
       kPollBookReaders,
       {"POST", "/api/v1/strikes", R"({"voter_id":"NC100","idempotency_key":"matrix-in-0001"})"},
       Probe{"POST", "/api/v1/strikes",
             R"({"voter_id":"NC104","idempotency_key":"matrix-out-0001"})"},
       200},
      // NC101 is never struck: 404 inside the scope, 403 before the store is asked outside.
      // NC104 was struck by the admin's out-of-scope probe of record_strikes, so her undo of
      // it works.
      {"undo_strike",
       kPollBookReaders,
       {"POST", "/api/v1/strikes/undo", R"({"voter_id":"NC101","reason":"wrong voter"})"},
       Probe{"POST", "/api/v1/strikes/undo", R"({"voter_id":"NC104","reason":"wrong voter"})"},
       404,
       401,
       RefusedOutside(kPollBookReaders, {{Role::kAdmin, false, 200}})},
      {"get_turnout",
       {Role::kAdmin, Role::kOrganizer, Role::kAnalyst},
       {"GET", "/api/v1/turnout?county=92", ""},
       Probe{"GET", "/api/v1/turnout?county=32", ""},
       200,
       401,
       {{Role::kOrganizer, false, 403}}},
      {"turnout_events",
       {Role::kAdmin, Role::kOrganizer, Role::kAnalyst},
       {"GET", "/api/v1/turnout/events?county=92", ""},
       Probe{"GET", "/api/v1/turnout/events?county=32", ""},
       200,
       401,
       {{Role::kOrganizer, false, 403}}},
      {"turnout_changes",
       {Role::kAdmin, Role::kOrganizer, Role::kAnalyst},
       {"GET", "/api/v1/turnout/changes?wait=0", ""},
       std::nullopt,
       200},
      {"gotv_list",
       kPollBookReaders,
       {"GET", "/api/v1/precincts/92/01-07/gotv", ""},
       Probe{"GET", "/api/v1/precincts/32/01/gotv", ""},
       200,
       401,
       RefusedOutside(kPollBookReaders)},
      {"gotv_csv",
       kPollBookReaders,
       {"GET", "/api/v1/precincts/92/01-07/gotv.csv", ""},
       Probe{"GET", "/api/v1/precincts/32/01/gotv.csv", ""},
       200,
       401,
       RefusedOutside(kPollBookReaders)},
      {"gotv_pdf",
       kPollBookReaders,
       {"GET", "/api/v1/precincts/92/01-07/gotv.pdf", ""},
       Probe{"GET", "/api/v1/precincts/32/01/gotv.pdf", ""},
       200,
       401,
       RefusedOutside(kPollBookReaders)},
      // Universes: the admin's probes run first and save universe 1 (county 92) and 2
      // (county 32), then make list 1 of universe 1 and list 2 of universe 2.
      {"list_elections", kPlanners, {"GET", "/api/v1/elections", ""}, std::nullopt, 200},
      {"count_universe",
       kPlanners,
       {"POST", "/api/v1/universes/count", R"({"criteria":{"counties":["92"]}})"},
       Probe{"POST", "/api/v1/universes/count", R"({"criteria":{"counties":["32"]}})"},
       200,
       401,
       {{Role::kOrganizer, false, 403}}},
      {"list_universes", kPlanners, {"GET", "/api/v1/universes", ""}, std::nullopt, 200},
      {"save_universe",
       kManagers,
       {"POST", "/api/v1/universes", R"({"name":"m92","criteria":{"counties":["92"]}})"},
       Probe{"POST", "/api/v1/universes", R"({"name":"m32","criteria":{"counties":["32"]}})"},
       201,
       401,
       {{Role::kOrganizer, false, 403}}},
      {"get_universe",
       kPlanners,
       {"GET", "/api/v1/universes/1", ""},
       Probe{"GET", "/api/v1/universes/2", ""},
       200,
       401,
       {{Role::kOrganizer, false, 403}}},
      {"make_list",
       kManagers,
       {"POST", "/api/v1/universes/1/lists", ""},
       Probe{"POST", "/api/v1/universes/2/lists", ""},
       201,
       401,
       {{Role::kOrganizer, false, 403}}},
      {"list_voters",
       kManagers,
       {"GET", "/api/v1/lists/1/voters", ""},
       Probe{"GET", "/api/v1/lists/2/voters", ""},
       200,
       401,
       {{Role::kOrganizer, false, 403}}},
      // A contact outside her scope is refused per item inside a 200 answer, as a strike.
      {"record_contacts",
       kTurfReaders,
       {"POST", "/api/v1/contacts",
        R"({"voter_id":"NC100","idempotency_key":"matrix-contact-in","result":"NH"})"},
       Probe{"POST", "/api/v1/contacts",
             R"({"voter_id":"NC104","idempotency_key":"matrix-contact-out","result":"NH"})"},
       200},
      {"voter_contacts",
       kManagers,
       {"GET", "/api/v1/voters/NC100/contacts", ""},
       Probe{"GET", "/api/v1/voters/NC104/contacts", ""},
       200,
       401,
       {{Role::kOrganizer, false, 403}}},
      {"result_codes", kEveryone, {"GET", "/api/v1/result-codes", ""}, std::nullopt, 200},
      {"field_book", kEveryone, {"GET", "/api/v1/field-book", ""}, std::nullopt, 200},
      // Saving the book it already is answers its version: the matrix may call it again.
      {"save_field_book",
       RoleSet{Role::kAdmin},
       {"PUT", "/api/v1/field-book", R"({"base_version":0,"book":{}})"},
       std::nullopt,
       200},
      // A canvasser lists her own turfs whatever county she names.
      {"list_turfs",
       kTurfReaders,
       {"GET", "/api/v1/turfs?county=92", ""},
       Probe{"GET", "/api/v1/turfs?county=32", ""},
       200,
       401,
       {{Role::kOrganizer, false, 403}}},
      {"turf_activity",
       kManagers,
       {"GET", "/api/v1/turfs/{turf_in}/activity", ""},
       Probe{"GET", "/api/v1/turfs/{turf_out}/activity", ""},
       200,
       401,
       RefusedOutside(kManagers)},
      {"get_turf",
       kTurfReaders,
       {"GET", "/api/v1/turfs/{turf_in}", ""},
       Probe{"GET", "/api/v1/turfs/{turf_out}", ""},
       200,
       401,
       RefusedOutside(kTurfReaders)},
      {"list_call_lists", kCallers, {"GET", "/api/v1/call-lists", ""}, std::nullopt, 200},
      // A list of a voter list that does not exist: the probe stops after the access check.
      {"create_call_list",
       kManagers,
       {"POST", "/api/v1/call-lists", R"({"name":"matrix","list_id":987654})"},
       std::nullopt,
       404},
      {"get_call_list",
       kCallers,
       {"GET", "/api/v1/call-lists/{call_in}", ""},
       Probe{"GET", "/api/v1/call-lists/{call_out}", ""},
       200,
       401,
       kCallerOutside},
      {"set_call_list_callers",
       kManagers,
       {"PUT", "/api/v1/call-lists/{call_out}/callers", R"({"user_ids":[]})"},
       std::nullopt,
       200},
      {"claim_call",
       kCallers,
       {"POST", "/api/v1/call-lists/{call_in}/claim", ""},
       Probe{"POST", "/api/v1/call-lists/{call_out}/claim", ""},
       200,
       401,
       kCallerOutside},
      // Nobody holds a place that does not exist: 409 for whoever may ask.
      {"renew_call",
       kCallers,
       {"POST", "/api/v1/call-lists/{call_in}/calls/999/renew", ""},
       Probe{"POST", "/api/v1/call-lists/{call_out}/calls/999/renew", ""},
       409,
       401,
       kCallerOutside},
      {"record_call",
       kCallers,
       {"POST", "/api/v1/call-lists/{call_in}/calls/999/result",
        R"({"voter_id":"NC100","idempotency_key":"matrix-call","result":"NH"})"},
       Probe{"POST", "/api/v1/call-lists/{call_out}/calls/999/result",
             R"({"voter_id":"NC104","idempotency_key":"matrix-call-out","result":"NH"})"},
       404,
       401,
       kCallerOutside},
      // The do-not-contact list is the campaign's: managers only, not narrowed to counties.
      {"list_do_not_contact", kManagers, {"GET", "/api/v1/do-not-contact", ""}, std::nullopt, 200},
      {"add_do_not_contact",
       kManagers,
       {"POST", "/api/v1/do-not-contact",
        R"({"scope":"phone","channels":"phone","source":"matrix","entries":["919-555-0199"]})"},
       std::nullopt,
       201},
      // A batch that does not exist: the probe stops after the access check.
      {"undo_do_not_contact",
       kManagers,
       {"POST", "/api/v1/do-not-contact/987654/undo", ""},
       std::nullopt,
       404},
      {"export_do_not_contact",
       kManagers,
       {"GET", "/api/v1/do-not-contact/export?channels=phone", ""},
       std::nullopt,
       200},
  };
}

bool SameRoles(RoleSet a, RoleSet b) {
  return a.roles() == b.roles();
}

std::string Fill(std::string target, const AccessWorld& world) {
  for (auto [key, number] : {std::pair<std::string, std::string>{"{turf_in}", world.turf_in()},
                             std::pair<std::string, std::string>{"{turf_out}", world.turf_out()}}) {
    if (size_t at = target.find(key); at != std::string::npos)
      target.replace(at, key.size(), number);
  }
  for (auto [key, id] : {std::pair<std::string, int64_t>{"{in}", world.target_in().id},
                         std::pair<std::string, int64_t>{"{out}", world.target_out().id},
                         std::pair<std::string, int64_t>{"{call_in}", world.call_in()},
                         std::pair<std::string, int64_t>{"{call_out}", world.call_out()}}) {
    if (size_t at = target.find(key); at != std::string::npos) {
      target.replace(at, key.size(), std::to_string(id));
    }
  }
  return target;
}

enum class TokenState { kNone, kValid, kExpired, kRevoked };
constexpr TokenState kTokenStates[] = {TokenState::kNone, TokenState::kValid, TokenState::kExpired,
                                       TokenState::kRevoked};

std::string_view TokenStateName(TokenState s) {
  switch (s) {
    case TokenState::kNone: return "no token";
    case TokenState::kValid: return "valid token";
    case TokenState::kExpired: return "expired token";
    case TokenState::kRevoked: return "revoked token";
  }
  return "?";
}

int Expected(const Route& route, const RouteCase& c, Role role, bool in_scope, TokenState token) {
  const bool is_public = route.auth.level == AuthRequirement::Level::kPublic;
  if (token != TokenState::kValid) return is_public ? c.anonymous : 401;
  if (!route.auth.Admits(role)) return 403;
  for (const Exception& e : c.exceptions) {
    if (e.role == role && e.in_scope == in_scope) return e.status;
  }
  return c.ok;
}

TEST(AccessMatrixTest, EveryRouteEveryRoleEveryScopeEveryTokenState) {
  AccessWorld world;
  // Expired tokens first, then time moves past their lifetime; revoked ones are ended at once.
  std::map<Role, std::string> expired, revoked, valid;
  for (Role role : kAllRoles) expired[role] = world.Token(role);
  world.clock().Advance(AuthOptions{}.session_lifetime + std::chrono::hours(1));
  for (Role role : kAllRoles) {
    revoked[role] = world.Token(role);
    Result<Principal> p = world.auth().Authenticate(revoked[role]);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ASSERT_TRUE(world.auth().Revoke(*p).ok());
  }

  const std::vector<RouteCase> cases = Cases();
  std::set<std::string> covered;
  int cells = 0;
  for (const Route& route : world.router().routes()) {
    const RouteCase* c = nullptr;
    for (const RouteCase& candidate : cases) {
      if (candidate.name == route.name) c = &candidate;
    }
    if (c == nullptr) {
      ADD_FAILURE() << "route " << route.name << " (" << route.method << " " << route.pattern
                    << ") has no row in the access matrix: write down who may call it";
      continue;
    }
    covered.insert(route.name);
    const bool is_public = route.auth.level == AuthRequirement::Level::kPublic;
    EXPECT_EQ(is_public, c->roles.empty()) << route.name << ": public in one place only";
    if (!is_public) {
      EXPECT_TRUE(SameRoles(route.auth.roles, c->roles))
          << route.name << ": the route admits other roles than the policy says";
    }
    for (Role role : kAllRoles) {
      for (bool in_scope : {true, false}) {
        const Probe& probe = in_scope || !c->out_of_scope ? c->in_scope : *c->out_of_scope;
        for (TokenState state : kTokenStates) {
          std::string token;
          switch (state) {
            case TokenState::kNone: break;
            case TokenState::kValid:
              if (valid[role].empty()) valid[role] = world.Token(role);
              token = valid[role];
              break;
            case TokenState::kExpired: token = expired[role]; break;
            case TokenState::kRevoked: token = revoked[role]; break;
          }
          const int want = Expected(route, *c, role, in_scope, state);
          HttpResponse r = world.Send(probe.method, Fill(probe.target, world), token, probe.body);
          ++cells;
          EXPECT_EQ(r.status, want)
              << route.name << " as " << RoleName(role) << ", "
              << (in_scope ? "in scope" : "out of scope") << ", " << TokenStateName(state) << ": "
              << probe.method << " " << probe.target << "\n"
              << r.body;
          if (r.status == 401) {
            EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer") << route.name;
          }
          if (state == TokenState::kValid && c->ends_session && r.status < 300) valid[role].clear();
        }
      }
    }
  }
  for (const RouteCase& c : cases) {
    EXPECT_TRUE(covered.contains(c.name)) << "matrix row " << c.name << " names no route";
  }
  EXPECT_EQ(cells, static_cast<int>(world.router().routes().size()) * 6 * 2 * 4);
}

}  // namespace
}  // namespace narwhal
