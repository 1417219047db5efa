// The middleware chain and the route table, without a server.
#include "http/router.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "access_support.h"
#include "http/api.h"
#include "http/problem.h"
#include "http/web_assets.h"
#include "test_support.h"

namespace narwhal {
namespace {

using testing::Str;

namespace json = boost::json;

HttpRequest Get(std::string target, NamedValues headers = {}) {
  return {"GET", std::move(target), std::move(headers), ""};
}

Route Ok(std::string method, std::string pattern, std::string name, AuthRequirement auth) {
  return {std::move(method),
          std::move(pattern),
          std::move(name),
          std::move(auth),
          [](const HttpRequest&, const RequestContext& c) -> Result<HttpResponse> {
            json::object body{{"path", c.path}, {"subject", c.principal.name}};
            for (const auto& [k, v] : c.path_params) body[k] = v;
            for (const auto& [k, v] : c.query) body["q_" + k] = v;
            return JsonResponse(json::serialize(body));
          },
          "{}"};
}

// "Bearer <subject>:<role>" is a signed-in caller; anything else after Bearer is bad.
class FakeAuthenticator final : public Authenticator {
 public:
  Result<Principal> Authenticate(const HttpRequest& request) override {
    std::string_view h = request.Header("authorization");
    if (h.empty()) return Principal{};
    if (!h.starts_with("Bearer ") || h.find(':') == std::string_view::npos) {
      return Status(ErrorCode::kUnauthenticated, "bad token");
    }
    std::string_view token = h.substr(7);
    const size_t colon = token.find(':');
    std::optional<Role> role = RoleFromName(token.substr(colon + 1));
    if (!role) return Status(ErrorCode::kUnauthenticated, "bad role");
    Principal p;
    p.user_id = 1;
    p.name = std::string(token.substr(0, colon));
    p.role = *role;
    return p;
  }
};

class RouterTest : public ::testing::Test {
 protected:
  RouterTest()
      : router_(
            {
                Ok("GET", "/public", "public", AuthRequirement::Public()),
                Ok("GET", "/things/{id}", "get_thing", AuthRequirement::Authenticated()),
                Ok("DELETE", "/things/{id}", "delete_thing",
                   AuthRequirement::AnyRole({Role::kAdmin})),
                {"GET", "/boom", "boom", AuthRequirement::Public(),
                 [](const HttpRequest&, RequestContext&) -> Result<HttpResponse> {
                   throw std::runtime_error("secret table xyz is corrupt");
                 },
                 "{}"},
                {"GET", "/internal", "internal", AuthRequirement::Public(),
                 [](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
                   return Internal("sqlite: /var/lib/secret.db locked");
                 },
                 "{}"},
                Ok("GET", "/files/{*rest}", "files", AuthRequirement::Public()),
                {"GET", "/routed-reads", "routed_reads", AuthRequirement::Public(),
                 [](const HttpRequest& r, const RequestContext&) -> Result<HttpResponse> {
                   // As a store with a read replica notes them (storage/store.h).
                   NoteThreadRead(true, 40);
                   NoteThreadRead(true, 120);
                   if (r.target.ends_with("?fallback")) NoteThreadRead(false, 0);
                   return JsonResponse("{}");
                 },
                 "{}"},
            },
            auth_, metrics_, clock_, sink_) {}

  json::value Body(const HttpResponse& r) { return json::parse(r.body); }

  FakeAuthenticator auth_;
  MetricsRegistry metrics_;
  ManualClock clock_;
  testing::RecordingAuditSink sink_;
  Router router_;
};

TEST_F(RouterTest, MatchesPathParamsAndDecodesQuery) {
  HttpResponse r = router_.Handle(
      Get("/things/a%20b?x=1&y=%C3%A9+z", {{"authorization", "Bearer ann:organizer"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  json::value body = Body(r);
  EXPECT_EQ(Str(body.at("id")), "a b");
  EXPECT_EQ(Str(body.at("q_x")), "1");
  EXPECT_EQ(Str(body.at("q_y")), "é z");
  EXPECT_EQ(Str(body.at("subject")), "ann");
}

TEST_F(RouterTest, RoutedReadsAreShownInTheirResponseOnly) {
  NoteThreadRead(false, 0);  // left by something else on this thread: not this request's
  EXPECT_EQ(router_.Handle(Get("/public")).Header("Narwhal-Read-From"), "");
  EXPECT_EQ(router_.Handle(Get("/routed-reads")).Header("Narwhal-Read-From"),
            "standby; lag-ms=120");
  EXPECT_EQ(router_.Handle(Get("/routed-reads?fallback")).Header("Narwhal-Read-From"),
            "standby; lag-ms=120, primary");
  EXPECT_EQ(router_.Handle(Get("/public")).Header("Narwhal-Read-From"), "");
}

TEST_F(RouterTest, UnknownPathIs404ProblemJson) {
  HttpResponse r = router_.Handle(Get("/nothing/here"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, kProblemContentType);
  json::value body = Body(r);
  EXPECT_EQ(Str(body.at("type")), "https://narwhal.dev/problems/not_found");
  EXPECT_EQ(Str(body.at("code")), "not_found");
  EXPECT_EQ(body.at("status").to_number<int>(), 404);
  EXPECT_EQ(Str(body.at("instance")), "/nothing/here");
  EXPECT_EQ(Str(body.at("request_id")), r.Header("X-Request-Id"));
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  HttpResponse r = router_.Handle({"PUT", "/things/7", {}, ""});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "DELETE, GET");
  EXPECT_EQ(Str(Body(r).at("code")), "method_not_allowed");
}

TEST_F(RouterTest, AuthRequirementCheckedBeforeTheHandler) {
  HttpResponse anonymous = router_.Handle(Get("/things/7"));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(router_.Handle(Get("/things/7", {{"authorization", "garbage"}})).status, 401);
  EXPECT_EQ(router_.Handle(Get("/public")).status, 200);

  HttpRequest del{"DELETE", "/things/7", {{"authorization", "Bearer ann:organizer"}}, ""};
  HttpResponse forbidden = router_.Handle(del);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(Str(Body(forbidden).at("code")), "permission_denied");
  del.headers = {{"authorization", "Bearer bob:admin"}};
  EXPECT_EQ(router_.Handle(del).status, 200);
}

TEST_F(RouterTest, OpenAccessActsAsAnAdministrator) {
  OpenAccessAuthenticator open;
  Router router({Ok("DELETE", "/x", "x", AuthRequirement::AnyRole({Role::kAdmin}))}, open, metrics_,
                clock_, sink_);
  EXPECT_EQ(router.Handle({"DELETE", "/x", {}, ""}).status, 200);
}

TEST_F(RouterTest, PublicRoutesTreatBadCredentialsAsNone) {
  EXPECT_EQ(router_.Handle(Get("/public", {{"authorization", "garbage"}})).status, 200);
}

TEST_F(RouterTest, RefusalsOfSignedInCallersAreAudited) {
  HttpRequest del{
      "DELETE", "/things/7", {{"authorization", "Bearer ann:organizer"}}, "", "192.0.2.1"};
  ASSERT_EQ(router_.Handle(del).status, 403);
  std::vector<AuditEvent> events = sink_.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].action, "access.denied");
  EXPECT_EQ(events[0].target, "delete_thing");
  EXPECT_EQ(events[0].remote_addr, "192.0.2.1");
  EXPECT_EQ(events[0].user_id, 1);
}

TEST_F(RouterTest, RequestIdEchoedWhenSaneElseGenerated) {
  EXPECT_EQ(router_.Handle(Get("/public", {{"x-request-id", "abc-123"}})).Header("X-Request-Id"),
            "abc-123");
  const HttpResponse r = router_.Handle(Get("/public", {{"x-request-id", "bad id\r\nx: y"}}));
  std::string_view generated = r.Header("X-Request-Id");
  EXPECT_FALSE(generated.empty());
  EXPECT_EQ(generated.find(' '), std::string_view::npos);
  EXPECT_NE(std::string(router_.Handle(Get("/public")).Header("X-Request-Id")),
            std::string(router_.Handle(Get("/public")).Header("X-Request-Id")));
}

TEST_F(RouterTest, InternalErrorsHideTheirDetail) {
  for (const char* target : {"/boom", "/internal"}) {
    HttpResponse r = router_.Handle(Get(target));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body.find("secret"), std::string::npos) << r.body;
    EXPECT_EQ(Str(Body(r).at("code")), "internal");
  }
}

TEST_F(RouterTest, MalformedTargetIs400) {
  EXPECT_EQ(router_.Handle(Get("http//not a path")).status, 400);
}

TEST_F(RouterTest, WildcardTakesTheRest) {
  HttpResponse r = router_.Handle(Get("/files/a/b/c.txt"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Str(Body(r).at("rest")), "a/b/c.txt");
}

TEST_F(RouterTest, MetricsCountByRouteMethodStatus) {
  router_.Handle(Get("/public"));
  router_.Handle(Get("/public"));
  router_.Handle(Get("/nope"));
  const std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("narwhal_http_requests_total{route=\"public\",method=\"GET\",status=\"200\"} "
                      "2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("narwhal_http_requests_total{route=\"unmatched\",method=\"GET\",status="
                      "\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("narwhal_http_request_duration_seconds_count{route=\"public\""),
            std::string::npos);
  EXPECT_NE(text.find("narwhal_http_requests_in_flight 0\n"), std::string::npos);
}

TEST(ProblemTest, EveryErrorCodeIsMappedOnce) {
  const std::pair<ErrorCode, int> expected[] = {
      {ErrorCode::kInvalidArgument, 400},   {ErrorCode::kUnauthenticated, 401},
      {ErrorCode::kPermissionDenied, 403},  {ErrorCode::kNotFound, 404},
      {ErrorCode::kAlreadyExists, 409},     {ErrorCode::kFailedPrecondition, 409},
      {ErrorCode::kResourceExhausted, 429}, {ErrorCode::kUnavailable, 503},
      {ErrorCode::kDeadlineExceeded, 504},  {ErrorCode::kDataLoss, 500},
      {ErrorCode::kInternal, 500},
  };
  EXPECT_EQ(ProblemKinds().size(), std::size(expected));
  for (const auto& [code, status] : expected) {
    HttpResponse r = ProblemResponse(Status(code, "why"), "/p", "rid");
    EXPECT_EQ(r.status, status) << ErrorCodeName(code);
    json::value body = json::parse(r.body);
    EXPECT_EQ(Str(body.at("type")),
              "https://narwhal.dev/problems/" + std::string(ErrorCodeName(code)));
    EXPECT_EQ(Str(body.at("code")), ErrorCodeName(code));
    EXPECT_EQ(Str(body.at("request_id")), "rid");
    const bool retry = status == 429 || status == 503;
    EXPECT_EQ(!r.Header("Retry-After").empty(), retry) << ErrorCodeName(code);
  }
}

TEST(ApiRoutesTest, OpenApiDocumentListsEveryRoute) {
  testing::AccessWorld world;
  const std::vector<Route>& routes = world.router().routes();
  Result<std::string> doc = OpenApiDocument(routes);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  json::value parsed = json::parse(*doc);
  EXPECT_EQ(Str(parsed.at("openapi")), "3.1.0");
  const json::object& paths = parsed.at("paths").as_object();
  size_t operations = 0;
  for (const Route& route : routes) {
    std::string path = route.pattern;
    if (size_t star = path.find("{*"); star != std::string::npos) path.erase(star + 1, 1);
    ASSERT_TRUE(paths.contains(path)) << path;
    const json::object& item = paths.at(path).as_object();
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE(item.contains(method)) << route.name;
    EXPECT_EQ(Str(item.at(method).at("operationId")), route.name);
    const json::object& op = item.at(method).as_object();
    if (route.auth.level == AuthRequirement::Level::kPublic) {
      EXPECT_TRUE(op.at("security").as_array().empty()) << route.name;
    } else {
      EXPECT_FALSE(op.contains("security")) << route.name << " needs the document's bearer";
      EXPECT_EQ(op.at("x-narwhal-roles").as_array().size(), route.auth.roles.roles().size());
    }
    ++operations;
  }
  size_t documented = 0;
  for (const auto& item : paths) documented += item.value().as_object().size();
  EXPECT_EQ(documented, operations) << "the document has operations the table does not";
}

TEST(WebAssetsTest, IndexFallbackAndApiPathsAreNotPages) {
  Result<HttpResponse> root = ServeWebPath("/");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(root->Header("Cache-Control"), "no-cache");
  EXPECT_EQ(root->Header("Content-Security-Policy"), "default-src 'self'");
  EXPECT_EQ(root->Header("X-Frame-Options"), "DENY");
  Result<HttpResponse> deep = ServeWebPath("/turf/12");
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(deep->body, root->body);
  EXPECT_EQ(ServeWebPath("/api/v1/nothing").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ServeWebPath("/assets/missing.js").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ContentTypeForPath("/assets/app.js"), "text/javascript; charset=utf-8");
}

}  // namespace
}  // namespace narwhal
