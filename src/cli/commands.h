// The narwhal subcommands as plain functions, so tests can run them without a shell.
//
// Each returns the process exit code (see ExitCode) and writes human messages to stderr,
// machine-readable results to stdout. Not thread-safe: one command per process.
// InitSecrets() (auth/secrets.h) must have succeeded before any of them runs.
#ifndef NARWHAL_CLI_COMMANDS_H_
#define NARWHAL_CLI_COMMANDS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/clock.h"
#include "demo/generator.h"
#include "field/turf.h"
#include "http/server.h"
#include "import/address_points.h"
#include "import/importer.h"
#include "storage/store.h"

namespace narwhal {

// The version `narwhal --version` prints and game days record.
inline constexpr const char* kNarwhalVersion = "0.1.0";

// Exit codes scripts can rely on.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,      // the command ran and failed (store unavailable, I/O error, ...)
  kExitUsage = 2,        // bad command line
  kExitBadInput = 3,     // the input file is not what was asked for (wrong format/header)
  kExitUnavailable = 4,  // the data directory or database cannot be opened
};

struct CommonArgs {
  // Holds the database and everything else Narwhal keeps. Default: $NARWHAL_DATA, else
  // ./narwhal-data.
  std::string data_dir;
  // A PostgreSQL connection string ("postgresql://h1:5432,h2:5432/narwhal?
  // target_session_attrs=read-write"); empty for the embedded SQLite store in data_dir.
  // Default: $NARWHAL_STORE. Passwords belong in PGPASSWORD or ~/.pgpass, not here.
  std::string store;
  // PostgreSQL connections per process at most (store only); 0 for the store's default.
  // Default: $NARWHAL_PG_POOL.
  int pg_pool = 0;
  int pg_strike_calls = 0;
  // A standby for the reads that decide no write (store only; ReadReplicaOptions), and
  // the staleness allowed there. Default: $NARWHAL_READ_STORE, $NARWHAL_READ_MAX_LAG_MS.
  std::string read_store;
  int read_max_lag_ms = 0;  // 0 for the store's default
};

// Default data directory as documented in CommonArgs.
std::string DefaultDataDir();

// Opens (creating when needed) the store of `common`. kUnavailable when it cannot. The
// --read-store standby is used by `serve` alone (`standby_reads`): every other command's
// reads may decide what it writes next (a new user's scope checked against the
// precincts, say), and those stay on the primary.
Result<std::unique_ptr<Store>> OpenStore(const CommonArgs& common, bool standby_reads = false);

// Prints "narwhal COMMAND: REASON" on stderr and answers `exit_code`.
int CommandFailed(std::string_view command, std::string_view reason, int exit_code);
// The same for a store's answer: kExitUsage for kInvalidArgument, kExitUnavailable for
// kUnavailable, else kExitFailure.
int CommandFailed(std::string_view command, const Status& status);

// The store opened for a command, with the part of it the command works on (`get`:
// &Store::Contacts, &Store::Universes...). When either is missing, `part` is null and
// `exit_code` says why, already printed: kExitUnavailable for a store that does not open,
// kExitFailure for one without that part ("this store keeps no WHAT").
template <typename Part>
struct OpenedPart {
  std::unique_ptr<Store> store;
  Part* part = nullptr;
  int exit_code = kExitOk;
};
template <typename Part>
OpenedPart<Part> OpenStorePart(const CommonArgs& common, std::string_view command,
                               Part* (Store::*get)(), std::string_view what) {
  OpenedPart<Part> o;
  Result<std::unique_ptr<Store>> store = OpenStore(common);
  if (!store.ok()) {
    o.exit_code = CommandFailed(command, store.status().message(), kExitUnavailable);
    return o;
  }
  o.store = std::move(store).value();
  o.part = (o.store.get()->*get)();
  if (o.part == nullptr) {
    o.exit_code = CommandFailed(command, "this store keeps no " + std::string(what), kExitFailure);
  }
  return o;
}

// Appends one audit entry for a command-line action (user 0, remote "cli"). Best effort:
// an entry the store refuses is reported on stderr as "narwhal COMMAND: audit log: ..."
// and the command goes on (what it records has already happened).
void AuditCliAction(Store& store, const Clock& clock, std::string_view command, std::string action,
                    std::string target, std::string detail = {});

struct ServeArgs {
  CommonArgs common;
  std::string listen = "127.0.0.1:8080";  // HOST:PORT
  ServerOptions server;                   // host/port filled from `listen`
};
int RunServe(ServeArgs args);

struct ImportArgs {
  CommonArgs common;
  ImportOptions import;
  bool quiet = false;  // no progress line even on a terminal
};
int RunImportVoters(const ImportArgs& args);

struct DemoArgs {
  CommonArgs common;
  DemoOptions demo;
  // When set, only write the generated files into this directory (no import).
  std::string files_only_dir;
  // An OpenAddresses file: households are placed at its addresses (DemoOptions::
  // addresses) and, after the voters, its points are imported for their coordinates.
  std::string addresses_path;
  bool force = false;  // replace an existing demo database
};
int RunDemo(const DemoArgs& args);

// --- volunteers and their login codes (docs/volunteers.md) ------------------------------
// Codes are printed once, on stderr for a person and as JSON on stdout for a script, and
// never stored: the store keeps only their hashes.

struct UsersAddArgs {
  CommonArgs common;
  std::string name;
  std::string role;  // RoleName: admin, organizer, analyst, poll_watcher, ...
  std::string county;
  std::string precinct;  // needs county
  std::string phone;
  std::string email;
  std::string office;              // field office
  std::vector<std::string> turfs;  // list numbers (canvassers)
};
// Creates the user, issues her login code and prints it:
// {"user_id":7,"name":"..","role":"poll_watcher","code":"K7QM-9XMR-T2PW",
//  "expires_at":"2026-11-17T10:00:00Z"}.
int RunUsersAdd(const UsersAddArgs& args);

struct UsersImportArgs {
  CommonArgs common;
  std::string path;     // CSV: name,phone,email,role,county,precinct,field_office
  std::string out_dir;  // credentials.csv, credentials-<office>.pdf, rejects.tsv
  std::string url;      // the address printed on the sheets; default $NARWHAL_PUBLIC_URL
};
// Validates every row, creates a user and a code for each good one, and writes the codes
// to OUT/credentials.csv and one credential sheet per field office. Bad rows are reported
// (line and reason, on stderr and in OUT/rejects.tsv) and the rest are imported, as the
// voter import does. Prints a JSON summary on stdout.
int RunUsersImport(const UsersImportArgs& args);

struct UsersListArgs {
  CommonArgs common;
  std::string county;
  std::string role;
  bool json = false;  // one JSON object per line instead of a table
};
int RunUsersList(const UsersListArgs& args);

struct UserIdArgs {
  CommonArgs common;
  int64_t user_id = 0;
};
// A new code for a user; her earlier code stops working at once. Sessions stay.
int RunUsersReissue(const UserIdArgs& args);
// Ends every session of a user (a lost phone); her code, if unused, still works.
int RunUsersRevoke(const UserIdArgs& args);
// `users disable|enable ID`: a disabled user's sessions end at once (RevokeUser).
int RunUsersSetDisabled(const UserIdArgs& args, bool disabled);

// --- households and address points (docs/field.md) -------------------------------------

struct ImportAddressesArgs {
  CommonArgs common;
  AddressPointOptions options;
};
// Loads an address-point file (import/address_points.h) and prints the match report: the
// points, the sites, and how many buildings of the voter file they gave coordinates
// (matched, ambiguous, unmatched), then one JSON line. kExitBadInput for a file that is
// not the format.
int RunImportAddresses(const ImportAddressesArgs& args);

struct HouseholdsArgs {
  CommonArgs common;
  std::string county;  // empty: every county
  int limit = 20;      // rows of each sample list
  bool json = false;   // the whole summary as one JSON object instead of text
};
// Prints the household summary: voters placed at doors, buildings and doors, the
// addresses without a door by reason with examples, and the coordinate match.
int RunHouseholds(const HouseholdsArgs& args);

struct TurfCutArgs {
  CommonArgs common;
  std::string county;    // required
  std::string precinct;  // empty: the whole county
  TurfCutOptions options;
  bool walk = false;  // list each turf's doors in walk order
  bool json = false;
  std::string pdf;       // also write the walk lists, one section per turf, to this file
  std::string universe;  // cut only this universe's voters (their doors); empty: everyone
  bool save = false;     // keep the turfs (turf_store.h) and give each a list number
};
// Cuts a precinct's doors into turfs (field/turf.h) and prints each turf (doors, voters,
// block faces, route, minutes, drive turfs), the balance, and the voters who cannot be
// placed; with `pdf`, writes the walk lists (field/walk_list.h) too. kExitBadInput when
// the precinct has no doors.
int RunTurfCut(const TurfCutArgs& args);

struct TurfListArgs {
  CommonArgs common;
  std::string county;    // empty: every county
  std::string precinct;  // needs county
  bool json = false;
};
// Lists the kept turfs, newest cut first: list number, doors, voters, and the doors and
// voters with a result recorded on them so far.
int RunTurfList(const TurfListArgs& args);

// --- phone banks (docs/field.md) ---------------------------------------------------------

struct CallListArgs {
  CommonArgs common;
  std::string name;            // make
  int64_t list_id = 0;         // make: the voter list; show, assign: the call list (0: all)
  std::string script;          // make: a field-book script key
  std::string from, until;     // make: calling hours, HH:MM local
  std::vector<int64_t> users;  // assign: phone bankers' user ids
  bool json = false;           // show
};
// Makes a call list from a voter list; prints it as JSON.
int RunCallListMake(const CallListArgs& args);
// The call lists (or one, with its people left per time zone and its callers).
int RunCallListShow(const CallListArgs& args);
// Replaces a list's phone bankers.
int RunCallListAssign(const CallListArgs& args);

// --- the do-not-contact list (docs/field.md) ---------------------------------------------

struct DoNotContactArgs {
  CommonArgs common;
  std::string file;             // add: the entries, one per line (CSV)
  std::string scope = "phone";  // add: phone, person or address
  std::string channels;         // add (required), export (default all)
  std::string source;           // add: default the file's name
  std::string reason;           // add
  std::string rejects;          // add: where refused lines go (default FILE.rejects.tsv)
  int64_t batch_id = 0;         // undo
  std::string out;              // export: a file instead of standard output
  bool json = false;            // list
};
// Adds a file's entries as one batch; prints the batch and what was refused.
int RunDoNotContactAdd(const DoNotContactArgs& args);
// The batches, newest first.
int RunDoNotContactList(const DoNotContactArgs& args);
// Takes a batch out of force.
int RunDoNotContactUndo(const DoNotContactArgs& args);
// The entries in force for some channels, as CSV an upload takes back.
int RunDoNotContactExport(const DoNotContactArgs& args);

// --- the field book (docs/field.md) -------------------------------------------------------

struct FieldBookArgs {
  CommonArgs common;
  std::string file;           // set: the book's JSON
  int64_t base_version = -1;  // set: the version it was edited from; -1 whatever is current
  bool json = false;          // show
};
// Prints the campaign's result codes, questions, tags and scripts (--json: the whole book).
int RunFieldBookShow(const FieldBookArgs& args);
// Saves FILE as the next version. kExitBadInput for a file that is not a whole book (the
// message names the member), kExitFailure when --base is not the current version.
int RunFieldBookSet(const FieldBookArgs& args);

// --- universes (docs/field.md) ------------------------------------------------------------

// A universe's criteria from the command line: a JSON object (criteria_json, or @FILE)
// that the flags add to (domain/universe_json.h has the form).
struct CriteriaFlags {
  std::string criteria_json;
  std::vector<std::string> counties;
  std::vector<std::string> precincts;  // COUNTY:PRECINCT
  std::vector<std::string> districts;  // NAME=VALUE
  std::vector<std::string> parties;
  std::vector<std::string> statuses;
  std::vector<std::string> genders;
  std::optional<int> min_age;
  std::optional<int> max_age;
  std::string voted;  // KIND:MIN/LAST ("general:2/4"), or MIN/LAST of any election
  std::optional<int> support_min;
  std::optional<int> support_max;
  std::optional<int> turnout_min;
  std::optional<int> turnout_max;
  std::string registered_after;
  std::string registered_before;
  std::string not_voted_in;  // an election day: only voters not struck in it
  bool has_phone = false;
  // The contact log: contacted at least once / never, her latest result, her latest
  // support ID (1..5), and the date contacts count from.
  bool contacted = false;
  bool not_contacted = false;
  std::vector<std::string> last_results;
  std::optional<int> support_id_min;
  std::optional<int> support_id_max;
  std::string contacted_since;
  // The field book's survey answers (QUESTION=CHOICE[,CHOICE]: her current answer includes
  // one) and tags (any of them).
  std::vector<std::string> answers;
  std::vector<std::string> tags;
};

struct UniverseArgs {
  CommonArgs common;
  std::string name;  // save, show, list make
  std::string description;
  CriteriaFlags criteria;
  std::string election;         // list make: drop voters struck in this election
  std::string idempotency_key;  // list make
  int64_t list_id = 0;          // list voters
  int limit = 100;              // list voters
  std::string cursor;           // list voters
  bool json = false;
};
// narwhal universe elections | count | save NAME | show NAME | list; narwhal list make
// UNIVERSE | voters ID. kExitUsage for bad criteria, kExitFailure for an unknown name.
int RunUniverseElections(const UniverseArgs& args);
int RunUniverseCount(const UniverseArgs& args);
int RunUniverseSave(const UniverseArgs& args);
int RunUniverseShow(const UniverseArgs& args);
int RunUniverseList(const UniverseArgs& args);
int RunListMake(const UniverseArgs& args);
int RunListVoters(const UniverseArgs& args);

// The criteria the flags describe, as the JSON object ParseUniverseCriteria reads.
// kInvalidArgument naming the flag for a malformed value or an unreadable file.
Result<std::string> CriteriaJsonFromFlags(const CriteriaFlags& flags);

// --- election day (docs/election-day.md) -------------------------------------------------

struct ImportStrikesArgs {
  CommonArgs common;
  VoterFormat format = VoterFormat::kNcvhis;  // only ncvhis so far
  std::string election;                       // ISO date; only rows of this election count
  std::string path;
  std::string rejects_path;  // empty = "<path>.rejects.tsv"
};
// Strikes every voter an early-vote / absentee file lists for `election`, with source
// kStateFile and an idempotency key derived from the election and the voter id alone
// (StateFileStrikeKey), so running the same file, or a later file that repeats its rows,
// never counts anybody twice. Bad rows go to the rejects file; voters the store does not
// know are counted. Prints {"election","rows","matching","duplicates","struck",
// "already_struck","replayed","unknown","rejected","rejects_path"}. kExitBadInput when the
// header is not the format's.
int RunImportStrikes(const ImportStrikesArgs& args);

// "sf-<election>-<voter_id>" (a hash of the id when it has characters a key may not).
std::string StateFileStrikeKey(const std::string& election, const std::string& voter_id);

struct ImportScoresArgs {
  CommonArgs common;
  std::string path;          // CSV: voter_id,support,turnout (0-100, empty = unknown) or
                             // voter_id,support_id (1-5, stored as support 100/75/50/25/0)
  std::string rejects_path;  // empty = "<path>.rejects.tsv"
};
// Stores the scores; prints {"rows","stored","unknown","rejected","rejects_path"}.
int RunImportScores(const ImportScoresArgs& args);

// --- the paper fallback of election day (docs/paper.md) ----------------------------------

struct PrintPollBooksArgs {
  CommonArgs common;
  std::string county;    // county code
  std::string precinct;  // only this precinct (and no archive); empty = the whole county
  std::string out_dir;
  std::string election;  // "2026-11-03": GOTV lists of this election too; empty = none
};
// Writes each precinct's strike list (and with an election its GOTV list) as PDF and CSV
// into out_dir, and for a whole county one zip of them all; the read is audited. Prints a
// JSON summary: {"files":[...],"archive":".../92-poll-books.zip","precincts":5,"voters":600}
// and with an election "election" and "gotv_voters" too.
// kExitUsage for an unknown county or precinct, or an election that is not a date.
int RunPrintPollBooks(const PrintPollBooksArgs& args);

// --- game day (docs/gameday.md) -----------------------------------------------------------

struct GamedayArgs {
  std::string scenario;  // a file, or a built-in scenario's name (gameday list)
  std::optional<uint64_t> seed;
  std::string out_dir;  // run: default gameday-runs/<scenario>-<UTC time>
  std::string dir;      // report: a finished run's directory
};
// Exit codes are the game day's own: 0 passed, 1 failed, 2 aborted, 3 invalid scenario,
// 4 a fault did not take effect.
int RunGamedayRun(const GamedayArgs& args);
int RunGamedayValidate(const GamedayArgs& args);
int RunGamedayList();
int RunGamedayReport(const GamedayArgs& args);

}  // namespace narwhal

#endif  // NARWHAL_CLI_COMMANDS_H_
