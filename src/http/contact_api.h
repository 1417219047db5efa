// The contact log over HTTP: record contacts (a knock, a call) in batches with idempotency
// keys, read a voter's contact timeline, list the result codes. Thin handlers over plain
// functions tested against a Store without a server (tests/http/contact_api_test.cc).
//
// Who may do what: admins everywhere; organizers for the voters of their counties;
// canvassers record (never read timelines) for the voters of their turfs (turf_api.h).
// Phone bankers record through their call lists (call_api.h), not here. Every recorded contact is
// its own row with its author and time (audited as contact.record, written behind); every timeline
// read is audited as contact.read.
//
// Thread-safety: stateless; safe from any thread as far as the Store and Clock are.
#ifndef NARWHAL_HTTP_CONTACT_API_H_
#define NARWHAL_HTTP_CONTACT_API_H_

#include <boost/json/object.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "domain/access.h"
#include "domain/contact.h"
#include "http/json_body.h"
#include "http/router.h"
#include "storage/contact_store.h"
#include "storage/store.h"

namespace narwhal {

inline constexpr size_t kMaxContactsPerRequest = 500;

// One contact of a request: what it says, and its own error when it cannot be recorded
// (an unknown result code, a channel that is none, support out of range...): an offline
// device's backlog is answered item by item, never refused whole for one bad item.
struct ContactItem {
  ContactReport report;
  Status status;
};

// {"voter_id", "idempotency_key", "result"? (empty or absent when the item only adds
// answers, support, tags or a note to a visit), "channel"?, "support"?, "answers"? (question
// key -> choice key, text, or an array of choice keys), "tags"? (tag keys), "note"?, "client_at"?,
// "list_id"?, "turf"? (a list number)}, or {"contacts": [...]} with 1..500 of them.
// kInvalidArgument naming the item and field only when the body is not of that shape (not JSON, an
// unknown field, a wrong type); values are checked per item.
Result<std::vector<ContactItem>> ParseContactBody(std::string_view content_type,
                                                  std::string_view body);

// The fields of one contact item, for a body that carries one among others (a phone call's
// result), and the item they make once validated (ParseJsonBody).
std::span<const JsonField> ContactFields();
ContactItem ContactItemFromJson(const boost::json::object& item);

// One answer per item, in order: recorded, replayed, or its error (the item's own, one the
// field book finds (an unknown code, question, choice or tag), kPermissionDenied for a
// voter outside the principal's assignment, kNotFound).
Result<std::vector<ContactResult>> RecordContactsFor(Store& store,
                                                     std::span<const ContactItem> items,
                                                     const Principal& principal, TimePoint at);

// As RecordContactsFor, for items whose access the caller has decided already: in_scope[i]
// is items[i]'s (a phone banker's call to the person she holds on her call list); `book` is
// the field book in force, read by the caller.
Result<std::vector<ContactResult>> RecordCheckedContacts(Store& store,
                                                         std::span<const ContactItem> items,
                                                         std::span<const Status> in_scope,
                                                         const SavedFieldBook& book,
                                                         const Principal& principal, TimePoint at);

// A contact as the API answers it; result names come from `book` (core codes and its own).
boost::json::object ContactJson(const ContactRecord& contact, const FieldBook& book);

// Appends POST /api/v1/contacts, GET /api/v1/voters/{voter_id}/contacts,
// GET /api/v1/result-codes and GET/PUT /api/v1/field-book. `store` and `clock` must outlive the
// routes.
void AddContactRoutes(std::vector<Route>& routes, Store& store, const Clock& clock);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_CONTACT_API_H_
