#include "paper/gotv_list.h"

#include <utility>

#include "base/text.h"
#include "paper/paper_list.h"
#include "paper/poll_book.h"

namespace narwhal {
namespace {

std::string Score(int score) {
  return score < 0 ? std::string() : std::to_string(score);
}

std::string Heading(const GotvList& list) {
  std::string heading = list.county_name.empty() ? list.precinct.county : list.county_name;
  heading += " — precinct ";
  heading += list.precinct.precinct;
  if (!list.precinct_name.empty() && list.precinct_name != list.precinct.precinct) {
    heading += ' ';
    heading += list.precinct_name;
  }
  heading += " — ";
  heading += PaperListTitle(PaperListKind::kGotvList);
  if (!list.election.empty()) {
    heading += ' ';
    heading += list.election;
  }
  return heading;
}

std::string Subheading(const GotvList& list, const std::string& printed_at) {
  const size_t n = list.entries.size();
  return std::to_string(n) + (n == 1 ? " supporter" : " supporters") + " not yet voted as of " +
         printed_at + " — tick the box of each one contacted";
}

}  // namespace

TableDocument GotvListPdf(const GotvList& list, const std::string& printed_at) {
  TableDocument doc;
  doc.title = Heading(list);
  doc.footer_note = "printed " + printed_at +
                    " — voters' personal data: keep it safe, shred it after election day";
  doc.columns = {{"Address", 2.8}, {"Name", 3}, {"Phone", 1.6}, {"Support", 0.8, true}};
  doc.checkbox_column = true;
  PdfSection section;
  section.heading = doc.title;
  section.subheading = Subheading(list, printed_at);
  section.rows.reserve(list.entries.size());
  for (const GotvEntry& e : list.entries) {
    section.rows.push_back({e.voter.street, PollBookName(e.voter), e.phone, Score(e.support)});
  }
  doc.sections.push_back(std::move(section));
  return doc;
}

std::string GotvListCsv(const std::vector<GotvEntry>& entries) {
  std::string out(kUtf8Bom);
  AppendCsvRecord({"county", "precinct", "last_name", "first_name", "street", "city", "phone",
                   "support", "turnout", "voter_id"},
                  out);
  for (const GotvEntry& e : entries) {
    AppendCsvRecord(
        {e.voter.county, e.voter.precinct, e.voter.last_name, e.voter.first_name, e.voter.street,
         e.voter.city, e.phone, Score(e.support), Score(e.turnout), e.voter.voter_id},
        out);
  }
  return out;
}

}  // namespace narwhal
