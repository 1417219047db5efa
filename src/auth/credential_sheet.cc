#include "auth/credential_sheet.h"

#include <cctype>
#include <utility>

#include "base/text.h"

namespace narwhal {

TableDocument CredentialSheetDocument(const CredentialSheet& sheet) {
  const std::string office = sheet.office.empty() ? "No field office" : sheet.office;
  TableDocument doc;
  doc.title = office + " — login codes";
  doc.footer_note = "Each code works once";
  if (!sheet.expires.empty()) doc.footer_note += ", until " + sheet.expires;
  if (!sheet.printed.empty()) doc.footer_note += " · " + sheet.printed;
  // A code is read off paper and typed on a phone: it gets the widest column and the
  // sheet a large type size, so it reads easily at arm's length in a dim school gym.
  doc.font_size = 12;
  doc.columns = {{"Name", 3}, {"Role", 1.7}, {"Assignment", 2.6}, {"Login code", 2.7}};
  doc.checkbox_column = true;  // ticked when the volunteer has her code
  PdfSection section;
  section.heading = office + " — login codes";
  section.subheading = "Open " + sheet.login_url + ", type your code, keep this sheet safe.";
  section.rows.reserve(sheet.lines.size());
  for (const CredentialLine& line : sheet.lines) {
    section.rows.push_back({line.name, line.role, line.assignment, line.code});
  }
  doc.sections.push_back(std::move(section));
  return doc;
}

Status WriteCredentialSheet(const CredentialSheet& sheet, const std::string& path) {
  if (sheet.login_url.empty()) {
    return InvalidArgument("a credential sheet needs the address volunteers open");
  }
  return WriteTablePdf(CredentialSheetDocument(sheet), path);
}

std::string OfficeFileStem(const std::string& office) {
  std::string stem = AsciiLower(SafeFileStem(office));
  return stem == "x" ? "office" : stem;
}

}  // namespace narwhal
