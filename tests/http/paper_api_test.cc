// The poll-book downloads: the plain function against a loaded store, and the routes
// through the real router (roles, scope, audit, attachment headers, encoded codes).
#include "http/paper_api.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "access_support.h"

namespace narwhal {
namespace {

using testing::AccessWorld;
using testing::OpenLoadedStore;

Principal Watcher(PrecinctKey precinct) {
  Principal p;
  p.user_id = 7;
  p.role = Role::kPollWatcher;
  p.scope.precincts = {std::move(precinct)};
  return p;
}

Principal Admin() {
  Principal p;
  p.user_id = 1;
  p.role = Role::kAdmin;
  return p;
}

std::vector<std::string> CsvLines(const std::string& csv) {
  std::vector<std::string> lines;
  size_t at = csv.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  for (size_t end; (end = csv.find("\r\n", at)) != std::string::npos; at = end + 2) {
    lines.push_back(csv.substr(at, end - at));
  }
  return lines;
}

bool HasEvent(const std::vector<AuditEvent>& events, std::string_view action,
              std::string_view target) {
  for (const AuditEvent& e : events) {
    if (e.action == action && e.target == target) return true;
  }
  return false;
}

TEST(PaperApiTest, CsvOfThePrecinctAlphabetical) {
  auto loaded = OpenLoadedStore();
  ASSERT_NE(loaded, nullptr);
  auto csv = PollBookDownloadFor(*loaded->store, {"92", "01-07"}, PaperFormat::kCsv, Admin(), {});
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(csv->file_name, "92-01-07-strike-list.csv");
  EXPECT_EQ(csv->content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv->voters, 2);
  std::vector<std::string> lines = CsvLines(csv->body);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[1].find("\"SMITH, JANE\"") != std::string::npos) << lines[1];
  EXPECT_TRUE(lines[2].find("\"SMITH, JOHN\"") != std::string::npos) << lines[2];
}

TEST(PaperApiTest, ScopeIsCheckedBeforeTheStore) {
  auto loaded = OpenLoadedStore();
  ASSERT_NE(loaded, nullptr);
  Store& store = *loaded->store;
  EXPECT_TRUE(
      PollBookDownloadFor(store, {"92", "01-07"}, PaperFormat::kPdf, Watcher({"92", "01-07"}), {})
          .ok());
  EXPECT_EQ(
      PollBookDownloadFor(store, {"92", "02-01"}, PaperFormat::kPdf, Watcher({"92", "01-07"}), {})
          .status()
          .code(),
      ErrorCode::kPermissionDenied);
  // Outside her scope she learns nothing of whether the precinct exists.
  EXPECT_EQ(
      PollBookDownloadFor(store, {"92", "77-77"}, PaperFormat::kCsv, Watcher({"92", "01-07"}), {})
          .status()
          .code(),
      ErrorCode::kPermissionDenied);
  EXPECT_EQ(
      PollBookDownloadFor(store, {"92", "77-77"}, PaperFormat::kCsv, Admin(), {}).status().code(),
      ErrorCode::kNotFound);
  Principal analyst;
  analyst.user_id = 3;
  analyst.role = Role::kAnalyst;
  EXPECT_EQ(
      PollBookDownloadFor(store, {"92", "01-07"}, PaperFormat::kCsv, analyst, {}).status().code(),
      ErrorCode::kPermissionDenied);
}

TEST(PaperApiTest, PathCodesAreValidated) {
  EXPECT_TRUE(ParsePrecinctPath("92", "1/7").ok());
  EXPECT_EQ(ParsePrecinctPath("92", std::string(33, '1')).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParsePrecinctPath("9\x01", "01").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParsePrecinctPath("92", "\xff").status().code(), ErrorCode::kInvalidArgument);
}

TEST(PaperRoutesTest, PollWatcherDownloadsHerPrecinctAsAnAuditedAttachment) {
  AccessWorld world;
  const std::string token = world.Token(Role::kPollWatcher);
  HttpResponse pdf = world.Send("GET", "/api/v1/precincts/92/01-07/poll-book.pdf", token);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.Header("Content-Disposition"), "attachment; filename=\"92-01-07-strike-list.pdf\"");
  EXPECT_EQ(pdf.Header("Cache-Control"), "no-store");
  EXPECT_TRUE(pdf.body.starts_with("%PDF-"));

  HttpResponse csv = world.Send("GET", "/api/v1/precincts/92/01-07/poll-book.csv", token);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.Header("Content-Disposition"), "attachment; filename=\"92-01-07-strike-list.csv\"");
  EXPECT_EQ(CsvLines(csv.body).size(), 3u);

  HttpResponse denied = world.Send("GET", "/api/v1/precincts/92/02-01/poll-book.pdf", token);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(world.Send("GET", "/api/v1/precincts/92/01-07/poll-book.pdf?x=1", token).status, 400);

  std::vector<AuditEvent> events = world.Audit();
  EXPECT_TRUE(HasEvent(events, "poll_book.read", "92/01-07"));
  EXPECT_TRUE(HasEvent(events, "poll_book.read_denied", "92/02-01"));
}

TEST(PaperRoutesTest, CodesWithASlashArePercentEncoded) {
  AccessWorld world;
  Store& store = world.store();
  Result<ImportId> import = store.BeginImport({"voters", "test", "slash"});
  ASSERT_TRUE(import.ok());
  std::vector<Voter> voters = {testing::MakeVoter("NC900", "PEÑA", "JOSÉ", "92", "1/7", "9001")};
  ASSERT_TRUE(store.UpsertVoters(*import, voters).ok());
  ASSERT_TRUE(store.FinishImport(*import, {}).ok());
  const std::string token = world.Token(Role::kAdmin);
  HttpResponse csv = world.Send("GET", "/api/v1/precincts/92/1%2F7/poll-book.csv", token);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.Header("Content-Disposition"), "attachment; filename=\"92-1-7-strike-list.csv\"");
  EXPECT_NE(csv.body.find("92,1/7,\"PEÑA, JOSÉ\""), std::string::npos) << csv.body;
  EXPECT_EQ(world.Send("GET", "/api/v1/precincts/92/77-77/poll-book.csv", token).status, 404);
}

}  // namespace
}  // namespace narwhal
