#include "domain/do_not_contact.h"

#include "base/text.h"
#include "domain/address.h"

namespace narwhal {
namespace {

constexpr ContactChannel kChannels[] = {ContactChannel::kDoor, ContactChannel::kPhone,
                                        ContactChannel::kText, ContactChannel::kMail,
                                        ContactChannel::kEmail};

constexpr std::string_view kPhoneKey = "p:";
constexpr std::string_view kPersonKey = "v:";
constexpr std::string_view kAddressKey = "a:";

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// "27601" from "27601-1234" or "27601"; empty when the text does not begin with five
// digits followed by nothing or a dash.
std::string Zip5(std::string_view zip) {
  zip = TrimAscii(zip);
  if (zip.size() < 5) return {};
  for (size_t i = 0; i < 5; ++i) {
    if (!IsDigit(zip[i])) return {};
  }
  if (zip.size() > 5 && zip[5] != '-') return {};
  return std::string(zip.substr(0, 5));
}

// The part of an address key after the scope, or empty when the address names no door.
std::string AddressPart(std::string_view street, std::string_view zip) {
  const std::string zip5 = Zip5(zip);
  if (zip5.empty()) return {};
  const NormalizedAddress a = NormalizeAddress(street);
  const std::string building = BuildingMatchKey(a);
  if (building.empty()) return {};
  return zip5 + "|" + building + "|" + a.unit_id;
}

}  // namespace

Result<ChannelMask> ParseChannels(std::string_view text) {
  text = TrimAscii(text);
  if (text == "all") return kEveryChannel;
  ChannelMask mask = 0;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view name = TrimAscii(text.substr(0, comma));
    const std::optional<ContactChannel> c = ContactChannelFromName(name);
    if (!c) {
      return InvalidArgument("'" + std::string(name.substr(0, 20)) +
                             "' is not a channel: phone, text, door, mail, email or all");
    }
    mask |= ChannelBit(*c);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  if (mask == 0) return InvalidArgument("no channel: phone, text, door, mail, email or all");
  return mask;
}

std::string ChannelNames(ChannelMask channels) {
  if ((channels & kEveryChannel) == kEveryChannel) return "all";
  std::string out;
  for (ContactChannel c : kChannels) {
    if ((channels & ChannelBit(c)) == 0) continue;
    if (!out.empty()) out += ',';
    out += ContactChannelName(c);
  }
  return out;
}

std::string_view SuppressionScopeName(SuppressionScope scope) {
  switch (scope) {
    case SuppressionScope::kPhone: return "phone";
    case SuppressionScope::kPerson: return "person";
    case SuppressionScope::kAddress: return "address";
  }
  return "phone";
}

std::optional<SuppressionScope> SuppressionScopeFromName(std::string_view name) {
  for (SuppressionScope s :
       {SuppressionScope::kPhone, SuppressionScope::kPerson, SuppressionScope::kAddress}) {
    if (SuppressionScopeName(s) == name) return s;
  }
  return std::nullopt;
}

Result<std::string> NormalizeUsPhone(std::string_view text) {
  std::string digits;
  const std::string_view trimmed = TrimAscii(text);
  for (size_t i = 0; i < trimmed.size(); ++i) {
    const char c = trimmed[i];
    if (IsDigit(c)) {
      if (digits.size() == 11) return InvalidArgument("more than 11 digits");
      digits += c;
    } else if (c == '+' && i == 0) {
      continue;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return InvalidArgument(
          "not a phone number: it has a character other than digits, "
          "spaces, dashes, dots, brackets or a leading +");
    }
  }
  if (digits.size() == 11) {
    if (digits[0] != '1') return InvalidArgument("11 digits not beginning with 1 (the US code)");
    digits.erase(0, 1);
  }
  if (digits.size() != 10) return InvalidArgument("not ten digits (area code and number)");
  if (digits[0] < '2') return InvalidArgument("an area code does not begin with 0 or 1");
  if (digits[3] < '2') return InvalidArgument("an exchange does not begin with 0 or 1");
  return digits;
}

Result<std::string> SuppressionKeyOf(SuppressionScope scope, std::string_view value,
                                     std::string_view zip) {
  switch (scope) {
    case SuppressionScope::kPhone: {
      NARWHAL_ASSIGN_OR_RETURN(std::string digits, NormalizeUsPhone(value));
      return std::string(kPhoneKey) + digits;
    }
    case SuppressionScope::kPerson: {
      value = TrimAscii(value);
      if (value.empty() || value.size() > 64 || !IsValidUtf8(value)) {
        return InvalidArgument("a voter id is 1 to 64 bytes of UTF-8");
      }
      return std::string(kPersonKey) + std::string(value);
    }
    case SuppressionScope::kAddress: {
      if (Zip5(zip).empty()) return InvalidArgument("no five-digit ZIP");
      const NormalizedAddress a = NormalizeAddress(value);
      if (a.kind != AddressKind::kStreet) {
        return InvalidArgument("no door to name: " + (a.problem.empty()
                                                          ? std::string("not a street address")
                                                          : a.problem));
      }
      return std::string(kAddressKey) + AddressPart(value, zip);
    }
  }
  return InvalidArgument("unknown scope");
}

Result<std::string> SuppressionKeyOfEntry(SuppressionScope scope, std::string_view entry) {
  if (scope != SuppressionScope::kAddress) return SuppressionKeyOf(scope, entry);
  const size_t comma = entry.rfind(',');
  if (comma == std::string_view::npos) {
    return InvalidArgument("an address is its street line, a comma, and its ZIP");
  }
  return SuppressionKeyOf(scope, entry.substr(0, comma), entry.substr(comma + 1));
}

std::optional<SuppressionValue> ValueOfSuppressionKey(std::string_view key) {
  const std::string_view rest = key.size() > 2 ? key.substr(2) : std::string_view();
  if (key.starts_with(kPhoneKey))
    return SuppressionValue{SuppressionScope::kPhone, std::string(rest)};
  if (key.starts_with(kPersonKey)) {
    return SuppressionValue{SuppressionScope::kPerson, std::string(rest)};
  }
  if (!key.starts_with(kAddressKey)) return std::nullopt;
  // "27601|12 ELM ST|4B" -> "12 ELM ST # 4B, 27601"
  const size_t a = rest.find('|');
  const size_t b = a == std::string_view::npos ? a : rest.find('|', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  std::string street(rest.substr(a + 1, b - a - 1));
  const std::string_view unit = rest.substr(b + 1);
  if (!unit.empty()) street += " # " + std::string(unit);
  return SuppressionValue{SuppressionScope::kAddress,
                          street + ", " + std::string(rest.substr(0, a))};
}

std::vector<std::string> SuppressionKeysOf(std::string_view voter_id, std::string_view phone,
                                           std::string_view street, std::string_view zip) {
  std::vector<std::string> keys;
  if (Result<std::string> p = NormalizeUsPhone(phone); p.ok()) {
    keys.push_back(std::string(kPhoneKey) + *p);
  }
  keys.push_back(std::string(kPersonKey) + std::string(voter_id));
  if (std::string door = AddressPart(street, zip); !door.empty()) {
    keys.push_back(std::string(kAddressKey) + door);
  }
  return keys;
}

}  // namespace narwhal
