// ContactStore: the append-only log of every contact with a voter (domain/contact.h), for
// doors and phones alike. One of the field-organizing interfaces beside Store;
// Store::Contacts() hands it out.
//
// Nothing in the log is ever changed or deleted: a corrected answer is a later contact.
// A voter list (universe_store.h) drops, when it is read, whoever a suppressing result
// reached: her own (refused, deceased, do not contact), or her door's (moved, wrong
// address).
//
// Thread-safety and errors: as Store. Writes return once durably committed.
#ifndef NARWHAL_STORAGE_CONTACT_STORE_H_
#define NARWHAL_STORAGE_CONTACT_STORE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/contact.h"
#include "storage/store.h"

namespace narwhal {

struct NewContact {
  ContactReport report;  // valid (ValidateContactReport)
  int64_t user_id = 0;   // who made the contact; 0 for the command line
  TimePoint at;          // when the server received it
};

struct ContactResult {
  Status status;           // per item: kNotFound (unknown voter), kInvalidArgument; OK otherwise
  int64_t contact_id = 0;  // the contact in the log
  bool replayed = false;   // its key was seen before: the first contact's answer, nothing new
};

// A contact as the log keeps it.
struct ContactRecord {
  int64_t id = 0;  // assigned in insertion order (on PostgreSQL, not necessarily commit order)
  ContactReport report;
  int64_t user_id = 0;
  std::string at;  // ISO 8601 UTC, by the server's clock
};

class ContactStore {
 public:
  virtual ~ContactStore() = default;

  // Appends contacts, all committed together. Items are independent: a bad one gets its
  // own status and the rest are stored. A repeated idempotency key returns the first
  // contact as replayed and stores nothing (kInvalidArgument when the key was used for
  // another voter).
  virtual Result<std::vector<ContactResult>> RecordContacts(
      std::span<const NewContact> contacts) = 0;

  // The voter's contacts, newest (highest id) first, at most `limit` (1..1000).
  virtual Result<std::vector<ContactRecord>> ContactsOf(const std::string& voter_id, int limit) = 0;
};

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_CONTACT_STORE_H_
