// The paper fallback of election day: the lists a precinct needs on paper when phones and
// the network fail, and the file names and CSV conventions they share.
//
// A list kind names one printable list of a precinct: the strike list (the poll book a
// poll watcher ticks) and the GOTV list (supporters not yet voted, gotv_list.h). Each has
// its own loader and columns, and they share the file names and the county archive.
//
// Thread-safety: pure functions.
#ifndef NARWHAL_PAPER_PAPER_LIST_H_
#define NARWHAL_PAPER_PAPER_LIST_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "domain/voter.h"

namespace narwhal {

enum class PaperListKind {
  kStrikeList,  // every registered voter of the precinct, to strike those who voted
  kGotvList,    // supporters not yet voted, in walk order, to get out the vote
};

// "strike-list", "gotv": the kind as it appears in file names.
std::string_view PaperListSlug(PaperListKind kind);
// "strike list", "GOTV list": the kind as people read it in headings.
std::string_view PaperListTitle(PaperListKind kind);

// "<county>-<precinct>-<slug>.<extension>", each code through SafeFileStem:
// PaperFileName({"92", "1/7"}, kStrikeList, "pdf") == "92-1-7-strike-list.pdf".
std::string PaperFileName(const PrecinctKey& precinct, PaperListKind kind,
                          std::string_view extension);

}  // namespace narwhal

#endif  // NARWHAL_PAPER_PAPER_LIST_H_
