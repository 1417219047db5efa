// ContactStore: the append-only log of every contact with a voter (domain/contact.h), for
// doors and phones alike. One of the field-organizing interfaces beside Store;
// Store::Contacts() hands it out.
//
// Nothing in the log is ever changed or deleted: a corrected answer is a later contact.
// Beside the log the store keeps each answered choice (question, choice) and each tag
// (question "#tag") by voter, so a universe selects on the current answer without reading
// the log's JSON; and the campaign's field book (domain/field_book.h), every version kept.
// A voter list (universe_store.h) drops, when it is read, whoever a suppressing result
// reached: her own (refused, deceased, do not contact), or her door's (moved, wrong
// address).
//
// Thread-safety and errors: as Store. Writes return once durably committed.
#ifndef NARWHAL_STORAGE_CONTACT_STORE_H_
#define NARWHAL_STORAGE_CONTACT_STORE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/contact.h"
#include "domain/field_book.h"
#include "storage/store.h"

namespace narwhal {

struct NewContact {
  ContactReport report;  // valid (ValidateContactReport)
  int64_t user_id = 0;   // who made the contact; 0 for the command line
  TimePoint at;          // when the server received it
  // What the field book said of it (CheckAgainstBook). Without one, the result must be a
  // core code (kInvalidArgument otherwise) and no choices are indexed.
  std::optional<BookCheck> checked;
};

// The question under which a voter's tags are indexed beside the answered choices.
inline constexpr std::string_view kTagQuestion = "#tag";

// A version of the field book as saved.
struct SavedFieldBook {
  int64_t version = 0;  // 0: none was ever saved (an empty book)
  FieldBook book;
  int64_t saved_by = 0;
  std::string saved_at;  // ISO 8601 UTC; empty for version 0
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

  // The field book as last saved.
  virtual Result<SavedFieldBook> CurrentFieldBook() = 0;
  // Saves `book` (valid: ValidateFieldBook) as version base_version + 1 and answers it.
  // kFailedPrecondition, saving nothing, when the current version is not base_version:
  // someone saved in between, and her changes would be lost. Saving the book the current
  // version already is answers that version and saves nothing (a retried save is one).
  virtual Result<int64_t> SaveFieldBook(const FieldBook& book, int64_t base_version,
                                        int64_t user_id, TimePoint at) = 0;
};

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_CONTACT_STORE_H_
