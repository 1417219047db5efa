// libFuzzer target: arbitrary bytes as a JSON request body through ParseJsonBody, the one
// validation every POST handler uses.
//
// The first input byte picks a field list (0xFF: the batch form of ParseItemsRequest); the
// rest is the body. Besides "no crash, no leak, no UB", it checks the validator's promises:
// an accepted body is an object holding only declared fields, each of its declared type and
// length, with every required field; a rejection is kInvalidArgument whose message names a
// field or "body".
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/text.h"
#include "http/json_body.h"

namespace {

using narwhal::JsonField;
using narwhal::JsonKind;

constexpr JsonField kLogin[] = {{"code", JsonKind::kString, true, 64}};
constexpr JsonField kMixed[] = {
    {"name", JsonKind::kString, true, 16},
    {"count", JsonKind::kInteger},
    {"on", JsonKind::kBoolean},
    {"tags", JsonKind::kStringArray, false, 8, 4},
    {"ids", JsonKind::kIntegerArray, false, 8, 4},
    {"criteria", JsonKind::kObject},
};
constexpr std::span<const JsonField> kLists[] = {kLogin, kMixed, {}};

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

size_t Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void CheckString(const boost::json::value& v, size_t max_chars) {
  Check(v.is_string());
  std::string_view s = v.as_string();
  Check(narwhal::IsValidUtf8(s) && Chars(s) <= max_chars);
  for (unsigned char c : s) Check(c >= 0x20 && c != 0x7F);
}

}  // namespace

// The batch form (ParseItemsRequest): one item or {"items": [...]}, each held to kMixed.
void CheckItems(std::string_view body) {
  narwhal::Result<narwhal::JsonItems> parsed =
      narwhal::ParseItemsRequest("application/json", body, "items", kMixed, 4, 4096);
  if (!parsed.ok()) {
    Check(parsed.status().code() == narwhal::ErrorCode::kInvalidArgument);
    Check(parsed.status().message().find(": ") != std::string::npos);
    return;
  }
  Check(!parsed->items.empty() && parsed->items.size() <= 4);
  Check(parsed->listed || parsed->items.size() == 1);
  for (const boost::json::object& item : parsed->items) Check(item.contains("name"));
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] == 0xFF) {
    CheckItems(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    return 0;
  }
  const std::span<const JsonField> fields = kLists[data[0] % std::size(kLists)];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  narwhal::Result<boost::json::object> parsed = narwhal::ParseJsonBody(body, fields);
  if (!parsed.ok()) {
    Check(parsed.status().code() == narwhal::ErrorCode::kInvalidArgument);
    Check(parsed.status().message().find(": ") != std::string::npos);
    return 0;
  }
  for (const auto& member : *parsed) {
    const JsonField* field = nullptr;
    for (const JsonField& f : fields) {
      if (f.name == member.key()) field = &f;
    }
    Check(field != nullptr);
    const boost::json::value& v = member.value();
    switch (field->kind) {
      case JsonKind::kString: CheckString(v, field->max_chars); break;
      case JsonKind::kInteger: Check(v.is_int64() || v.is_uint64()); break;
      case JsonKind::kBoolean: Check(v.is_bool()); break;
      case JsonKind::kObject: Check(v.is_object()); break;
      case JsonKind::kStringArray:
        Check(v.is_array() && v.as_array().size() <= field->max_items);
        for (const boost::json::value& item : v.as_array()) CheckString(item, field->max_chars);
        break;
      case JsonKind::kIntegerArray:
        Check(v.is_array() && v.as_array().size() <= field->max_items);
        for (const boost::json::value& item : v.as_array())
          Check(item.is_int64() || item.is_uint64());
        break;
    }
  }
  for (const JsonField& f : fields) Check(!f.required || parsed->contains(f.name));
  return 0;
}
