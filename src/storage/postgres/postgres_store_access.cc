// PostgresStore: volunteers, credentials, sessions, the audit log and readiness.
#include <chrono>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/text.h"
#include "storage/postgres/pg_time.h"
#include "storage/postgres/postgres_store_impl.h"
#include "storage/search_cursor.h"

namespace narwhal::postgres {
namespace {

constexpr int kMaxPageLimit = 1000;

std::optional<TimePoint> OptionalTime(const Rows& r, int row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return FromNanos(r.Int64(row, col));
}

void AddOptionalTime(Params& p, const std::optional<TimePoint>& t) {
  if (t) {
    p.Add(ToNanos(*t));
  } else {
    p.AddNull();
  }
}

// The page cursor of users and audit events (search_cursor.h); 0 for the first page.
Result<int64_t> AfterId(const std::string& cursor) {
  if (cursor.empty()) return int64_t{0};
  return DecodeIdCursor(cursor);
}

Status ValidateScope(const Scope& scope) {
  for (const std::string& county : scope.counties) {
    if (county.empty()) return InvalidArgument("a county in a scope needs its code");
  }
  for (const PrecinctKey& p : scope.precincts) {
    if (p.county.empty() || p.precinct.empty()) {
      return InvalidArgument("a precinct in a scope needs its county and precinct codes");
    }
  }
  for (const std::string& turf : scope.turfs) {
    if (turf.empty()) return InvalidArgument("a turf in a scope needs its id");
  }
  return Status::Ok();
}

Status CheckLimit(int limit) {
  if (limit < 1 || limit > kMaxPageLimit) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(kMaxPageLimit));
  }
  return Status::Ok();
}

constexpr std::string_view kCodeColumns =
    "selector, user_id, secret_hash, issued_ns, expires_ns, used_ns, replaced_ns, "
    "failed_attempts, locked_until_ns";

LoginCodeRecord ReadCode(const Rows& r, int row) {
  LoginCodeRecord c;
  c.selector = r.String(row, 0);
  c.user_id = r.Int64(row, 1);
  c.secret_hash = r.String(row, 2);
  c.issued_at = FromNanos(r.Int64(row, 3));
  c.expires_at = FromNanos(r.Int64(row, 4));
  c.used_at = OptionalTime(r, row, 5);
  c.replaced_at = OptionalTime(r, row, 6);
  c.failed_attempts = static_cast<int>(r.Int64(row, 7));
  c.locked_until = OptionalTime(r, row, 8);
  return c;
}

constexpr std::string_view kSessionColumns = "id, user_id, created_ns, expires_ns, revoked_ns";

SessionRecord ReadSession(const Rows& r, int row) {
  SessionRecord s;
  s.id = r.Int64(row, 0);
  s.user_id = r.Int64(row, 1);
  s.created_at = FromNanos(r.Int64(row, 2));
  s.expires_at = FromNanos(r.Int64(row, 3));
  s.revoked_at = OptionalTime(r, row, 4);
  return s;
}

}  // namespace

Result<std::vector<User>> PostgresStore::LoadUsers(Connection& db,
                                                   const std::vector<int64_t>& ids) {
  std::vector<User> out;
  if (ids.empty()) return out;
  const std::string id_array = BigintArray(ids);
  NARWHAL_ASSIGN_OR_RETURN(
      Rows u,
      db.Exec("SELECT id, name, phone, email, role, field_office, created_at, "
              "coalesce(first_login_at, ''), last_seen_ns, disabled, coalesce(code_tested_at, '') "
              "FROM users "
              "WHERE id = ANY($1::bigint[])",
              Params().Add(id_array)));
  std::unordered_map<int64_t, User> by_id;
  for (int i = 0; i < u.size(); ++i) {
    User user;
    user.id = u.Int64(i, 0);
    user.name = u.String(i, 1);
    user.phone = u.String(i, 2);
    user.email = u.String(i, 3);
    std::optional<Role> role = RoleFromName(u.Text(i, 4));
    if (!role) return DataLoss("user " + std::to_string(user.id) + " has an unknown role");
    user.role = *role;
    user.field_office = u.String(i, 5);
    user.created_at = u.String(i, 6);
    user.first_login_at = u.String(i, 7);
    if (!u.IsNull(i, 8)) user.last_seen_at = FormatIso8601(FromNanos(u.Int64(i, 8)));
    user.disabled = u.Bool(i, 9);
    user.code_tested_at = u.String(i, 10);
    by_id.emplace(user.id, std::move(user));
  }
  NARWHAL_ASSIGN_OR_RETURN(Rows s,
                           db.Exec("SELECT user_id, kind, county, code FROM user_scope "
                                   "WHERE user_id = ANY($1::bigint[]) ORDER BY user_id, ord",
                                   Params().Add(id_array)));
  for (int i = 0; i < s.size(); ++i) {
    auto it = by_id.find(s.Int64(i, 0));
    if (it == by_id.end()) continue;
    Scope& scope = it->second.scope;
    const std::string_view kind = s.Text(i, 1);
    if (kind == "c") {
      scope.counties.push_back(s.String(i, 2));
    } else if (kind == "p") {
      scope.precincts.push_back(PrecinctKey{s.String(i, 2), s.String(i, 3)});
    } else {
      scope.turfs.push_back(s.String(i, 3));
    }
  }
  out.reserve(ids.size());
  for (int64_t id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) out.push_back(std::move(it->second));
  }
  return out;
}

namespace {

// Writes the scope rows of user `id` (in the order given).
Status InsertScope(Connection& db, int64_t id, const Scope& scope) {
  std::vector<std::string> kinds;
  std::vector<std::string> counties;
  std::vector<std::string> codes;
  for (const std::string& c : scope.counties) {
    kinds.emplace_back("c");
    counties.push_back(c);
    codes.emplace_back();
  }
  for (const PrecinctKey& p : scope.precincts) {
    kinds.emplace_back("p");
    counties.push_back(p.county);
    codes.push_back(p.precinct);
  }
  for (const std::string& t : scope.turfs) {
    kinds.emplace_back("t");
    counties.emplace_back();
    codes.push_back(t);
  }
  if (kinds.empty()) return Status::Ok();
  return db
      .Exec(
          "INSERT INTO user_scope(user_id, ord, kind, county, code) "
          "SELECT $1::bigint, t.ord, t.kind::\"char\", t.county, t.code "
          "FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY "
          "AS t(kind, county, code, ord)",
          Params().Add(id).Add(TextArray(kinds)).Add(TextArray(counties)).Add(TextArray(codes)))
      .status();
}

Status ValidateNewUser(const NewUser& user) {
  if (TrimAscii(user.name).empty()) return InvalidArgument("a user needs a name");
  return ValidateScope(user.scope);
}

}  // namespace

Result<User> PostgresStore::CreateUser(const NewUser& user) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<User> created, CreateUsers(std::span(&user, 1)));
  return std::move(created.front());
}

Result<std::vector<User>> PostgresStore::CreateUsers(std::span<const NewUser> users) {
  for (const NewUser& u : users) NARWHAL_RETURN_IF_ERROR(ValidateNewUser(u));
  const std::string now = NowText();
  // One INSERT for the users (ids in the order given) and one for their scopes.
  std::vector<std::string> names, phones, emails, roles, offices;
  for (const NewUser& u : users) {
    names.push_back(u.name);
    phones.push_back(u.phone);
    emails.push_back(u.email);
    roles.emplace_back(RoleName(u.role));
    offices.push_back(u.field_office);
  }
  std::vector<User> out;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    out.clear();
    if (users.empty()) return Status::Ok();
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r,
        db.Exec("WITH made AS (INSERT INTO users(name, phone, email, role, field_office, "
                "created_at) SELECT t.name, t.phone, t.email, t.role, t.office, $6 "
                "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) "
                "WITH ORDINALITY AS t(name, phone, email, role, office, ord) ORDER BY t.ord "
                "RETURNING id) SELECT id FROM made ORDER BY id",
                Params()
                    .Add(TextArray(names))
                    .Add(TextArray(phones))
                    .Add(TextArray(emails))
                    .Add(TextArray(roles))
                    .Add(TextArray(offices))
                    .Add(now)));
    if (static_cast<size_t>(r.size()) != users.size()) {
      return Internal("created " + std::to_string(r.size()) + " users of " +
                      std::to_string(users.size()));
    }
    std::vector<int64_t> owners;
    std::vector<std::string> kinds, counties, codes;
    std::vector<int64_t> ords;
    for (size_t i = 0; i < users.size(); ++i) {
      User created;
      created.id = r.Int64(static_cast<int>(i), 0);
      const NewUser& u = users[i];
      int64_t ord = 0;
      auto add = [&](const char* kind, const std::string& county, const std::string& code) {
        owners.push_back(created.id);
        kinds.emplace_back(kind);
        counties.push_back(county);
        codes.push_back(code);
        ords.push_back(++ord);
      };
      for (const std::string& c : u.scope.counties) add("c", c, "");
      for (const PrecinctKey& p : u.scope.precincts) add("p", p.county, p.precinct);
      for (const std::string& t : u.scope.turfs) add("t", "", t);
      created.name = u.name;
      created.phone = u.phone;
      created.email = u.email;
      created.role = u.role;
      created.scope = u.scope;
      created.field_office = u.field_office;
      created.created_at = now;
      out.push_back(std::move(created));
    }
    if (kinds.empty()) return Status::Ok();
    return db
        .Exec(
            "INSERT INTO user_scope(user_id, ord, kind, county, code) "
            "SELECT t.user_id, t.ord, t.kind::\"char\", t.county, t.code "
            "FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[]) "
            "AS t(user_id, ord, kind, county, code)",
            Params()
                .Add(BigintArray(owners))
                .Add(BigintArray(ords))
                .Add(TextArray(kinds))
                .Add(TextArray(counties))
                .Add(TextArray(codes)))
        .status();
  }));
  return out;
}

Result<User> PostgresStore::UpdateUser(int64_t user_id, const NewUser& user) {
  NARWHAL_RETURN_IF_ERROR(ValidateNewUser(user));
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec("UPDATE users SET name = $2, phone = $3, email = $4, role = $5, "
                        "field_office = $6 WHERE id = $1",
                        Params()
                            .Add(user_id)
                            .Add(user.name)
                            .Add(user.phone)
                            .Add(user.email)
                            .Add(RoleName(user.role))
                            .Add(user.field_office)));
    if (r.Affected() == 0) return NotFound("user " + std::to_string(user_id) + " does not exist");
    NARWHAL_RETURN_IF_ERROR(
        db.Exec("DELETE FROM user_scope WHERE user_id = $1", Params().Add(user_id)).status());
    return InsertScope(db, user_id, user.scope);
  }));
  return GetUser(user_id);
}

Result<User> PostgresStore::GetUser(int64_t user_id) {
  std::vector<User> users;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(users, LoadUsers(db, {user_id}));
    return Status::Ok();
  }));
  if (users.empty()) return NotFound("user " + std::to_string(user_id) + " does not exist");
  return std::move(users.front());
}

Result<UserPage> PostgresStore::ListUsers(const UserFilter& filter) {
  NARWHAL_RETURN_IF_ERROR(CheckLimit(filter.limit));
  if (!filter.precinct.empty() && filter.county.empty()) {
    return InvalidArgument("a precinct filter needs its county");
  }
  NARWHAL_ASSIGN_OR_RETURN(int64_t after, AfterId(filter.cursor));
  Params params;
  params.Add(after);
  std::string sql = "SELECT id FROM users u WHERE id > $1";
  if (filter.role) {
    params.Add(RoleName(*filter.role));
    sql += " AND role = $" + std::to_string(params.size());
  }
  if (!filter.field_office.empty()) {
    params.Add(filter.field_office);
    sql += " AND field_office = $" + std::to_string(params.size());
  }
  if (!filter.county.empty()) {
    params.Add(filter.county);
    const std::string county = "$" + std::to_string(params.size());
    if (filter.precinct.empty()) {
      sql +=
          " AND EXISTS (SELECT 1 FROM user_scope s WHERE s.user_id = u.id AND s.kind IN "
          "('c', 'p') AND s.county = " +
          county + ")";
    } else {
      params.Add(filter.precinct);
      sql +=
          " AND EXISTS (SELECT 1 FROM user_scope s WHERE s.user_id = u.id AND s.kind = 'p' "
          "AND s.county = " +
          county + " AND s.code = $" + std::to_string(params.size()) + ")";
    }
  }
  params.Add(static_cast<int64_t>(filter.limit) + 1);
  sql += " ORDER BY id LIMIT $" + std::to_string(params.size()) + "::integer";
  UserPage page;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    page = UserPage();
    NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec(sql, params));
    std::vector<int64_t> ids;
    ids.reserve(static_cast<size_t>(r.size()));
    for (int i = 0; i < r.size(); ++i) ids.push_back(r.Int64(i, 0));
    if (ids.size() > static_cast<size_t>(filter.limit)) {
      ids.resize(static_cast<size_t>(filter.limit));
      page.next_cursor = EncodeIdCursor(ids.back());
    }
    NARWHAL_ASSIGN_OR_RETURN(page.users, LoadUsers(db, ids));
    return Status::Ok();
  }));
  return page;
}

Status PostgresStore::RecordCodeTest(int64_t user_id, TimePoint at) {
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec("UPDATE users SET code_tested_at = $2 WHERE id = $1",
                                             Params().Add(user_id).Add(FormatIso8601(at))));
    if (r.Affected() == 0) return NotFound("user " + std::to_string(user_id) + " does not exist");
    return Status::Ok();
  });
}

Status PostgresStore::SetUserDisabled(int64_t user_id, bool disabled) {
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(Rows r,
                             db.Exec("UPDATE users SET disabled = $2::boolean WHERE id = $1",
                                     Params().Add(user_id).Add(disabled ? "true" : "false")));
    if (r.Affected() == 0) return NotFound("user " + std::to_string(user_id) + " does not exist");
    return Status::Ok();
  });
}

Status PostgresStore::PutLoginCode(const LoginCodeRecord& code) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<size_t> taken, PutLoginCodes(std::span(&code, 1)));
  if (!taken.empty()) return Status(ErrorCode::kAlreadyExists, "selector already used");
  return Status::Ok();
}

Result<std::vector<size_t>> PostgresStore::PutLoginCodes(std::span<const LoginCodeRecord> codes) {
  bool fresh = true;  // every code new: unused, unreplaced, unlocked (the batch path)
  std::set<std::string> selectors;
  for (const LoginCodeRecord& code : codes) {
    if (code.selector.empty() || code.secret_hash.empty()) {
      return InvalidArgument("a login code needs a selector and a secret hash");
    }
    fresh = fresh && !code.used_at && !code.replaced_at && !code.locked_until &&
            code.failed_attempts == 0 && selectors.insert(code.selector).second;
  }
  std::vector<size_t> taken;
  if (fresh && codes.size() > 1) {
    // Three statements for the whole batch: lock the users, insert the codes whose
    // selector is free, replace every other unused code of those users but the newest.
    std::vector<int64_t> user_ids;
    std::vector<std::string> sels, hashes;
    std::vector<int64_t> issued, expires;
    for (const LoginCodeRecord& c : codes) {
      user_ids.push_back(c.user_id);
      sels.push_back(c.selector);
      hashes.push_back(c.secret_hash);
      issued.push_back(ToNanos(c.issued_at));
      expires.push_back(ToNanos(c.expires_at));
    }
    std::set<int64_t> distinct(user_ids.begin(), user_ids.end());
    const std::vector<int64_t> distinct_ids(distinct.begin(), distinct.end());
    NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
      taken.clear();
      NARWHAL_ASSIGN_OR_RETURN(
          Rows u,
          db.Exec("SELECT id FROM users WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
                  Params().Add(BigintArray(distinct_ids))));
      if (static_cast<size_t>(u.size()) != distinct_ids.size()) {
        std::set<int64_t> found;
        for (int i = 0; i < u.size(); ++i) found.insert(u.Int64(i, 0));
        for (int64_t id : distinct_ids) {
          if (!found.contains(id))
            return NotFound("user " + std::to_string(id) + " does not exist");
        }
      }
      NARWHAL_ASSIGN_OR_RETURN(
          Rows ins,
          db.Exec("INSERT INTO login_codes(selector, user_id, secret_hash, issued_ns, expires_ns, "
                  "failed_attempts) SELECT t.selector, t.user_id, t.hash, t.issued, t.expires, 0 "
                  "FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[]) "
                  "AS t(selector, user_id, hash, issued, expires) "
                  "ON CONFLICT (selector) DO NOTHING RETURNING selector",
                  Params()
                      .Add(TextArray(sels))
                      .Add(BigintArray(user_ids))
                      .Add(TextArray(hashes))
                      .Add(BigintArray(issued))
                      .Add(BigintArray(expires))));
      std::set<std::string> stored;
      for (int i = 0; i < ins.size(); ++i) stored.insert(ins.String(i, 0));
      // Each user keeps her last stored code of the batch; the rest of hers are replaced.
      std::map<int64_t, size_t> newest;
      for (size_t i = 0; i < codes.size(); ++i) {
        if (stored.contains(codes[i].selector)) {
          newest[codes[i].user_id] = i;
        } else {
          taken.push_back(i);
        }
      }
      if (newest.empty()) return Status::Ok();
      std::vector<int64_t> keep_users, keep_at;
      std::vector<std::string> keep;
      for (const auto& [user, i] : newest) {
        keep_users.push_back(user);
        keep.push_back(codes[i].selector);
        keep_at.push_back(ToNanos(codes[i].issued_at));
      }
      return db
          .Exec(
              "UPDATE login_codes c SET replaced_ns = k.at "
              "FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS k(user_id, keep, at) "
              "WHERE c.user_id = k.user_id AND c.selector <> k.keep "
              "AND c.used_ns IS NULL AND c.replaced_ns IS NULL",
              Params().Add(BigintArray(keep_users)).Add(TextArray(keep)).Add(BigintArray(keep_at)))
          .status();
    }));
    return taken;
  }
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    taken.clear();
    for (size_t i = 0; i < codes.size(); ++i) {
      const LoginCodeRecord& code = codes[i];
      // Locking the user serialises two codes issued to her at once.
      NARWHAL_ASSIGN_OR_RETURN(Rows u, db.Exec("SELECT 1 FROM users WHERE id = $1 FOR UPDATE",
                                               Params().Add(code.user_id)));
      if (u.empty()) return NotFound("user " + std::to_string(code.user_id) + " does not exist");
      Params p;
      p.Add(code.selector)
          .Add(code.user_id)
          .Add(code.secret_hash)
          .Add(ToNanos(code.issued_at))
          .Add(ToNanos(code.expires_at));
      AddOptionalTime(p, code.used_at);
      AddOptionalTime(p, code.replaced_at);
      p.Add(static_cast<int64_t>(code.failed_attempts));
      AddOptionalTime(p, code.locked_until);
      NARWHAL_ASSIGN_OR_RETURN(
          Rows ins, db.Exec("INSERT INTO login_codes(" + std::string(kCodeColumns) +
                                ") VALUES($1, $2, $3, $4, $5, $6::bigint, $7::bigint, $8, "
                                "$9::bigint) ON CONFLICT (selector) DO NOTHING",
                            p));
      if (ins.Affected() == 0) {
        taken.push_back(i);
        continue;
      }
      NARWHAL_RETURN_IF_ERROR(
          db.Exec("UPDATE login_codes SET replaced_ns = $3 WHERE user_id = $1 AND selector <> $2 "
                  "AND used_ns IS NULL AND replaced_ns IS NULL",
                  Params().Add(code.user_id).Add(code.selector).Add(ToNanos(code.issued_at)))
              .status());
    }
    return Status::Ok();
  }));
  return taken;
}

Result<LoginCodeRecord> PostgresStore::GetLoginCode(const std::string& selector) {
  std::optional<LoginCodeRecord> code;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    code.reset();
    NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec("SELECT " + std::string(kCodeColumns) +
                                                 " FROM login_codes WHERE selector = $1",
                                             Params().Add(selector)));
    if (!r.empty()) code = ReadCode(r, 0);
    return Status::Ok();
  }));
  if (!code) return NotFound("unknown login code");
  return *std::move(code);
}

Result<LoginCodeRecord> PostgresStore::RecordLoginFailure(const std::string& selector,
                                                          int max_attempts, TimePoint lock_until) {
  if (max_attempts < 1) return InvalidArgument("max_attempts must be at least 1");
  std::optional<LoginCodeRecord> code;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    code.reset();
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec("UPDATE login_codes SET failed_attempts = failed_attempts + 1, "
                        "locked_until_ns = CASE WHEN failed_attempts + 1 >= $2::integer "
                        "THEN $3::bigint ELSE locked_until_ns END WHERE selector = $1 "
                        "RETURNING " +
                            std::string(kCodeColumns),
                        Params()
                            .Add(selector)
                            .Add(static_cast<int64_t>(max_attempts))
                            .Add(ToNanos(lock_until))));
    if (!r.empty()) code = ReadCode(r, 0);
    return Status::Ok();
  }));
  if (!code) return NotFound("unknown login code");
  return *std::move(code);
}

Result<SessionRecord> PostgresStore::RedeemLoginCode(const std::string& selector,
                                                     const NewSession& session) {
  if (session.token_hash.empty()) return InvalidArgument("a session needs a token hash");
  const int64_t at = ToNanos(session.created_at);
  SessionRecord record;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    // FOR UPDATE: a concurrent redemption waits here and then sees the code used.
    NARWHAL_ASSIGN_OR_RETURN(
        Rows c, db.Exec("SELECT c.user_id, c.used_ns IS NOT NULL, c.replaced_ns IS NOT NULL, "
                        "c.expires_ns <= $2::bigint, coalesce(c.locked_until_ns > $2::bigint, "
                        "false), u.disabled FROM login_codes c JOIN users u ON u.id = c.user_id "
                        "WHERE c.selector = $1 FOR UPDATE OF c",
                        Params().Add(selector).Add(at)));
    if (c.empty()) return NotFound("unknown login code");
    if (c.Int64(0, 0) != session.user_id) {
      return InvalidArgument("the session is for another user than the login code");
    }
    if (c.Bool(0, 1)) return FailedPrecondition("the login code was already used");
    if (c.Bool(0, 2)) return FailedPrecondition("the login code was replaced by a newer one");
    if (c.Bool(0, 3)) return FailedPrecondition("the login code has expired");
    if (c.Bool(0, 4)) return FailedPrecondition("the login code is locked");
    if (c.Bool(0, 5)) return FailedPrecondition("the user is disabled");
    NARWHAL_RETURN_IF_ERROR(db.Exec("UPDATE login_codes SET used_ns = $2 WHERE selector = $1",
                                    Params().Add(selector).Add(at))
                                .status());
    NARWHAL_ASSIGN_OR_RETURN(
        Rows s, db.Exec("INSERT INTO sessions(user_id, token_hash, created_ns, expires_ns, "
                        "created_from) VALUES($1, $2, $3, $4, $5) RETURNING " +
                            std::string(kSessionColumns),
                        Params()
                            .Add(session.user_id)
                            .Add(session.token_hash)
                            .Add(at)
                            .Add(ToNanos(session.expires_at))
                            .Add(session.created_from)));
    record = ReadSession(s, 0);
    return db
        .Exec("UPDATE users SET first_login_at = coalesce(first_login_at, $2) WHERE id = $1",
              Params().Add(session.user_id).Add(FormatIso8601(session.created_at)))
        .status();
  }));
  return record;
}

Result<SessionRecord> PostgresStore::GetSessionByTokenHash(const std::string& token_hash) {
  std::optional<SessionRecord> session;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    session.reset();
    NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec("SELECT " + std::string(kSessionColumns) +
                                                 " FROM sessions WHERE token_hash = $1",
                                             Params().Add(token_hash)));
    if (!r.empty()) session = ReadSession(r, 0);
    return Status::Ok();
  }));
  if (!session) return NotFound("unknown session");
  return *session;
}

Status PostgresStore::RevokeSession(int64_t session_id, TimePoint at) {
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec("UPDATE sessions SET revoked_ns = coalesce(revoked_ns, $2) WHERE id = $1",
                        Params().Add(session_id).Add(ToNanos(at))));
    if (r.Affected() == 0) {
      return NotFound("session " + std::to_string(session_id) + " does not exist");
    }
    return Status::Ok();
  });
}

Result<int64_t> PostgresStore::RevokeUserSessions(int64_t user_id, TimePoint at) {
  int64_t revoked = 0;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(Rows r,
                             db.Exec("UPDATE sessions SET revoked_ns = $2 WHERE user_id = $1 "
                                     "AND revoked_ns IS NULL AND expires_ns > $2",
                                     Params().Add(user_id).Add(ToNanos(at))));
    revoked = r.Affected();
    return Status::Ok();
  }));
  return revoked;
}

Status PostgresStore::RecordActivity(std::span<const std::pair<int64_t, TimePoint>> seen) {
  if (seen.empty()) return Status::Ok();
  std::vector<int64_t> ids;
  std::vector<int64_t> times;
  for (const auto& [id, at] : seen) {
    ids.push_back(id);
    times.push_back(ToNanos(at));
  }
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    return db
        .Exec(
            "UPDATE users u SET last_seen_ns = greatest(u.last_seen_ns, v.ns) "
            "FROM (SELECT id, max(ns) AS ns FROM unnest($1::bigint[], $2::bigint[]) "
            "AS t(id, ns) GROUP BY id) v WHERE u.id = v.id",
            Params().Add(BigintArray(ids)).Add(BigintArray(times)))
        .status();
  });
}

Status PostgresStore::AppendAudit(std::span<const AuditEvent> events) {
  if (events.empty()) return Status::Ok();
  std::vector<int64_t> at;
  std::vector<int64_t> user;
  std::vector<std::string> action, target, detail, request, remote;
  for (const AuditEvent& e : events) {
    if (e.action.empty()) return InvalidArgument("an audit event needs an action");
    at.push_back(ToNanos(e.at));
    user.push_back(e.user_id);
    action.push_back(e.action);
    target.push_back(e.target);
    detail.push_back(e.detail);
    request.push_back(e.request_id);
    remote.push_back(e.remote_addr);
  }
  Params p;
  p.Add(BigintArray(at))
      .Add(BigintArray(user))
      .Add(TextArray(action))
      .Add(TextArray(target))
      .Add(TextArray(detail))
      .Add(TextArray(request))
      .Add(TextArray(remote));
  return Transact(Access::kWrite, [&](Connection& db) -> Status {
    return db
        .Exec(
            "INSERT INTO audit_log(at_ns, user_id, action, target, detail, request_id, "
            "remote_addr) SELECT a, u, ac, t, d, r, ra FROM unnest($1::bigint[], "
            "$2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) "
            "WITH ORDINALITY AS x(a, u, ac, t, d, r, ra, o) ORDER BY o",
            p)
        .status();
  });
}

Result<AuditPage> PostgresStore::ListAudit(const AuditQuery& query) {
  NARWHAL_RETURN_IF_ERROR(CheckLimit(query.limit));
  NARWHAL_ASSIGN_OR_RETURN(int64_t before, AfterId(query.cursor));
  Params params;
  std::string sql =
      "SELECT id, at_ns, user_id, action, target, detail, request_id, remote_addr FROM "
      "audit_log WHERE true";
  auto bind = [&](auto value) {
    params.Add(value);
    return "$" + std::to_string(params.size());
  };
  if (before > 0) sql += " AND id < " + bind(before) + "::bigint";
  if (query.user_id != 0) sql += " AND user_id = " + bind(query.user_id) + "::bigint";
  if (!query.action.empty()) sql += " AND action = " + bind(std::string_view(query.action));
  if (!query.target.empty()) sql += " AND target = " + bind(std::string_view(query.target));
  if (query.since) sql += " AND at_ns >= " + bind(ToNanos(*query.since)) + "::bigint";
  if (query.until) sql += " AND at_ns < " + bind(ToNanos(*query.until)) + "::bigint";
  sql += " ORDER BY id DESC LIMIT " + bind(static_cast<int64_t>(query.limit) + 1) + "::integer";
  AuditPage page;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kRead, [&](Connection& db) -> Status {
    page = AuditPage();
    NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec(sql, params));
    for (int i = 0; i < r.size(); ++i) {
      AuditEvent e;
      e.id = r.Int64(i, 0);
      e.at = FromNanos(r.Int64(i, 1));
      e.user_id = r.Int64(i, 2);
      e.action = r.String(i, 3);
      e.target = r.String(i, 4);
      e.detail = r.String(i, 5);
      e.request_id = r.String(i, 6);
      e.remote_addr = r.String(i, 7);
      page.events.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  if (page.events.size() > static_cast<size_t>(query.limit)) {
    page.events.resize(static_cast<size_t>(query.limit));
    page.next_cursor = EncodeIdCursor(page.events.back().id);
  }
  return page;
}

Result<std::vector<ReadinessRow>> PostgresStore::GetReadiness(const std::string& county) {
  const std::string watcher(RoleName(Role::kPollWatcher));
  std::vector<ReadinessRow> rows;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kStandbyRead, [&](Connection& db) -> Status {
    rows.clear();
    // Every precinct of the voter file (as of the last FinishImport).
    NARWHAL_ASSIGN_OR_RETURN(Rows p,
                             db.Exec("SELECT county, precinct, precinct_name FROM precincts "
                                     "WHERE ($1 = '' OR county = $1) ORDER BY county, precinct",
                                     Params().Add(county)));
    std::map<PrecinctKey, size_t> index;
    for (int i = 0; i < p.size(); ++i) {
      ReadinessRow row;
      row.precinct = PrecinctKey{p.String(i, 0), p.String(i, 1)};
      row.precinct_name = p.String(i, 2);
      index.emplace(row.precinct, rows.size());
      rows.push_back(std::move(row));
    }
    NARWHAL_ASSIGN_OR_RETURN(
        Rows a, db.Exec("SELECT s.county, s.code, u.id, "
                        "(u.first_login_at IS NOT NULL OR u.code_tested_at IS NOT NULL) "
                        "FROM user_scope s JOIN users u ON u.id = s.user_id "
                        "WHERE s.kind = 'p' AND u.role = $2 AND NOT u.disabled "
                        "AND ($1 = '' OR s.county = $1) ORDER BY u.id",
                        Params().Add(county).Add(watcher)));
    std::vector<std::pair<size_t, int64_t>> waiting;  // (row, user) not logged in yet
    std::vector<int64_t> waiting_ids;
    for (int i = 0; i < a.size(); ++i) {
      auto it = index.find(PrecinctKey{a.String(i, 0), a.String(i, 1)});
      if (it == index.end()) continue;
      ReadinessRow& row = rows[it->second];
      ++row.assigned;
      if (a.Bool(i, 3)) {
        ++row.logged_in;
      } else {
        waiting.emplace_back(it->second, a.Int64(i, 2));
        waiting_ids.push_back(a.Int64(i, 2));
      }
    }
    NARWHAL_ASSIGN_OR_RETURN(std::vector<User> users, LoadUsers(db, waiting_ids));
    std::unordered_map<int64_t, const User*> by_id;
    for (const User& u : users) by_id.emplace(u.id, &u);
    for (const auto& [row, id] : waiting) {
      auto it = by_id.find(id);
      if (it != by_id.end()) rows[row].not_logged_in.push_back(*it->second);
    }
    return Status::Ok();
  }));
  return rows;
}

}  // namespace narwhal::postgres
