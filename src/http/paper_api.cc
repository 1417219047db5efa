#include "http/paper_api.h"

#include <boost/json.hpp>
#include <utility>

#include "base/clock.h"
#include "base/text.h"
#include "http/params.h"
#include "http/voter_api.h"
#include "paper/paper_list.h"
#include "paper/poll_book.h"
#include "print/table_pdf.h"

namespace narwhal {
namespace {

namespace json = boost::json;

constexpr std::string_view kPollBookPdfDoc = R"json({
  "summary": "A precinct's strike list (every registered voter, alphabetical) as a printable PDF",
  "description": "The paper fallback of election day: a checkbox per voter to tick by hand. Admins, organizers of the county and poll watchers of the precinct.",
  "tags": ["paper"],
  "parameters": [
    {"name": "county", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 32}},
    {"name": "precinct", "in": "path", "required": true, "description": "Percent-encode a '/' in the code (1%2F7).", "schema": {"type": "string", "maxLength": 32}}],
  "responses": {
    "200": {"description": "The PDF, as an attachment", "content": {"application/pdf": {
      "schema": {"type": "string", "format": "binary"}}}},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

constexpr std::string_view kPollBookCsvDoc = R"json({
  "summary": "A precinct's strike list as CSV (RFC 4180, UTF-8 with a byte-order mark)",
  "description": "Columns county, precinct, name, address, city, born, registration_number, voter_id and an empty voted column. Admins, organizers of the county and poll watchers of the precinct.",
  "tags": ["paper"],
  "parameters": [
    {"name": "county", "in": "path", "required": true, "schema": {"type": "string", "maxLength": 32}},
    {"name": "precinct", "in": "path", "required": true, "description": "Percent-encode a '/' in the code (1%2F7).", "schema": {"type": "string", "maxLength": 32}}],
  "responses": {
    "200": {"description": "The CSV, as an attachment", "content": {"text/csv": {
      "schema": {"type": "string"}}}},
    "403": {"$ref": "#/components/responses/Problem"},
    "404": {"$ref": "#/components/responses/Problem"}}
})json";

Status CheckPathCode(std::string_view name, std::string_view value) {
  if (value.empty()) return BadParam(name, "is empty");
  if (!IsValidUtf8(value)) return BadParam(name, "is not UTF-8");
  if (CodePoints(value) > kMaxCodeChars) return BadParam(name, "is too long");
  if (!IsCode(value)) return BadParam(name, "holds control characters");
  return Status::Ok();
}

Handler PollBookHandler(Store& store, const Clock& clock, PaperFormat format) {
  return [&store, &clock, format](const HttpRequest&, RequestContext& c) -> Result<HttpResponse> {
    NARWHAL_RETURN_IF_ERROR(QueryReader(c.query, {}).CheckNames());
    NARWHAL_ASSIGN_OR_RETURN(PrecinctKey key,
                             ParsePrecinctPath(c.PathParam("county"), c.PathParam("precinct")));
    const std::string target = key.county + "/" + key.precinct;
    const std::string format_name = format == PaperFormat::kPdf ? "pdf" : "csv";
    Result<PaperDownload> download =
        PollBookDownloadFor(store, key, format, c.principal, clock.Now());
    if (!download.ok()) {
      if (download.status().code() == ErrorCode::kPermissionDenied) {
        c.AuditRead("poll_book.read_denied", target,
                    json::serialize(json::object{{"format", format_name}}));
      }
      return download.status();
    }
    c.AuditRead(
        "poll_book.read", target,
        json::serialize(json::object{{"format", format_name}, {"voters", download->voters}}));
    return AttachmentResponse(std::move(download->content_type), download->file_name,
                              std::move(download->body));
  };
}

}  // namespace

Result<PrecinctKey> ParsePrecinctPath(std::string_view county, std::string_view precinct) {
  NARWHAL_RETURN_IF_ERROR(CheckPathCode("county", county));
  NARWHAL_RETURN_IF_ERROR(CheckPathCode("precinct", precinct));
  return PrecinctKey{std::string(county), std::string(precinct)};
}

Result<PaperDownload> PollBookDownloadFor(Store& store, const PrecinctKey& precinct,
                                          PaperFormat format, const Principal& principal,
                                          std::chrono::system_clock::time_point printed_at) {
  if (!MaySeePrecinct(principal, precinct)) {
    return PermissionDenied("precinct " + precinct.county + "/" + precinct.precinct +
                            " is outside your assignment");
  }
  NARWHAL_ASSIGN_OR_RETURN(PollBook book, LoadPollBook(store, precinct));
  PaperDownload download;
  download.voters = static_cast<int64_t>(book.voters.size());
  if (format == PaperFormat::kCsv) {
    download.content_type = "text/csv; charset=utf-8";
    download.file_name = PaperFileName(precinct, PaperListKind::kStrikeList, "csv");
    download.body = PollBookCsv(book);
    return download;
  }
  download.content_type = "application/pdf";
  download.file_name = PaperFileName(precinct, PaperListKind::kStrikeList, "pdf");
  std::vector<PollBook> books;
  books.push_back(std::move(book));
  NARWHAL_ASSIGN_OR_RETURN(download.body,
                           RenderTablePdf(PollBookPdf(books, FormatHumanUtc(printed_at))));
  return download;
}

void AddPaperRoutes(std::vector<Route>& routes, Store& store, const Clock& clock) {
  const auto kPollBookReaders =
      AuthRequirement::AnyRole({Role::kAdmin, Role::kOrganizer, Role::kPollWatcher});
  routes.push_back({"GET", "/api/v1/precincts/{county}/{precinct}/poll-book.pdf", "poll_book_pdf",
                    kPollBookReaders, PollBookHandler(store, clock, PaperFormat::kPdf),
                    std::string(kPollBookPdfDoc)});
  routes.push_back({"GET", "/api/v1/precincts/{county}/{precinct}/poll-book.csv", "poll_book_csv",
                    kPollBookReaders, PollBookHandler(store, clock, PaperFormat::kCsv),
                    std::string(kPollBookCsvDoc)});
}

}  // namespace narwhal
