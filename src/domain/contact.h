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
  std::string result;   // a result code (FindResultCode)
  int support = 0;      // support ID 1 (strong for us) .. 5 (strong against); 0 not asked
  NamedValues answers;  // survey question -> answer, as the script names them
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
// malformed: an unknown result, support outside 0..5, more than 50 answers, text over its
// length (notes 2,000 bytes, answers 500), a client time that is not ISO 8601.
Status ValidateContactReport(const ContactReport& report);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_CONTACT_H_
