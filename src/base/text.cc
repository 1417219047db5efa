#include "base/text.h"

#include <charconv>
#include <cstdint>

namespace narwhal {
namespace {

// Windows-1252 code points for bytes 0x80..0x9F (0 where the byte is unassigned; those are
// passed through as the C1 control of the same value, like ISO-8859-1).
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void AppendCodePoint(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one UTF-8 sequence at s[i]; advances i. Invalid bytes decode as U+FFFD.
char32_t DecodeOne(std::string_view s, size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

// Upper-case ASCII replacement for Latin-1 Supplement and Latin Extended-A letters, or
// nullptr when the code point is not a letter we fold.
const char* FoldLatin(char32_t cp) {
  static constexpr const char* kLatin1[64] = {
      // U+00C0..U+00FF
      "A", "A", "A", "A", "A", "A", "AE", "C",     "E", "E", "E", "E", "I", "I", "I",  "I",
      "D", "N", "O", "O", "O", "O", "O",  nullptr, "O", "U", "U", "U", "U", "Y", "TH", "SS",
      "A", "A", "A", "A", "A", "A", "AE", "C",     "E", "E", "E", "E", "I", "I", "I",  "I",
      "D", "N", "O", "O", "O", "O", "O",  nullptr, "O", "U", "U", "U", "U", "Y", "TH", "Y"};
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) {
    // Latin Extended-A: pairs of upper/lower case letters, grouped by base letter.
    static constexpr struct {
      char32_t first, last;
      const char* base;
    } kRanges[] = {
        {0x100, 0x105, "A"}, {0x106, 0x10D, "C"},  {0x10E, 0x111, "D"}, {0x112, 0x11B, "E"},
        {0x11C, 0x123, "G"}, {0x124, 0x127, "H"},  {0x128, 0x131, "I"}, {0x132, 0x133, "IJ"},
        {0x134, 0x135, "J"}, {0x136, 0x138, "K"},  {0x139, 0x142, "L"}, {0x143, 0x14B, "N"},
        {0x14C, 0x151, "O"}, {0x152, 0x153, "OE"}, {0x154, 0x159, "R"}, {0x15A, 0x161, "S"},
        {0x162, 0x167, "T"}, {0x168, 0x173, "U"},  {0x174, 0x175, "W"}, {0x176, 0x178, "Y"},
        {0x179, 0x17E, "Z"}, {0x17F, 0x17F, "S"}};
    for (const auto& r : kRanges) {
      if (cp >= r.first && cp <= r.last) return r.base;
    }
  }
  return nullptr;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    int len;
    char32_t min;
    char32_t cp;
    if ((b0 & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = b0 & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

void AppendLatin1AsUtf8(std::string_view s, std::string& out) {
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out.push_back(c);
    } else if (b < 0xA0 && kCp1252High[b - 0x80] != 0) {
      AppendCodePoint(kCp1252High[b - 0x80], out);
    } else {
      AppendCodePoint(b, out);
    }
  }
}

std::string_view TrimAscii(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (b < e && space(s[b])) ++b;
  while (e > b && space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string FoldForSearch(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  auto emit = [&](std::string_view piece) {
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.append(piece);
  };
  size_t i = 0;
  while (i < utf8.size()) {
    char32_t cp = DecodeOne(utf8, i);
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c >= 'a' && c <= 'z') {
        char up = static_cast<char>(c - 'a' + 'A');
        emit(std::string_view(&up, 1));
      } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        emit(std::string_view(&c, 1));
      } else if (c == '\'' || c == '.') {
        // "O'Neil" and "St. John" fold to ONEIL and ST JOHN.
      } else {
        pending_space = true;
      }
    } else if (cp == 0x2019 || cp == 0x2018) {
      // typographic apostrophes, dropped like '
    } else if (const char* folded = FoldLatin(cp)) {
      emit(folded);
    } else if (cp == 0xFFFD || cp == 0xD7 || cp == 0xF7 || (cp >= 0x80 && cp < 0xC0) ||
               (cp >= 0x2000 && cp <= 0x206F)) {
      pending_space = true;
    } else {
      std::string encoded;
      AppendCodePoint(cp, encoded);
      emit(encoded);
    }
  }
  return out;
}

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool ParseInt64(std::string_view s, long long& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string SafeFileStem(std::string_view code) {
  std::string stem;
  bool pending_dash = false;
  for (unsigned char c : code) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    if (!keep) {
      pending_dash = true;
      continue;
    }
    if (pending_dash && !stem.empty() && stem.back() != '-') stem += '-';
    pending_dash = false;
    stem += static_cast<char>(c);
  }
  while (!stem.empty() && stem.back() == '-') stem.pop_back();
  size_t lead = 0;
  while (lead < stem.size() && stem[lead] == '-') ++lead;
  stem.erase(0, lead);
  return stem.empty() ? "x" : stem;
}

std::string CsvField(std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void AppendCsvRecord(const std::vector<std::string>& fields, std::string& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(fields[i]);
  }
  out += "\r\n";
}

}  // namespace narwhal
