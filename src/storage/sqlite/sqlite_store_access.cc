// SqliteStore: volunteers, login codes, sessions, activity, the audit log and readiness
// (the "volunteers, credentials and access" part of Store). Schema version 4 (schema.cc).
//
// Every write runs as one job of the WriteQueue, so it is one atomic unit committed by the
// single writer: two concurrent redemptions of one code are serialised, and the second
// finds the code used. Times are stored as integer unix milliseconds (UTC).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "storage/search_cursor.h"
#include "storage/sqlite/sqlite_store_impl.h"

namespace narwhal::sqlite {
namespace {

constexpr int kMaxListLimit = 1000;

void BindTime(Statement& s, int index, const std::optional<TimePoint>& t) {
  if (t) {
    s.BindInt64(index, ToMillis(*t));
  } else {
    s.BindNull(index);
  }
}

std::optional<TimePoint> ColumnTime(const Statement& s, int index) {
  if (s.ColumnIsNull(index)) return std::nullopt;
  return FromMillis(s.ColumnInt64(index));
}

// ISO 8601 text for the User struct, empty when not set.
std::string ColumnIso(const Statement& s, int index) {
  if (s.ColumnIsNull(index)) return "";
  return FormatIso8601(FromMillis(s.ColumnInt64(index)));
}

// --- users ----------------------------------------------------------------------------

#define NARWHAL_USER_COLUMNS                                                               \
  "id, name, phone, email, role, field_office, created_at, first_login_at, last_seen_at, " \
  "disabled, "                                                                             \
  "code_tested_at"

Result<User> ReadUser(const Statement& s, int first_column) {
  const int c = first_column;
  User u;
  u.id = s.ColumnInt64(c);
  u.name = s.ColumnString(c + 1);
  u.phone = s.ColumnString(c + 2);
  u.email = s.ColumnString(c + 3);
  std::optional<Role> role = RoleFromName(s.ColumnText(c + 4));
  if (!role) {
    return DataLoss("user " + std::to_string(u.id) + " has an unknown role '" +
                    s.ColumnString(c + 4) + "'");
  }
  u.role = *role;
  u.field_office = s.ColumnString(c + 5);
  u.created_at = ColumnIso(s, c + 6);
  u.first_login_at = ColumnIso(s, c + 7);
  u.last_seen_at = ColumnIso(s, c + 8);
  u.disabled = s.ColumnInt64(c + 9) != 0;
  u.code_tested_at = ColumnIso(s, c + 10);
  return u;
}

// Fills u.scope from user_scopes, in the order the entries were given.
Status LoadScope(Connection& db, User& u) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q,
                           db.Prepare("SELECT kind, county, precinct, turf FROM user_scopes "
                                      "WHERE user_id = ?1 ORDER BY rowid"));
  q->BindInt64(1, u.id);
  u.scope = Scope();
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    const std::string_view kind = q->ColumnText(0);
    if (kind == "county") {
      u.scope.counties.push_back(q->ColumnString(1));
    } else if (kind == "precinct") {
      u.scope.precincts.push_back(PrecinctKey{q->ColumnString(1), q->ColumnString(2)});
    } else {
      u.scope.turfs.push_back(q->ColumnString(3));
    }
  }
  return Status::Ok();
}

Status ValidateNewUser(const NewUser& u) {
  if (u.name.empty()) return InvalidArgument("a user needs a name");
  for (const std::string& county : u.scope.counties) {
    if (county.empty()) return InvalidArgument("a county in a scope needs its code");
  }
  for (const PrecinctKey& p : u.scope.precincts) {
    if (p.county.empty() || p.precinct.empty()) {
      return InvalidArgument("a precinct in a scope needs its county and precinct codes");
    }
  }
  for (const std::string& turf : u.scope.turfs) {
    if (turf.empty()) return InvalidArgument("a turf in a scope needs its id");
  }
  return Status::Ok();
}

Status ValidateLimit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(kMaxListLimit));
  }
  return Status::Ok();
}

// The SQL of one ListUsers shape, from fixed fragments; values are bound. Parameters:
// ?1 county, ?2 precinct, ?3 role, ?4 field office, ?5 cursor id, ?6 limit.
std::string ListUsersSql(const UserFilter& f, bool has_cursor) {
  std::string sql = "SELECT " NARWHAL_USER_COLUMNS " FROM users WHERE 1";
  if (!f.precinct.empty()) {
    sql +=
        " AND id IN (SELECT user_id FROM user_scopes WHERE county = ?1 AND precinct = ?2 "
        "AND kind = 'precinct')";
  } else if (!f.county.empty()) {
    sql += " AND id IN (SELECT user_id FROM user_scopes WHERE county = ?1)";
  }
  if (f.role) sql += " AND role = ?3";
  if (!f.field_office.empty()) sql += " AND field_office = ?4";
  if (has_cursor) sql += " AND id > ?5";
  sql += " ORDER BY id LIMIT ?6";
  return sql;
}

// --- login codes and sessions -----------------------------------------------------------

#define NARWHAL_CODE_COLUMNS                                                      \
  "selector, user_id, secret_hash, issued_at, expires_at, used_at, replaced_at, " \
  "failed_attempts, locked_until"

LoginCodeRecord ReadCode(const Statement& s) {
  LoginCodeRecord c;
  c.selector = s.ColumnString(0);
  c.user_id = s.ColumnInt64(1);
  c.secret_hash = s.ColumnString(2);
  c.issued_at = FromMillis(s.ColumnInt64(3));
  c.expires_at = FromMillis(s.ColumnInt64(4));
  c.used_at = ColumnTime(s, 5);
  c.replaced_at = ColumnTime(s, 6);
  c.failed_attempts = static_cast<int>(s.ColumnInt64(7));
  c.locked_until = ColumnTime(s, 8);
  return c;
}

// The code `selector` as the connection sees it now; kNotFound when unknown.
Result<LoginCodeRecord> SelectCode(Connection& db, const std::string& selector) {
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db.Prepare("SELECT " NARWHAL_CODE_COLUMNS
                                                         " FROM login_codes WHERE selector = ?1"));
  q->BindText(1, selector);
  NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) return NotFound("unknown login code");
  return ReadCode(*q);
}

#undef NARWHAL_CODE_COLUMNS

// --- audit ------------------------------------------------------------------------------

// The SQL of one ListAudit shape. Parameters: ?1 user id, ?2 action, ?3 target, ?4 since,
// ?5 until, ?6 cursor id, ?7 limit.
std::string ListAuditSql(const AuditQuery& q, bool has_cursor) {
  std::string sql =
      "SELECT id, at, user_id, action, target, detail, request_id, remote_addr FROM audit_log "
      "WHERE 1";
  if (q.user_id != 0) sql += " AND user_id = ?1";
  if (!q.action.empty()) sql += " AND action = ?2";
  if (!q.target.empty()) sql += " AND target = ?3";
  if (q.since) sql += " AND at >= ?4";
  if (q.until) sql += " AND at < ?5";
  if (has_cursor) sql += " AND id < ?6";
  sql += " ORDER BY id DESC LIMIT ?7";
  return sql;
}

}  // namespace

// --- users ------------------------------------------------------------------------------

namespace {

// Writes the scope rows of user `id`.
Status InsertScope(Connection& db, int64_t id, const Scope& scope) {
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement insert,
      db.Prepare("INSERT INTO user_scopes(user_id, kind, county, precinct, turf) "
                 "VALUES(?1, ?2, ?3, ?4, ?5)"));
  auto add = [&](std::string_view kind, std::string_view county, std::string_view precinct,
                 std::string_view turf) -> Status {
    insert->BindInt64(1, id);
    insert->BindText(2, kind);
    insert->BindText(3, county);
    insert->BindText(4, precinct);
    insert->BindText(5, turf);
    Status st = insert->Run();
    insert->Reset();
    return st;
  };
  for (const std::string& c : scope.counties) NARWHAL_RETURN_IF_ERROR(add("county", c, "", ""));
  for (const PrecinctKey& p : scope.precincts) {
    NARWHAL_RETURN_IF_ERROR(add("precinct", p.county, p.precinct, ""));
  }
  for (const std::string& t : scope.turfs) NARWHAL_RETURN_IF_ERROR(add("turf", "", "", t));
  return Status::Ok();
}

Result<int64_t> InsertUser(Connection& db, const NewUser& user, int64_t now) {
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement insert,
      db.Prepare("INSERT INTO users(name, phone, email, role, field_office, created_at) "
                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
  insert->BindText(1, user.name);
  insert->BindText(2, user.phone);
  insert->BindText(3, user.email);
  insert->BindText(4, RoleName(user.role));
  insert->BindText(5, user.field_office);
  insert->BindInt64(6, now);
  NARWHAL_RETURN_IF_ERROR(insert->Run());
  const int64_t id = db.LastInsertRowid();
  NARWHAL_RETURN_IF_ERROR(InsertScope(db, id, user.scope));
  return id;
}

User CreatedUser(int64_t id, const NewUser& user, int64_t now) {
  User out;
  out.id = id;
  out.name = user.name;
  out.phone = user.phone;
  out.email = user.email;
  out.role = user.role;
  out.scope = user.scope;
  out.field_office = user.field_office;
  out.created_at = FormatIso8601(FromMillis(now));
  return out;
}

}  // namespace

Result<User> SqliteStore::CreateUser(const NewUser& user) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<User> created, CreateUsers(std::span(&user, 1)));
  return std::move(created.front());
}

Result<std::vector<User>> SqliteStore::CreateUsers(std::span<const NewUser> users) {
  for (const NewUser& u : users) NARWHAL_RETURN_IF_ERROR(ValidateNewUser(u));
  const int64_t now = ToMillis(clock_->Now());
  std::vector<User> out;
  Status s = writer_->Submit([&](Connection& db) -> Status {
    out.clear();
    out.reserve(users.size());
    for (const NewUser& u : users) {
      NARWHAL_ASSIGN_OR_RETURN(int64_t id, InsertUser(db, u, now));
      out.push_back(CreatedUser(id, u, now));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<User> SqliteStore::UpdateUser(int64_t user_id, const NewUser& user) {
  NARWHAL_RETURN_IF_ERROR(ValidateNewUser(user));
  NARWHAL_RETURN_IF_ERROR(writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement update,
        db.Prepare("UPDATE users SET name = ?2, phone = ?3, email = ?4, role = ?5, "
                   "field_office = ?6 WHERE id = ?1"));
    update->BindInt64(1, user_id);
    update->BindText(2, user.name);
    update->BindText(3, user.phone);
    update->BindText(4, user.email);
    update->BindText(5, RoleName(user.role));
    update->BindText(6, user.field_office);
    NARWHAL_RETURN_IF_ERROR(update->Run());
    if (db.Changes() == 0) return NotFound("user " + std::to_string(user_id) + " does not exist");
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement clear,
                             db.Prepare("DELETE FROM user_scopes WHERE user_id = ?1"));
    clear->BindInt64(1, user_id);
    NARWHAL_RETURN_IF_ERROR(clear->Run());
    return InsertScope(db, user_id, user.scope);
  }));
  return GetUser(user_id);
}

Result<User> SqliteStore::GetUser(int64_t user_id) {
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  User user;
  {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement q, db->Prepare("SELECT " NARWHAL_USER_COLUMNS " FROM users WHERE id = ?1"));
    q->BindInt64(1, user_id);
    NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
    if (!found) return NotFound("user " + std::to_string(user_id) + " does not exist");
    NARWHAL_ASSIGN_OR_RETURN(user, ReadUser(*q, 0));
  }
  NARWHAL_RETURN_IF_ERROR(LoadScope(*db, user));
  return user;
}

Result<UserPage> SqliteStore::ListUsers(const UserFilter& filter) {
  NARWHAL_RETURN_IF_ERROR(ValidateLimit(filter.limit));
  if (!filter.precinct.empty() && filter.county.empty()) {
    return InvalidArgument("a precinct filter needs its county");
  }
  std::optional<int64_t> after;
  if (!filter.cursor.empty()) {
    NARWHAL_ASSIGN_OR_RETURN(after, DecodeIdCursor(filter.cursor));
  }
  const std::string_view role = filter.role ? RoleName(*filter.role) : std::string_view();
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  UserPage page;
  {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q,
                             db->Prepare(ListUsersSql(filter, after.has_value())));
    q->BindText(1, filter.county);
    q->BindText(2, filter.precinct);
    q->BindText(3, role);
    q->BindText(4, filter.field_office);
    q->BindInt64(5, after.value_or(0));
    // One more than a page tells whether another page follows.
    q->BindInt64(6, filter.limit + 1);
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      NARWHAL_ASSIGN_OR_RETURN(User u, ReadUser(*q, 0));
      page.users.push_back(std::move(u));
    }
  }
  if (page.users.size() > static_cast<size_t>(filter.limit)) {
    page.users.resize(static_cast<size_t>(filter.limit));
    page.next_cursor = EncodeIdCursor(page.users.back().id);
  }
  for (User& u : page.users) NARWHAL_RETURN_IF_ERROR(LoadScope(*db, u));
  return page;
}

Status SqliteStore::RecordCodeTest(int64_t user_id, TimePoint at) {
  return writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement update,
                             db.Prepare("UPDATE users SET code_tested_at = ?2 WHERE id = ?1"));
    update->BindInt64(1, user_id);
    update->BindInt64(2, ToMillis(at));
    NARWHAL_RETURN_IF_ERROR(update->Run());
    if (db.Changes() == 0) return NotFound("user " + std::to_string(user_id) + " does not exist");
    return Status::Ok();
  });
}

Status SqliteStore::SetUserDisabled(int64_t user_id, bool disabled) {
  return writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement update,
                             db.Prepare("UPDATE users SET disabled = ?2 WHERE id = ?1"));
    update->BindInt64(1, user_id);
    update->BindInt64(2, disabled ? 1 : 0);
    NARWHAL_RETURN_IF_ERROR(update->Run());
    if (db.Changes() == 0) return NotFound("user " + std::to_string(user_id) + " does not exist");
    return Status::Ok();
  });
}

// --- login codes --------------------------------------------------------------------------

Status SqliteStore::PutLoginCode(const LoginCodeRecord& code) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<size_t> taken, PutLoginCodes(std::span(&code, 1)));
  if (!taken.empty()) return Status(ErrorCode::kAlreadyExists, "login code selector already used");
  return Status::Ok();
}

Result<std::vector<size_t>> SqliteStore::PutLoginCodes(std::span<const LoginCodeRecord> codes) {
  for (const LoginCodeRecord& code : codes) {
    if (code.selector.empty() || code.secret_hash.empty()) {
      return InvalidArgument("a login code needs a selector and a secret hash");
    }
  }
  std::vector<size_t> taken;
  NARWHAL_RETURN_IF_ERROR(writer_->Submit([&](Connection& db) -> Status {
    taken.clear();
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement user, db.Prepare("SELECT 1 FROM users WHERE id = ?1"));
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement used,
                             db.Prepare("SELECT 1 FROM login_codes WHERE selector = ?1"));
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement replace,
        db.Prepare("UPDATE login_codes SET replaced_at = ?2 "
                   "WHERE user_id = ?1 AND used_at IS NULL AND replaced_at IS NULL"));
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement insert,
        db.Prepare("INSERT INTO login_codes(selector, user_id, secret_hash, issued_at, "
                   "expires_at, used_at, replaced_at, failed_attempts, locked_until) "
                   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    for (size_t i = 0; i < codes.size(); ++i) {
      const LoginCodeRecord& code = codes[i];
      user->Reset();
      user->BindInt64(1, code.user_id);
      NARWHAL_ASSIGN_OR_RETURN(bool found, user->Step());
      if (!found) return NotFound("user " + std::to_string(code.user_id) + " does not exist");
      used->Reset();
      used->BindText(1, code.selector);
      NARWHAL_ASSIGN_OR_RETURN(bool is_used, used->Step());
      if (is_used) {
        taken.push_back(i);
        continue;
      }
      replace->Reset();
      replace->BindInt64(1, code.user_id);
      replace->BindInt64(2, ToMillis(code.issued_at));
      NARWHAL_RETURN_IF_ERROR(replace->Run());
      insert->Reset();
      insert->BindText(1, code.selector);
      insert->BindInt64(2, code.user_id);
      insert->BindText(3, code.secret_hash);
      insert->BindInt64(4, ToMillis(code.issued_at));
      insert->BindInt64(5, ToMillis(code.expires_at));
      BindTime(*insert, 6, code.used_at);
      BindTime(*insert, 7, code.replaced_at);
      insert->BindInt64(8, code.failed_attempts);
      BindTime(*insert, 9, code.locked_until);
      NARWHAL_RETURN_IF_ERROR(insert->Run());
    }
    return Status::Ok();
  }));
  return taken;
}

Result<LoginCodeRecord> SqliteStore::GetLoginCode(const std::string& selector) {
  ReaderPool::Lease db = readers_->Acquire();
  return SelectCode(*db, selector);
}

Result<LoginCodeRecord> SqliteStore::RecordLoginFailure(const std::string& selector,
                                                        int max_attempts, TimePoint lock_until) {
  if (max_attempts < 1) return InvalidArgument("max_attempts must be at least 1");
  LoginCodeRecord record;
  Status s = writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement update,
        db.Prepare("UPDATE login_codes SET failed_attempts = failed_attempts + 1, "
                   "locked_until = CASE WHEN failed_attempts + 1 >= ?2 THEN ?3 "
                   "ELSE locked_until END WHERE selector = ?1"));
    update->BindText(1, selector);
    update->BindInt64(2, max_attempts);
    update->BindInt64(3, ToMillis(lock_until));
    NARWHAL_RETURN_IF_ERROR(update->Run());
    if (db.Changes() == 0) return NotFound("unknown login code");
    NARWHAL_ASSIGN_OR_RETURN(record, SelectCode(db, selector));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return record;
}

Result<SessionRecord> SqliteStore::RedeemLoginCode(const std::string& selector,
                                                   const NewSession& session) {
  if (session.token_hash.empty()) return InvalidArgument("a session needs a token hash");
  const int64_t at = ToMillis(session.created_at);
  SessionRecord record;
  Status s = writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(LoginCodeRecord code, SelectCode(db, selector));
    if (code.user_id != session.user_id) {
      return InvalidArgument("the session is for another user than the login code");
    }
    // The checks and the writes below are one job of the single writer: nothing else
    // writes between them, so a second redemption finds the code used.
    if (code.used_at) return FailedPrecondition("login code was already used");
    if (code.replaced_at) return FailedPrecondition("login code was replaced by a newer one");
    if (at >= ToMillis(code.expires_at)) {
      return FailedPrecondition("login code expired at " + FormatIso8601(code.expires_at));
    }
    if (code.locked_until && at < ToMillis(*code.locked_until)) {
      return FailedPrecondition("login code is locked until " + FormatIso8601(*code.locked_until));
    }
    {
      NARWHAL_ASSIGN_OR_RETURN(ScopedStatement user,
                               db.Prepare("SELECT disabled FROM users WHERE id = ?1"));
      user->BindInt64(1, code.user_id);
      NARWHAL_ASSIGN_OR_RETURN(bool found, user->Step());
      if (!found) return NotFound("user " + std::to_string(code.user_id) + " does not exist");
      if (user->ColumnInt64(0) != 0) return FailedPrecondition("user is disabled");
    }
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement use,
        db.Prepare("UPDATE login_codes SET used_at = ?2 WHERE selector = ?1 AND used_at IS NULL"));
    use->BindText(1, selector);
    use->BindInt64(2, at);
    NARWHAL_RETURN_IF_ERROR(use->Run());
    if (db.Changes() != 1) return Internal("login code changed during its redemption");
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement insert,
        db.Prepare("INSERT INTO sessions(user_id, token_hash, created_at, expires_at, "
                   "created_from) VALUES(?1, ?2, ?3, ?4, ?5)"));
    insert->BindInt64(1, session.user_id);
    insert->BindText(2, session.token_hash);
    insert->BindInt64(3, at);
    insert->BindInt64(4, ToMillis(session.expires_at));
    insert->BindText(5, session.created_from);
    NARWHAL_RETURN_IF_ERROR(insert->Run());
    record.id = db.LastInsertRowid();
    record.user_id = session.user_id;
    record.created_at = FromMillis(at);
    record.expires_at = FromMillis(ToMillis(session.expires_at));
    record.revoked_at.reset();
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement first,
        db.Prepare(
            "UPDATE users SET first_login_at = ?2 WHERE id = ?1 AND first_login_at IS NULL"));
    first->BindInt64(1, session.user_id);
    first->BindInt64(2, at);
    return first->Run();
  });
  if (!s.ok()) return s;
  return record;
}

// --- sessions -------------------------------------------------------------------------------

Result<SessionRecord> SqliteStore::GetSessionByTokenHash(const std::string& token_hash) {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement q,
      db->Prepare("SELECT id, user_id, created_at, expires_at, revoked_at FROM sessions "
                  "WHERE token_hash = ?1"));
  q->BindText(1, token_hash);
  NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) return NotFound("unknown session");
  SessionRecord r;
  r.id = q->ColumnInt64(0);
  r.user_id = q->ColumnInt64(1);
  r.created_at = FromMillis(q->ColumnInt64(2));
  r.expires_at = FromMillis(q->ColumnInt64(3));
  r.revoked_at = ColumnTime(*q, 4);
  return r;
}

Status SqliteStore::RevokeSession(int64_t session_id, TimePoint at) {
  return writer_->Submit([&](Connection& db) -> Status {
    // A session revoked earlier keeps its first revocation time.
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement update,
        db.Prepare("UPDATE sessions SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1"));
    update->BindInt64(1, session_id);
    update->BindInt64(2, ToMillis(at));
    NARWHAL_RETURN_IF_ERROR(update->Run());
    if (db.Changes() == 0) {
      return NotFound("session " + std::to_string(session_id) + " does not exist");
    }
    return Status::Ok();
  });
}

Result<int64_t> SqliteStore::RevokeUserSessions(int64_t user_id, TimePoint at) {
  int64_t revoked = 0;
  Status s = writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement update,
        db.Prepare("UPDATE sessions SET revoked_at = ?2 "
                   "WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2"));
    update->BindInt64(1, user_id);
    update->BindInt64(2, ToMillis(at));
    NARWHAL_RETURN_IF_ERROR(update->Run());
    revoked = db.Changes();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return revoked;
}

Status SqliteStore::RecordActivity(std::span<const std::pair<int64_t, TimePoint>> seen) {
  if (seen.empty()) return Status::Ok();
  return writer_->Submit([&](Connection& db) -> Status {
    // Only moves forward, and writes nothing for a user already seen later.
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement update,
        db.Prepare("UPDATE users SET last_seen_at = ?2 "
                   "WHERE id = ?1 AND (last_seen_at IS NULL OR last_seen_at < ?2)"));
    for (const auto& [user_id, at] : seen) {
      update->BindInt64(1, user_id);
      update->BindInt64(2, ToMillis(at));
      Status st = update->Run();
      update->Reset();
      NARWHAL_RETURN_IF_ERROR(st);
    }
    return Status::Ok();
  });
}

// --- audit ------------------------------------------------------------------------------------

Status SqliteStore::AppendAudit(std::span<const AuditEvent> events) {
  for (const AuditEvent& e : events) {
    if (e.action.empty()) return InvalidArgument("an audit event needs an action");
  }
  if (events.empty()) return Status::Ok();
  return writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement insert,
        db.Prepare("INSERT INTO audit_log(at, user_id, action, target, detail, request_id, "
                   "remote_addr) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    for (const AuditEvent& e : events) {
      insert->BindInt64(1, ToMillis(e.at));
      insert->BindInt64(2, e.user_id);
      insert->BindText(3, e.action);
      insert->BindText(4, e.target);
      insert->BindText(5, e.detail);
      insert->BindText(6, e.request_id);
      insert->BindText(7, e.remote_addr);
      Status st = insert->Run();
      insert->Reset();
      NARWHAL_RETURN_IF_ERROR(st);
    }
    return Status::Ok();
  });
}

Result<AuditPage> SqliteStore::ListAudit(const AuditQuery& query) {
  NARWHAL_RETURN_IF_ERROR(ValidateLimit(query.limit));
  std::optional<int64_t> before;
  if (!query.cursor.empty()) {
    NARWHAL_ASSIGN_OR_RETURN(before, DecodeIdCursor(query.cursor));
  }
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(ListAuditSql(query, before.has_value())));
  q->BindInt64(1, query.user_id);
  q->BindText(2, query.action);
  q->BindText(3, query.target);
  BindTime(*q, 4, query.since);
  BindTime(*q, 5, query.until);
  q->BindInt64(6, before.value_or(0));
  q->BindInt64(7, query.limit + 1);
  AuditPage page;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    AuditEvent e;
    e.id = q->ColumnInt64(0);
    e.at = FromMillis(q->ColumnInt64(1));
    e.user_id = q->ColumnInt64(2);
    e.action = q->ColumnString(3);
    e.target = q->ColumnString(4);
    e.detail = q->ColumnString(5);
    e.request_id = q->ColumnString(6);
    e.remote_addr = q->ColumnString(7);
    page.events.push_back(std::move(e));
  }
  if (page.events.size() > static_cast<size_t>(query.limit)) {
    page.events.resize(static_cast<size_t>(query.limit));
    page.next_cursor = EncodeIdCursor(page.events.back().id);
  }
  return page;
}

// --- readiness ----------------------------------------------------------------------------

Result<std::vector<ReadinessRow>> SqliteStore::GetReadiness(const std::string& county) {
  ReaderPool::Lease db = readers_->Acquire();
  ReadTransaction txn(*db);
  NARWHAL_RETURN_IF_ERROR(txn.Begin());
  std::vector<ReadinessRow> rows;
  {
    // Every precinct of the voter file, with the enabled poll watchers assigned to it
    // (NULL user columns when there is none: the precinct still shows).
    NARWHAL_ASSIGN_OR_RETURN(
        ScopedStatement q,
        db->Prepare(std::string("SELECT p.county, p.precinct, p.precinct_name, "
                                "u.id, u.name, u.phone, u.email, u.role, u.field_office, "
                                "u.created_at, u.first_login_at, u.last_seen_at, u.disabled, "
                                "u.code_tested_at "
                                "FROM precincts p "
                                "LEFT JOIN user_scopes s ON s.kind = 'precinct' "
                                "AND s.county = p.county AND s.precinct = p.precinct "
                                "LEFT JOIN users u ON u.id = s.user_id "
                                "AND u.role = 'poll_watcher' AND u.disabled = 0") +
                    (county.empty() ? "" : " WHERE p.county = ?1") +
                    " ORDER BY p.county, p.precinct, u.id"));
    if (!county.empty()) q->BindText(1, county);
    int64_t last_user = 0;
    for (;;) {
      NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      PrecinctKey key{q->ColumnString(0), q->ColumnString(1)};
      if (rows.empty() || rows.back().precinct != key) {
        ReadinessRow r;
        r.precinct = std::move(key);
        r.precinct_name = q->ColumnString(2);
        rows.push_back(std::move(r));
        last_user = 0;
      }
      if (q->ColumnIsNull(3)) continue;
      // A user assigned the same precinct twice counts once.
      const int64_t id = q->ColumnInt64(3);
      if (id == last_user) continue;
      last_user = id;
      ReadinessRow& r = rows.back();
      ++r.assigned;
      // Ready: she logged in, or tested her code.
      if (!q->ColumnIsNull(10) || !q->ColumnIsNull(13)) {
        ++r.logged_in;
        continue;
      }
      NARWHAL_ASSIGN_OR_RETURN(User u, ReadUser(*q, 3));
      r.not_logged_in.push_back(std::move(u));
    }
  }
  for (ReadinessRow& r : rows) {
    for (User& u : r.not_logged_in) NARWHAL_RETURN_IF_ERROR(LoadScope(*db, u));
  }
  return rows;
}

#undef NARWHAL_USER_COLUMNS

}  // namespace narwhal::sqlite
