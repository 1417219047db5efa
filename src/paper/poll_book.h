// The poll book of a precinct on paper: every registered voter, alphabetical, as the
// strike list a poll watcher ticks by hand and the CSV a field office keeps as a
// spreadsheet when the app cannot be reached.
//
// Thread-safety: LoadPollBook is as safe as the Store (any thread); the rest are pure
// functions over values.
#ifndef NARWHAL_PAPER_POLL_BOOK_H_
#define NARWHAL_PAPER_POLL_BOOK_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "domain/voter.h"
#include "print/table_pdf.h"
#include "storage/store.h"

namespace narwhal {

struct PollBook {
  PrecinctKey precinct;
  std::string county_name;    // "WAKE"; may be empty when the file had none
  std::string precinct_name;  // "RALEIGH 01-07"; may be empty
  // Every voter of the precinct not marked removed, ordered by last name, first name
  // (as folded for search) and voter id: the order of the store's precinct listing.
  std::vector<VoterSummary> voters;
};

// Reads the poll book of `precinct` in pages of 1000. kNotFound when the county has no
// such precinct (as of the last import); the store's errors otherwise. A precinct is read
// page by page, so a book loaded during an import may mix states of the file.
Result<PollBook> LoadPollBook(Store& store, const PrecinctKey& precinct);

// "SMITH, JOHN ALLEN JR": last name, comma, the given names and suffix.
std::string PollBookName(const VoterSummary& voter);

// One section per book: heading "<COUNTY NAME> — precinct <code> <name> — strike list",
// the voter count and instructions under it, a checkbox and Name, Address, Born, Reg #,
// Voter ID per voter. `printed_at` goes into the footer of every page.
TableDocument PollBookPdf(const std::vector<PollBook>& books, const std::string& printed_at);

// The book as RFC 4180 CSV (UTF-8 with a byte-order mark, CRLF): a header row
// county,precinct,name,address,city,born,registration_number,voter_id,voted and one row
// per voter in book order; "voted" is left empty for marking in a spreadsheet.
std::string PollBookCsv(const PollBook& book);

}  // namespace narwhal

#endif  // NARWHAL_PAPER_POLL_BOOK_H_
