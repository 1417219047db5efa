// Contacts: every attempt to reach a voter — a knock, a call, a text — with its result, the
// answers she gave and what the volunteer noted. One append-only log for doors and phones
// (storage/contact_store.h keeps it); what a result means is decided here.
//
// A result code has a category — success (she was reached), retry (try again later) or
// suppress (do not contact again) — and a scope: the person it was about, her household
// (everyone at her door), or the address itself. "Moved" marks the address, "Deceased" the
// person, "Not home" the household. Answers are history: the current answer to a question
// is the latest one.
//
// Plain values and pure functions; thread-safety is that of std::string.
#ifndef NARWHAL_DOMAIN_CONTACT_H_
#define NARWHAL_DOMAIN_CONTACT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/voter.h"

namespace narwhal {

enum class ContactChannel : uint8_t { kDoor, kPhone, kText, kMail, kEmail };
std::string_view ContactChannelName(ContactChannel channel);  // "door", ...
std::optional<ContactChannel> ContactChannelFromName(std::string_view name);

enum class ResultCategory : uint8_t {
  kSuccess,   // she was reached
  kRetry,     // try again later
  kSuppress,  // do not contact again (through this scope)
};
std::string_view ResultCategoryName(ResultCategory category);

enum class ResultScope : uint8_t {
  kPerson,     // the voter the contact was about
  kHousehold,  // everyone at her door
  kAddress,    // the address itself, whoever lives there
};
std::string_view ResultScopeName(ResultScope scope);

struct ResultCode {
  std::string_view code;  // short, as keyed on paper: "NH"
  std::string_view name;  // "Not home"
  ResultCategory category;
  ResultScope scope;
};

// The result codes every campaign has, in the order a walk list prints them.
std::span<const ResultCode> CoreResultCodes();
// The core code `code` (exact, upper case), or null.
const ResultCode* FindResultCode(std::string_view code);

// One contact as a volunteer's device reports it.
struct ContactReport {
  std::string voter_id;
  ContactChannel channel = ContactChannel::kDoor;
  // A result code (a core one, FindResultCode, or the campaign's: field_book.h). Empty for
  // a report that adds answers, support, tags or a note to a visit already recorded: each
  // tap on a phone is its own report.
  std::string result;
  int support = 0;      // support ID 1 (strong for us) .. 5 (strong against); 0 not asked
  NamedValues answers;  // survey question key -> answer (choice keys joined by ';' for multi)
  std::vector<std::string> tags;  // the field book's tag keys
  std::string note;
  // Client-generated, unique per contact (the device's event id): a retry with the same
  // key is the same contact, never a second one. As strikes' keys.
  std::string idempotency_key;
  std::string client_at;  // ISO 8601 time by the device's clock; empty when unknown
  int64_t list_id = 0;    // the voter list it was made from; 0 none
  std::string turf;       // the list number of the turf it was made on; empty none

  friend bool operator==(const ContactReport&, const ContactReport&) = default;
};

// kInvalidArgument naming the field ("result: unknown result code 'XX'") when a report is
// malformed: a result that is not 1-8 upper-case letters and digits, or empty with nothing
// else recorded; support outside 0..5, more than 50 answers or 20 tags, text over its
// length (notes 2,000 bytes, answers 500), a client time that is not ISO 8601. Whether the
// result, answers and tags are the campaign's is CheckAgainstBook's (field_book.h) to say.
Status ValidateContactReport(const ContactReport& report);

// A key of the field book (a question, choice, tag, script or step): 1-40 of a-z, 0-9, '_'.
bool IsFieldKey(std::string_view key);

// Seconds since the epoch of an ISO 8601 time as ValidateContactReport accepts it (a
// fraction is dropped, an offset applied); nullopt for anything else.
std::optional<int64_t> IsoSeconds(std::string_view iso);

// One result recorded on a turf, as the organizer's view reads it.
struct DoorContact {
  int64_t user_id = 0;
  std::string voter_id;
  int stop = 0;  // the door's place in the turf's walk order; 0 when she is not on it
  std::string result;
  std::string category;   // the result's: "success", "retry", "suppress"
  std::string at;         // the server's time
  std::string client_at;  // the device's, or empty
};

// What one canvasser did on a turf.
struct CanvasserActivity {
  int64_t user_id = 0;
  int64_t contacts = 0;              // results recorded
  int64_t doors = 0;                 // distinct doors with a result
  int64_t voters = 0;                // distinct voters with a result
  int64_t voters_reached = 0;        // of those, with a success result (she was talked to)
  double contact_rate = 0;           // voters_reached / voters
  double minutes_between_doors = 0;  // median gap between arriving at one door and the next
  std::string first_at;              // ISO times of her first and last result (device's clock
  std::string last_at;               // when it sent one, else the server's)
};

// Each canvasser's activity on a turf, by user id. A door's arrival is her first result
// there after a result at another door; the gaps between arrivals are timed by the device's
// clock when it sent one (results sent in a batch after airplane mode keep their spacing),
// else the server's.
std::vector<CanvasserActivity> SummarizeCanvassers(std::span<const DoorContact> contacts);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_CONTACT_H_
