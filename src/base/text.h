// Text helpers shared by every module: encodings, trimming and the search folding that
// makes name search case- and accent-insensitive.
//
// All functions are pure and thread-safe. Strings inside Narwhal are UTF-8; input in
// Latin-1 (ISO-8859-1 / Windows-1252 as states publish it) is converted at the edge.
#ifndef NARWHAL_BASE_TEXT_H_
#define NARWHAL_BASE_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace narwhal {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Appends the UTF-8 encoding of Latin-1 (Windows-1252 for 0x80-0x9F) bytes `s` to `out`.
void AppendLatin1AsUtf8(std::string_view s, std::string& out);

// `s` without leading and trailing ASCII white space.
std::string_view TrimAscii(std::string_view s);

// The search key of a name or a query: letters and digits upper-cased with accents
// removed (é -> E, ß -> SS), apostrophes and periods dropped ("O'Neil" -> "ONEIL"), every
// other run of characters a single space, no leading or trailing space. Input is UTF-8;
// characters outside Latin-1 / Latin Extended-A are kept as they are.
std::string FoldForSearch(std::string_view utf8);

// Splits on runs of ASCII spaces; no empty pieces.
std::vector<std::string_view> SplitWords(std::string_view s);

// ASCII lower-case copy.
std::string AsciiLower(std::string_view s);

// Case-insensitive ASCII equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Parses a base-10 signed integer that fills the whole of `s`. False on anything else.
bool ParseInt64(std::string_view s, long long& out);

// A code made safe for a file name on any system: ASCII letters, digits, '-' and '_'
// kept; every other run of bytes (a '/', a space, a dot, non-ASCII) becomes one '-';
// leading and trailing '-' dropped; "x" when nothing is left. "1/7" -> "1-7". Not
// injective ("1/7" and "1-7" meet): callers that write several files disambiguate.
std::string SafeFileStem(std::string_view code);

// One CSV field as RFC 4180 writes it: quoted (with inner quotes doubled) when it holds a
// comma, a quote, CR or LF, or starts or ends with a space; as is otherwise.
std::string CsvField(std::string_view text);

// Appends `fields` as one CSV record ending in CRLF.
void AppendCsvRecord(const std::vector<std::string>& fields, std::string& out);

// The UTF-8 byte-order mark that begins the CSV files meant for spreadsheets: without it,
// Excel reads UTF-8 as the local code page and garbles accented names.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace narwhal

#endif  // NARWHAL_BASE_TEXT_H_
