#include "storage/sqlite/schema.h"

#include <array>
#include <string>

namespace narwhal::sqlite {
namespace {

// Version 1: the voter file, vote history, precinct counts and the import log. Empty
// strings are stored as '' (not NULL) so that a voter reads back exactly as written;
// removed_at and last_import are NULL when not set.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE voters(
  voter_id TEXT NOT NULL,
  state TEXT NOT NULL,
  county TEXT NOT NULL,
  county_name TEXT NOT NULL,
  precinct TEXT NOT NULL,
  precinct_name TEXT NOT NULL,
  registration_number TEXT NOT NULL,
  last_name TEXT NOT NULL,
  first_name TEXT NOT NULL,
  middle_name TEXT NOT NULL,
  name_suffix TEXT NOT NULL,
  last_key TEXT NOT NULL,
  first_key TEXT NOT NULL,
  res_street TEXT NOT NULL,
  res_city TEXT NOT NULL,
  res_state TEXT NOT NULL,
  res_zip TEXT NOT NULL,
  mailing_address TEXT NOT NULL,
  mail_street TEXT NOT NULL,
  mail_city TEXT NOT NULL,
  mail_state TEXT NOT NULL,
  mail_zip TEXT NOT NULL,
  party TEXT NOT NULL,
  status TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  birth_year INTEGER NOT NULL,
  registration_date TEXT NOT NULL,
  phone TEXT NOT NULL,
  gender TEXT NOT NULL,
  race TEXT NOT NULL,
  ethnicity TEXT NOT NULL,
  districts TEXT NOT NULL,
  extra TEXT NOT NULL,
  fingerprint INTEGER NOT NULL,
  last_import INTEGER,
  removed_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE vote_history(
  voter_id TEXT NOT NULL,
  election_date TEXT NOT NULL,
  election_desc TEXT NOT NULL,
  voting_method TEXT NOT NULL,
  party TEXT NOT NULL,
  county TEXT NOT NULL,
  precinct TEXT NOT NULL,
  PRIMARY KEY(voter_id, election_date)
) WITHOUT ROWID;
CREATE TABLE precincts(
  county TEXT NOT NULL,
  precinct TEXT NOT NULL,
  county_name TEXT NOT NULL,
  precinct_name TEXT NOT NULL,
  voters INTEGER NOT NULL,
  PRIMARY KEY(county, precinct)
) WITHOUT ROWID;
CREATE TABLE imports(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  source TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  bulk INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0,
  moved INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  restored INTEGER NOT NULL DEFAULT 0,
  removed INTEGER NOT NULL DEFAULT 0,
  history_rows INTEGER NOT NULL DEFAULT 0
);
)sql";

// Version 2: unchanged voters of a re-import are recorded in import_seen instead of
// having their row rewritten (a full refresh needs to know who was seen; rewriting every
// row of the voter file to say so cost as much as loading it). The removed-voter index
// gains the precinct so that precinct counts come from indexes alone.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE import_seen(
  import_id INTEGER NOT NULL,
  voter_rowid INTEGER NOT NULL,
  PRIMARY KEY(import_id, voter_rowid)
) WITHOUT ROWID;
DROP INDEX IF EXISTS voters_removed;
CREATE INDEX voters_removed ON voters(county, precinct) WHERE removed_at IS NOT NULL;
)sql";

// Version 3: "first last" name searches get their own index. Without it they scanned
// the whole range of a short last-name prefix looking for one first name (p99 77 ms on
// 1M voters).
constexpr std::string_view kSchemaV3 = R"sql(
CREATE INDEX IF NOT EXISTS voters_first ON voters(first_key, last_key, voter_id);
)sql";

// Version 4: volunteers, their login codes and sessions, and the audit log. Times in
// these tables are integer unix milliseconds (UTC), NULL when not set, so that expiry,
// lockout and "later wins" are plain integer comparisons. Only hashes of secrets are
// stored. user_scopes keeps a user's scope entries in the order given (rowid order).
// The audit log is append-only: the store has no statement that changes it, and the
// triggers refuse any UPDATE or DELETE that a stray statement might try.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE users(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  field_office TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  first_login_at INTEGER,
  last_seen_at INTEGER,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX users_role ON users(role, id);
CREATE INDEX users_office ON users(field_office, id);
CREATE TABLE user_scopes(
  user_id INTEGER NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK(kind IN ('county', 'precinct', 'turf')),
  county TEXT NOT NULL,
  precinct TEXT NOT NULL,
  turf TEXT NOT NULL
);
CREATE INDEX user_scopes_user ON user_scopes(user_id);
CREATE INDEX user_scopes_area ON user_scopes(county, precinct, kind, user_id);
CREATE TABLE login_codes(
  selector TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  secret_hash TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  replaced_at INTEGER,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER
) WITHOUT ROWID;
CREATE INDEX login_codes_user ON login_codes(user_id) WHERE used_at IS NULL AND replaced_at IS NULL;
CREATE TABLE sessions(
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  created_from TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id) WHERE revoked_at IS NULL;
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  request_id TEXT NOT NULL,
  remote_addr TEXT NOT NULL
);
CREATE INDEX audit_log_user ON audit_log(user_id, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_target ON audit_log(target, id);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// Version 5: districts and state-specific columns are stored as compact blobs whose
// names are numbered in field_names (field_dictionary.h); as JSON text the names made up
// more than half of every voter row. Rows written as JSON text before still read back.
constexpr std::string_view kSchemaV5 = R"sql(
CREATE TABLE field_names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
)sql";

// Version 6: election day. Every strike report is a row of strikes (replays and double
// strikes stay auditable; outcome 'struck', 'already_struck' or 'undo', the last written
// by UndoStrike with no idempotency key). counted_strike_id names the strike that counts
// for the voter (NULL on a 'struck' row: the row itself; on an 'undo' row: the strike it
// took back). struck says who is struck now, one row per (election, voter). turnout holds
// the per-precinct aggregates, maintained by the same jobs that write strikes and scores;
// last_report_at is unix milliseconds. scores keep support and turnout 0..100, -1 unknown.
constexpr std::string_view kSchemaV6 = R"sql(
CREATE TABLE strikes(
  id INTEGER PRIMARY KEY,
  election TEXT NOT NULL,
  voter_id TEXT NOT NULL,
  county TEXT NOT NULL,
  precinct TEXT NOT NULL,
  source TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  idempotency_key TEXT UNIQUE,
  outcome TEXT NOT NULL CHECK(outcome IN ('struck', 'already_struck', 'undo')),
  counted_strike_id INTEGER,
  undone_at INTEGER,
  undo_reason TEXT,
  undo_user_id INTEGER
);
CREATE INDEX strikes_events ON strikes(election, id) WHERE outcome IN ('struck', 'undo');
CREATE TABLE struck(
  election TEXT NOT NULL,
  voter_id TEXT NOT NULL,
  strike_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY(election, voter_id)
) WITHOUT ROWID;
CREATE TABLE scores(
  voter_id TEXT PRIMARY KEY,
  support INTEGER NOT NULL,
  turnout INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE turnout(
  election TEXT NOT NULL,
  county TEXT NOT NULL,
  precinct TEXT NOT NULL,
  registered INTEGER NOT NULL,
  voted INTEGER NOT NULL,
  supporters INTEGER NOT NULL,
  supporters_voted INTEGER NOT NULL,
  expected REAL NOT NULL,
  last_report_at INTEGER,
  PRIMARY KEY(election, county, precinct)
) WITHOUT ROWID;
)sql";

// Version 7: households. A building per house number on a street in a town, a door per
// unit in it, each voter's residence (at a door, or kept with the reason it has none),
// and the address points that give buildings coordinates, grouped into sites by their
// match key (storage/household_store.h).
constexpr std::string_view kSchemaV7 = R"sql(
CREATE TABLE buildings(
  building_key TEXT PRIMARY KEY,
  county TEXT NOT NULL,
  city TEXT NOT NULL,
  zip TEXT NOT NULL,
  match_key TEXT NOT NULL,
  street_key TEXT NOT NULL,
  block_face TEXT NOT NULL,
  house_number INTEGER NOT NULL,
  house_suffix TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX buildings_match ON buildings(match_key);
CREATE TABLE doors(
  door_key TEXT PRIMARY KEY,
  building_key TEXT NOT NULL,
  unit TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE residences(
  voter_id TEXT PRIMARY KEY,
  door_key TEXT NOT NULL,
  building_key TEXT NOT NULL,
  problem TEXT NOT NULL,
  street_line TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX residences_door ON residences(door_key);
CREATE TABLE address_points(
  source TEXT NOT NULL,
  line INTEGER NOT NULL,
  match_key TEXT NOT NULL,
  unit TEXT NOT NULL,
  postcode TEXT NOT NULL,
  lon REAL NOT NULL,
  lat REAL NOT NULL,
  PRIMARY KEY(source, line)
) WITHOUT ROWID;
CREATE INDEX address_points_key ON address_points(match_key);
CREATE TABLE address_sites(
  match_key TEXT PRIMARY KEY,
  postcode TEXT NOT NULL,
  lon REAL NOT NULL,
  lat REAL NOT NULL,
  points INTEGER NOT NULL,
  spread_m REAL NOT NULL,
  ambiguous INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 8: the household tables become rowid tables whose keys are unique indexes, so
// a bulk load appends buildings, doors and residences and builds each index once at the
// end (HouseholdIndexes()), as it does the voters'. Keeping them in key order row by row
// cost three times the rest of the import at a million voters. The street line of a
// placed voter is no longer kept (her voter row has it): only a voter without a door
// keeps hers, with the reason.
constexpr std::string_view kSchemaV8 = R"sql(
CREATE TABLE buildings_v8(
  building_key TEXT NOT NULL,
  county TEXT NOT NULL,
  city TEXT NOT NULL,
  zip TEXT NOT NULL,
  match_key TEXT NOT NULL,
  street_key TEXT NOT NULL,
  block_face TEXT NOT NULL,
  house_number INTEGER NOT NULL,
  house_suffix TEXT NOT NULL
);
INSERT INTO buildings_v8 SELECT building_key, county, city, zip, match_key, street_key,
  block_face, house_number, house_suffix FROM buildings;
DROP TABLE buildings;
ALTER TABLE buildings_v8 RENAME TO buildings;
CREATE TABLE doors_v8(
  door_key TEXT NOT NULL,
  building_key TEXT NOT NULL,
  unit TEXT NOT NULL
);
INSERT INTO doors_v8 SELECT door_key, building_key, unit FROM doors;
DROP TABLE doors;
ALTER TABLE doors_v8 RENAME TO doors;
CREATE TABLE residences_v8(
  voter_id TEXT NOT NULL,
  door_key TEXT NOT NULL,
  building_key TEXT NOT NULL,
  problem TEXT NOT NULL,
  street_line TEXT NOT NULL
);
INSERT INTO residences_v8 SELECT voter_id, door_key, building_key, problem,
  CASE WHEN door_key = '' THEN street_line ELSE '' END FROM residences;
DROP TABLE residences;
ALTER TABLE residences_v8 RENAME TO residences;
)sql";

// Version 9: universes (storage/universe_store.h). `elections` summarises the vote history
// (rebuilt when a history import finishes) so that "the last four generals" costs no scan;
// a universe keeps its criteria as JSON (domain/universe_json.h); a voter list is a
// snapshot of a universe's voters with where each lived then, visible once complete.
constexpr std::string_view kSchemaV9 = R"sql(
CREATE TABLE elections(
  election_date TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  voters INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO elections(election_date, description, voters)
  SELECT election_date, min(election_desc), count(*) FROM vote_history GROUP BY election_date;
CREATE TABLE universes(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  criteria TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE voter_lists(
  id INTEGER PRIMARY KEY,
  universe_id INTEGER NOT NULL REFERENCES universes(id),
  election TEXT NOT NULL,
  voters INTEGER NOT NULL,
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  idempotency_key TEXT UNIQUE,
  complete INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX voter_lists_universe ON voter_lists(universe_id, id);
CREATE TABLE list_members(
  list_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  voter_id TEXT NOT NULL,
  county TEXT NOT NULL,
  precinct TEXT NOT NULL,
  street TEXT NOT NULL,
  zip TEXT NOT NULL,
  PRIMARY KEY(list_id, position)
) WITHOUT ROWID;
)sql";

// Version 10: the contact log (storage/contact_store.h), append-only like the audit log:
// one row per contact, its result's category and scope kept beside the code so that lists
// find whoever must not be contacted again without knowing the codes, and the door the
// voter lived at then ('' for none): a "moved" marks that door, wherever she lives later.
constexpr std::string_view kSchemaV10 = R"sql(
CREATE TABLE contacts(
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  voter_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  result TEXT NOT NULL,
  category TEXT NOT NULL,
  scope TEXT NOT NULL,
  support INTEGER NOT NULL,
  answers TEXT NOT NULL,
  note TEXT NOT NULL,
  client_at TEXT NOT NULL,
  list_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  at TEXT NOT NULL,
  door_key TEXT NOT NULL
);
CREATE INDEX contacts_voter ON contacts(voter_id, id);
CREATE INDEX contacts_suppress ON contacts(voter_id, scope) WHERE category = 'suppress';
CREATE INDEX contacts_door ON contacts(door_key) WHERE category = 'suppress' AND scope <> 'person';
CREATE TRIGGER contacts_no_update BEFORE UPDATE ON contacts
  BEGIN SELECT RAISE(ABORT, 'the contact log is append-only'); END;
CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts
  BEGIN SELECT RAISE(ABORT, 'the contact log is append-only'); END;
)sql";

// Version 11: saved turfs (storage/turf_store.h): a cut, its turfs with their list numbers,
// each turf's doors in walk order and the voters behind each; and the turf a contact was
// made on (its list number; '' for none), so a turf's results are read without a scan.
constexpr std::string_view kSchemaV11 = R"sql(
CREATE TABLE turf_cuts(
  id INTEGER PRIMARY KEY,
  county TEXT NOT NULL,
  precinct TEXT NOT NULL,
  universe_id INTEGER NOT NULL,
  options TEXT NOT NULL,
  turfs INTEGER NOT NULL,
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE turfs(
  id INTEGER PRIMARY KEY,
  list_number TEXT NOT NULL UNIQUE,
  cut_id INTEGER NOT NULL REFERENCES turf_cuts(id),
  number INTEGER NOT NULL,
  doors INTEGER NOT NULL,
  voters INTEGER NOT NULL,
  route_metres REAL NOT NULL,
  minutes REAL NOT NULL,
  drive INTEGER NOT NULL
);
CREATE INDEX turfs_cut ON turfs(cut_id, number);
CREATE TABLE turf_stops(
  turf_id INTEGER NOT NULL,
  stop INTEGER NOT NULL,
  door_key TEXT NOT NULL,
  address TEXT NOT NULL,
  lat REAL,
  lon REAL,
  PRIMARY KEY(turf_id, stop)
) WITHOUT ROWID;
CREATE TABLE turf_voters(
  turf_id INTEGER NOT NULL,
  voter_id TEXT NOT NULL,
  stop INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY(turf_id, voter_id)
) WITHOUT ROWID;
CREATE INDEX turf_voters_stop ON turf_voters(turf_id, stop, position);
ALTER TABLE contacts ADD COLUMN turf TEXT NOT NULL DEFAULT '';
CREATE INDEX contacts_turf ON contacts(turf, voter_id, id) WHERE turf <> '';
)sql";

// Version 12: the campaign's field book (domain/field_book.h), every version kept; the
// tags a contact recorded; and each answered choice and tag by question and voter
// (storage/contact_store.h), so a universe finds a voter's current answer by index.
constexpr std::string_view kSchemaV12 = R"sql(
CREATE TABLE field_books(
  version INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  saved_by INTEGER NOT NULL,
  saved_at TEXT NOT NULL
);
ALTER TABLE contacts ADD COLUMN tags TEXT NOT NULL DEFAULT '';
CREATE TABLE contact_choices(
  question TEXT NOT NULL,
  voter_id TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  answer TEXT NOT NULL,
  PRIMARY KEY(question, voter_id, contact_id, answer)
) WITHOUT ROWID;
)sql";

// Version 13: phone banks' call lists (storage/call_store.h) and their people, each with
// who holds her and until when (milliseconds since the epoch), when she is due again and
// how often she was called.
constexpr std::string_view kSchemaV13 = R"sql(
CREATE TABLE call_lists(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  voter_list_id INTEGER NOT NULL,
  script TEXT NOT NULL,
  people INTEGER NOT NULL,
  created_by INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE call_targets(
  list_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  voter_id TEXT NOT NULL,
  phone TEXT NOT NULL,
  done INTEGER NOT NULL,
  holder INTEGER NOT NULL,
  lease_until_ms INTEGER NOT NULL,
  not_before_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  PRIMARY KEY(list_id, position)
) WITHOUT ROWID;
CREATE INDEX call_targets_free ON call_targets(list_id, position) WHERE done = 0 AND holder = 0;
CREATE INDEX call_targets_lapsing ON call_targets(list_id, lease_until_ms, position)
  WHERE done = 0 AND holder <> 0;
CREATE INDEX call_targets_holder ON call_targets(holder, list_id) WHERE done = 0 AND holder <> 0;
)sql";

// Version 14: calling hours (each list's window in minutes after local midnight, each
// person's zone: domain/calling_hours.h) and the phone bankers assigned to each list; the
// queue of people nobody holds split in two, so a claim never walks past people waiting
// for a retry: never called (by position) and called before (by when they are due).
constexpr std::string_view kSchemaV14 = R"sql(
ALTER TABLE call_lists ADD COLUMN call_from INTEGER NOT NULL DEFAULT 540;
ALTER TABLE call_lists ADD COLUMN call_until INTEGER NOT NULL DEFAULT 1260;
ALTER TABLE call_targets ADD COLUMN zone INTEGER NOT NULL DEFAULT 0;
CREATE TABLE call_list_callers(
  list_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  PRIMARY KEY(list_id, user_id)
) WITHOUT ROWID;
CREATE INDEX call_list_callers_user ON call_list_callers(user_id, list_id);
DROP INDEX call_targets_free;
DROP INDEX call_targets_holder;
CREATE INDEX call_targets_fresh ON call_targets(list_id, position, zone)
  WHERE done = 0 AND holder = 0 AND not_before_ms = 0;
CREATE INDEX call_targets_due ON call_targets(list_id, not_before_ms, position, zone)
  WHERE done = 0 AND holder = 0 AND not_before_ms > 0;
CREATE INDEX call_targets_holder ON call_targets(holder, list_id, position)
  WHERE done = 0 AND holder <> 0;
)sql";

// Version 15: the do-not-contact list (storage/suppression_store.h): batches as they were
// added and undone, and their entries by key ("p:9195550123", domain/do_not_contact.h),
// each with the channels it closes and whether its batch is in force. A call list's person
// held back by it is dropped from the list (call_targets.done = 2). Each person's last call
// (its result and time), for the list's activity; and each person's places by voter, so a
// household's members on a list are found from their door.
constexpr std::string_view kSchemaV15 = R"sql(
CREATE TABLE suppression_batches(
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  reason TEXT NOT NULL,
  scope TEXT NOT NULL,
  channels INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  added_by INTEGER NOT NULL,
  added_at_ms INTEGER NOT NULL,
  undone_by INTEGER NOT NULL DEFAULT 0,
  undone_at_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE suppressions(
  key TEXT NOT NULL,
  batch_id INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  active INTEGER NOT NULL,
  PRIMARY KEY(key, batch_id)
) WITHOUT ROWID;
CREATE INDEX suppressions_batch ON suppressions(batch_id);
ALTER TABLE call_targets ADD COLUMN last_result TEXT NOT NULL DEFAULT '';
ALTER TABLE call_targets ADD COLUMN last_call_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX call_targets_called ON call_targets(list_id, last_call_ms) WHERE last_call_ms > 0;
CREATE INDEX call_targets_voter ON call_targets(voter_id, list_id);
)sql";

// Version 16: when a user last tested her login code without spending it (readiness).
constexpr std::string_view kSchemaV16 = R"sql(
ALTER TABLE users ADD COLUMN code_tested_at INTEGER;
)sql";

constexpr std::array<Migration, 16> kMigrations = {{
    {1, kSchemaV1},
    {2, kSchemaV2},
    {3, kSchemaV3},
    {4, kSchemaV4},
    {5, kSchemaV5},
    {6, kSchemaV6},
    {7, kSchemaV7},
    {8, kSchemaV8},
    {9, kSchemaV9},
    {10, kSchemaV10},
    {11, kSchemaV11},
    {12, kSchemaV12},
    {13, kSchemaV13},
    {14, kSchemaV14},
    {15, kSchemaV15},
    {16, kSchemaV16},
}};

// Name search walks voters_name ("first last" searches voters_first) in order; precinct lists and
// searches inside a precinct walk voters_precinct; registration numbers are unique only inside a
// county but are looked up with or without it, so the number leads; the partial index makes
// counting removed voters (per precinct) cheap. A bulk load that stored a voter id twice (two
// batches of one file) keeps the later row, the newer word of the file, as an upsert would.
constexpr std::array<IndexDef, 6> kVoterIndexes = {{
    {"voters_id", "CREATE UNIQUE INDEX IF NOT EXISTS voters_id ON voters(voter_id)", true,
     "DELETE FROM voters WHERE rowid NOT IN (SELECT max(rowid) FROM voters GROUP BY voter_id)"},
    {"voters_name",
     "CREATE INDEX IF NOT EXISTS voters_name ON voters(last_key, first_key, voter_id)"},
    {"voters_first",
     "CREATE INDEX IF NOT EXISTS voters_first ON voters(first_key, last_key, voter_id)"},
    {"voters_precinct",
     "CREATE INDEX IF NOT EXISTS voters_precinct "
     "ON voters(county, precinct, last_key, first_key, voter_id)"},
    {"voters_registration",
     "CREATE INDEX IF NOT EXISTS voters_registration ON voters(registration_number, county)"},
    {"voters_removed",
     "CREATE INDEX IF NOT EXISTS voters_removed ON voters(county, precinct) "
     "WHERE removed_at IS NOT NULL",
     false},
}};

// The households' keys and lookups (schema version 8). A bulk load writes a building or a
// door again in every batch that holds one of its voters: those copies are alike, and the
// first is kept before the key is built. A voter's residence written twice keeps the later.
constexpr std::array<IndexDef, 5> kHouseholdIndexes = {{
    {"buildings_key", "CREATE UNIQUE INDEX IF NOT EXISTS buildings_key ON buildings(building_key)",
     true,
     "DELETE FROM buildings WHERE rowid NOT IN "
     "(SELECT min(rowid) FROM buildings GROUP BY building_key)",
     true},
    {"buildings_match", "CREATE INDEX IF NOT EXISTS buildings_match ON buildings(match_key)"},
    {"doors_key", "CREATE UNIQUE INDEX IF NOT EXISTS doors_key ON doors(door_key)", true,
     "DELETE FROM doors WHERE rowid NOT IN (SELECT min(rowid) FROM doors GROUP BY door_key)", true},
    {"residences_voter",
     "CREATE UNIQUE INDEX IF NOT EXISTS residences_voter ON residences(voter_id)", true,
     "DELETE FROM residences WHERE rowid NOT IN "
     "(SELECT max(rowid) FROM residences GROUP BY voter_id)"},
    {"residences_door", "CREATE INDEX IF NOT EXISTS residences_door ON residences(door_key)"},
}};

// Every index a bulk load drops and rebuilds, voters' first.
template <typename F>
Status ForEachBulkIndex(F&& f) {
  for (const IndexDef& index : kVoterIndexes) NARWHAL_RETURN_IF_ERROR(f(index, true));
  for (const IndexDef& index : kHouseholdIndexes) NARWHAL_RETURN_IF_ERROR(f(index, false));
  return Status::Ok();
}

}  // namespace

std::span<const Migration> Migrations() {
  return kMigrations;
}

int LatestSchemaVersion() {
  return kMigrations.back().version;
}

Status Migrate(Connection& db) {
  NARWHAL_ASSIGN_OR_RETURN(int64_t version, db.QueryInt64("PRAGMA user_version"));
  NARWHAL_ASSIGN_OR_RETURN(int64_t app_id, db.QueryInt64("PRAGMA application_id"));
  if (version > LatestSchemaVersion()) {
    return FailedPrecondition("database schema version " + std::to_string(version) +
                              " is newer than this binary's " +
                              std::to_string(LatestSchemaVersion()) + "; upgrade narwhal");
  }
  if (version == 0) {
    NARWHAL_ASSIGN_OR_RETURN(int64_t objects, db.QueryInt64("SELECT count(*) FROM sqlite_master"));
    if (objects > 0 || app_id != 0) return DataLoss("the file is not a Narwhal database");
  } else if (app_id != kApplicationId) {
    return DataLoss("the file is not a Narwhal database");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    NARWHAL_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status s = db.Exec(m.sql);
    if (m.version == 1) {
      // The first migration also stamps the file and creates the voter indexes, which
      // live in VoterIndexes() because the bulk path drops and rebuilds them.
      if (s.ok()) s = db.Exec("PRAGMA application_id = " + std::to_string(kApplicationId));
      for (const IndexDef& index : kVoterIndexes) {
        if (s.ok()) s = db.Exec(index.create_sql);
      }
    }
    if (m.version == 8) {
      for (const IndexDef& index : kHouseholdIndexes) {
        if (s.ok()) s = db.Exec(index.create_sql);
      }
    }
    // PRAGMA takes no bound parameters; the version is our own integer.
    if (s.ok()) s = db.Exec("PRAGMA user_version = " + std::to_string(m.version));
    if (s.ok()) s = db.Exec("COMMIT");
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return s.WithContext("applying schema migration " + std::to_string(m.version));
    }
  }
  return Status::Ok();
}

std::span<const IndexDef> VoterIndexes() {
  return kVoterIndexes;
}

std::span<const IndexDef> HouseholdIndexes() {
  return kHouseholdIndexes;
}

Status DropBulkIndexes(Connection& db) {
  return ForEachBulkIndex([&](const IndexDef& index, bool) -> Status {
    if (!index.dropped_for_bulk) return Status::Ok();
    return db.Exec("DROP INDEX IF EXISTS " + std::string(index.name));
  });
}

namespace {

Status BuildBulkIndexes(Connection& db, int64_t& voter_duplicates_dropped) {
  voter_duplicates_dropped = 0;
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement exists,
      db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1"));
  return ForEachBulkIndex([&](const IndexDef& index, bool of_voters) -> Status {
    exists->BindText(1, index.name);
    Result<bool> found = exists->Step();
    exists->Reset();
    if (!found.ok()) return found.status();
    if (*found) return Status::Ok();
    if (index.dedupe_first) NARWHAL_RETURN_IF_ERROR(db.Exec(index.dedupe_sql));
    Status built = db.Exec(index.create_sql);
    if (built.code() == ErrorCode::kInvalidArgument && !index.dedupe_sql.empty()) {
      NARWHAL_RETURN_IF_ERROR(db.Exec(index.dedupe_sql));
      if (of_voters) voter_duplicates_dropped += db.Changes();
      built = db.Exec(index.create_sql);
    }
    return built;
  });
}

}  // namespace

// SQLite sorts an index's keys for CREATE INDEX in memory, in one list, when temporary
// storage is in memory or the page cache is big: a random-order list of a million keys
// is a walk of cache misses. With file temp storage and a small cache the sorter cuts
// the keys into runs of a few MiB (sorted in cache, on the sorter's worker threads) and
// merges them, which halves each build. Both settings are put back after, so other
// writes keep their journals in memory. (SQLite refuses to change temp storage inside a
// transaction that has temporary tables open; the builds then run as they are, slower.)
Status EnsureBulkIndexes(Connection& db, int64_t& voter_duplicates_dropped) {
  NARWHAL_ASSIGN_OR_RETURN(int64_t cache_size, db.QueryInt64("PRAGMA cache_size"));
  NARWHAL_ASSIGN_OR_RETURN(int64_t temp_store, db.QueryInt64("PRAGMA temp_store"));
  const bool temp_in_files = db.Exec("PRAGMA temp_store = FILE").ok();
  Status s = db.Exec("PRAGMA cache_size = -2048");
  if (s.ok()) s = BuildBulkIndexes(db, voter_duplicates_dropped);
  Status restored = db.Exec("PRAGMA cache_size = " + std::to_string(cache_size));
  if (temp_in_files && restored.ok()) {
    restored = db.Exec("PRAGMA temp_store = " + std::to_string(temp_store));
  }
  return s.ok() ? restored : s;
}

Result<bool> BulkIndexesComplete(Connection& db) {
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement stmt,
      db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1"));
  bool complete = true;
  NARWHAL_RETURN_IF_ERROR(ForEachBulkIndex([&](const IndexDef& index, bool) -> Status {
    if (!complete) return Status::Ok();
    stmt->BindText(1, index.name);
    Result<bool> found = stmt->Step();
    stmt->Reset();
    if (!found.ok()) return found.status();
    complete = *found;
    return Status::Ok();
  }));
  return complete;
}

}  // namespace narwhal::sqlite
