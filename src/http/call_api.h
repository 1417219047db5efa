// Phone banks over HTTP: organizers make call lists from voter lists and assign phone
// bankers to them; a phone banker claims the next person (a lease her page renews), calls
// her from her own phone and records the result, which releases her — done with, or back
// in the queue when the retry rules say (domain/call.h). Thin handlers over plain functions
// tested against a Store without a server (tests/http/call_api_test.cc).
//
// Who may do what: admins and organizers make lists, assign callers, see every list and
// its progress, and may call; phone bankers see and call the lists assigned to them, and
// record results only for the person they were handed. A claim hands out a name and a
// phone number, so it is audited as a read (call.claim); a result is a contact (audited
// as contact.record by the store's own row, plus call.finish).
//
// Thread-safety: stateless; safe from any thread as far as the Store and Clock are.
#ifndef NARWHAL_HTTP_CALL_API_H_
#define NARWHAL_HTTP_CALL_API_H_

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "domain/access.h"
#include "domain/field_book.h"
#include "http/contact_api.h"
#include "http/router.h"
#include "storage/call_store.h"
#include "storage/store.h"

namespace narwhal {

// {id, name, voter_list_id, script, call_from, call_until ("09:00"), people, done, held,
// waiting, left, created_by, created_at}.
boost::json::object CallListJson(const CallList& list);

// The people left on a list in each zone: [{zone, label, left, open_now, local_time}],
// whether the zone is inside `window` and its local time as of `now_ms`.
boost::json::array CallZonesJson(const std::vector<CallZoneCount>& zones,
                                 const CallingWindow& window, int64_t now_ms);

// How a list is being worked, for its organizer: {callers_holding (a person on screen now),
// minutes, calls_finished (in the last `minutes`), per_minute, called (people called at
// least once), reached (whose last result is a success), contact_rate, runs_out_in_minutes
// (the `left` people at this pace, retries not counted; null when nobody is calling),
// results: [{code, name, category, people}] by each person's last result}; read as of
// `now_ms`, the codes named from the store's field book (the core codes without one).
Result<boost::json::object> ReadCallActivityJson(Store& store, CallStore& calls, int64_t list_id,
                                                 int64_t now_ms, int64_t left);

// OK when `principal` may work on list `list_id`: admins and organizers any; a phone
// banker the lists assigned to her; kPermissionDenied otherwise.
Status CheckCallListAccess(CallStore& calls, const Principal& principal, int64_t list_id);

// The claim as the phone-banker page takes it (the claim route adds household: [...], each
// member as this): {list_id, position, phone, phones: [..],
// phone_index, attempts, lease_until, lease_seconds, zone: {label, local_time}, voter:
// {voter_id, name, first_name, last_name, age, gender, party, city, zip}}.
boost::json::object CallClaimJson(const CallClaim& claim, const VoterRecord& voter, int64_t now_ms);

// A call's result: the contact to record (channel phone) and when the caller asked that
// the person be called back, if she did.
struct CallResult {
  ContactItem contact;
  std::optional<int64_t> call_back_ms;
};

// {voter_id, idempotency_key, result, support?, answers?, tags?, note?, client_at?,
// call_back_at?}: the body of a call's result. kInvalidArgument naming the field when it
// is not of that shape; a result is required, a call back time must be ISO 8601.
Result<CallResult> ParseCallResult(std::string_view content_type, std::string_view body);

// Records the call to the person at `position` of `list_id` and releases her: recorded
// (or replayed) as a contact, then finished by the retry rules (or at the call-back time,
// for a retry result). kInvalidArgument when the body's voter is not the person there (or
// the field book refuses the result); kFailedPrecondition, with the contact kept, when
// she is no longer the caller's. A retried request (its contact replayed) answers how the
// call stands, and releases the person if the first attempt recorded the call but died
// before releasing her. Answers {contact_id, outcome, finished, next_call_at}.
Result<boost::json::object> FinishCallFor(Store& store, int64_t list_id, int64_t position,
                                          const CallResult& result, const Principal& principal,
                                          TimePoint at);

// Appends the /api/v1/call-lists routes. `store` and `clock` must outlive the routes.
void AddCallRoutes(std::vector<Route>& routes, Store& store, const Clock& clock);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_CALL_API_H_
