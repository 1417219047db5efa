// While the database is away, a session confirmed shortly before is still trusted, so the
// reads the server can answer from memory (turnout, marked stale) reach their readers.
#include <gtest/gtest.h>

#include "auth/auth_service.h"
#include "auth/secrets.h"
#include "base/clock.h"
#include "test_support.h"

namespace narwhal {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(AuthOutageTest, ASessionConfirmedRecentlyIsTrustedWhileTheStoreIsAway) {
  ASSERT_TRUE(InitSecrets().ok());
  auto loaded = testing::OpenLoadedStore();
  ASSERT_NE(loaded, nullptr);
  testing::ControllableStore store(*loaded->store);
  ManualClock clock(std::chrono::system_clock::now());
  AuthService auth(store, clock, AuthOptions{});
  NewUser u;
  u.name = "Hal Headquarters";
  u.role = Role::kAdmin;
  Result<User> user = store.CreateUser(u);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  Result<IssuedCode> code = auth.IssueCode(user->id);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  Result<LoginResult> login = auth.Login(code->code, "127.0.0.1");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  ASSERT_TRUE(auth.Authenticate(login->token).ok());

  store.FailSessions(Unavailable("connection refused"));
  clock.Advance(seconds(30));  // past the cache's 5 s: the store is asked, and cannot answer
  Result<Principal> during = auth.Authenticate(login->token);
  ASSERT_TRUE(during.ok()) << during.status().ToString();
  EXPECT_EQ(during->user_id, user->id);
  // A token the server never confirmed is not let in while it cannot check.
  EXPECT_FALSE(auth.Authenticate("nw_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").ok());
  // Nor is any token past the grace period.
  clock.Advance(minutes(11));
  EXPECT_EQ(auth.Authenticate(login->token).status().code(), ErrorCode::kUnavailable);

  // Back: the store decides again, and a revoked session ends at once.
  store.FailSessions(Status::Ok());
  ASSERT_TRUE(auth.Authenticate(login->token).ok());
  ASSERT_TRUE(auth.Revoke(login->principal).ok());
  EXPECT_EQ(auth.Authenticate(login->token).status().code(), ErrorCode::kUnauthenticated);
  // An answer that is not an outage (a bug, corrupt data) is never papered over.
  clock.Advance(seconds(30));
  store.FailSessions(Internal("a bug"));
  EXPECT_EQ(auth.Authenticate(login->token).status().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace narwhal
