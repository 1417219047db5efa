// The GOTV list of a precinct on paper: the supporters who had not voted yet when it was
// printed, in walk order, as a PDF a canvasser carries door to door and as CSV.
//
// A GOTV list changes with every strike, so each one is a snapshot: the PDF says the time
// it was printed ("not yet voted as of ..."), and strikes after that time are not on it.
//
// Thread-safety: pure functions over values.
#ifndef NARWHAL_PAPER_GOTV_LIST_H_
#define NARWHAL_PAPER_GOTV_LIST_H_

#include <string>
#include <vector>

#include "domain/voter.h"
#include "print/table_pdf.h"
#include "storage/store.h"

namespace narwhal {

struct GotvList {
  PrecinctKey precinct;
  std::string county_name;    // "WAKE"; empty: the heading shows the county code
  std::string precinct_name;  // "RALEIGH 01-07"; may be empty
  std::string election;       // "2026-11-03"
  // As Store::GotvList returns them: supporters not struck, in walk order.
  std::vector<GotvEntry> entries;
};

// One section: heading "<COUNTY NAME> — precinct <code> <name> — GOTV list <election>",
// the supporter count "not yet voted as of <printed_at>" under it, then a box to tick when
// the supporter was contacted and Address, Name, Phone, Support per entry, in list order.
// `printed_at` also goes into the footer of every page. Heading and subheading are kept
// short: the renderer ellipsizes what does not fit the width of the page.
TableDocument GotvListPdf(const GotvList& list, const std::string& printed_at);

// The entries as CSV (RFC 4180, CRLF, UTF-8 with a byte-order mark): a header row
// county,precinct,last_name,first_name,street,city,phone,support,turnout,voter_id and one
// row per entry in order; an unknown score (-1) is an empty field. The same bytes are
// served by GET .../gotv.csv and written into the county archive.
std::string GotvListCsv(const std::vector<GotvEntry>& entries);

}  // namespace narwhal

#endif  // NARWHAL_PAPER_GOTV_LIST_H_
