// CallStore: phone banks' call lists and the claims callers make on them. One of the
// field-organizing interfaces beside Store; Store::Calls() hands it out.
//
// A call list is made from a voter list (universe_store.h): its members with a phone, in
// the list's order. Callers claim people one at a time: a claim hands the caller the next
// person nobody holds, under a lease that ends unless she renews it (her page does, while
// it is open). Finishing a call releases the person: done with, or back in the queue no
// earlier than a time (domain/call.h decides which). A lease that ran out puts its person
// back at the head of the queue. No person is ever held by two callers at once: on the
// embedded store every claim is one job of the one writer; on PostgreSQL the row is taken
// with FOR UPDATE SKIP LOCKED in the claim's transaction, and a claim's conditions are
// checked again as it is written.
//
// Do not contact: a claim checks each person it is about to hand out against the
// do-not-contact list (suppression_store.h: her phone, herself, her door; channel phone),
// and drops whoever it holds back from the list for good, then looks further.
//
// Calling hours: each person's zone (domain/calling_hours.h) is fixed when the list is made,
// from her county and ZIP; a claim hands out only people whose zone is inside the list's
// window at the claim's time.
//
// Times are milliseconds since the epoch, by the server's clock, passed in by the caller.
//
// Thread-safety and errors: as Store. Writes return once durably committed.
#ifndef NARWHAL_STORAGE_CALL_STORE_H_
#define NARWHAL_STORAGE_CALL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "domain/calling_hours.h"
#include "storage/store.h"

namespace narwhal {

struct NewCallList {
  std::string name;  // unique; 1-100 bytes
  int64_t voter_list_id = 0;
  std::string script;  // the field book's script key; empty: the first phone script
  int64_t user_id = 0;
  int64_t at_ms = 0;
  CallingWindow window;  // local hours calls may begin (ValidateWindow)
};

struct CallList {
  int64_t id = 0;
  std::string name;
  int64_t voter_list_id = 0;
  std::string script;
  CallingWindow window;
  int64_t people = 0;   // on the list (members of the voter list with a phone)
  int64_t done = 0;     // finished with
  int64_t held = 0;     // under a lease now (as of the read)
  int64_t waiting = 0;  // to be called again later (a retry not due yet)
  int64_t dropped = 0;  // held back by the do-not-contact list when her turn came
  int64_t created_by = 0;
  int64_t created_at_ms = 0;
};

// A person handed to a caller.
struct CallClaim {
  int64_t list_id = 0;
  int64_t position = 0;  // her place in the list
  std::string voter_id;
  std::string phone;
  int attempts = 0;            // calls to her on this list before this one
  int64_t lease_until_ms = 0;  // the claim lapses then unless renewed or finished
  int zone = 0;                // her calling zone (CallZoneById)
};

// The most household members one claim hands out beside the person claimed.
inline constexpr int kMaxHousehold = 12;

// A person's place on a call list, as it stands.
struct CallTarget {
  int64_t voter_list_id = 0;  // the voter list the call list was made from
  std::string voter_id;
  std::string phone;
  int zone = 0;
  int attempts = 0;
  bool done = false;
  int64_t holder = 0;  // the caller who holds or last held her; 0 nobody
  int64_t lease_until_ms = 0;
  int64_t not_before_ms = 0;
};

// How many people of a list are left in one zone.
struct CallZoneCount {
  int zone = 0;
  int64_t left = 0;  // not finished with
};

// How a list is being worked (CallListActivity).
struct CallActivity {
  int64_t callers_holding = 0;  // callers with a lease running
  int64_t finished_since = 0;   // people whose last call was finished since the time asked
  int64_t called = 0;           // people called at least once
  // Each person's last result, by code, most frequent first: {code, people}.
  std::vector<std::pair<std::string, int64_t>> last_results;
};

class CallStore {
 public:
  virtual ~CallStore() = default;

  // kNotFound for an unknown voter list, kAlreadyExists for a name in use,
  // kInvalidArgument for a bad name, kFailedPrecondition for a list with nobody to call.
  virtual Result<CallList> CreateCallList(const NewCallList& list) = 0;
  // kNotFound for an unknown id. Counts as of `now_ms`.
  virtual Result<CallList> GetCallList(int64_t list_id, int64_t now_ms) = 0;
  virtual Result<std::vector<CallList>> ListCallLists(int64_t now_ms) = 0;

  // The person `caller` holds on the list with her lease renewed to now_ms + lease_ms, or
  // else the next one nobody holds (a lapsed lease first, then the retry due longest, then
  // the first never called, by position), leased to her — only people whose zone is
  // inside the list's calling hours at now_ms; nullopt when nobody can be called now.
  // kNotFound for an unknown list.
  virtual Result<std::optional<CallClaim>> ClaimNext(int64_t list_id, int64_t caller,
                                                     int64_t now_ms, int64_t lease_ms) = 0;

  // Leases to `caller` as well the people of the list at the door of the person at
  // `position`, whom she holds, so one call reaches the household: those due and nobody
  // else holds (or already hers), inside the calling hours at now_ms, not held back by the
  // do-not-contact list; at most kMaxHousehold, in list order. Empty when the person has no
  // door or nobody else on the list lives there. kFailedPrecondition when the caller does
  // not hold the person at `position`; kNotFound when there is nobody there.
  virtual Result<std::vector<CallClaim>> ClaimHousehold(int64_t list_id, int64_t position,
                                                        int64_t caller, int64_t now_ms,
                                                        int64_t lease_ms) = 0;

  // Extends the caller's lease on the person at `position`. kFailedPrecondition when she no
  // longer holds her (the lease lapsed and another caller has her, or the call was finished).
  virtual Result<CallClaim> RenewClaim(int64_t list_id, int64_t position, int64_t caller,
                                       int64_t now_ms, int64_t lease_ms) = 0;

  // Finishes the caller's call to the person at `position`: done with when `next_call_ms`
  // is empty, else back in the queue from then, her attempts counted. Finishing is allowed
  // while nobody else holds her (a lapsed lease nobody took counts as hers); otherwise
  // kFailedPrecondition, and the call is still in the contact log. Finishing her again
  // once she is done with answers OK and changes nothing (a retried request).
  // `result` (the call's code) and `at_ms` are kept as her last call, for the list's
  // activity.
  virtual Status FinishCall(int64_t list_id, int64_t position, int64_t caller,
                            std::optional<int64_t> next_call_ms, std::string_view result,
                            int64_t at_ms) = 0;

  // The person at `position`; kNotFound when there is none.
  virtual Result<CallTarget> GetCallTarget(int64_t list_id, int64_t position) = 0;
  // The people left on the list by zone, zones in id order. kNotFound for an unknown list.
  virtual Result<std::vector<CallZoneCount>> CallListZones(int64_t list_id) = 0;
  // How the list is being worked as of `now_ms`: callers holding someone, calls finished
  // since `since_ms`, each person's last result. kNotFound for an unknown list.
  virtual Result<CallActivity> CallListActivity(int64_t list_id, int64_t now_ms,
                                                int64_t since_ms) = 0;

  // The phone bankers assigned to a list: replaced whole; kNotFound for an unknown list.
  virtual Status SetCallers(int64_t list_id, const std::vector<int64_t>& user_ids) = 0;
  virtual Result<std::vector<int64_t>> CallersOf(int64_t list_id) = 0;
  // The lists a user is assigned to, newest first.
  virtual Result<std::vector<int64_t>> CallListsOf(int64_t user_id) = 0;
};

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_CALL_STORE_H_
