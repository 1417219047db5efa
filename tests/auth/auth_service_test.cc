#include "auth/auth_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_store.h"

namespace narwhal {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitSecrets().ok());
    static std::atomic<int> n{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("narwhal_auth_" + std::to_string(getpid()) + "_" + std::to_string(n++));
    std::filesystem::create_directories(dir_);
    SqliteOptions options;
    options.path = (dir_ / "narwhal.db").string();
    auto store = OpenSqliteStore(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    AuthOptions auth;
    auth.max_code_attempts = 3;
    auth.lockout = minutes(15);
    service_ = std::make_unique<AuthService>(*store_, clock_, auth);
    NewUser u;
    u.name = "Ann Watcher";
    u.role = Role::kPollWatcher;
    u.scope.precincts = {{"92", "01-07"}};
    auto user = store_->CreateUser(u);
    ASSERT_TRUE(user.ok()) << user.status().ToString();
    user_ = *user;
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Issue() {
    auto issued = service_->IssueCode(user_.id);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return issued.ok() ? issued->code : "";
  }

  ManualClock clock_{std::chrono::system_clock::now()};
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AuthService> service_;
  User user_;
};

TEST_F(AuthServiceTest, CodeLogsInOnceAndTokenAuthenticates) {
  std::string code = Issue();
  auto login = service_->Login(code, "127.0.0.1");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->principal.user_id, user_.id);
  EXPECT_EQ(login->principal.role, Role::kPollWatcher);

  auto who = service_->Authenticate(login->token);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->name, "Ann Watcher");
  ASSERT_EQ(who->scope.precincts.size(), 1u);

  auto again = service_->Login(code, "127.0.0.1");
  EXPECT_EQ(again.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(again.status().message().find("already used"), std::string::npos);

  auto user = store_->GetUser(user_.id);
  ASSERT_TRUE(user.ok());
  EXPECT_FALSE(user->first_login_at.empty());
}

TEST_F(AuthServiceTest, WrongGuessesLockTheCode) {
  std::string code = Issue();
  std::string wrong = code;
  wrong[13] = wrong[13] == 'Z' ? 'Y' : 'Z';
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(service_->Login(wrong, "10.0.0.1").status().code(), ErrorCode::kUnauthenticated);
  }
  auto locked = service_->Login(wrong, "10.0.0.1");
  EXPECT_EQ(locked.status().code(), ErrorCode::kResourceExhausted);
  // Even the right code waits out the lock.
  EXPECT_EQ(service_->Login(code, "10.0.0.1").status().code(), ErrorCode::kResourceExhausted);
  clock_.Advance(minutes(16));
  EXPECT_TRUE(service_->Login(code, "10.0.0.1").ok());
}

TEST_F(AuthServiceTest, ReissueKillsTheOldCodeAndExpiryHolds) {
  std::string first = Issue();
  std::string second = Issue();
  auto old = service_->Login(first, "");
  EXPECT_EQ(old.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(old.status().message().find("replaced"), std::string::npos);
  clock_.Advance(hours(24 * 30));
  auto late = service_->Login(second, "");
  EXPECT_EQ(late.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(late.status().message().find("expired"), std::string::npos);
}

TEST_F(AuthServiceTest, RevokedAndExpiredSessionsStopWorking) {
  auto login = service_->Login(Issue(), "");
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(service_->Authenticate(login->token).ok());
  ASSERT_TRUE(service_->Revoke(login->principal).ok());
  EXPECT_EQ(service_->Authenticate(login->token).status().code(), ErrorCode::kUnauthenticated);

  auto second = service_->Login(Issue(), "");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(service_->Authenticate(second->token).ok());
  auto revoked = service_->RevokeUser(user_.id);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, 1);
  EXPECT_FALSE(service_->Authenticate(second->token).ok());

  auto third = service_->Login(Issue(), "");
  ASSERT_TRUE(third.ok());
  clock_.Advance(hours(24 * 4));
  EXPECT_EQ(service_->Authenticate(third->token).status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(service_->Authenticate("nw_not-a-real-token").status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(service_->Authenticate("Bearer x").status().code(), ErrorCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, ConcurrentRedemptionsOfOneCodeMakeOneSession) {
  std::string code = Issue();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      if (service_->Login(code, "").ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
}

TEST_F(AuthServiceTest, DisabledUserCannotLogIn) {
  std::string code = Issue();
  ASSERT_TRUE(store_->SetUserDisabled(user_.id, true).ok());
  EXPECT_EQ(service_->Login(code, "").status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(service_->IssueCode(user_.id).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(service_->IssueCode(99999).status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace narwhal
