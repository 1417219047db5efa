// The do-not-contact list over HTTP: organizers add a batch of entries (phone numbers,
// voter ids or addresses, for chosen channels), list the batches, export what is in force
// as CSV, and undo a batch. Thin handlers over plain functions tested against a Store
// without a server (tests/http/suppression_api_test.cc).
//
// Who may do what: admins and organizers; the list is the campaign's, so it is not
// narrowed to counties. An organizer undoes only the batches she added; an admin any.
// Every addition and undo is audited (do_not_contact.add, do_not_contact.undo), an export
// as a read (do_not_contact.export).
//
// Thread-safety: stateless; safe from any thread as far as the Store and Clock are.
#ifndef NARWHAL_HTTP_SUPPRESSION_API_H_
#define NARWHAL_HTTP_SUPPRESSION_API_H_

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "domain/do_not_contact.h"
#include "http/router.h"
#include "storage/store.h"
#include "storage/suppression_store.h"

namespace narwhal {

// The largest body of an addition: about 60,000 phone numbers. Larger files go through
// `narwhal dnc add`.
inline constexpr size_t kMaxSuppressionBodyBytes = 1 << 20;
inline constexpr size_t kMaxSuppressionEntries = 100'000;

// An entry refused, by its place in the upload (1-based line or item) and why.
struct SuppressionReject {
  int64_t line = 0;
  std::string entry;  // as given, at most 200 bytes
  std::string reason;
};

// The keys of `entries` (SuppressionKeyOfEntry) and the entries refused.
struct SuppressionEntries {
  std::vector<std::string> keys;
  std::vector<SuppressionReject> rejects;
};
SuppressionEntries ReadSuppressionEntries(SuppressionScope scope,
                                          const std::vector<std::string>& entries);

// {id, source, reason, scope, channels: "phone,text", entries, added_by, added_at,
// undone_by, undone_at (null while in force)}.
boost::json::object SuppressionBatchJson(const SuppressionBatch& batch);

// The export's CSV: a header "scope,value,channels,batch_id", then a row per entry for
// one of `channels`, its value as an upload takes it back.
Result<std::string> SuppressionCsv(SuppressionStore& store, ChannelMask channels);

// GET/POST /api/v1/do-not-contact, GET /api/v1/do-not-contact/export,
// POST /api/v1/do-not-contact/{batch_id}/undo.
void AddSuppressionRoutes(std::vector<Route>& routes, Store& store, const Clock& clock);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_SUPPRESSION_API_H_
