// AuthService: login codes, sessions and the principal behind a bearer token.
//
// The one place that decides who a caller is. The HTTP layer calls Authenticate for
// every request that needs a principal and Login for POST /api/v1/sessions; the command
// line calls IssueCode when an organizer adds volunteers. Authorization (what a principal
// may do) is not here: routes declare it and the HTTP router checks it (domain/access.h).
//
// Thread-safety: all methods are safe to call concurrently. A small cache keeps recently
// authenticated tokens for `cache_ttl`, so a revoked session stops working within that
// time on other nodes and at once on this one.
#ifndef NARWHAL_AUTH_AUTH_SERVICE_H_
#define NARWHAL_AUTH_AUTH_SERVICE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "auth/secrets.h"
#include "base/clock.h"
#include "base/status.h"
#include "domain/access.h"
#include "storage/store.h"

namespace narwhal {

struct AuthOptions {
  // Codes are printed and handed out days ahead of election day.
  std::chrono::hours code_lifetime{24 * 21};
  // A session lasts through a long election day and its night.
  std::chrono::hours session_lifetime{24 * 3};
  // Wrong secrets for one code before it locks, and for how long.
  int max_code_attempts = 5;
  std::chrono::minutes lockout{15};
  // How long Authenticate trusts a cached session before asking the store again.
  std::chrono::seconds cache_ttl{5};
  // While the store cannot answer (kUnavailable, kDeadlineExceeded), a session that was
  // confirmed within this long is still trusted, so that reads the server can answer
  // from memory (turnout, marked stale) still reach the phones and headquarters. Nothing
  // is lost to security: a revocation needs the store too.
  std::chrono::seconds outage_grace{600};
  // Last-activity is written at most this often per user.
  std::chrono::seconds activity_interval{60};
  CodeHashCost hash_cost;
};

struct IssuedCode {
  User user;
  std::string code;  // "K7QM-9XMR-T2PW": shown or printed once, never stored
  TimePoint expires_at;
};

// A code tested without being spent (AuthService::TestCode).
struct CodeTest {
  User user;             // whose code it is, as she will be logged in
  TimePoint expires_at;  // until when the code works
};

struct LoginResult {
  std::string token;  // the bearer token: returned once, never stored
  SessionRecord session;
  Principal principal;
};

class AuthService {
 public:
  // `store` and `clock` must outlive the service. InitSecrets() must have succeeded.
  AuthService(Store& store, const Clock& clock, AuthOptions options = {});
  ~AuthService();  // writes the last-activity times still pending
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  // Draws a fresh code for the user, replacing any earlier one (reissue). kNotFound for an
  // unknown user, kFailedPrecondition for a disabled one.
  Result<IssuedCode> IssueCode(int64_t user_id);
  // Fresh codes for many users at once (a sign-up sheet, a credential-sheet print): the
  // secrets are hashed on every core and the codes stored in one batch
  // (Store::PutLoginCodes), in the order given. `users` as read from the store;
  // kFailedPrecondition (nothing issued) when one of them is disabled.
  Result<std::vector<IssuedCode>> IssueCodes(std::span<const User> users);

  // Exchanges a typed code for a session. Errors, each with a message a volunteer can act
  // on: kInvalidArgument (not shaped like a code), kUnauthenticated (unknown or wrong
  // code, already used, replaced, expired, user disabled), kResourceExhausted (locked
  // after too many wrong tries; the message says until when).
  Result<LoginResult> Login(std::string_view typed_code, std::string_view remote_addr);

  // Checks a typed code as Login does — the same errors, the same count of wrong tries and
  // lockout — but does not spend it and opens no session: a volunteer tries her code days
  // before election day, sees whose it is, and keeps it for the day. Records the test on
  // the user (Store::RecordCodeTest), which readiness counts as ready.
  Result<CodeTest> TestCode(std::string_view typed_code);

  // The principal of a bearer token ("nw_..."). kUnauthenticated when the token is
  // unknown, expired or revoked, or its user disabled.
  Result<Principal> Authenticate(std::string_view token);

  // Ends the caller's session (logout).
  Status Revoke(const Principal& principal);
  // Ends every session of a user (an organizer locking out a lost phone).
  Result<int64_t> RevokeUser(int64_t user_id);

 private:
  struct CachedSession {
    Principal principal;
    TimePoint expires_at;
    std::chrono::steady_clock::time_point fetched;
  };
  // A typed code that may log in now: parsed, unlocked, its secret right (a wrong one is
  // counted), unused, unreplaced, unexpired, its user enabled.
  struct CheckedCode {
    std::string selector;
    LoginCodeRecord record;
    User user;
    TimePoint now;
  };
  Result<CheckedCode> CheckCode(std::string_view typed_code);
  void Forget(int64_t session_id);
  void NoteActivity(int64_t user_id);
  // The activity thread: writes pending last-activity times once a second, so that
  // Authenticate never waits for a commit (it may run on an I/O thread, router.h).
  void WriteActivity();

  // Constant after construction.
  Store& store_;
  const Clock& clock_;
  const AuthOptions options_;

  std::mutex mu_;
  std::unordered_map<std::string, CachedSession> cache_;  // by token hash; guarded by mu_
  std::unordered_map<int64_t, std::chrono::steady_clock::time_point>
      activity_;  // last activity written per user; guarded by mu_
  std::vector<std::pair<int64_t, TimePoint>> pending_activity_;  // guarded by mu_
  bool stopping_ = false;                                        // guarded by mu_
  std::condition_variable activity_cv_;
  std::thread activity_thread_;  // last: started once the members above exist
};

}  // namespace narwhal

#endif  // NARWHAL_AUTH_AUTH_SERVICE_H_
