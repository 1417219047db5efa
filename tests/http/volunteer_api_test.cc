// The organizer's console over HTTP: an organizer adds a volunteer and sees her code once;
// uploads a sign-up sheet whose bad, foreign and repeated rows are refused by line;
// prints codes for the new volunteers (a code from the CSV logs in, one from before does
// not); changes, disables and enables a volunteer within her counties only; exports the
// ones not yet logged in. Every change is audited.
#include "http/volunteer_api.h"

#include <gtest/gtest.h>

#include <string>

#include "access_support.h"

namespace narwhal {
namespace {

using testing::AccessWorld;
using testing::Body;
using testing::Str;
namespace json = boost::json;

class VolunteerApiTest : public ::testing::Test {
 protected:
  void SetUp() override { organizer_ = world_.Token(Role::kOrganizer); }

  HttpResponse Login(const std::string& code) {
    return world_.Send("POST", "/api/v1/sessions", "", R"({"code":")" + code + R"("})");
  }

  // The codes of a credentials CSV, by name.
  static std::map<std::string, std::string> CodesOf(const std::string& csv) {
    std::map<std::string, std::string> out;
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);  // header (after the byte-order mark)
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::string cell;
      std::istringstream row(line);
      while (std::getline(row, cell, ',')) f.push_back(cell);
      if (f.size() >= 7) out[f[1]] = f[6];
    }
    return out;
  }

  AccessWorld world_;
  std::string organizer_;
};

TEST_F(VolunteerApiTest, AnOrganizerAddsAVolunteerAndSeesHerCodeOnce) {
  const std::string body =
      R"({"name":"Ada Lovelace","role":"Poll Watcher","precinct":"01-07","phone":"919-555-0142",
          "field_office":"Raleigh"})";
  HttpResponse added = world_.Send("POST", "/api/v1/users", organizer_, body);
  ASSERT_EQ(added.status, 201) << added.body;
  const json::value out = Body(added);
  // Her only county is assumed.
  EXPECT_EQ(Str(out.at("user").at("scope").at("precincts").at(0).at("county")), "92");
  EXPECT_EQ(Str(out.at("user").at("role")), "poll_watcher");
  const std::string code = Str(out.at("code"));
  EXPECT_EQ(code.size(), 14u);
  HttpResponse session = Login(code);
  ASSERT_EQ(session.status, 201) << session.body;
  EXPECT_EQ(Str(Body(session).at("user").at("name")), "Ada Lovelace");

  // The same person again, another county, a role above hers, a missing precinct.
  EXPECT_EQ(world_.Send("POST", "/api/v1/users", organizer_, body).status, 409);
  EXPECT_EQ(world_
                .Send("POST", "/api/v1/users", organizer_,
                      R"({"name":"Far Away","role":"poll_watcher","county":"32","precinct":"01"})")
                .status,
            403);
  EXPECT_EQ(world_
                .Send("POST", "/api/v1/users", organizer_,
                      R"({"name":"New Boss","role":"organizer","county":"92"})")
                .status,
            403);
  HttpResponse no_precinct = world_.Send("POST", "/api/v1/users", organizer_,
                                         R"({"name":"No Place","role":"poll_watcher"})");
  EXPECT_EQ(no_precinct.status, 400);
  EXPECT_NE(no_precinct.body.find("precinct"), std::string::npos) << no_precinct.body;

  AuditQuery creates;
  creates.action = "user.create";
  ASSERT_EQ(world_.Audit(creates).size(), 1u);
  AuditQuery issues;
  issues.action = "login_code.issue";
  EXPECT_EQ(world_.Audit(issues).size(), 1u);
}

TEST_F(VolunteerApiTest, ASignUpSheetIsAddedRowByRowAndItsCodesPrinted) {
  const std::string sheet =
      "name,phone,email,role,county,precinct,field_office\n"
      "Grace Hopper,919-555-0150,,poll watcher,92,01-07,Raleigh\n"
      "Bad Role,,,dog walker,92,01-07,Raleigh\n"
      "Elsewhere,,,poll watcher,32,01,Durham\n"
      "Grace Hopper,(919) 555-0150,,poll watcher,92,02-01,Raleigh\n"
      "Alan Turing,,alan@example.org,phone banker,92,,Cary\n";
  HttpResponse r =
      world_.Send("POST", "/api/v1/users/import", organizer_, sheet, "text/csv; charset=utf-8");
  ASSERT_EQ(r.status, 201) << r.body;
  const json::value out = Body(r);
  EXPECT_EQ(out.at("rows").as_int64(), 5);
  EXPECT_EQ(out.at("imported").as_int64(), 2);
  EXPECT_EQ(out.at("rejected").as_int64(), 3);
  const json::array& rejects = out.at("rejects").as_array();
  ASSERT_EQ(rejects.size(), 3u);
  EXPECT_EQ(rejects[0].at("line").as_int64(), 3);
  EXPECT_EQ(Str(rejects[0].at("column")), "role");
  EXPECT_EQ(rejects[1].at("line").as_int64(), 4);
  EXPECT_EQ(Str(rejects[1].at("reason")), "not one of your counties");
  EXPECT_EQ(rejects[2].at("line").as_int64(), 5);
  EXPECT_EQ(Str(rejects[2].at("reason")), "repeats line 2");

  // The same sheet again adds nobody.
  HttpResponse again =
      world_.Send("POST", "/api/v1/users/import", organizer_, sheet, "text/csv; charset=utf-8");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Body(again).at("imported").as_int64(), 0);

  // No code yet; printing draws them. The PDF's codes are replaced by the CSV's.
  std::string ids;
  for (const json::value& u : out.at("users").as_array()) {
    ids += (ids.empty() ? "" : ",") + std::to_string(u.at("id").as_int64());
  }
  HttpResponse pdf = world_.Send("POST", "/api/v1/users/credentials", organizer_,
                                 R"({"user_ids":[)" + ids + R"(]})");
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  HttpResponse csv = world_.Send("POST", "/api/v1/users/credentials", organizer_,
                                 R"({"user_ids":[)" + ids + R"(],"format":"csv"})");
  ASSERT_EQ(csv.status, 200) << csv.body;
  const auto codes = CodesOf(csv.body);
  ASSERT_EQ(codes.size(), 2u) << csv.body;
  HttpResponse grace = Login(codes.at("Grace Hopper"));
  ASSERT_EQ(grace.status, 201) << grace.body;
  EXPECT_EQ(Str(Body(grace).at("user").at("scope").at("precincts").at(0).at("precinct")), "01-07");

  // Someone of another county, or nobody: refused before any code is drawn.
  EXPECT_EQ(world_
                .Send("POST", "/api/v1/users/credentials", organizer_,
                      R"({"user_ids":[)" + std::to_string(world_.target_out().id) + "]}")
                .status,
            403);
  EXPECT_EQ(
      world_.Send("POST", "/api/v1/users/credentials", organizer_, R"({"user_ids":[]})").status,
      400);
  AuditQuery issues;
  issues.action = "login_code.issue";
  EXPECT_EQ(world_.Audit(issues).size(), 4u);
}

TEST_F(VolunteerApiTest, AChangeStaysInsideTheOrganizersCounties) {
  const std::string path = "/api/v1/users/" + std::to_string(world_.target_in().id);
  HttpResponse moved =
      world_.Send("PATCH", path, organizer_, R"({"county":"92","precinct":"01-07"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Str(Body(moved).at("scope").at("precincts").at(0).at("precinct")), "01-07");
  EXPECT_EQ(world_.Send("PATCH", path, organizer_, R"({"county":"32","precinct":"01"})").status,
            403);
  EXPECT_EQ(world_.Send("PATCH", path, organizer_, R"({"role":"organizer","county":"92"})").status,
            403);
  Result<User> still = world_.store().GetUser(world_.target_in().id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->scope.precincts.at(0).precinct, "01-07");
  EXPECT_EQ(still->role, Role::kPollWatcher);

  // Disabled: her session stops at once; enabled again with a new code.
  const std::string token = world_.Token(world_.target_in().id);
  ASSERT_EQ(world_.Send("GET", "/api/v1/me", token).status, 200);
  HttpResponse off = world_.Send("PATCH", path, organizer_, R"({"disabled":true})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_TRUE(Body(off).at("disabled").as_bool());
  EXPECT_EQ(world_.Send("GET", "/api/v1/me", token).status, 401);
  EXPECT_EQ(world_
                .Send("POST", "/api/v1/users/credentials", organizer_,
                      R"({"user_ids":[)" + std::to_string(world_.target_in().id) + "]}")
                .status,
            409);
  ASSERT_EQ(world_.Send("PATCH", path, organizer_, R"({"disabled":false})").status, 200);
  HttpResponse code = world_.Send("POST", path + "/login-code", organizer_);
  ASSERT_EQ(code.status, 201) << code.body;
  EXPECT_EQ(Login(Str(Body(code).at("code"))).status, 201);

  // Nobody else's volunteers, and not herself.
  EXPECT_EQ(world_
                .Send("PATCH", "/api/v1/users/" + std::to_string(world_.target_out().id),
                      organizer_, R"({"field_office":"x"})")
                .status,
            403);
  for (std::string action : {"user.update", "user.disable", "user.enable"}) {
    AuditQuery q;
    q.action = action;
    EXPECT_EQ(world_.Audit(q).size(), 1u) << action;
  }
}

TEST_F(VolunteerApiTest, TheNotReadyExportListsWhoHasNotLoggedIn) {
  const User ready =
      world_.Create("Ready Watcher", Role::kPollWatcher, {{}, {{"92", "01-07"}}, {}});
  ASSERT_EQ(world_.Send("GET", "/api/v1/me", world_.Token(ready.id)).status, 200);
  HttpResponse csv = world_.Send("GET", "/api/v1/users/export?not_ready=true", organizer_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find("watcher in 92"), std::string::npos) << csv.body;
  EXPECT_EQ(csv.body.find("Ready Watcher"), std::string::npos) << csv.body;
  EXPECT_EQ(csv.body.find("watcher in 32"), std::string::npos) << csv.body;
  HttpResponse all = world_.Send("GET", "/api/v1/users/export", organizer_);
  EXPECT_NE(all.body.find("Ready Watcher"), std::string::npos) << all.body;
  EXPECT_EQ(world_.Send("GET", "/api/v1/users/export?county=32", organizer_).status, 403);
  EXPECT_EQ(world_.Send("GET", "/api/v1/users/export?not_ready=maybe", organizer_).status, 400);
}

TEST_F(VolunteerApiTest, ACodeTestedDaysBeforeStillLogsInAndCountsAsReady) {
  HttpResponse added = world_.Send(
      "POST", "/api/v1/users", organizer_,
      R"({"name":"Tess Tester","role":"poll_watcher","county":"92","precinct":"01-07"})");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string code = Str(Body(added).at("code"));

  HttpResponse wrong = world_.Send("POST", "/api/v1/sessions/test", "",
                                   R"({"code":")" + code.substr(0, 10) + R"(ZZZZ"})");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  HttpResponse test =
      world_.Send("POST", "/api/v1/sessions/test", "", R"({"code":")" + code + R"("})");
  ASSERT_EQ(test.status, 200) << test.body;
  EXPECT_EQ(Str(Body(test).at("user").at("name")), "Tess Tester");
  EXPECT_EQ(Str(Body(test).at("user").at("scope").at("precincts").at(0).at("precinct")), "01-07");
  EXPECT_FALSE(Body(test).as_object().contains("token")) << "a test opens no session";

  // Ready in readiness and out of the not-ready export, before she ever logged in.
  HttpResponse readiness = world_.Send("GET", "/api/v1/readiness?county=92", organizer_);
  ASSERT_EQ(readiness.status, 200) << readiness.body;
  EXPECT_EQ(readiness.body.find("Tess Tester"), std::string::npos) << readiness.body;
  HttpResponse csv = world_.Send("GET", "/api/v1/users/export?not_ready=true", organizer_);
  EXPECT_EQ(csv.body.find("Tess Tester"), std::string::npos) << csv.body;

  // The code still logs in, once.
  EXPECT_EQ(Login(code).status, 201);
  EXPECT_EQ(
      world_.Send("POST", "/api/v1/sessions/test", "", R"({"code":")" + code + R"("})").status,
      401);
  AuditQuery tests;
  tests.action = "login_code.test";
  EXPECT_EQ(world_.Audit(tests).size(), 1u);
  AuditQuery failed;
  failed.action = "login_code.test_failed";
  EXPECT_EQ(world_.Audit(failed).size(), 2u);
}

}  // namespace
}  // namespace narwhal
