#include "http/problem.h"

#include <algorithm>
#include <boost/json.hpp>
#include <string>

#include "base/log.h"

namespace narwhal {
namespace {

constexpr ProblemKind kKinds[] = {
    {ErrorCode::kInvalidArgument, 400, "Invalid argument", false, false},
    {ErrorCode::kUnauthenticated, 401, "Authentication required", false, true},
    {ErrorCode::kPermissionDenied, 403, "Permission denied", false, false},
    {ErrorCode::kNotFound, 404, "Not found", false, false},
    {ErrorCode::kAlreadyExists, 409, "Already exists", false, false},
    {ErrorCode::kFailedPrecondition, 409, "Failed precondition", false, false},
    {ErrorCode::kResourceExhausted, 429, "Too many requests", true, false},
    {ErrorCode::kUnavailable, 503, "Service unavailable", true, false},
    {ErrorCode::kDeadlineExceeded, 504, "Deadline exceeded", false, false},
    {ErrorCode::kDataLoss, 500, "Internal error", false, false},
    {ErrorCode::kInternal, 500, "Internal error", false, false},
};

HttpResponse Build(int http_status, std::string_view code, std::string_view title,
                   std::string_view detail, std::string_view instance,
                   std::string_view request_id) {
  boost::json::object body;
  body["type"] = std::string(kProblemTypeBase) + std::string(code);
  body["title"] = title;
  body["status"] = http_status;
  body["detail"] = detail;
  body["code"] = code;
  body["instance"] = instance;
  body["request_id"] = request_id;
  HttpResponse r;
  r.status = http_status;
  r.content_type = std::string(kProblemContentType);
  r.body = boost::json::serialize(body);
  return r;
}

}  // namespace

std::span<const ProblemKind> ProblemKinds() {
  return kKinds;
}

const ProblemKind& ProblemKindFor(ErrorCode code) {
  for (const ProblemKind& k : kKinds) {
    if (k.code == code) return k;
  }
  return kKinds[std::size(kKinds) - 1];  // kOk has no problem; treat as a bug
}

HttpResponse ProblemResponse(const Status& status, std::string_view instance,
                             std::string_view request_id, int retry_after_seconds) {
  const ErrorCode code = status.ok() ? ErrorCode::kInternal : status.code();
  const ProblemKind& kind = ProblemKindFor(code);
  std::string_view detail = status.message();
  if (kind.http_status >= 500 && kind.http_status != 503 && kind.http_status != 504) {
    // The message may name files, SQL or library internals: for operators only.
    LogError("request failed: " + status.ToString() + " request_id=" + std::string(request_id) +
             " path=" + std::string(instance));
    detail = "The server failed to handle the request; quote the request id when reporting it.";
  } else if (status.ok()) {
    detail = "The server failed to handle the request.";
  }
  HttpResponse r =
      Build(kind.http_status, ErrorCodeName(code), kind.title, detail, instance, request_id);
  if (kind.retry_after) {
    r.headers.emplace_back("Retry-After", std::to_string(std::max(1, retry_after_seconds)));
  }
  if (kind.www_authenticate) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

HttpResponse TransportProblemResponse(int http_status, std::string_view code,
                                      std::string_view title, std::string_view detail,
                                      std::string_view instance, std::string_view request_id) {
  return Build(http_status, code, title, detail, instance, request_id);
}

}  // namespace narwhal
