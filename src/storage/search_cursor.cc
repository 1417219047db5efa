#include "storage/search_cursor.h"

#include <array>
#include <optional>

#include "base/text.h"

namespace narwhal {
namespace {

// Bumped if the layout ever changes, so that old cursors are refused, not misread.
constexpr char kCursorVersion = '1';
// The first byte of an id cursor; differs from kCursorVersion so the kinds never mix.
constexpr char kIdCursorVersion = 'i';
constexpr size_t kMaxCursorBytes = 4096;

void AppendField(std::string_view s, std::string& out) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

std::optional<std::string> TakeField(std::string_view& in) {
  size_t colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 4) return std::nullopt;
  long long size = 0;
  if (!ParseInt64(in.substr(0, colon), size) || size < 0) return std::nullopt;
  in.remove_prefix(colon + 1);
  if (static_cast<size_t>(size) > in.size()) return std::nullopt;
  std::string field(in.substr(0, static_cast<size_t>(size)));
  in.remove_prefix(static_cast<size_t>(size));
  return field;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string ToHex(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (char c : raw) {
    unsigned char u = static_cast<unsigned char>(c);
    out += kHex[u >> 4];
    out += kHex[u & 0xf];
  }
  return out;
}

std::optional<std::string> FromHex(std::string_view text) {
  if (text.empty() || text.size() % 2 != 0 || text.size() > 2 * kMaxCursorBytes) {
    return std::nullopt;
  }
  std::string raw;
  raw.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = HexValue(text[i]);
    int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    raw += static_cast<char>(hi * 16 + lo);
  }
  return raw;
}

}  // namespace

std::string EncodeSearchCursor(const SearchCursor& cursor) {
  std::string raw(1, kCursorVersion);
  AppendField(cursor.last_key, raw);
  AppendField(cursor.first_key, raw);
  AppendField(cursor.voter_id, raw);
  return ToHex(raw);
}

Result<SearchCursor> DecodeSearchCursor(std::string_view text) {
  Status bad = InvalidArgument("malformed cursor");
  std::optional<std::string> raw = FromHex(text);
  if (!raw) return bad;
  std::string_view in(*raw);
  if (in.empty() || in[0] != kCursorVersion) return bad;
  in.remove_prefix(1);
  std::optional<std::string> last = TakeField(in);
  if (!last) return bad;
  std::optional<std::string> first = TakeField(in);
  if (!first) return bad;
  std::optional<std::string> id = TakeField(in);
  if (!id || !in.empty() || id->empty()) return bad;
  return SearchCursor{std::move(*last), std::move(*first), std::move(*id)};
}

std::string EncodeIdCursor(int64_t id) {
  std::string raw(1, kIdCursorVersion);
  AppendField(std::to_string(id), raw);
  return ToHex(raw);
}

Result<int64_t> DecodeIdCursor(std::string_view text) {
  Status bad = InvalidArgument("malformed cursor");
  std::optional<std::string> raw = FromHex(text);
  if (!raw) return bad;
  std::string_view in(*raw);
  if (in.empty() || in[0] != kIdCursorVersion) return bad;
  in.remove_prefix(1);
  std::optional<std::string> field = TakeField(in);
  long long id = 0;
  if (!field || !in.empty() || !ParseInt64(*field, id) || id <= 0) return bad;
  return static_cast<int64_t>(id);
}

}  // namespace narwhal
