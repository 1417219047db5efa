// TurfStore: turfs kept once they are cut, each with a list number a canvasser types to
// load it, its doors in walk order and the voters behind each door. One of the
// field-organizing interfaces beside Store; Store::Turfs() hands it out.
//
// A saved turf is a snapshot, like a voter list: its stops and voters are those of the cut
// (field/turf.h) and do not change when the voter file does; the results recorded on it
// (contacts whose `turf` is its list number) are read from the contact log each time.
//
// List numbers are six characters of Crockford's base 32 (no I, L, O or U): five that
// encode the turf's id through a fixed permutation, so two turfs never share one and
// neighbouring turfs do not look alike, and a check character, so a mistyped number is
// told apart from an unknown one (ListNumberOf, ParseListNumber).
//
// Thread-safety and errors: as Store. Writes return once durably committed.
#ifndef NARWHAL_STORAGE_TURF_STORE_H_
#define NARWHAL_STORAGE_TURF_STORE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/contact.h"
#include "storage/household_store.h"
#include "storage/store.h"

namespace narwhal {

// One door of a turf, in walk order.
struct TurfStop {
  std::string door_key;
  std::string address;  // as a canvasser reads it: "4844 E REZANOF DR APT 2"
  std::optional<double> lat;
  std::optional<double> lon;
  std::vector<std::string> voter_ids;  // the voters to knock for, in the cut's order
  friend bool operator==(const TurfStop&, const TurfStop&) = default;
};

struct NewTurf {
  std::vector<TurfStop> stops;
  double route_metres = 0;
  double minutes = 0;
  bool drive = false;
};

struct NewTurfCut {
  std::string county;
  std::string precinct;        // empty: the whole county
  int64_t universe_id = 0;     // the universe whose voters were cut; 0 every voter
  std::string options;         // how it was cut, for people: "50 doors +- 10%"
  std::vector<NewTurf> turfs;  // numbered 1.. in this order
  int64_t created_by = 0;      // user id; 0 for the command line
  TimePoint at;
};

struct TurfSummary {
  int64_t id = 0;
  std::string list_number;
  int64_t cut_id = 0;
  int number = 0;  // of `of` in its cut
  int of = 0;
  std::string county;
  std::string precinct;
  int64_t universe_id = 0;
  int64_t doors = 0;
  int64_t voters = 0;
  double route_metres = 0;
  double minutes = 0;
  bool drive = false;
  std::string created_at;  // ISO 8601 UTC
  // The turf's voters with at least one result recorded on it (doors: their stops).
  // Contacts naming the turf for a voter not on it are not counted.
  int64_t voters_contacted = 0;
  int64_t doors_contacted = 0;
};

// A voter on a turf, as a canvasser's page shows her, with the latest result recorded
// on this turf (empty when none).
struct TurfVoter {
  Resident resident;     // door_key is her stop's; names empty when the file no longer has her
  int stop = 0;          // 1.. in walk order
  bool removed = false;  // removed from the voter file since the cut
  std::string last_result;
  int last_support = 0;
  std::string last_at;  // by the server's clock
  int64_t last_user_id = 0;
  int64_t last_contact_id = 0;  // its id in the contact log; 0 when none
};

struct TurfSheet {
  TurfSummary turf;
  std::vector<TurfStop> stops;    // in walk order
  std::vector<TurfVoter> voters;  // by stop, then in the cut's order
};

struct TurfQuery {
  std::string county;    // empty: every county
  std::string precinct;  // empty: every precinct of the county
  int limit = 500;       // 1..5000, newest cut first
};

class TurfStore {
 public:
  virtual ~TurfStore() = default;

  // Keeps a cut: every turf with a new list number, its stops and their voters.
  // kInvalidArgument for a cut without turfs, a turf without stops or a voter on two stops.
  // Returns the turfs in cut order.
  virtual Result<std::vector<TurfSummary>> SaveTurfCut(const NewTurfCut& cut) = 0;

  // The turf with list number `list_number` (upper case, as ParseListNumber gives it), with
  // every stop and voter and the latest results on it. kNotFound when there is none.
  virtual Result<TurfSheet> GetTurf(const std::string& list_number) = 0;

  virtual Result<std::vector<TurfSummary>> ListTurfs(const TurfQuery& query) = 0;

  // Every result recorded on the turf with list number `list_number`, in the order
  // recorded, each with its voter's stop on the turf. Empty for an unknown turf.
  virtual Result<std::vector<DoorContact>> TurfContacts(const std::string& list_number) = 0;

  // For each of `voter_ids`, whether she is on one of the turfs `list_numbers`.
  virtual Result<std::vector<bool>> OnTurfs(std::span<const std::string> list_numbers,
                                            std::span<const std::string> voter_ids) = 0;
};

// The list number of turf `id` (1 .. 2^25 - 1).
std::string ListNumberOf(int64_t id);

// `text` as a list number: spaces and dashes dropped, lower case raised, the letters people
// confuse with digits read as those digits (O as 0, I and L as 1). kInvalidArgument when it
// is not six characters of the alphabet, or its check character does not match (a typo).
Result<std::string> ParseListNumber(std::string_view text);

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_TURF_STORE_H_
