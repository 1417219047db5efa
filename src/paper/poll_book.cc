#include "paper/poll_book.h"

#include <utility>

#include "paper/paper_list.h"

namespace narwhal {
namespace {

constexpr int kPageSize = 1000;

std::string Heading(const PollBook& book) {
  std::string heading = book.county_name.empty() ? book.precinct.county : book.county_name;
  heading += " — precinct ";
  heading += book.precinct.precinct;
  if (!book.precinct_name.empty() && book.precinct_name != book.precinct.precinct) {
    heading += ' ';
    heading += book.precinct_name;
  }
  heading += " — ";
  heading += PaperListTitle(PaperListKind::kStrikeList);
  return heading;
}

std::string Subheading(const PollBook& book) {
  const size_t n = book.voters.size();
  return std::to_string(n) + (n == 1 ? " voter" : " voters") +
         " — tick the box of each voter who has voted; phone the field office every hour";
}

std::string BirthYear(const VoterSummary& v) {
  return v.birth_year > 0 ? std::to_string(v.birth_year) : std::string();
}

}  // namespace

Result<PollBook> LoadPollBook(Store& store, const PrecinctKey& precinct) {
  NARWHAL_ASSIGN_OR_RETURN(std::vector<PrecinctSummary> precincts,
                           store.ListPrecincts(precinct.county));
  PollBook book;
  book.precinct = precinct;
  bool found = false;
  for (const PrecinctSummary& p : precincts) {
    if (p.precinct != precinct.precinct) continue;
    book.county_name = p.county_name;
    book.precinct_name = p.precinct_name;
    book.voters.reserve(static_cast<size_t>(p.voters));
    found = true;
    break;
  }
  if (!found) {
    return NotFound("county " + precinct.county + " has no precinct '" + precinct.precinct + "'");
  }
  VoterQuery query;
  query.county = precinct.county;
  query.precinct = precinct.precinct;
  query.limit = kPageSize;
  while (true) {
    NARWHAL_ASSIGN_OR_RETURN(VoterPage page, store.SearchVoters(query));
    for (VoterSummary& v : page.voters) book.voters.push_back(std::move(v));
    if (page.next_cursor.empty()) break;
    query.cursor = std::move(page.next_cursor);
  }
  return book;
}

std::string PollBookName(const VoterSummary& voter) {
  std::string given;
  for (const std::string* part : {&voter.first_name, &voter.middle_name, &voter.name_suffix}) {
    if (part->empty()) continue;
    if (!given.empty()) given += ' ';
    given += *part;
  }
  if (voter.last_name.empty()) return given;
  if (given.empty()) return voter.last_name;
  return voter.last_name + ", " + given;
}

TableDocument PollBookPdf(const std::vector<PollBook>& books, const std::string& printed_at) {
  TableDocument doc;
  doc.title = books.size() == 1 ? Heading(books.front()) : "Strike lists";
  doc.footer_note = "printed " + printed_at +
                    " — voters' personal data: keep it safe, shred it after election day";
  doc.columns = {
      {"Name", 3}, {"Address", 2.8}, {"Born", 0.6, true}, {"Reg #", 1.4, true}, {"Voter ID", 1.2}};
  doc.checkbox_column = true;
  for (const PollBook& book : books) {
    PdfSection section;
    section.heading = Heading(book);
    section.subheading = Subheading(book);
    section.rows.reserve(book.voters.size());
    for (const VoterSummary& v : book.voters) {
      section.rows.push_back(
          {PollBookName(v), v.street, BirthYear(v), v.registration_number, v.voter_id});
    }
    doc.sections.push_back(std::move(section));
  }
  return doc;
}

std::string PollBookCsv(const PollBook& book) {
  std::string out(kUtf8Bom);
  AppendCsvRecord({"county", "precinct", "name", "address", "city", "born", "registration_number",
                   "voter_id", "voted"},
                  out);
  for (const VoterSummary& v : book.voters) {
    AppendCsvRecord({book.precinct.county, book.precinct.precinct, PollBookName(v), v.street,
                     v.city, BirthYear(v), v.registration_number, v.voter_id, ""},
                    out);
  }
  return out;
}

}  // namespace narwhal
