#include "http/params.h"

#include "base/text.h"

namespace narwhal {

Status BadParam(std::string_view name, std::string_view why) {
  return InvalidArgument(std::string(name) + ": " + std::string(why));
}

Status PermissionDenied(std::string why) {
  return Status(ErrorCode::kPermissionDenied, std::move(why));
}

size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

bool IsCode(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status QueryReader::CheckNames() const {
  for (size_t i = 0; i < query_.size(); ++i) {
    const std::string& name = query_[i].first;
    bool is_known = false;
    for (std::string_view k : known_) is_known |= (k == name);
    if (!is_known) {
      std::string shown = IsValidUtf8(name) && CodePoints(name) <= 40 && IsCode(name) ? name : "?";
      return BadParam(shown, "unknown parameter");
    }
    for (size_t j = 0; j < i; ++j) {
      if (query_[j].first == name) return BadParam(name, "given more than once");
    }
  }
  return Status::Ok();
}

Result<std::string> QueryReader::Get(std::string_view name, size_t max_chars) const {
  for (const auto& [n, v] : query_) {
    if (n != name) continue;
    if (!IsValidUtf8(v)) return BadParam(name, "is not valid UTF-8");
    std::string_view trimmed = TrimAscii(v);
    if (CodePoints(trimmed) > max_chars) {
      return BadParam(name, "longer than " + std::to_string(max_chars) + " characters");
    }
    return std::string(trimmed);
  }
  return std::string();
}

Result<std::string> QueryReader::GetCode(std::string_view name, size_t max_chars) const {
  NARWHAL_ASSIGN_OR_RETURN(std::string value, Get(name, max_chars));
  if (!IsCode(value)) return BadParam(name, "may not hold control characters");
  return value;
}

Result<int64_t> QueryReader::GetInt(std::string_view name, int64_t min, int64_t max,
                                    int64_t fallback) const {
  NARWHAL_ASSIGN_OR_RETURN(std::string text, Get(name, 20));
  if (text.empty()) return fallback;
  long long n = 0;
  if (!ParseInt64(text, n) || n < min || n > max) {
    return BadParam(
        name, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int64_t>(n);
}

Result<std::optional<std::chrono::system_clock::time_point>> QueryReader::GetTime(
    std::string_view name) const {
  NARWHAL_ASSIGN_OR_RETURN(std::string text, Get(name, 32));
  if (text.empty()) return std::optional<std::chrono::system_clock::time_point>();
  std::optional<std::chrono::system_clock::time_point> t = ParseIso8601(text);
  if (!t) return BadParam(name, "must be an ISO 8601 UTC time like 2026-11-03T14:05:09Z");
  return t;
}

std::optional<std::chrono::system_clock::time_point> ParseIso8601(std::string_view text) {
  auto number = [&](size_t pos, size_t len, int& out) {
    if (pos + len > text.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!number(0, 4, y) || text.size() < 10 || text[4] != '-' || !number(5, 2, mo) ||
      text[7] != '-' || !number(8, 2, d)) {
    return std::nullopt;
  }
  if (text.size() != 10) {
    if (text.size() != 20 || text[10] != 'T' || !number(11, 2, h) || text[13] != ':' ||
        !number(14, 2, mi) || text[16] != ':' || !number(17, 2, s) || text[19] != 'Z' || h > 23 ||
        mi > 59 || s > 60) {
      return std::nullopt;
    }
  }
  const std::chrono::year_month_day date{std::chrono::year(y),
                                         std::chrono::month(static_cast<unsigned>(mo)),
                                         std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s);
}

Result<int64_t> ParsePositiveId(std::string_view name, std::string_view text) {
  long long id = 0;
  if (text.size() > 18 || !IsDigits(text) || !ParseInt64(text, id) || id <= 0) {
    return BadParam(name, "must be a positive whole number");
  }
  return static_cast<int64_t>(id);
}

}  // namespace narwhal
