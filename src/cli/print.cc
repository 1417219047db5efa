// `narwhal print ...`: the paper fallback, written ahead of election day (docs/paper.md).
#include <fmt/core.h>

#include <boost/json.hpp>
#include <span>
#include <string>

#include "base/clock.h"
#include "cli/commands.h"
#include "paper/county_archive.h"

namespace narwhal {

int RunPrintPollBooks(const PrintPollBooksArgs& args) {
  if (args.county.empty() || args.out_dir.empty()) {
    fmt::print(stderr, "narwhal print poll-books: --county and --out are needed\n");
    return kExitUsage;
  }
  auto store = OpenStore(args.common);
  if (!store.ok()) {
    fmt::print(stderr, "narwhal print poll-books: {}\n", store.status().message());
    return kExitUnavailable;
  }
  SystemClock clock;
  PaperArchiveRequest request;
  request.county = args.county;
  request.precinct = args.precinct;
  request.out_dir = args.out_dir;
  request.election = args.election;
  request.printed_at = clock.Now();
  Result<PaperArchiveSummary> written = WriteCountyArchive(**store, request);
  if (!written.ok()) {
    fmt::print(stderr, "narwhal print poll-books: {}\n", written.status().message());
    const ErrorCode code = written.status().code();
    return code == ErrorCode::kInvalidArgument || code == ErrorCode::kNotFound ? kExitUsage
                                                                               : kExitFailure;
  }

  // The lists hold every voter's name and address: the read is on the record.
  AuditEvent event;
  event.at = clock.Now();
  event.action = "poll_book.print";
  event.target = args.precinct.empty() ? args.county : args.county + "/" + args.precinct;
  boost::json::object detail{
      {"precincts", written->precincts}, {"voters", written->voters}, {"out", args.out_dir}};
  if (!args.election.empty()) {
    detail["election"] = args.election;
    detail["gotv_voters"] = written->gotv_voters;
  }
  event.detail = boost::json::serialize(detail);
  event.remote_addr = "cli";
  if (Status s = (*store)->AppendAudit(std::span<const AuditEvent>(&event, 1)); !s.ok()) {
    fmt::print(stderr, "narwhal print poll-books: audit log: {}\n", s.message());
  }

  fmt::print(stderr, "{} precinct{}, {} voters: strike lists {}written to {}{}\n",
             written->precincts, written->precincts == 1 ? "" : "s", written->voters,
             args.election.empty() ? ""
                                   : fmt::format("and GOTV lists ({} supporters not yet voted) ",
                                                 written->gotv_voters),
             args.out_dir, written->archive.empty() ? "" : " and " + written->archive);
  boost::json::array files;
  for (const std::string& f : written->files) files.emplace_back(f);
  boost::json::object summary;
  summary["files"] = std::move(files);
  summary["archive"] = written->archive;
  summary["precincts"] = written->precincts;
  summary["voters"] = written->voters;
  if (!args.election.empty()) {
    summary["election"] = args.election;
    summary["gotv_voters"] = written->gotv_voters;
  }
  fmt::print("{}\n", boost::json::serialize(summary));
  return kExitOk;
}

}  // namespace narwhal
