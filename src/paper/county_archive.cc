#include "paper/county_archive.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "base/clock.h"
#include "base/text.h"
#include "domain/voter.h"
#include "paper/gotv_list.h"
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
  if (std::string iso;
      !request.election.empty() && (!ParseDate(request.election, iso) || iso != request.election)) {
    return InvalidArgument("election: '" + request.election + "' is not a date like 2026-11-03");
  }
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
  // Writes one list's PDF and CSV, adds them to the zip and the summary.
  auto write_pair = [&](const PrecinctKey& file_key, PaperListKind kind, const std::string& pdf,
                        const std::string& csv) -> Status {
    for (const auto& [extension, bytes] :
         {std::pair<std::string_view, const std::string*>{"pdf", &pdf}, {"csv", &csv}}) {
      const std::string name = PaperFileName(file_key, kind, extension);
      NARWHAL_RETURN_IF_ERROR(WriteFileAtomically(dir / name, *bytes));
      if (zip) {
        NARWHAL_RETURN_IF_ERROR(zip->Add(name, *bytes));
      }
      summary.files.push_back((dir / name).string());
    }
    return Status::Ok();
  };
  for (const auto& [key, file_key] : chosen) {
    NARWHAL_ASSIGN_OR_RETURN(PollBook book, LoadPollBook(store, key));
    GotvList gotv{key, book.county_name, book.precinct_name, request.election, {}};
    const std::string csv = PollBookCsv(book);
    summary.voters += static_cast<int64_t>(book.voters.size());
    std::vector<PollBook> books;
    books.push_back(std::move(book));
    NARWHAL_ASSIGN_OR_RETURN(std::string pdf, RenderTablePdf(PollBookPdf(books, printed_at)));
    NARWHAL_RETURN_IF_ERROR(write_pair(file_key, PaperListKind::kStrikeList, pdf, csv));
    if (!request.election.empty()) {
      NARWHAL_ASSIGN_OR_RETURN(gotv.entries, store.GotvList(request.election, key));
      summary.gotv_voters += static_cast<int64_t>(gotv.entries.size());
      NARWHAL_ASSIGN_OR_RETURN(std::string gotv_pdf, RenderTablePdf(GotvListPdf(gotv, printed_at)));
      NARWHAL_RETURN_IF_ERROR(
          write_pair(file_key, PaperListKind::kGotvList, gotv_pdf, GotvListCsv(gotv.entries)));
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
