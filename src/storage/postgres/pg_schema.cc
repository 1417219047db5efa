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

// Version 3: a strike batch in one round trip. narwhal_record_strikes runs on the server
// what the store used to send as several statements per item; one call is one statement,
// so in autocommit it is one transaction and one round trip. The feed loses its global lock:
// an event's position is its transaction id times 65,536 plus its place in the
// transaction (narwhal_feed_position), and readers return only positions below the
// oldest transaction still running (narwhal_feed_horizon). Every position below the
// horizon is final, so a reader that resumes after position P never skips an event, and
// no strike waits for another's commit to append to the feed. Old events keep their ids
// as positions: ids were at most the number of events, always far below the transaction
// ids of the writes that made them, times 65,536.
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE strike_events ADD COLUMN pos bigint;
UPDATE strike_events SET pos = id;
ALTER TABLE strike_events ALTER COLUMN pos SET NOT NULL;
DROP INDEX strike_events_election;
CREATE UNIQUE INDEX strike_events_feed ON strike_events(election, pos);

-- The feed position of the n-th event (1..65535) appended by the calling transaction.
CREATE FUNCTION narwhal_feed_position(n bigint) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  IF n < 1 OR n > 65535 THEN
    RAISE EXCEPTION 'a transaction appends at most 65535 strike events (asked for number %)', n
      USING ERRCODE = '22023';
  END IF;
  RETURN (pg_current_xact_id()::text::bigint << 16) + n;
END $$;

-- Every feed position below this is final in the caller's snapshot: the transactions
-- that could still append below it have all ended.
CREATE FUNCTION narwhal_feed_horizon() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16
$$;

-- Creates the turnout rows of an election for every precinct, once (set-based, from
-- precincts and scores); later calls find the marker and do nothing. The marker row is
-- inserted first, so a concurrent first use waits for this one and then skips. Only the
-- first use writes turnout_elections: score updates lock that table in SHARE mode, so
-- rows are never created from scores they are about to change without them seeing it.
CREATE FUNCTION narwhal_ensure_turnout(p_election text, p_threshold integer, p_now bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM turnout_elections WHERE election = p_election;
  IF FOUND THEN RETURN; END IF;
  INSERT INTO turnout_elections(election, created_ns) VALUES (p_election, p_now)
    ON CONFLICT (election) DO NOTHING;
  IF NOT FOUND THEN RETURN; END IF;
  INSERT INTO turnout(election, county, precinct, supporters, expected)
  SELECT p_election, p.county, p.precinct, coalesce(a.supporters, 0), coalesce(a.expected, 0)
  FROM precincts p LEFT JOIN (
    SELECT v.county, v.precinct, count(*) FILTER (WHERE s.support >= p_threshold) AS supporters,
      coalesce(sum(s.turnout) FILTER (WHERE s.turnout >= 0), 0) / 100.0 AS expected
    FROM voter_scores s JOIN voters v ON v.voter_id = s.voter_id
    WHERE v.removed_at IS NULL GROUP BY v.county, v.precinct
  ) a ON a.county = p.county AND a.precinct = p.precinct
  ON CONFLICT DO NOTHING;
END $$;

-- What strikes (p_sign +1) or undos (-1) of p_voters do to one turnout row. The row is
-- locked first (and made, for a precinct that appeared after the election's rows were
-- created); the supporters among the voters are counted by the next statement, which sees
-- every score committed until then. Score updates lock the same rows before recounting,
-- so either they see these strikes or these strikes see their scores: supporters_voted
-- stays exact. Callers changing several rows call it in key order (the lock order).
CREATE FUNCTION narwhal_apply_turnout(p_election text, p_county text, p_precinct text,
  p_voters text[], p_sign integer, p_last bigint, p_threshold integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO turnout AS u(election, county, precinct) VALUES (p_election, p_county, p_precinct)
    ON CONFLICT (election, county, precinct) DO UPDATE SET voted = u.voted;
  UPDATE turnout u SET voted = u.voted + p_sign * cardinality(p_voters),
    supporters_voted = u.supporters_voted + p_sign * (SELECT count(*) FROM voter_scores s
      WHERE s.voter_id = ANY(p_voters) AND s.support >= p_threshold),
    last_report_ns = CASE WHEN p_sign > 0 THEN greatest(u.last_report_ns, p_last)
                          ELSE u.last_report_ns END
    WHERE u.election = p_election AND u.county = p_county AND u.precinct = p_precinct;
END $$;

-- Records a batch of strikes, given in lock order (election, voter, key; the caller's
-- order among equals); p_item is each item's place in the caller's batch. One row per
-- item: o_result 0 struck (it counts), 1 already struck (o_strike: the strike that
-- counted), 2 replayed (the key's first answer), 3 the key was used for another strike,
-- 4 the voter is not in the voter file. Raises 40001 when a concurrent transaction made
-- an item's answer undecidable (a strike with the same key rolled back, the counting
-- strike was undone in between): nothing of the batch is committed and a retry decides
-- it.
CREATE FUNCTION narwhal_record_strikes(
  p_item integer[], p_election text[], p_voter text[], p_key text[], p_source text[],
  p_user bigint[], p_at bigint[], p_threshold integer, p_now bigint)
RETURNS TABLE(o_item integer, o_result smallint, o_strike bigint, o_struck_ns bigint)
LANGUAGE plpgsql AS $$
DECLARE
  ensured text;
  k record;
  replay boolean;
  new_id bigint;
  counted bigint;
  t record;
  -- What the counting strikes do to turnout and the feed.
  d_item integer[] := '{}';
  d_election text[] := '{}';
  d_voter text[] := '{}';
  d_county text[] := '{}';
  d_precinct text[] := '{}';
  d_at bigint[] := '{}';
BEGIN
  FOR i IN 1 .. coalesce(cardinality(p_key), 0) LOOP
    o_item := p_item[i];
    o_strike := NULL;
    o_struck_ns := NULL;
    IF ensured IS DISTINCT FROM p_election[i] THEN
      PERFORM narwhal_ensure_turnout(p_election[i], p_threshold, p_now);
      ensured := p_election[i];
    END IF;
    -- The key's earlier answer and the voter's precinct, in one statement.
    SELECT s.election, s.voter_id, coalesce(s.counted_id, s.id) AS strike,
           coalesce(s.struck_ns, s.at_ns) AS at, v.county, v.precinct
      INTO k FROM (SELECT 1) one
      LEFT JOIN strikes s ON s.idempotency_key = p_key[i]
      LEFT JOIN LATERAL (SELECT w.county, w.precinct FROM voters w
                         WHERE w.voter_id = p_voter[i] ORDER BY w.id DESC LIMIT 1) v ON true;
    replay := k.election IS NOT NULL;
    IF NOT replay THEN
      IF k.county IS NULL THEN
        o_result := 4;
        RETURN NEXT;
        CONTINUE;
      END IF;
      -- Claim the key, then the voter, in one statement. Either insert may wait for a
      -- concurrent transaction holding the same key or voter, and then finds its
      -- committed row: the first strike of (election, voter) counts.
      WITH ins AS (
        INSERT INTO strikes(idempotency_key, election, voter_id, source, user_id, at_ns)
        VALUES (p_key[i], p_election[i], p_voter[i], p_source[i], p_user[i], p_at[i])
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
      ), cnt AS (
        INSERT INTO struck(election, voter_id, strike_id, struck_ns, county, precinct)
        SELECT p_election[i], p_voter[i], ins.id, p_at[i], k.county, k.precinct FROM ins
        ON CONFLICT (election, voter_id) DO NOTHING RETURNING strike_id
      )
      SELECT (SELECT id FROM ins), (SELECT strike_id FROM cnt) INTO new_id, counted;
      IF new_id IS NULL THEN
        SELECT s.election, s.voter_id, coalesce(s.counted_id, s.id) AS strike,
               coalesce(s.struck_ns, s.at_ns) AS at, NULL::text AS county, NULL::text AS precinct
          INTO k FROM strikes s WHERE s.idempotency_key = p_key[i];
        IF NOT FOUND THEN
          RAISE EXCEPTION 'a concurrent strike with the same key rolled back; retry'
            USING ERRCODE = '40001';
        END IF;
        replay := true;
      END IF;
    END IF;
    IF replay THEN
      IF k.election <> p_election[i] OR k.voter_id <> p_voter[i] THEN
        o_result := 3;
      ELSE
        o_result := 2;
        o_strike := k.strike;
        o_struck_ns := k.at;
      END IF;
      RETURN NEXT;
      CONTINUE;
    END IF;
    IF counted IS NOT NULL THEN
      o_result := 0;
      o_strike := new_id;
      o_struck_ns := p_at[i];
      d_item := d_item || p_item[i];
      d_election := d_election || p_election[i];
      d_voter := d_voter || p_voter[i];
      d_county := d_county || k.county;
      d_precinct := d_precinct || k.precinct;
      d_at := d_at || p_at[i];
    ELSE
      -- She was struck before: remember which strike counted, for replays of this key.
      UPDATE strikes SET outcome = 1, counted_id = c.strike_id, struck_ns = c.struck_ns
        FROM struck c
        WHERE strikes.id = new_id AND c.election = p_election[i] AND c.voter_id = p_voter[i]
        RETURNING c.strike_id, c.struck_ns INTO o_strike, o_struck_ns;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'a concurrent undo of voter %; retry', p_voter[i] USING ERRCODE = '40001';
      END IF;
      o_result := 1;
    END IF;
    RETURN NEXT;
  END LOOP;

  -- Turnout rows in key order (byte order, as score updates lock them).
  FOR t IN SELECT x.e COLLATE "C" AS e, x.c COLLATE "C" AS c, x.p COLLATE "C" AS p,
                  array_agg(x.v) AS voters, max(x.a) AS last
           FROM unnest(d_election, d_county, d_precinct, d_voter, d_at) AS x(e, c, p, v, a)
           GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LOOP
    PERFORM narwhal_apply_turnout(t.e, t.c, t.p, t.voters, 1, t.last, p_threshold);
  END LOOP;

  -- The feed, in the caller's order.
  INSERT INTO strike_events(pos, election, voter_id, county, precinct, undone, at_ns)
    SELECT narwhal_feed_position(row_number() OVER (ORDER BY x.n)), x.e, x.v, x.c, x.p, false, x.a
    FROM unnest(d_item, d_election, d_voter, d_county, d_precinct, d_at)
      AS x(n, e, v, c, p, a);
END $$;
)sql";

// Version 4: households (storage/household_store.h), as SQLite's version 7.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE buildings(
  building_key text COLLATE "C" PRIMARY KEY,
  county text COLLATE "C" NOT NULL,
  city text COLLATE "C" NOT NULL,
  zip text COLLATE "C" NOT NULL,
  match_key text COLLATE "C" NOT NULL,
  street_key text COLLATE "C" NOT NULL,
  block_face text COLLATE "C" NOT NULL,
  house_number bigint NOT NULL,
  house_suffix text COLLATE "C" NOT NULL
);
CREATE INDEX buildings_match ON buildings(match_key);
CREATE TABLE doors(
  door_key text COLLATE "C" PRIMARY KEY,
  building_key text COLLATE "C" NOT NULL,
  unit text COLLATE "C" NOT NULL
);
CREATE TABLE residences(
  voter_id text COLLATE "C" PRIMARY KEY,
  door_key text COLLATE "C" NOT NULL,
  building_key text COLLATE "C" NOT NULL,
  problem text COLLATE "C" NOT NULL,
  street_line text COLLATE "C" NOT NULL
);
CREATE INDEX residences_door ON residences(door_key);
CREATE TABLE address_points(
  source text COLLATE "C" NOT NULL,
  line bigint NOT NULL,
  match_key text COLLATE "C" NOT NULL,
  unit text COLLATE "C" NOT NULL,
  postcode text COLLATE "C" NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  PRIMARY KEY(source, line)
);
CREATE INDEX address_points_key ON address_points(match_key);
CREATE TABLE address_sites(
  match_key text COLLATE "C" PRIMARY KEY,
  postcode text COLLATE "C" NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  points bigint NOT NULL,
  spread_m double precision NOT NULL,
  ambiguous integer NOT NULL
);
)sql";

// Version 5: universes (storage/universe_store.h), as SQLite's version 9.
constexpr std::string_view kSchemaV5 = R"sql(
CREATE TABLE elections(
  election_date text COLLATE "C" PRIMARY KEY,
  description text NOT NULL,
  voters bigint NOT NULL
);
INSERT INTO elections(election_date, description, voters)
  SELECT election_date, min(election_desc COLLATE "C"), count(*) FROM vote_history
  GROUP BY election_date;
CREATE TABLE universes(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  description text NOT NULL,
  criteria text NOT NULL,
  created_by bigint NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL
);
CREATE TABLE voter_lists(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  universe_id bigint NOT NULL REFERENCES universes(id),
  election text COLLATE "C" NOT NULL,
  voters bigint NOT NULL,
  created_by bigint NOT NULL,
  created_at text NOT NULL,
  idempotency_key text COLLATE "C" UNIQUE,
  complete boolean NOT NULL DEFAULT false
);
CREATE INDEX voter_lists_universe ON voter_lists(universe_id, id);
CREATE TABLE list_members(
  list_id bigint NOT NULL,
  position bigint NOT NULL,
  voter_id text COLLATE "C" NOT NULL,
  county text COLLATE "C" NOT NULL,
  precinct text COLLATE "C" NOT NULL,
  street text NOT NULL,
  zip text NOT NULL,
  PRIMARY KEY(list_id, position)
);
)sql";

// Version 6: the contact log (storage/contact_store.h), as SQLite's version 10.
constexpr std::string_view kSchemaV6 = R"sql(
CREATE TABLE contacts(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key text COLLATE "C" NOT NULL UNIQUE,
  voter_id text COLLATE "C" NOT NULL,
  channel text NOT NULL,
  result text NOT NULL,
  category text NOT NULL,
  scope text NOT NULL,
  support integer NOT NULL,
  answers text NOT NULL,
  note text NOT NULL,
  client_at text NOT NULL,
  list_id bigint NOT NULL,
  user_id bigint NOT NULL,
  at text NOT NULL,
  door_key text COLLATE "C" NOT NULL
);
CREATE INDEX contacts_voter ON contacts(voter_id, id);
CREATE INDEX contacts_suppress ON contacts(voter_id, scope) WHERE category = 'suppress';
CREATE INDEX contacts_door ON contacts(door_key) WHERE category = 'suppress' AND scope <> 'person';
CREATE FUNCTION contacts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the contact log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER contacts_no_change BEFORE UPDATE OR DELETE ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_append_only();
CREATE TRIGGER contacts_no_truncate BEFORE TRUNCATE ON contacts
  FOR EACH STATEMENT EXECUTE FUNCTION contacts_append_only();
)sql";

// Version 7: saved turfs (storage/turf_store.h) and the turf a contact was made on, as
// SQLite's version 11.
constexpr std::string_view kSchemaV7 = R"sql(
CREATE TABLE turf_cuts(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  county text COLLATE "C" NOT NULL,
  precinct text COLLATE "C" NOT NULL,
  universe_id bigint NOT NULL,
  options text NOT NULL,
  turfs integer NOT NULL,
  created_by bigint NOT NULL,
  created_at text NOT NULL
);
CREATE SEQUENCE turfs_id_seq;
CREATE TABLE turfs(
  id bigint PRIMARY KEY,
  list_number text COLLATE "C" NOT NULL UNIQUE,
  cut_id bigint NOT NULL REFERENCES turf_cuts(id),
  number integer NOT NULL,
  doors bigint NOT NULL,
  voters bigint NOT NULL,
  route_metres double precision NOT NULL,
  minutes double precision NOT NULL,
  drive integer NOT NULL
);
CREATE INDEX turfs_cut ON turfs(cut_id, number);
CREATE TABLE turf_stops(
  turf_id bigint NOT NULL,
  stop integer NOT NULL,
  door_key text COLLATE "C" NOT NULL,
  address text NOT NULL,
  lat double precision,
  lon double precision,
  PRIMARY KEY(turf_id, stop)
);
CREATE TABLE turf_voters(
  turf_id bigint NOT NULL,
  voter_id text COLLATE "C" NOT NULL,
  stop integer NOT NULL,
  position integer NOT NULL,
  PRIMARY KEY(turf_id, voter_id)
);
CREATE INDEX turf_voters_stop ON turf_voters(turf_id, stop, position);
ALTER TABLE contacts ADD COLUMN turf text COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX contacts_turf ON contacts(turf, voter_id, id) WHERE turf <> '';
)sql";

// Version 8: the field book, contacts' tags and the index of answered choices, as
// SQLite's version 12.
constexpr std::string_view kSchemaV8 = R"sql(
CREATE TABLE field_books(
  version bigint PRIMARY KEY,
  body text NOT NULL,
  saved_by bigint NOT NULL,
  saved_at text NOT NULL
);
ALTER TABLE contacts ADD COLUMN tags text NOT NULL DEFAULT '';
CREATE TABLE contact_choices(
  question text COLLATE "C" NOT NULL,
  voter_id text COLLATE "C" NOT NULL,
  contact_id bigint NOT NULL,
  answer text COLLATE "C" NOT NULL,
  PRIMARY KEY(question, voter_id, contact_id, answer)
);
)sql";

// Version 9: phone banks' call lists and their people, as SQLite's version 13.
constexpr std::string_view kSchemaV9 = R"sql(
CREATE TABLE call_lists(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  voter_list_id bigint NOT NULL,
  script text NOT NULL,
  people bigint NOT NULL,
  created_by bigint NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE TABLE call_targets(
  list_id bigint NOT NULL,
  position bigint NOT NULL,
  voter_id text COLLATE "C" NOT NULL,
  phone text NOT NULL,
  done integer NOT NULL,
  holder bigint NOT NULL,
  lease_until_ms bigint NOT NULL,
  not_before_ms bigint NOT NULL,
  attempts integer NOT NULL,
  PRIMARY KEY(list_id, position)
);
CREATE INDEX call_targets_free ON call_targets(list_id, position) WHERE done = 0 AND holder = 0;
CREATE INDEX call_targets_lapsing ON call_targets(list_id, lease_until_ms, position)
  WHERE done = 0 AND holder <> 0;
CREATE INDEX call_targets_holder ON call_targets(holder, list_id) WHERE done = 0 AND holder <> 0;
)sql";

// Version 10: calling hours and the phone bankers of each list, as SQLite's version 14.
constexpr std::string_view kSchemaV10 = R"sql(
ALTER TABLE call_lists ADD COLUMN call_from integer NOT NULL DEFAULT 540;
ALTER TABLE call_lists ADD COLUMN call_until integer NOT NULL DEFAULT 1260;
ALTER TABLE call_targets ADD COLUMN zone integer NOT NULL DEFAULT 0;
CREATE TABLE call_list_callers(
  list_id bigint NOT NULL,
  user_id bigint NOT NULL,
  PRIMARY KEY(list_id, user_id)
);
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

// Version 11: the do-not-contact list and each person's last call, as SQLite's version 15.
constexpr std::string_view kSchemaV11 = R"sql(
CREATE TABLE suppression_batches(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source text NOT NULL,
  reason text NOT NULL,
  scope text NOT NULL,
  channels integer NOT NULL,
  entries bigint NOT NULL,
  added_by bigint NOT NULL,
  added_at_ms bigint NOT NULL,
  undone_by bigint NOT NULL DEFAULT 0,
  undone_at_ms bigint NOT NULL DEFAULT 0
);
CREATE TABLE suppressions(
  key text COLLATE "C" NOT NULL,
  batch_id bigint NOT NULL,
  channels integer NOT NULL,
  active integer NOT NULL,
  PRIMARY KEY(key, batch_id)
);
CREATE INDEX suppressions_batch ON suppressions(batch_id);
ALTER TABLE call_targets ADD COLUMN last_result text NOT NULL DEFAULT '';
ALTER TABLE call_targets ADD COLUMN last_call_ms bigint NOT NULL DEFAULT 0;
CREATE INDEX call_targets_called ON call_targets(list_id, last_call_ms) WHERE last_call_ms > 0;
CREATE INDEX call_targets_voter ON call_targets(voter_id, list_id);
)sql";

// Version 12: when a user last tested her login code without spending it, as SQLite's 16.
constexpr std::string_view kSchemaV12 = R"sql(
ALTER TABLE users ADD COLUMN code_tested_at text;
)sql";

constexpr std::array<Migration, 12> kMigrations = {{
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
