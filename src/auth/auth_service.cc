#include "auth/auth_service.h"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <optional>
#include <unordered_set>

namespace narwhal {
namespace {

Status Unauthenticated(std::string message) {
  return Status(ErrorCode::kUnauthenticated, std::move(message));
}

Principal PrincipalOf(const User& user, int64_t session_id) {
  Principal p;
  p.user_id = user.id;
  p.name = user.name;
  p.role = user.role;
  p.scope = user.scope;
  p.session_id = session_id;
  return p;
}

}  // namespace

AuthService::AuthService(Store& store, const Clock& clock, AuthOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      activity_thread_([this] { WriteActivity(); }) {}

AuthService::~AuthService() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  activity_cv_.notify_all();
  activity_thread_.join();
}

void AuthService::WriteActivity() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    activity_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    std::vector<std::pair<int64_t, TimePoint>> batch;
    batch.swap(pending_activity_);
    const bool stop = stopping_;
    if (!batch.empty()) {
      lock.unlock();
      // Last-seen is advisory (readiness view); a failed write must not fail anything.
      (void)store_.RecordActivity(batch);
      lock.lock();
    }
    if (stop) return;
  }
}

Result<IssuedCode> AuthService::IssueCode(int64_t user_id) {
  NARWHAL_ASSIGN_OR_RETURN(User user, store_.GetUser(user_id));
  if (user.disabled) {
    return FailedPrecondition(fmt::format("user {} is disabled; enable her first", user_id));
  }
  // A selector collision is possible (31^4 selectors); draw again a few times.
  for (int attempt = 0; attempt < 8; ++attempt) {
    LoginCode code = GenerateLoginCode();
    NARWHAL_ASSIGN_OR_RETURN(std::string hash, HashCodeSecret(code.secret, options_.hash_cost));
    LoginCodeRecord record;
    record.selector = code.selector;
    record.user_id = user_id;
    record.secret_hash = std::move(hash);
    record.issued_at = clock_.Now();
    record.expires_at = record.issued_at + options_.code_lifetime;
    Status put = store_.PutLoginCode(record);
    if (put.code() == ErrorCode::kAlreadyExists) continue;
    NARWHAL_RETURN_IF_ERROR(put);
    return IssuedCode{std::move(user), code.display, record.expires_at};
  }
  return Internal("could not find a free login-code selector after 8 tries");
}

Result<std::vector<IssuedCode>> AuthService::IssueCodes(std::span<const User> users) {
  for (const User& u : users) {
    if (u.disabled) {
      return FailedPrecondition(fmt::format("user {} is disabled; enable her first", u.id));
    }
  }
  const TimePoint issued_at = clock_.Now();
  std::vector<LoginCode> codes(users.size());
  std::vector<LoginCodeRecord> records(users.size());
  std::vector<size_t> pending(users.size());
  for (size_t i = 0; i < users.size(); ++i) pending[i] = i;
  // A selector collision (31^4 selectors) is drawn again, a few times at most.
  for (int attempt = 0; attempt < 8 && !pending.empty(); ++attempt) {
    std::unordered_set<std::string> drawn;
    for (size_t i = 0; i < records.size(); ++i) drawn.insert(records[i].selector);
    for (size_t i : pending) {
      do {
        codes[i] = GenerateLoginCode();
      } while (!drawn.insert(codes[i].selector).second);
    }
    // Argon2id is the whole cost of a code: one hashing thread per core.
    const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1,
                                              std::max<size_t>(pending.size(), 1));
    std::vector<Status> failures(threads);
    std::atomic<size_t> next{0};
    auto hash = [&](size_t worker) {
      for (size_t k = next++; k < pending.size(); k = next++) {
        const size_t i = pending[k];
        Result<std::string> h = HashCodeSecret(codes[i].secret, options_.hash_cost);
        if (!h.ok()) {
          failures[worker] = h.status();
          return;
        }
        LoginCodeRecord& r = records[i];
        r.selector = codes[i].selector;
        r.user_id = users[i].id;
        r.secret_hash = *std::move(h);
        r.issued_at = issued_at;
        r.expires_at = issued_at + options_.code_lifetime;
      }
    };
    std::vector<std::thread> workers;
    for (size_t w = 1; w < threads; ++w) workers.emplace_back(hash, w);
    hash(0);
    for (std::thread& t : workers) t.join();
    for (const Status& f : failures) NARWHAL_RETURN_IF_ERROR(f);
    std::vector<LoginCodeRecord> batch;
    batch.reserve(pending.size());
    for (size_t i : pending) batch.push_back(records[i]);
    NARWHAL_ASSIGN_OR_RETURN(std::vector<size_t> taken, store_.PutLoginCodes(batch));
    std::vector<size_t> again;
    again.reserve(taken.size());
    for (size_t k : taken) again.push_back(pending[k]);
    for (size_t i : again) records[i].selector.clear();
    pending = std::move(again);
  }
  if (!pending.empty()) {
    return Internal("could not find free login-code selectors after 8 tries");
  }
  std::vector<IssuedCode> out;
  out.reserve(users.size());
  for (size_t i = 0; i < users.size(); ++i) {
    out.push_back(IssuedCode{users[i], codes[i].display, records[i].expires_at});
  }
  return out;
}

Result<AuthService::CheckedCode> AuthService::CheckCode(std::string_view typed_code) {
  NARWHAL_ASSIGN_OR_RETURN(LoginCode typed, ParseLoginCode(typed_code));
  const TimePoint now = clock_.Now();
  auto record = store_.GetLoginCode(typed.selector);
  if (!record.ok()) {
    if (record.status().code() == ErrorCode::kNotFound) {
      return Unauthenticated("that code is not right; check it against your sheet");
    }
    return record.status();
  }
  if (record->locked_until && *record->locked_until > now) {
    return ResourceExhausted(fmt::format(
        "too many wrong tries: this code is locked until {}; ask your organizer for a new one "
        "if you need it sooner",
        FormatUtc(*record->locked_until, "%H:%M UTC")));
  }
  if (!VerifyCodeSecret(typed.secret, record->secret_hash)) {
    auto failed = store_.RecordLoginFailure(typed.selector, options_.max_code_attempts,
                                            now + options_.lockout);
    if (failed.ok() && failed->locked_until && *failed->locked_until > now) {
      return ResourceExhausted(fmt::format(
          "too many wrong tries: this code is locked until {}; ask your organizer for a new "
          "one if you need it sooner",
          FormatUtc(*failed->locked_until, "%H:%M UTC")));
    }
    return Unauthenticated("that code is not right; check it against your sheet");
  }
  if (record->used_at) {
    return Unauthenticated(
        "this code was already used to log in; ask your organizer for a new one");
  }
  if (record->replaced_at) {
    return Unauthenticated("this code was replaced by a newer one; use the newest code you got");
  }
  if (record->expires_at <= now) {
    return Unauthenticated("this code has expired; ask your organizer for a new one");
  }
  NARWHAL_ASSIGN_OR_RETURN(User user, store_.GetUser(record->user_id));
  if (user.disabled) return Unauthenticated("this account is disabled; talk to your organizer");
  return CheckedCode{std::move(typed.selector), *std::move(record), std::move(user), now};
}

Result<CodeTest> AuthService::TestCode(std::string_view typed_code) {
  NARWHAL_ASSIGN_OR_RETURN(CheckedCode checked, CheckCode(typed_code));
  NARWHAL_RETURN_IF_ERROR(store_.RecordCodeTest(checked.user.id, checked.now));
  checked.user.code_tested_at = FormatIso8601(checked.now);
  return CodeTest{std::move(checked.user), checked.record.expires_at};
}

Result<LoginResult> AuthService::Login(std::string_view typed_code, std::string_view remote_addr) {
  NARWHAL_ASSIGN_OR_RETURN(CheckedCode checked, CheckCode(typed_code));
  const TimePoint now = checked.now;
  const User& user = checked.user;
  std::string token = GenerateSessionToken();
  NewSession session;
  session.user_id = user.id;
  session.token_hash = HashSessionToken(token);
  session.created_at = now;
  session.expires_at = now + options_.session_lifetime;
  session.created_from = std::string(remote_addr);
  auto redeemed = store_.RedeemLoginCode(checked.selector, session);
  if (!redeemed.ok()) {
    // Lost a race with another redemption, or the code expired in between.
    if (redeemed.status().code() == ErrorCode::kFailedPrecondition) {
      return Unauthenticated(redeemed.status().message());
    }
    return redeemed.status();
  }
  LoginResult result;
  result.token = std::move(token);
  result.session = *redeemed;
  result.principal = PrincipalOf(user, redeemed->id);
  return result;
}

Result<Principal> AuthService::Authenticate(std::string_view token) {
  if (token.size() < 8 || token.size() > 128 || token.substr(0, 3) != "nw_") {
    return Unauthenticated("the bearer token is not a Narwhal token");
  }
  const std::string hash = HashSessionToken(token);
  const auto mono = clock_.Monotonic();
  const TimePoint now = clock_.Now();
  std::optional<Principal> fallback;  // while the store is away
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      if (it->second.expires_at <= now) {
        cache_.erase(it);
      } else if (mono - it->second.fetched < options_.cache_ttl) {
        return it->second.principal;
      } else if (mono - it->second.fetched < options_.outage_grace) {
        fallback = it->second.principal;
      }
    }
  }
  auto store_away = [](const Status& s) {
    return s.code() == ErrorCode::kUnavailable || s.code() == ErrorCode::kDeadlineExceeded;
  };
  auto session = store_.GetSessionByTokenHash(hash);
  if (!session.ok()) {
    if (session.status().code() == ErrorCode::kNotFound) {
      std::lock_guard<std::mutex> lock(mu_);
      cache_.erase(hash);
      return Unauthenticated("this session is not known; log in again");
    }
    if (fallback && store_away(session.status())) return *fallback;
    return session.status();
  }
  if (session->revoked_at || session->expires_at <= now) {
    std::lock_guard<std::mutex> lock(mu_);
    cache_.erase(hash);
  }
  if (session->revoked_at) return Unauthenticated("this session was ended; log in again");
  if (session->expires_at <= now) return Unauthenticated("this session expired; log in again");
  Result<User> found = store_.GetUser(session->user_id);
  if (!found.ok()) {
    if (fallback && store_away(found.status())) return *fallback;
    return found.status();
  }
  const User& user = *found;
  if (user.disabled) {
    std::lock_guard<std::mutex> lock(mu_);
    cache_.erase(hash);
    return Unauthenticated("this account is disabled; talk to your organizer");
  }
  Principal principal = PrincipalOf(user, session->id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() > 100000) cache_.clear();  // bound memory; the store is the truth
    cache_[hash] = CachedSession{principal, session->expires_at, mono};
  }
  NoteActivity(user.id);
  return principal;
}

void AuthService::NoteActivity(int64_t user_id) {
  const auto mono = clock_.Monotonic();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = activity_.find(user_id);
    if (it != activity_.end() && mono - it->second < options_.activity_interval) return;
    activity_[user_id] = mono;
    pending_activity_.emplace_back(user_id, clock_.Now());
  }
}

void AuthService::Forget(int64_t session_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.principal.session_id == session_id) {
      it = cache_.erase(it);
    } else {
      ++it;
    }
  }
}

Status AuthService::Revoke(const Principal& principal) {
  if (principal.session_id == 0) return Unauthenticated("no session to end");
  NARWHAL_RETURN_IF_ERROR(store_.RevokeSession(principal.session_id, clock_.Now()));
  Forget(principal.session_id);
  return Status::Ok();
}

Result<int64_t> AuthService::RevokeUser(int64_t user_id) {
  NARWHAL_ASSIGN_OR_RETURN(int64_t revoked, store_.RevokeUserSessions(user_id, clock_.Now()));
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.principal.user_id == user_id) {
      it = cache_.erase(it);
    } else {
      ++it;
    }
  }
  return revoked;
}

}  // namespace narwhal
