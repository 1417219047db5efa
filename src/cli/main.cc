// narwhal: the one binary. Subcommands: serve, import, demo, users, print, version.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "auth/secrets.h"
#include "cli/commands.h"
#include "http/params.h"

namespace narwhal {
namespace {

void AddDataOption(CLI::App& app, CommonArgs& common) {
  common.data_dir = DefaultDataDir();
  app.add_option("--data", common.data_dir,
                 "data directory (database and files); default $NARWHAL_DATA or ./narwhal-data");
  app.add_option("--store", common.store,
                 "PostgreSQL connection string (postgresql://...); default $NARWHAL_STORE, "
                 "else the embedded SQLite store in --data")
      ->envname("NARWHAL_STORE");
  app.add_option("--pg-pool", common.pg_pool,
                 "PostgreSQL connections per process at most (with --store); default "
                 "$NARWHAL_PG_POOL, else 16")
      ->envname("NARWHAL_PG_POOL")
      ->check(CLI::Range(0, 1000));
  app.add_option("--pg-strike-calls", common.pg_strike_calls,
                 "strike statements in flight at most per process (with --store); strikes "
                 "arriving while all are busy are recorded together; default "
                 "$NARWHAL_PG_STRIKE_CALLS, else a quarter of --pg-pool")
      ->envname("NARWHAL_PG_STRIKE_CALLS")
      ->check(CLI::Range(0, 1000));
  app.add_option("--read-store", common.read_store,
                 "PostgreSQL standby for the voter pages, search, turnout and GOTV lists that "
                 "`serve` answers (with --store; a multi-host string with "
                 "target_session_attrs=prefer-standby "
                 "works); default $NARWHAL_READ_STORE, else every read on the primary")
      ->envname("NARWHAL_READ_STORE");
  app.add_option("--read-max-lag", common.read_max_lag_ms,
                 "milliseconds the --read-store may be behind before the primary answers "
                 "instead; default $NARWHAL_READ_MAX_LAG_MS, else 2000")
      ->envname("NARWHAL_READ_MAX_LAG_MS")
      ->check(CLI::Range(0, 600000));
}

int Main(int argc, char** argv) {
  CLI::App app{"Narwhal: the voter file, volunteers and election day of a field campaign"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("narwhal ") + kNarwhalVersion);

  ServeArgs serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "serve the API and web pages over HTTP");
  AddDataOption(*serve_cmd, serve.common);
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on")->capture_default_str();
  serve_cmd->add_option("--tls-cert", serve.server.tls_cert_file,
                        "PEM certificate chain: serve HTTPS (with --tls-key)");
  serve_cmd->add_option("--tls-key", serve.server.tls_key_file, "PEM private key for --tls-cert");
  serve_cmd->add_flag("--trust-forwarded-for", serve.server.trust_forwarded_for,
                      "take the client address from X-Forwarded-For (only behind a proxy)");
  serve_cmd->add_option("--threads", serve.server.threads, "I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve_cmd
      ->add_option("--handler-threads", serve.server.handler_threads,
                   "threads running handlers that wait on the store (strikes wait for commits)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve_cmd
      ->add_option_function<double>(
          "--rate-limit-session",
          [&serve](double rps) {
            serve.server.rate_limits.per_session = {rps, 3 * rps};
          },
          "requests a second per session (burst: three seconds' worth) [default: 20]")
      ->check(CLI::Range(1.0, 1e6));
  serve_cmd
      ->add_option_function<double>(
          "--rate-limit-address",
          [&serve](double rps) {
            serve.server.rate_limits.per_address = {rps, 2 * rps};
          },
          "requests a second per client address (burst: two seconds' worth) [default: 200]")
      ->check(CLI::Range(1.0, 1e6));
  serve_cmd
      ->add_option_function<double>(
          "--rate-limit-login",
          [&serve](double rps) {
            serve.server.rate_limits.login = {rps, 20 * rps};
          },
          "login attempts a second per client address (burst: twenty seconds' worth) "
          "[default: 0.5, burst 10]")
      ->check(CLI::Range(0.01, 1e6));
  serve_cmd->add_option("--election", serve.server.election,
                        "ISO date of the election whose strikes are taken (default: today, UTC)");
  serve_cmd
      ->add_option("--max-inflight-strikes", serve.server.max_inflight_strikes,
                   "strike requests handled at once; more get 429")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();

  ImportArgs import;
  std::string format = "ncsbe";
  std::string encoding = "auto";
  CLI::App* import_cmd = app.add_subcommand("import", "import data files");
  import_cmd->require_subcommand(1);
  CLI::App* voters_cmd =
      import_cmd->add_subcommand("voters", "import a voter file or vote history");
  AddDataOption(*voters_cmd, import.common);
  voters_cmd->add_option("--format", format, "ncsbe | ncvhis | ohio | florida | washington | csv")
      ->required();
  voters_cmd->add_option("file", import.import.path, "the file to import")->required();
  voters_cmd->add_option("--mapping", import.import.mapping_path,
                         "column-mapping file (JSON) for --format csv");
  voters_cmd->add_option("--rejects", import.import.rejects_path,
                         "where bad rows go (default FILE.rejects.tsv)");
  voters_cmd->add_option("--encoding", encoding, "auto | utf-8 | latin-1")->capture_default_str();
  voters_cmd->add_flag("--full-refresh", import.import.full_refresh,
                       "mark voters of the file's counties that it no longer lists as removed");
  voters_cmd->add_option("--batch", import.import.batch_rows, "rows per committed batch")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  voters_cmd->add_flag("--quiet", import.quiet, "no progress line");
  bool no_households = false;
  voters_cmd->add_flag("--no-households", no_households,
                       "do not place voters at their doors (docs/field.md)");

  ImportStrikesArgs import_strikes;
  std::string strikes_format = "ncvhis";
  CLI::App* strikes_cmd = import_cmd->add_subcommand(
      "strikes", "strike the voters an early-vote / absentee file lists for an election");
  AddDataOption(*strikes_cmd, import_strikes.common);
  strikes_cmd->add_option("--format", strikes_format, "ncvhis")->capture_default_str();
  strikes_cmd->add_option("--election", import_strikes.election, "ISO date of the election")
      ->required();
  strikes_cmd->add_option("--rejects", import_strikes.rejects_path,
                          "where bad rows go (default FILE.rejects.tsv)");
  strikes_cmd->add_option("file", import_strikes.path, "the file to read")->required();

  ImportScoresArgs import_scores;
  CLI::App* scores_cmd = import_cmd->add_subcommand(
      "scores", "support and turnout scores: voter_id,support,turnout or voter_id,support_id");
  AddDataOption(*scores_cmd, import_scores.common);
  scores_cmd->add_option("--rejects", import_scores.rejects_path,
                         "where bad rows go (default FILE.rejects.tsv)");
  scores_cmd->add_option("file", import_scores.path, "the CSV to read")->required();

  ImportAddressesArgs import_addresses;
  CLI::App* addresses_cmd = import_cmd->add_subcommand(
      "addresses", "address points (OpenAddresses CSV) that give buildings coordinates");
  AddDataOption(*addresses_cmd, import_addresses.common);
  addresses_cmd->add_option("--format", import_addresses.options.format, "openaddresses")
      ->capture_default_str();
  addresses_cmd->add_option("--source", import_addresses.options.source,
                            "the name its points are kept under (default: the file's name)");
  addresses_cmd->add_option("--rejects", import_addresses.options.rejects_path,
                            "where bad rows go (default FILE.rejects.tsv)");
  addresses_cmd->add_option("file", import_addresses.options.path, "the file to read")->required();

  HouseholdsArgs households;
  CLI::App* households_cmd = app.add_subcommand(
      "households", "buildings, doors, addresses without a door, and the coordinate match");
  AddDataOption(*households_cmd, households.common);
  households_cmd->add_option("--county", households.county, "one county's code");
  households_cmd->add_option("--limit", households.limit, "rows of each example list")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  households_cmd->add_flag("--json", households.json, "one JSON object instead of text");

  UniverseArgs universe;
  CLI::App* universe_cmd =
      app.add_subcommand("universe", "target lists over the voter file: count, save, show");
  universe_cmd->require_subcommand(1);
  auto add_criteria = [&universe](CLI::App& cmd) {
    CriteriaFlags& f = universe.criteria;
    cmd.add_option("--criteria", f.criteria_json,
                   "criteria as a JSON object, or @FILE (docs/field.md); the flags add to it");
    cmd.add_option("--county", f.counties, "a county's code (repeat for more)");
    cmd.add_option("--precinct", f.precincts, "COUNTY:PRECINCT (repeat for more)");
    cmd.add_option("--district", f.districts, "NAME=VALUE, e.g. congressional=4 (repeat)");
    cmd.add_option("--party", f.parties, "party code as the state writes it (repeat)");
    cmd.add_option("--status", f.statuses, "active, inactive, temporary, denied (repeat)");
    cmd.add_option("--gender", f.genders, "gender code (repeat)");
    cmd.add_option("--min-age", f.min_age, "at least this old this year");
    cmd.add_option("--max-age", f.max_age, "at most this old this year");
    cmd.add_option("--voted", f.voted,
                   "KIND:MIN/LAST: voted in at least MIN of the last LAST elections of KIND "
                   "(general, primary, municipal, other, any), e.g. general:2/4");
    cmd.add_option("--support-min", f.support_min, "support score at least (0-100)");
    cmd.add_option("--support-max", f.support_max, "support score at most (0-100)");
    cmd.add_option("--turnout-min", f.turnout_min, "turnout score at least (0-100)");
    cmd.add_option("--turnout-max", f.turnout_max, "turnout score at most (0-100)");
    cmd.add_option("--registered-after", f.registered_after, "registered on or after (YYYY-MM-DD)");
    cmd.add_option("--registered-before", f.registered_before, "registered before (YYYY-MM-DD)");
    cmd.add_option("--not-voted-in", f.not_voted_in,
                   "an election day (YYYY-MM-DD): only voters not yet struck in it");
    cmd.add_flag("--has-phone", f.has_phone, "only voters with a phone number");
    cmd.add_flag("--contacted", f.contacted, "only voters contacted at least once");
    cmd.add_flag("--not-contacted", f.not_contacted, "only voters never contacted");
    cmd.add_option("--last-result", f.last_results,
                   "her latest contact's result code, e.g. NH (repeat for more)");
    cmd.add_option("--support-id-min", f.support_id_min,
                   "her latest support ID at least (1 strong for us .. 5)");
    cmd.add_option("--support-id-max", f.support_id_max, "her latest support ID at most");
    cmd.add_option("--contacted-since", f.contacted_since,
                   "a date (YYYY-MM-DD): only contacts from then on count");
    cmd.add_option("--answer", f.answers,
                   "QUESTION=CHOICE[,CHOICE]: her current answer to a field-book question "
                   "includes one of the choices, e.g. vote_plan=unsure (repeat: all must hold)");
    cmd.add_option("--tag", f.tags, "tagged with this field-book tag (repeat: any of them)");
  };
  CLI::App* uni_elections =
      universe_cmd->add_subcommand("elections", "the elections of the vote history, newest first");
  AddDataOption(*uni_elections, universe.common);
  uni_elections->add_flag("--json", universe.json, "one JSON object");
  CLI::App* uni_count =
      universe_cmd->add_subcommand("count", "count the voters criteria select, by party");
  AddDataOption(*uni_count, universe.common);
  add_criteria(*uni_count);
  uni_count->add_flag("--json", universe.json, "one JSON object");
  CLI::App* uni_save = universe_cmd->add_subcommand(
      "save", "save criteria under a name (replacing the criteria of that name)");
  AddDataOption(*uni_save, universe.common);
  uni_save->add_option("name", universe.name, "the universe's name")->required();
  uni_save->add_option("--description", universe.description, "what it is for");
  add_criteria(*uni_save);
  CLI::App* uni_show =
      universe_cmd->add_subcommand("show", "a universe's criteria, its count now and its lists");
  AddDataOption(*uni_show, universe.common);
  uni_show->add_option("name", universe.name, "the universe's name")->required();
  CLI::App* uni_list = universe_cmd->add_subcommand("list", "the saved universes");
  AddDataOption(*uni_list, universe.common);

  CLI::App* list_cmd_group =
      app.add_subcommand("list", "voter lists: snapshots of a universe that drop who since voted");
  list_cmd_group->require_subcommand(1);
  CLI::App* list_make =
      list_cmd_group->add_subcommand("make", "make a list of a universe's voters now (a snapshot)");
  AddDataOption(*list_make, universe.common);
  list_make->add_option("universe", universe.name, "the universe's name")->required();
  list_make->add_option("--election", universe.election,
                        "drop voters struck in this election when the list is read "
                        "(default: the universe's)");
  list_make->add_option("--key", universe.idempotency_key,
                        "idempotency key: the same key gives the same list");
  CLI::App* list_voters = list_cmd_group->add_subcommand(
      "voters", "a list's voters who are still targets, tab-separated");
  AddDataOption(*list_voters, universe.common);
  list_voters->add_option("id", universe.list_id, "the list's id")->required();
  list_voters->add_option("--limit", universe.limit, "members at most")->check(CLI::Range(1, 1000));
  list_voters->add_option("--cursor", universe.cursor, "from the last page");

  CLI::App* turf_cmd = app.add_subcommand("turf", "cut a precinct into turfs and walk them");
  turf_cmd->require_subcommand(1);
  TurfCutArgs turf_cut;
  CLI::App* cut_cmd = turf_cmd->add_subcommand(
      "cut", "cut a precinct's doors into turfs of a size, or into N turfs, in walk order");
  AddDataOption(*cut_cmd, turf_cut.common);
  cut_cmd->add_option("--county", turf_cut.county, "the county's code")->required();
  cut_cmd->add_option("--precinct", turf_cut.precinct, "the precinct (default: the county)");
  cut_cmd->add_option("--doors", turf_cut.options.target_doors, "doors per turf")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cut_cmd->add_option("--tolerance", turf_cut.options.tolerance, "allowed deviation, 0.1 = 10%")
      ->check(CLI::Range(0.0, 0.99))
      ->capture_default_str();
  cut_cmd->add_option("--turfs", turf_cut.options.turfs, "exactly this many turfs instead")
      ->check(CLI::Range(1, 100000));
  cut_cmd
      ->add_option("--walking-cap", turf_cut.options.model.walking_cap_metres,
                   "metres of route beyond which a turf is a drive turf")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  cut_cmd->add_option("--universe", turf_cut.universe,
                      "cut only the doors of this saved universe's voters (narwhal universe save)");
  cut_cmd->add_flag("--walk", turf_cut.walk, "list each turf's doors in walk order");
  cut_cmd->add_flag("--json", turf_cut.json, "one JSON object, every door in walk order");
  cut_cmd->add_option("--pdf", turf_cut.pdf,
                      "write the walk lists to this PDF: a section per turf, every door's voters");
  cut_cmd->add_flag("--save", turf_cut.save,
                    "keep the turfs, each with a list number a canvasser types to load it");
  TurfListArgs turf_list;
  CLI::App* turf_list_cmd =
      turf_cmd->add_subcommand("list", "the kept turfs, their list numbers and progress");
  AddDataOption(*turf_list_cmd, turf_list.common);
  turf_list_cmd->add_option("--county", turf_list.county, "one county's code");
  turf_list_cmd->add_option("--precinct", turf_list.precinct, "one precinct (with --county)");
  turf_list_cmd->add_flag("--json", turf_list.json, "one JSON object");

  CLI::App* book_cmd = app.add_subcommand(
      "field-book", "the campaign's own result codes, survey questions, tags and scripts");
  book_cmd->require_subcommand(1);
  FieldBookArgs book;
  CLI::App* book_show_cmd = book_cmd->add_subcommand("show", "the field book now");
  AddDataOption(*book_show_cmd, book.common);
  book_show_cmd->add_flag("--json", book.json, "the whole book as one JSON object");
  CLI::App* book_set_cmd = book_cmd->add_subcommand(
      "set", "save a field book (JSON; examples/field-book.json) as the next version");
  AddDataOption(*book_set_cmd, book.common);
  book_set_cmd->add_option("file", book.file, "the book's JSON file")->required();
  book_set_cmd->add_option("--base", book.base_version,
                           "the version it was edited from: refused if someone saved since");

  CallListArgs calls;
  CLI::App* calls_cmd =
      app.add_subcommand("call-list", "phone banks: call lists, their calling hours and callers");
  calls_cmd->require_subcommand(1);
  CLI::App* calls_make =
      calls_cmd->add_subcommand("make", "make a call list of a voter list's members with a phone");
  AddDataOption(*calls_make, calls.common);
  calls_make->add_option("name", calls.name, "the call list's name")->required();
  calls_make->add_option("--list", calls.list_id, "the voter list (narwhal list make)")->required();
  calls_make->add_option("--script", calls.script, "the field book's script for the calls");
  calls_make->add_option("--from", calls.from, "calls begin from this local time (HH:MM)")
      ->default_str("09:00");
  calls_make->add_option("--until", calls.until, "and before this one (HH:MM)")
      ->default_str("21:00");
  CLI::App* calls_show =
      calls_cmd->add_subcommand("show", "the call lists, or one with its time zones and callers");
  AddDataOption(*calls_show, calls.common);
  calls_show->add_option("id", calls.list_id, "one call list");
  calls_show->add_flag("--json", calls.json, "one JSON object");
  CLI::App* calls_assign =
      calls_cmd->add_subcommand("assign", "set the phone bankers who call a list");
  AddDataOption(*calls_assign, calls.common);
  calls_assign->add_option("id", calls.list_id, "the call list")->required();
  calls_assign->add_option("users", calls.users, "the phone bankers' user ids")->required();

  DoNotContactArgs dnc;
  CLI::App* dnc_cmd = app.add_subcommand(
      "dnc", "the do-not-contact list: phone numbers, people and addresses not to contact");
  dnc_cmd->require_subcommand(1);
  CLI::App* dnc_add = dnc_cmd->add_subcommand(
      "add", "add a file of entries (one per line; an address: street, ZIP) as one batch");
  AddDataOption(*dnc_add, dnc.common);
  dnc_add->add_option("file", dnc.file, "the entries (CSV: the first column; a header is skipped)")
      ->required();
  dnc_add->add_option("--scope", dnc.scope, "phone, person (voter ids) or address")
      ->check(CLI::IsMember({"phone", "person", "address"}))
      ->capture_default_str();
  dnc_add->add_option("--channels", dnc.channels, "phone, text, door, mail, email, or all")
      ->required();
  dnc_add->add_option("--source", dnc.source, "where the entries came from (default: the file)");
  dnc_add->add_option("--reason", dnc.reason, "why, for the record");
  dnc_add->add_option("--rejects", dnc.rejects, "refused lines (TSV; default FILE.rejects.tsv)");
  CLI::App* dnc_list = dnc_cmd->add_subcommand("list", "the batches, newest first");
  AddDataOption(*dnc_list, dnc.common);
  dnc_list->add_flag("--json", dnc.json, "one JSON object");
  CLI::App* dnc_undo = dnc_cmd->add_subcommand("undo", "take a batch out of force");
  AddDataOption(*dnc_undo, dnc.common);
  dnc_undo->add_option("batch", dnc.batch_id, "the batch's id (narwhal dnc list)")->required();
  CLI::App* dnc_export =
      dnc_cmd->add_subcommand("export", "the entries in force, as CSV an upload takes back");
  AddDataOption(*dnc_export, dnc.common);
  dnc_export->add_option("--channels", dnc.channels, "only entries for these channels")
      ->default_str("all");
  dnc_export->add_option("--out", dnc.out, "write to this file instead of standard output");

  DemoArgs demo;
  CLI::App* demo_cmd = app.add_subcommand("demo", "generate a synthetic NC county and import it");
  AddDataOption(*demo_cmd, demo.common);
  demo_cmd->add_option("--voters", demo.demo.voters, "voters to generate")
      ->check(CLI::Range(int64_t{1}, int64_t{20000000}))
      ->capture_default_str();
  demo_cmd->add_option("--precincts", demo.demo.precincts, "precincts")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  demo_cmd->add_option("--seed", demo.demo.seed, "random seed")->capture_default_str();
  demo_cmd->add_option("--dirty", demo.demo.dirty_fraction, "share of deliberately bad rows")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  demo_cmd->add_option("--files-only", demo.files_only_dir,
                       "only write the NC-layout files into this directory");
  demo_cmd->add_flag("--force", demo.force, "replace an existing database in --data");
  demo_cmd->add_option("--addresses", demo.addresses_path,
                       "an OpenAddresses file: households live at its addresses");

  CLI::App* users_cmd = app.add_subcommand("users", "volunteers, staff and their login codes");
  users_cmd->require_subcommand(1);

  UsersAddArgs users_add;
  CLI::App* add_cmd =
      users_cmd->add_subcommand("add", "add one user and print her login code (once)");
  AddDataOption(*add_cmd, users_add.common);
  add_cmd->add_option("--name", users_add.name, "her name as she will recognise it")->required();
  add_cmd
      ->add_option("--role", users_add.role,
                   "admin | organizer | analyst | poll_watcher | canvasser | phone_banker")
      ->required();
  add_cmd->add_option("--county", users_add.county, "county code (organizers, poll watchers)");
  add_cmd->add_option("--precinct", users_add.precinct, "precinct code (poll watchers)");
  add_cmd->add_option("--phone", users_add.phone, "phone number");
  add_cmd->add_option("--email", users_add.email, "email address");
  add_cmd->add_option("--office", users_add.office, "field office");
  add_cmd->add_option("--turf", users_add.turfs,
                      "a kept turf's list number (canvassers; repeat for more)");

  UsersImportArgs users_import;
  CLI::App* users_import_cmd = users_cmd->add_subcommand(
      "import", "add users from a CSV and write their codes and credential sheets");
  AddDataOption(*users_import_cmd, users_import.common);
  users_import_cmd
      ->add_option("file", users_import.path,
                   "CSV with header name,phone,email,role,county,precinct,field_office[,turf]")
      ->required();
  users_import_cmd
      ->add_option("--out", users_import.out_dir,
                   "directory for credentials.csv, credentials-<office>.pdf and rejects.tsv")
      ->required();
  users_import_cmd->add_option(
      "--url", users_import.url,
      "address volunteers open, printed on the sheets; default $NARWHAL_PUBLIC_URL");

  UsersListArgs users_list;
  CLI::App* list_cmd = users_cmd->add_subcommand("list", "list users and whether they logged in");
  AddDataOption(*list_cmd, users_list.common);
  list_cmd->add_option("--county", users_list.county, "only users assigned in this county");
  list_cmd->add_option("--role", users_list.role, "only users with this role");
  list_cmd->add_flag("--json", users_list.json, "one JSON object per line");

  UserIdArgs users_reissue;
  CLI::App* reissue_cmd = users_cmd->add_subcommand(
      "reissue", "print a new login code for a user; her earlier code stops working");
  AddDataOption(*reissue_cmd, users_reissue.common);
  reissue_cmd->add_option("id", users_reissue.user_id, "user id (see `users list`)")->required();

  UserIdArgs users_revoke;
  CLI::App* revoke_cmd =
      users_cmd->add_subcommand("revoke", "end every session of a user (a lost phone)");
  AddDataOption(*revoke_cmd, users_revoke.common);
  revoke_cmd->add_option("id", users_revoke.user_id, "user id (see `users list`)")->required();

  UserIdArgs users_disable;
  CLI::App* disable_cmd = users_cmd->add_subcommand(
      "disable", "disable a user: her sessions end at once and her codes stop working");
  AddDataOption(*disable_cmd, users_disable.common);
  disable_cmd->add_option("id", users_disable.user_id, "user id (see `users list`)")->required();
  UserIdArgs users_enable;
  CLI::App* enable_cmd = users_cmd->add_subcommand(
      "enable", "let a disabled user back in (reissue her a code: the old ones stay dead)");
  AddDataOption(*enable_cmd, users_enable.common);
  enable_cmd->add_option("id", users_enable.user_id, "user id (see `users list`)")->required();

  CLI::App* print_cmd = app.add_subcommand("print", "printable lists: the paper fallback");
  print_cmd->require_subcommand(1);
  PrintPollBooksArgs poll_books;
  CLI::App* poll_books_cmd = print_cmd->add_subcommand(
      "poll-books",
      "write each precinct's strike list (and with --election its GOTV list) as PDF and CSV, "
      "and one zip per county");
  AddDataOption(*poll_books_cmd, poll_books.common);
  poll_books_cmd->add_option("--county", poll_books.county, "county code")->required();
  poll_books_cmd->add_option("--precinct", poll_books.precinct,
                             "only this precinct (no archive is written)");
  poll_books_cmd->add_option("--out", poll_books.out_dir, "directory for the files")->required();
  poll_books_cmd->add_option("--election", poll_books.election,
                             "also write each precinct's GOTV list (supporters not yet voted, "
                             "as of now) for this election, e.g. 2026-11-03");

  CLI::App* gameday_cmd = app.add_subcommand(
      "gameday", "break a running Narwhal on a script and prove what survived (docs/gameday.md)");
  gameday_cmd->require_subcommand(1);
  GamedayArgs gameday;
  CLI::App* gd_run =
      gameday_cmd->add_subcommand("run",
                                  "run a scenario; exit 0 passed, 1 failed, "
                                  "2 aborted, 3 invalid scenario, 4 a fault not effective");
  gd_run->add_option("scenario", gameday.scenario, "a scenario file or a built-in name")
      ->required();
  gd_run->add_option("--seed", gameday.seed, "fixes the workload, fault times and targets");
  gd_run->add_option("--out", gameday.out_dir,
                     "run directory (default gameday-runs/<scenario>-<time>)");
  CLI::App* gd_validate =
      gameday_cmd->add_subcommand("validate", "check a scenario and print its expanded timeline");
  gd_validate->add_option("scenario", gameday.scenario, "a scenario file or a built-in name")
      ->required();
  gd_validate->add_option("--seed", gameday.seed, "the seed to expand the random faults with");
  CLI::App* gd_list = gameday_cmd->add_subcommand("list", "the built-in scenarios");
  CLI::App* gd_report = gameday_cmd->add_subcommand(
      "report", "re-render verdict.json and report.html of a finished run");
  gd_report->add_option("dir", gameday.dir, "the run's directory")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  // Login codes and session tokens need libsodium, for serving and for issuing codes.
  if (Status s = InitSecrets(); !s.ok()) {
    std::fprintf(stderr, "narwhal: %s\n", s.message().c_str());
    return kExitFailure;
  }
  if (*serve_cmd) {
    const std::string& election = serve.server.election;
    if (!election.empty() && (election.size() != 10 || !ParseIso8601(election))) {
      std::fprintf(stderr, "narwhal serve: --election must be a date like 2026-11-03\n");
      return kExitUsage;
    }
    return RunServe(serve);
  }
  if (*voters_cmd) {
    auto parsed = ParseVoterFormat(format);
    if (!parsed.ok()) {
      std::fprintf(stderr, "narwhal import voters: %s\n", parsed.status().message().c_str());
      return kExitUsage;
    }
    import.import.format = *parsed;
    import.import.households = !no_households;
    if (encoding == "auto") {
      import.import.encoding = Encoding::kAuto;
    } else if (encoding == "utf-8" || encoding == "utf8") {
      import.import.encoding = Encoding::kUtf8;
    } else if (encoding == "latin-1" || encoding == "latin1") {
      import.import.encoding = Encoding::kLatin1;
    } else {
      std::fprintf(stderr, "narwhal import voters: --encoding must be auto, utf-8 or latin-1\n");
      return kExitUsage;
    }
    return RunImportVoters(import);
  }
  if (*strikes_cmd) {
    auto parsed = ParseVoterFormat(strikes_format);
    if (!parsed.ok()) {
      std::fprintf(stderr, "narwhal import strikes: %s\n", parsed.status().message().c_str());
      return kExitUsage;
    }
    import_strikes.format = *parsed;
    return RunImportStrikes(import_strikes);
  }
  if (*scores_cmd) return RunImportScores(import_scores);
  if (*addresses_cmd) return RunImportAddresses(import_addresses);
  if (*households_cmd) return RunHouseholds(households);
  if (*cut_cmd) return RunTurfCut(turf_cut);
  if (*turf_list_cmd) return RunTurfList(turf_list);
  if (*calls_make) return RunCallListMake(calls);
  if (*calls_show) return RunCallListShow(calls);
  if (*calls_assign) return RunCallListAssign(calls);
  if (*dnc_add) return RunDoNotContactAdd(dnc);
  if (*dnc_list) return RunDoNotContactList(dnc);
  if (*dnc_undo) return RunDoNotContactUndo(dnc);
  if (*dnc_export) return RunDoNotContactExport(dnc);
  if (*book_show_cmd) return RunFieldBookShow(book);
  if (*book_set_cmd) return RunFieldBookSet(book);
  if (*uni_elections) return RunUniverseElections(universe);
  if (*uni_count) return RunUniverseCount(universe);
  if (*uni_save) return RunUniverseSave(universe);
  if (*uni_show) return RunUniverseShow(universe);
  if (*uni_list) return RunUniverseList(universe);
  if (*list_make) return RunListMake(universe);
  if (*list_voters) return RunListVoters(universe);
  if (*demo_cmd) return RunDemo(demo);
  if (*add_cmd) return RunUsersAdd(users_add);
  if (*users_import_cmd) return RunUsersImport(users_import);
  if (*list_cmd) return RunUsersList(users_list);
  if (*reissue_cmd) return RunUsersReissue(users_reissue);
  if (*revoke_cmd) return RunUsersRevoke(users_revoke);
  if (*disable_cmd) return RunUsersSetDisabled(users_disable, true);
  if (*enable_cmd) return RunUsersSetDisabled(users_enable, false);
  if (*poll_books_cmd) return RunPrintPollBooks(poll_books);
  if (*gd_run) return RunGamedayRun(gameday);
  if (*gd_validate) return RunGamedayValidate(gameday);
  if (*gd_list) return RunGamedayList();
  if (*gd_report) return RunGamedayReport(gameday);
  return kExitUsage;
}

}  // namespace
}  // namespace narwhal

int main(int argc, char** argv) {
  return narwhal::Main(argc, argv);
}
