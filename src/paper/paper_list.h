// The paper fallback of election day: the lists a precinct needs on paper when phones and
// the network fail, and the file names and CSV conventions they share.
//
// A list kind names one printable list of a precinct. The strike list (the poll book a
// poll watcher ticks) is the only kind today; the GOTV list (supporters not yet voted)
// becomes another kind once support scores and strikes are in the store, with its own
// loader and columns, and the same file names, CSV rules and county archive.
//
// Thread-safety: pure functions.
#ifndef NARWHAL_PAPER_PAPER_LIST_H_
#define NARWHAL_PAPER_PAPER_LIST_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "domain/voter.h"

namespace narwhal {

enum class PaperListKind {
  kStrikeList,  // every registered voter of the precinct, to strike those who voted
};

// "strike-list": the kind as it appears in file names.
std::string_view PaperListSlug(PaperListKind kind);
// "strike list": the kind as people read it in headings.
std::string_view PaperListTitle(PaperListKind kind);

// A code made safe for a file name on any system: ASCII letters, digits, '-' and '_'
// kept; every other run of bytes (a '/', a space, a dot, non-ASCII) becomes one '-';
// leading and trailing '-' dropped; "x" when nothing is left. "1/7" -> "1-7". Not
// injective ("1/7" and "1-7" meet): callers that write several files disambiguate.
std::string SafeFileStem(std::string_view code);

// "<county>-<precinct>-<slug>.<extension>", each code through SafeFileStem:
// PaperFileName({"92", "1/7"}, kStrikeList, "pdf") == "92-1-7-strike-list.pdf".
std::string PaperFileName(const PrecinctKey& precinct, PaperListKind kind,
                          std::string_view extension);

// One CSV field as RFC 4180 writes it: quoted (with inner quotes doubled) when it holds a
// comma, a quote, CR or LF, or starts or ends with a space; as is otherwise.
std::string CsvField(std::string_view text);

// Appends `fields` as one CSV record ending in CRLF.
void AppendCsvRecord(const std::vector<std::string>& fields, std::string& out);

// "2026-11-02 14:05 UTC": when a list was printed, as people read it on paper.
std::string PrintedAt(std::chrono::system_clock::time_point t);

}  // namespace narwhal

#endif  // NARWHAL_PAPER_PAPER_LIST_H_
