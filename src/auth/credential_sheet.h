// Credential sheets: the printed page a field office hands out with one login code per
// volunteer, the paper side of issuing codes in bulk (`narwhal users import`).
//
// A sheet is one PDF section per field office, built on print/table_pdf.h: the heading
// "<office> — login codes", the instructions ("Open <url>, type your code, keep this
// sheet safe") and a row per volunteer with her name, role, assignment and code. The
// codes are printed once and kept nowhere else: the store holds only their hashes, so a
// lost sheet is answered by reissuing the codes on it, not by printing it again.
//
// Thread-safety: plain functions over values; reentrant.
#ifndef NARWHAL_AUTH_CREDENTIAL_SHEET_H_
#define NARWHAL_AUTH_CREDENTIAL_SHEET_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "print/table_pdf.h"

namespace narwhal {

struct CredentialLine {
  std::string name;        // as the volunteer will recognise it
  std::string role;        // "poll watcher"
  std::string assignment;  // "precinct 92/01-07", "county 92", or empty
  std::string code;        // "K7QM-9XMR-T2PW"
};

struct CredentialSheet {
  std::string office;     // field office; "" prints as "No field office"
  std::string login_url;  // the address volunteers open on their phones
  std::string expires;    // when the codes stop working, as people read it; may be empty
  std::string printed;    // footer note, e.g. "printed 2026-11-02 14:05 UTC"
  std::vector<CredentialLine> lines;
};

// The table document of one sheet (exposed for tests and for callers that want several
// offices in one PDF: append the sections).
TableDocument CredentialSheetDocument(const CredentialSheet& sheet);

// Renders `sheet` and writes it to `path` (atomically). kInvalidArgument when the sheet
// has no login URL; errors of WriteTablePdf otherwise.
Status WriteCredentialSheet(const CredentialSheet& sheet, const std::string& path);

// The file-name-safe form of an office name for "credentials-<office>.pdf": ASCII letters
// and digits kept (lowercased), every other run of characters one '-'; "office" when
// nothing is left.
std::string OfficeFileStem(const std::string& office);

}  // namespace narwhal

#endif  // NARWHAL_AUTH_CREDENTIAL_SHEET_H_
