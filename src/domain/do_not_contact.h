// Do-not-contact: who must not be reached again, through which channels.
//
// An entry names a phone number, a person (her voter id) or an address, and the channels
// (phone, text, door, mail, email: contact.h's ContactChannel) it closes. Entries are
// stored by a key that says both scope and value ("p:9195550123", "v:AB123",
// "a:27601|12 ELM ST|4B": ZIP, building, unit), so one lookup checks every scope a
// contact could hit.
//
// Phone numbers are read as US (NANP) numbers: formatting, a leading +1 or 1 dropped,
// ten digits left whose area code and exchange both begin with 2-9. Anything else is
// refused with a reason, never guessed at. (libphonenumber reads more of the world, but a
// million-number upload must fit in seconds and every number here is North American.)
//
// Pure functions.
#ifndef NARWHAL_DOMAIN_DO_NOT_CONTACT_H_
#define NARWHAL_DOMAIN_DO_NOT_CONTACT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/contact.h"

namespace narwhal {

// A set of channels: bit ContactChannel for each.
using ChannelMask = uint32_t;
constexpr ChannelMask ChannelBit(ContactChannel c) {
  return ChannelMask{1} << static_cast<uint32_t>(c);
}
inline constexpr ChannelMask kEveryChannel = 0x1f;

// "phone,text" or "all" (every channel); kInvalidArgument names what is not a channel.
Result<ChannelMask> ParseChannels(std::string_view text);
// "phone,text", in ContactChannel order; "all" for every channel.
std::string ChannelNames(ChannelMask channels);

enum class SuppressionScope : uint8_t { kPhone, kPerson, kAddress };
std::string_view SuppressionScopeName(SuppressionScope scope);  // "phone", "person", "address"
std::optional<SuppressionScope> SuppressionScopeFromName(std::string_view name);

// "9195550123" for "(919) 555-0123", "+1 919.555.0123", "19195550123"; an error saying
// why for anything that is not a ten-digit North American number.
Result<std::string> NormalizeUsPhone(std::string_view text);

// The stored key of an entry given as a user wrote it: a phone number (NormalizeUsPhone),
// a voter id (1-64 bytes, as the file has it), or an address: its street line and ZIP (an
// address without a house number on a street, or without a five-digit ZIP, is refused: a
// door must be named exactly). kInvalidArgument says why an entry is refused.
Result<std::string> SuppressionKeyOf(SuppressionScope scope, std::string_view value,
                                     std::string_view zip = {});

// The same for an entry written on one line, as export writes it: an address is its
// street line, a comma, and its ZIP ("12 ELM ST APT 4B, 27601").
Result<std::string> SuppressionKeyOfEntry(SuppressionScope scope, std::string_view entry);

// The scope and the value as written back out (export): {kPhone, "9195550123"}.
struct SuppressionValue {
  SuppressionScope scope = SuppressionScope::kPhone;
  std::string value;  // a phone number, a voter id, or "STREET LINE, ZIP"
};
std::optional<SuppressionValue> ValueOfSuppressionKey(std::string_view key);

// Every key that would stop a contact with this person: her phone (when it reads as a
// number), herself, and her door (when her address names one).
std::vector<std::string> SuppressionKeysOf(std::string_view voter_id, std::string_view phone,
                                           std::string_view street, std::string_view zip);

}  // namespace narwhal

#endif  // NARWHAL_DOMAIN_DO_NOT_CONTACT_H_
