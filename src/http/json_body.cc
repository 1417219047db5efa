#include "http/json_body.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/text.h"

namespace narwhal {
namespace {

namespace json = boost::json;

Status Bad(std::string_view field, std::string_view why) {
  return InvalidArgument(std::string(field) + ": " + std::string(why));
}

size_t Chars(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

Status CheckString(std::string_view name, const json::value& v, size_t max_chars) {
  if (!v.is_string()) return Bad(name, "must be a string");
  std::string_view s = v.as_string();
  if (Chars(s) > max_chars) {
    return Bad(name, "longer than " + std::to_string(max_chars) + " characters");
  }
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return Bad(name, "may not hold control characters");
  }
  return Status::Ok();
}

Status CheckField(const JsonField& f, const json::value& v) {
  switch (f.kind) {
    case JsonKind::kString: return CheckString(f.name, v, f.max_chars);
    case JsonKind::kInteger:
      if (!v.is_int64() && !v.is_uint64()) return Bad(f.name, "must be a whole number");
      if (v.is_uint64() && v.as_uint64() > static_cast<uint64_t>(INT64_MAX)) {
        return Bad(f.name, "is too large");
      }
      return Status::Ok();
    case JsonKind::kBoolean:
      if (!v.is_bool()) return Bad(f.name, "must be true or false");
      return Status::Ok();
    case JsonKind::kObject:
      if (!v.is_object()) return Bad(f.name, "must be a JSON object");
      return Status::Ok();
    case JsonKind::kStringArray: {
      if (!v.is_array()) return Bad(f.name, "must be an array of strings");
      const json::array& a = v.as_array();
      if (a.size() > f.max_items) {
        return Bad(f.name, "has more than " + std::to_string(f.max_items) + " items");
      }
      for (const json::value& item : a)
        NARWHAL_RETURN_IF_ERROR(CheckString(f.name, item, f.max_chars));
      return Status::Ok();
    }
    case JsonKind::kIntegerArray: {
      if (!v.is_array()) return Bad(f.name, "must be an array of integers");
      const json::array& a = v.as_array();
      if (a.size() > f.max_items) {
        return Bad(f.name, "has more than " + std::to_string(f.max_items) + " items");
      }
      for (const json::value& item : a) {
        if (!item.is_int64()) return Bad(f.name, "must be an array of integers");
      }
      return Status::Ok();
    }
  }
  return Bad(f.name, "has an unsupported type");
}

Status CheckMediaType(std::string_view content_type) {
  std::string_view media = TrimAscii(content_type.substr(0, content_type.find(';')));
  if (!EqualsIgnoreCase(media, "application/json")) {
    return Bad("Content-Type", "must be application/json");
  }
  return Status::Ok();
}

// One JSON object, at most kMaxJsonDepth deep.
Result<json::object> ParseObject(std::string_view body) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value v;
  try {
    v = json::parse(body, ec, {}, options);
  } catch (const std::exception&) {
    return Bad("body", "is not valid JSON");  // allocation failure and the like
  }
  if (ec) return Bad("body", "is not valid JSON (" + ec.message() + ")");
  if (!v.is_object()) return Bad("body", "must be a JSON object");
  return std::move(v.as_object());
}

}  // namespace

Result<json::object> ParseJsonBody(std::string_view body, std::span<const JsonField> fields,
                                   size_t max_bytes) {
  if (body.size() > max_bytes) {
    return Bad("body", "larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (TrimAscii(body).empty()) {
    for (const JsonField& f : fields) {
      if (f.required) return Bad(f.name, "is required");
    }
    return json::object();
  }
  NARWHAL_ASSIGN_OR_RETURN(json::object object, ParseObject(body));
  for (const auto& member : object) {
    const JsonField* field = nullptr;
    for (const JsonField& f : fields) {
      if (f.name == member.key()) field = &f;
    }
    if (field == nullptr) {
      std::string_view key = member.key();
      bool printable = Chars(key) <= 40 && IsValidUtf8(key);
      for (unsigned char c : key) printable &= c >= 0x20 && c != 0x7F;
      return Bad(printable ? key : "?", "unknown field");
    }
    NARWHAL_RETURN_IF_ERROR(CheckField(*field, member.value()));
  }
  for (const JsonField& f : fields) {
    if (f.required && !object.contains(f.name)) return Bad(f.name, "is required");
  }
  return object;
}

Result<json::object> ParseJsonRequest(std::string_view content_type, std::string_view body,
                                      std::span<const JsonField> fields, size_t max_bytes) {
  if (!TrimAscii(body).empty()) NARWHAL_RETURN_IF_ERROR(CheckMediaType(content_type));
  return ParseJsonBody(body, fields, max_bytes);
}

Result<JsonItems> ParseItemsRequest(std::string_view content_type, std::string_view body,
                                    std::string_view list, std::span<const JsonField> fields,
                                    size_t max_items, size_t max_bytes) {
  if (body.size() > max_bytes) {
    return Bad("body", "larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (TrimAscii(body).empty()) return Bad("body", "is required");
  NARWHAL_RETURN_IF_ERROR(CheckMediaType(content_type));
  NARWHAL_ASSIGN_OR_RETURN(const json::object object, ParseObject(body));
  JsonItems out;
  if (!object.contains(list)) {
    NARWHAL_ASSIGN_OR_RETURN(json::object one, ParseJsonBody(body, fields, max_bytes));
    out.items.push_back(std::move(one));
    return out;
  }
  out.listed = true;
  if (object.size() != 1) {
    return Bad("body", "only \"" + std::string(list) + "\" is allowed beside it");
  }
  const json::value& values = object.at(list);
  if (!values.is_array()) return Bad(list, "must be an array of objects");
  const json::array& array = values.as_array();
  if (array.empty()) return Bad(list, "is empty");
  if (array.size() > max_items) {
    return Bad(list, "has more than " + std::to_string(max_items) + " items");
  }
  out.items.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string where = std::string(list) + "[" + std::to_string(i) + "]";
    if (!array[i].is_object()) return Bad(where, "must be an object");
    Result<json::object> item = ParseJsonBody(json::serialize(array[i]), fields, max_bytes);
    if (!item.ok()) return InvalidArgument(where + "." + item.status().message());
    out.items.push_back(std::move(item).value());
  }
  return out;
}

}  // namespace narwhal
