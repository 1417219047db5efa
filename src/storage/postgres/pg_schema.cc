#include "storage/postgres/pg_schema.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace narwhal::postgres {
namespace {

// "NRWL": the advisory lock key of schema migrations.
constexpr int64_t kMigrationLock = 0x4E52574C;

struct Migration {
  int version;
  std::string_view sql;
};

// Version 1: the voter file, vote history, precinct counts, the import log; users, their
// scopes, login codes, sessions and the append-only audit log. Strings that sort or are
// compared by range use COLLATE "C" so that order is byte order, as in SQLite. Empty
// strings are stored as '' (not NULL) so that a voter reads back exactly as written.
// Times of credentials are nanoseconds since the epoch (what TimePoint holds), so they
// read back exactly.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE voters(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  voter_id text COLLATE "C" NOT NULL,
  state text NOT NULL,
  county text COLLATE "C" NOT NULL,
  county_name text NOT NULL,
  precinct text COLLATE "C" NOT NULL,
  precinct_name text NOT NULL,
  registration_number text COLLATE "C" NOT NULL,
  last_name text NOT NULL,
  first_name text NOT NULL,
  middle_name text NOT NULL,
  name_suffix text NOT NULL,
  last_key text COLLATE "C" NOT NULL,
  first_key text COLLATE "C" NOT NULL,
  res_street text NOT NULL,
  res_city text NOT NULL,
  res_state text NOT NULL,
  res_zip text NOT NULL,
  mailing_address text NOT NULL,
  mail_street text NOT NULL,
  mail_city text NOT NULL,
  mail_state text NOT NULL,
  mail_zip text NOT NULL,
  party text NOT NULL,
  status text NOT NULL,
  status_reason text NOT NULL,
  birth_year integer NOT NULL,
  registration_date text NOT NULL,
  phone text NOT NULL,
  gender text NOT NULL,
  race text NOT NULL,
  ethnicity text NOT NULL,
  districts text NOT NULL,
  extra text NOT NULL,
  fingerprint bigint NOT NULL,
  last_import bigint,
  removed_at text,
  updated_at text NOT NULL
);
CREATE INDEX voters_removed ON voters(county, precinct) WHERE removed_at IS NOT NULL;

CREATE TABLE vote_history(
  voter_id text COLLATE "C" NOT NULL,
  election_date text COLLATE "C" NOT NULL,
  election_desc text NOT NULL,
  voting_method text NOT NULL,
  party text NOT NULL,
  county text NOT NULL,
  precinct text NOT NULL,
  PRIMARY KEY(voter_id, election_date)
);
CREATE TABLE precincts(
  county text COLLATE "C" NOT NULL,
  precinct text COLLATE "C" NOT NULL,
  county_name text NOT NULL,
  precinct_name text NOT NULL,
  voters bigint NOT NULL,
  PRIMARY KEY(county, precinct)
);
CREATE TABLE imports(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  format text NOT NULL,
  source text NOT NULL,
  started_at text NOT NULL,
  finished_at text,
  added bigint NOT NULL DEFAULT 0,
  changed bigint NOT NULL DEFAULT 0,
  moved bigint NOT NULL DEFAULT 0,
  unchanged bigint NOT NULL DEFAULT 0,
  restored bigint NOT NULL DEFAULT 0,
  removed bigint NOT NULL DEFAULT 0,
  history_rows bigint NOT NULL DEFAULT 0
);
-- The names of districts and state-specific columns; voters.districts / voters.extra
-- hold "id:length:value" triples (field_names.h) instead of repeating names on every row.
CREATE TABLE field_names(
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE
);
-- Unchanged voters seen by a running re-import (rewriting their rows to say so would
-- rewrite the voter table on every weekly file).
CREATE TABLE import_seen(
  import_id bigint NOT NULL,
  voter_ref bigint NOT NULL,
  PRIMARY KEY(import_id, voter_ref)
);

CREATE TABLE users(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  phone text NOT NULL,
  email text NOT NULL,
  role text NOT NULL,
  field_office text NOT NULL,
  created_at text NOT NULL,
  first_login_at text,
  last_seen_ns bigint,
  disabled boolean NOT NULL DEFAULT false
);
-- A user's scope, one row per entry in its order: kind 'c' county, 'p' precinct
-- (county + code), 't' turf (code).
CREATE TABLE user_scope(
  user_id bigint NOT NULL REFERENCES users(id),
  ord integer NOT NULL,
  kind "char" NOT NULL,
  county text COLLATE "C" NOT NULL,
  code text COLLATE "C" NOT NULL,
  PRIMARY KEY(user_id, ord)
);
CREATE INDEX user_scope_area ON user_scope(county, code);
CREATE TABLE login_codes(
  selector text COLLATE "C" PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id),
  secret_hash text NOT NULL,
  issued_ns bigint NOT NULL,
  expires_ns bigint NOT NULL,
  used_ns bigint,
  replaced_ns bigint,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until_ns bigint
);
CREATE INDEX login_codes_user ON login_codes(user_id);
CREATE TABLE sessions(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users(id),
  token_hash text COLLATE "C" NOT NULL UNIQUE,
  created_ns bigint NOT NULL,
  expires_ns bigint NOT NULL,
  revoked_ns bigint,
  created_from text NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE audit_log(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at_ns bigint NOT NULL,
  user_id bigint NOT NULL,
  action text COLLATE "C" NOT NULL,
  target text COLLATE "C" NOT NULL,
  detail text NOT NULL,
  request_id text NOT NULL,
  remote_addr text NOT NULL
);
CREATE INDEX audit_log_user ON audit_log(user_id, id);
CREATE INDEX audit_log_target ON audit_log(target, id);
-- The owner is not stopped by REVOKE; a trigger refuses every change instead.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
)sql";

// Version 2: election day. `strikes` keeps every report that named a known voter (the
// idempotency key is unique across elections, so a retried report finds its original
// answer); `struck` holds the strike that counts per (election, voter), which makes
// "exactly one counts" a primary key. `turnout` holds the aggregates per election and
// precinct, created for every precinct when an election is first used (marked in
// `turnout_elections`) and changed in the transaction of every strike, undo and score
// update. `strike_events` is the feed: one row per counted strike or undo, ids in commit
// order (appenders hold kStrikeFeedLock until they commit).
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE voter_scores(
  voter_id text COLLATE "C" PRIMARY KEY,
  support integer NOT NULL,
  turnout integer NOT NULL
);
CREATE TABLE strikes(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key text COLLATE "C" NOT NULL UNIQUE,
  election text COLLATE "C" NOT NULL,
  voter_id text COLLATE "C" NOT NULL,
  source text NOT NULL,
  user_id bigint NOT NULL,
  at_ns bigint NOT NULL,
  -- The answer this report got: 0 struck (it counts; counted_id and struck_ns are NULL),
  -- 1 already struck (counted_id / struck_ns: the strike that counted then).
  outcome smallint NOT NULL DEFAULT 0,
  counted_id bigint,
  struck_ns bigint
);
CREATE INDEX strikes_voter ON strikes(election, voter_id);
CREATE TABLE struck(
  election text COLLATE "C" NOT NULL,
  voter_id text COLLATE "C" NOT NULL,
  strike_id bigint NOT NULL REFERENCES strikes(id),
  struck_ns bigint NOT NULL,
  -- The voter's precinct when struck: the turnout row an undo takes the strike from.
  county text COLLATE "C" NOT NULL,
  precinct text COLLATE "C" NOT NULL,
  PRIMARY KEY(election, voter_id)
);
CREATE INDEX struck_precinct ON struck(election, county, precinct);
CREATE TABLE strike_undos(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  strike_id bigint NOT NULL REFERENCES strikes(id),
  election text COLLATE "C" NOT NULL,
  voter_id text COLLATE "C" NOT NULL,
  reason text NOT NULL,
  user_id bigint NOT NULL,
  at_ns bigint NOT NULL
);
CREATE TABLE turnout_elections(
  election text COLLATE "C" PRIMARY KEY,
  created_ns bigint NOT NULL
);
CREATE TABLE turnout(
  election text COLLATE "C" NOT NULL,
  county text COLLATE "C" NOT NULL,
  precinct text COLLATE "C" NOT NULL,
  voted bigint NOT NULL DEFAULT 0,
  supporters bigint NOT NULL DEFAULT 0,
  supporters_voted bigint NOT NULL DEFAULT 0,
  expected double precision NOT NULL DEFAULT 0,
  last_report_ns bigint,
  PRIMARY KEY(election, county, precinct)
);
CREATE TABLE strike_events(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  election text COLLATE "C" NOT NULL,
  voter_id text COLLATE "C" NOT NULL,
  county text COLLATE "C" NOT NULL,
  precinct text COLLATE "C" NOT NULL,
  undone boolean NOT NULL,
  at_ns bigint NOT NULL
);
CREATE INDEX strike_events_election ON strike_events(election, id);
)sql";

constexpr std::array<Migration, 2> kMigrations = {{
    {1, kSchemaV1},
    {2, kSchemaV2},
}};

// The voter indexes a bulk load into an empty store drops and builds once at its end
// (the first is unique). Name search walks voters_name ("first last" voters_first);
// poll books and searches inside a precinct walk voters_precinct; registration numbers
// are unique only inside a county but looked up with or without it. The small partial
// voters_removed stays through bulk loads.
struct IndexDef {
  std::string_view name;
  std::string_view create_sql;
};
constexpr std::array<IndexDef, 5> kVoterIndexes = {{
    {"voters_id", "CREATE UNIQUE INDEX IF NOT EXISTS voters_id ON voters(voter_id)"},
    {"voters_name",
     "CREATE INDEX IF NOT EXISTS voters_name ON voters(last_key, first_key, voter_id)"},
    {"voters_first",
     "CREATE INDEX IF NOT EXISTS voters_first ON voters(first_key, last_key, voter_id)"},
    {"voters_precinct",
     "CREATE INDEX IF NOT EXISTS voters_precinct "
     "ON voters(county, precinct, last_key, first_key, voter_id)"},
    {"voters_registration",
     "CREATE INDEX IF NOT EXISTS voters_registration ON voters(registration_number, county)"},
}};

Status ApplyAll(Connection& db) {
  NARWHAL_RETURN_IF_ERROR(
      db.Run("CREATE TABLE IF NOT EXISTS schema_migrations(version integer PRIMARY KEY, "
             "applied_at timestamptz NOT NULL DEFAULT now())"));
  NARWHAL_ASSIGN_OR_RETURN(Rows current,
                           db.Exec("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  const int64_t version = current.Int64(0, 0);
  if (version > LatestSchemaVersion()) {
    return FailedPrecondition("database schema version " + std::to_string(version) +
                              " is newer than this binary's " +
                              std::to_string(LatestSchemaVersion()) + "; upgrade narwhal");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    NARWHAL_RETURN_IF_ERROR(db.Run("BEGIN"));
    Status s = db.Run(m.sql);
    if (m.version == 1) {
      // The voter indexes live in kVoterIndexes: the bulk path drops and rebuilds them.
      for (const IndexDef& index : kVoterIndexes) {
        if (s.ok()) s = db.Run(index.create_sql);
      }
    }
    if (s.ok()) {
      s = db.Exec("INSERT INTO schema_migrations(version) VALUES($1)", Params().Add(m.version))
              .status();
    }
    if (s.ok()) s = db.Run("COMMIT");
    if (!s.ok()) {
      (void)db.Run("ROLLBACK");
      return s.WithContext("applying schema migration " + std::to_string(m.version));
    }
  }
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() {
  return kMigrations.back().version;
}

Status Migrate(Connection& db) {
  NARWHAL_RETURN_IF_ERROR(
      db.Exec("SELECT pg_advisory_lock($1)", Params().Add(kMigrationLock)).status());
  Status s = ApplyAll(db);
  Status unlock = db.Exec("SELECT pg_advisory_unlock($1)", Params().Add(kMigrationLock)).status();
  if (!s.ok()) return s;
  return unlock;
}

Result<bool> VoterIndexesComplete(Connection& db) {
  std::vector<std::string> names;
  names.reserve(kVoterIndexes.size());
  for (const IndexDef& index : kVoterIndexes) names.emplace_back(index.name);
  // to_regclass resolves through the search path, like the unqualified names above.
  NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec("SELECT count(*) FROM unnest($1::text[]) AS n "
                                           "WHERE to_regclass(n) IS NOT NULL",
                                           Params().Add(TextArray(names))));
  return r.Int64(0, 0) == static_cast<int64_t>(names.size());
}

Status DropVoterIndexes(Connection& db) {
  for (const IndexDef& index : kVoterIndexes) {
    NARWHAL_RETURN_IF_ERROR(db.Run("DROP INDEX IF EXISTS " + std::string(index.name)));
  }
  return Status::Ok();
}

Status BuildVoterIndexes(Connection& db, int64_t& duplicates_dropped) {
  duplicates_dropped = 0;
  // Sorting 1M keys in memory instead of on disk; this transaction only.
  NARWHAL_RETURN_IF_ERROR(db.Run("SET LOCAL maintenance_work_mem = '256MB'"));
  NARWHAL_RETURN_IF_ERROR(db.Run("SAVEPOINT unique_voter_id"));
  Status unique = db.Run(kVoterIndexes[0].create_sql);
  if (unique.code() == ErrorCode::kAlreadyExists) {
    // Two batches of one bulk load carried the same voter id: the later row is the
    // newer word of the file, as an upsert would have made it.
    NARWHAL_RETURN_IF_ERROR(db.Run("ROLLBACK TO SAVEPOINT unique_voter_id"));
    NARWHAL_ASSIGN_OR_RETURN(Rows r, db.Exec("DELETE FROM voters v USING voters w "
                                             "WHERE v.voter_id = w.voter_id AND v.id < w.id"));
    duplicates_dropped = r.Affected();
    unique = db.Run(kVoterIndexes[0].create_sql);
  }
  NARWHAL_RETURN_IF_ERROR(unique);
  NARWHAL_RETURN_IF_ERROR(db.Run("RELEASE SAVEPOINT unique_voter_id"));
  for (size_t i = 1; i < kVoterIndexes.size(); ++i) {
    NARWHAL_RETURN_IF_ERROR(db.Run(kVoterIndexes[i].create_sql));
  }
  return Status::Ok();
}

}  // namespace narwhal::postgres
