#include "paper/county_archive.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "base/clock.h"
#include "base/text.h"
#include "paper/paper_list.h"
#include "paper/poll_book.h"
#include "paper/zip_writer.h"
#include "print/table_pdf.h"

namespace narwhal {
namespace {

namespace fs = std::filesystem;

Status WriteFileAtomically(const fs::path& path, std::string_view bytes) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) return Unavailable("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Unavailable("cannot move " + tmp.string() + " into place: " + ec.message());
  }
  return Status::Ok();
}

// The key whose file names do not meet any taken before (compared without case, as
// Windows and macOS file systems do): the precinct code, or it with "-2", "-3", ...
PrecinctKey DistinctFileKey(const PrecinctKey& key, std::set<std::string>& taken) {
  PrecinctKey candidate = key;
  for (int n = 2; !taken.insert(AsciiLower(SafeFileStem(candidate.precinct))).second; ++n) {
    candidate.precinct = key.precinct + "-" + std::to_string(n);
  }
  return candidate;
}

}  // namespace

Result<PaperArchiveSummary> WriteCountyArchive(Store& store, const PaperArchiveRequest& request) {
  if (request.county.empty()) return InvalidArgument("county: a county code is needed");
  NARWHAL_ASSIGN_OR_RETURN(std::vector<PrecinctSummary> precincts,
                           store.ListPrecincts(request.county));
  if (precincts.empty()) {
    return NotFound("county " + request.county + " has no precincts in the voter file");
  }
  std::set<std::string> taken;
  std::vector<std::pair<PrecinctKey, PrecinctKey>> chosen;  // the precinct, its file key
  for (const PrecinctSummary& p : precincts) {
    PrecinctKey key{p.county, p.precinct};
    PrecinctKey file_key = DistinctFileKey(key, taken);
    if (request.precinct.empty() || request.precinct == p.precinct) {
      chosen.emplace_back(std::move(key), std::move(file_key));
    }
  }
  if (chosen.empty()) {
    return NotFound("county " + request.county + " has no precinct '" + request.precinct + "'");
  }

  std::error_code ec;
  fs::create_directories(request.out_dir, ec);
  if (ec) return Unavailable("cannot create " + request.out_dir + ": " + ec.message());
  const fs::path dir(request.out_dir);
  const std::string printed_at = FormatHumanUtc(request.printed_at);

  std::optional<ZipWriter> zip;
  PaperArchiveSummary summary;
  if (request.precinct.empty()) {
    summary.archive = (dir / (SafeFileStem(request.county) + "-poll-books.zip")).string();
    NARWHAL_ASSIGN_OR_RETURN(ZipWriter created,
                             ZipWriter::Create(summary.archive, request.printed_at));
    zip.emplace(std::move(created));
  }
  for (const auto& [key, file_key] : chosen) {
    NARWHAL_ASSIGN_OR_RETURN(PollBook book, LoadPollBook(store, key));
    const std::string csv = PollBookCsv(book);
    summary.voters += static_cast<int64_t>(book.voters.size());
    std::vector<PollBook> books;
    books.push_back(std::move(book));
    NARWHAL_ASSIGN_OR_RETURN(std::string pdf, RenderTablePdf(PollBookPdf(books, printed_at)));
    for (const auto& [extension, bytes] :
         {std::pair<std::string_view, const std::string*>{"pdf", &pdf}, {"csv", &csv}}) {
      const std::string name = PaperFileName(file_key, PaperListKind::kStrikeList, extension);
      NARWHAL_RETURN_IF_ERROR(WriteFileAtomically(dir / name, *bytes));
      if (zip) {
        NARWHAL_RETURN_IF_ERROR(zip->Add(name, *bytes));
      }
      summary.files.push_back((dir / name).string());
    }
    ++summary.precincts;
  }
  if (zip) {
    NARWHAL_RETURN_IF_ERROR(zip->Finish());
    summary.files.push_back(summary.archive);
  }
  return summary;
}

}  // namespace narwhal
