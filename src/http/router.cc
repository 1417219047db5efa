#include "http/router.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cmath>
#include <exception>
#include <random>
#include <set>

#include "base/log.h"
#include "http/problem.h"
#include "storage/store.h"

namespace narwhal {
namespace {

// Where the answer's reads ran, when the store has a read replica: "standby; lag-ms=N"
// (the standby's answers are at most N ms behind the primary), "primary", or both.
void AddReadFromHeader(const ThreadReads& reads, HttpResponse& response) {
  if (reads.standby == 0 && reads.primary == 0) return;
  std::string value;
  if (reads.standby > 0) value = "standby; lag-ms=" + std::to_string(reads.max_lag_ms);
  if (reads.primary > 0) value += value.empty() ? "primary" : ", primary";
  response.headers.emplace_back("Narwhal-Read-From", std::move(value));
}

constexpr std::string_view kRequestsTotal = "narwhal_http_requests_total";
constexpr std::string_view kRequestDuration = "narwhal_http_request_duration_seconds";

std::string RandomPrefix() {
  std::random_device rd;
  std::uniform_int_distribution<uint32_t> dist;
  char buf[9];
  static constexpr char kHex[] = "0123456789abcdef";
  uint32_t v = dist(rd);
  for (int i = 7; i >= 0; --i, v >>= 4) buf[i] = kHex[v & 0xF];
  buf[8] = '\0';
  return buf;
}

// A client's request id is echoed only when it cannot break a log line or a header.
bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// Arbitrary method strings must not become metric label values.
std::string_view MethodLabel(std::string_view method) {
  for (std::string_view m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == m) return m;
  }
  return "OTHER";
}

std::vector<std::string_view> SplitPattern(std::string_view pattern) {
  std::vector<std::string_view> out;
  size_t start = 1;  // patterns begin with '/'
  while (start <= pattern.size()) {
    size_t end = pattern.find('/', start);
    if (end == std::string_view::npos) end = pattern.size();
    out.push_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Matches decoded path segments against a pattern split by SplitPattern; on a match,
// fills `params` when it is not null.
bool Match(const std::vector<std::string_view>& parts, const std::vector<std::string>& segments,
           NamedValues* params) {
  bool catch_all = false;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.starts_with("{*") && part.ends_with("}")) {
      catch_all = true;  // matches whatever is left, even nothing
      break;
    }
    if (i >= segments.size()) return false;
    if (part.starts_with("{") && part.ends_with("}")) {
      if (segments[i].empty()) return false;
    } else if (part != segments[i]) {
      return false;
    }
  }
  if (!catch_all && parts.size() != segments.size()) return false;
  if (params == nullptr) return true;
  params->clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.starts_with("{*") && part.ends_with("}")) {
      std::string rest;
      for (size_t j = i; j < segments.size(); ++j) {
        if (j > i) rest += '/';
        rest += segments[j];
      }
      params->emplace_back(std::string(part.substr(2, part.size() - 3)), std::move(rest));
      break;
    }
    if (part.starts_with("{") && part.ends_with("}")) {
      params->emplace_back(std::string(part.substr(1, part.size() - 2)), segments[i]);
    }
  }
  return true;
}

}  // namespace

std::string_view RequestContext::PathParam(std::string_view name) const {
  for (const auto& [n, v] : path_params) {
    if (n == name) return v;
  }
  return {};
}

void RequestContext::AuditRead(std::string action, std::string target, std::string detail) {
  audit.push_back({std::move(action), std::move(target), std::move(detail), false, 0});
}

void RequestContext::AuditRecorded(std::string action, std::string target, std::string detail) {
  audit.push_back({std::move(action), std::move(target), std::move(detail), false, 0});
}

void RequestContext::AuditChange(std::string action, std::string target, std::string detail,
                                 int64_t user_id) {
  audit.push_back({std::move(action), std::move(target), std::move(detail), true, user_id});
}

namespace {

void SetIfAbsent(HttpResponse& r, std::string_view name, std::string_view value) {
  if (r.Header(name).empty()) r.headers.emplace_back(std::string(name), std::string(value));
}

// Every response: no sniffing, no framing, no referrer. API answers (personal data, tokens,
// codes) are never stored by a browser or a proxy, and never run as a page.
void AddSecurityHeaders(std::string_view path, HttpResponse& r) {
  SetIfAbsent(r, "X-Content-Type-Options", "nosniff");
  SetIfAbsent(r, "X-Frame-Options", "DENY");
  SetIfAbsent(r, "Referrer-Policy", "no-referrer");
  if (!path.starts_with("/assets/") && (path.starts_with("/api/") || r.status >= 400 ||
                                        r.content_type.starts_with("application/json"))) {
    SetIfAbsent(r, "Cache-Control", "no-store");
    SetIfAbsent(r, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
}

}  // namespace

Router::Router(std::vector<Route> routes, Authenticator& authenticator, MetricsRegistry& metrics,
               const Clock& clock, AuditSink& audit, RateLimits limits)
    : routes_(std::move(routes)),
      patterns_([this] {
        std::vector<std::vector<std::string_view>> split;
        for (const Route& route : routes_) split.push_back(SplitPattern(route.pattern));
        return split;
      }()),
      authenticator_(authenticator),
      metrics_(metrics),
      clock_(clock),
      audit_(audit),
      in_flight_(metrics.GetGauge("narwhal_http_requests_in_flight",
                                  "HTTP requests being handled right now.")),
      id_prefix_(RandomPrefix()),
      per_address_(clock, limits.per_address),
      per_session_(clock, limits.per_session),
      login_(clock, limits.login) {}

std::optional<HttpResponse> Router::Throttled(RateLimiter& limiter, const std::string& key,
                                              std::string_view what,
                                              const RequestContext& context) {
  const std::chrono::milliseconds wait = limiter.Acquire(key);
  if (wait.count() == 0) return std::nullopt;
  const int seconds = std::max(1, static_cast<int>(std::ceil(wait.count() / 1000.0)));
  return ProblemResponse(ResourceExhausted("too many requests " + std::string(what) +
                                           "; try again in " + std::to_string(seconds) + " s"),
                         context.path, context.request_id, seconds);
}

Status Router::RecordAudit(const RequestContext& context) {
  if (context.audit.empty()) return Status::Ok();
  std::vector<AuditEvent> events;
  events.reserve(context.audit.size());
  bool change = false;
  const auto now = clock_.Now();
  for (const AuditNote& note : context.audit) {
    AuditEvent e;
    e.at = now;
    e.user_id = note.user_id != 0 ? note.user_id : context.principal.user_id;
    e.action = note.action;
    e.target = note.target;
    e.detail = note.detail;
    e.request_id = context.request_id;
    e.remote_addr = context.remote_addr;
    events.push_back(std::move(e));
    change |= note.change;
  }
  return audit_.Record(std::move(events), change);
}

std::string Router::RequestId(const HttpRequest& request) {
  std::string_view given = request.Header("x-request-id");
  if (IsSaneRequestId(given)) return std::string(given);
  return id_prefix_ + "-" + std::to_string(next_id_.fetch_add(1, std::memory_order_relaxed));
}

size_t Router::SeriesKeyHash::operator()(const SeriesKey& k) const noexcept {
  const size_t h = std::hash<std::string_view>()(k.route);
  return h ^ (std::hash<std::string_view>()(k.method) * 31) ^ (static_cast<size_t>(k.status) << 7);
}

void Router::Record(std::string_view route, std::string_view method, int status, double seconds) {
  const SeriesKey key{route, MethodLabel(method), status};
  RequestSeries series{};
  {
    std::shared_lock lock(series_mu_);
    if (auto it = series_.find(key); it != series_.end()) series = it->second;
  }
  if (series.total == nullptr) {
    const MetricLabels labels = {{"route", std::string(route)},
                                 {"method", std::string(key.method)},
                                 {"status", std::to_string(status)}};
    series.total = &metrics_.GetCounter(
        kRequestsTotal, "HTTP requests answered, by route, method and status.", labels);
    series.duration = &metrics_.GetHistogram(
        kRequestDuration,
        "Time from a parsed request to its response, by route, method and status.", labels);
    std::unique_lock lock(series_mu_);
    series_.emplace(key, series);
  }
  series.total->Increment();
  series.duration->Observe(seconds);
}

HttpResponse Router::Handle(const HttpRequest& request, Resolution resolution) {
  const auto start = clock_.Monotonic();
  in_flight_.Add(1);
  RequestContext context;
  context.request_id = RequestId(request);
  context.remote_addr = request.remote_addr;
  context.path = resolution.path;
  HttpResponse response;
  (void)TakeThreadReads();  // whatever an earlier request of this thread left
  try {
    response = Dispatch(request, resolution, context);
  } catch (const std::exception& e) {
    response = ProblemResponse(Internal(std::string("handler threw: ") + e.what()), context.path,
                               context.request_id);
  } catch (...) {
    response = ProblemResponse(Internal("handler threw a non-standard exception"), context.path,
                               context.request_id);
  }
  AddSecurityHeaders(context.path, response);
  response.headers.emplace_back("X-Request-Id", context.request_id);
  AddReadFromHeader(TakeThreadReads(), response);
  const std::chrono::duration<double> elapsed = clock_.Monotonic() - start;
  std::string_view route_name = "unmatched";
  if (resolution.route != nullptr) route_name = resolution.route->name;
  Record(route_name, request.method, response.status, elapsed.count());
  in_flight_.Add(-1);
  return response;
}

Router::Resolution Router::Resolve(std::string_view method, std::string_view target) const {
  Resolution r;
  boost::system::result<boost::urls::url_view> url = boost::urls::parse_origin_form(target);
  if (!url) return r;
  r.valid_target = true;
  r.path = url->path();
  std::vector<std::string> segments;
  for (auto segment : url->segments()) segments.push_back(segment);
  // "/" has no segments; patterns count "/" as one empty segment.
  if (segments.empty()) segments.emplace_back();
  for (auto param : url->params()) {
    r.query.emplace_back(param.key, param.has_value ? param.value : std::string());
  }
  std::set<std::string_view> allowed;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    if (!Match(patterns_[i], segments, nullptr)) continue;
    if (route.method == method) {
      r.route = &route;
      Match(patterns_[i], segments, &r.path_params);
      return r;
    }
    allowed.insert(route.method);
  }
  for (std::string_view m : allowed) {
    if (!r.allowed.empty()) r.allowed += ", ";
    r.allowed += m;
  }
  return r;
}

HttpResponse Router::Dispatch(const HttpRequest& request, Resolution& resolution,
                              RequestContext& context) {
  if (auto limited =
          Throttled(per_address_, "a:" + request.remote_addr, "from your address", context)) {
    return *std::move(limited);
  }
  if (!resolution.valid_target) {
    return TransportProblemResponse(400, "bad_request", "Bad request",
                                    "the request target is not a valid path and query", "",
                                    context.request_id);
  }
  context.query = std::move(resolution.query);
  context.path_params = std::move(resolution.path_params);
  const Route* matched = resolution.route;
  if (matched == nullptr) {
    if (resolution.allowed.empty()) {
      return ProblemResponse(NotFound("no resource at this path"), context.path,
                             context.request_id);
    }
    const std::string& allow = resolution.allowed;
    HttpResponse r = TransportProblemResponse(405, "method_not_allowed", "Method not allowed",
                                              "this path does not accept " +
                                                  std::string(MethodLabel(request.method)) +
                                                  "; allowed: " + allow,
                                              context.path, context.request_id);
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  if (matched->throttle == Throttle::kLogin) {
    if (auto limited =
            Throttled(login_, "l:" + request.remote_addr, "to log in from your address", context)) {
      return *std::move(limited);
    }
  }

  // Public routes never look at credentials: a stale token must not keep anyone from
  // logging in again, and liveness must not depend on the store that tokens live in.
  if (matched->auth.level != AuthRequirement::Level::kPublic) {
    Result<Principal> principal = authenticator_.Authenticate(request);
    if (!principal.ok())
      return ProblemResponse(principal.status(), context.path, context.request_id);
    context.principal = std::move(*principal);
  }
  Status authorized = Authorize(matched->auth, context.principal);
  if (!authorized.ok()) {
    if (!context.principal.anonymous()) {
      context.AuditRead("access.denied", matched->name, "");
      Status ignored = RecordAudit(context);  // a refusal hands out nothing
      (void)ignored;
    }
    return ProblemResponse(authorized, context.path, context.request_id);
  }
  if (!context.principal.anonymous()) {
    const std::string key = context.principal.session_id != 0
                                ? "s:" + std::to_string(context.principal.session_id)
                                : "u:" + std::to_string(context.principal.user_id);
    if (auto limited = Throttled(per_session_, key, "in this session", context)) {
      return *std::move(limited);
    }
  }

  Result<HttpResponse> result = matched->handler(request, context);
  Status audited = RecordAudit(context);
  if (!audited.ok()) {
    const bool change = std::any_of(context.audit.begin(), context.audit.end(),
                                    [](const AuditNote& n) { return n.change; });
    LogError("audit: " + audited.ToString() + " request_id=" + context.request_id);
    // A read is not answered unaudited; a change already happened and is reported.
    if (!change) return ProblemResponse(audited, context.path, context.request_id);
  }
  if (!result.ok()) return ProblemResponse(result.status(), context.path, context.request_id);
  return std::move(result).value();
}

HttpResponse Router::Reject(const HttpRequest& partial, int http_status, std::string_view code,
                            std::string_view title, std::string_view detail) {
  const std::string id = RequestId(partial);
  std::string path = partial.target.substr(0, partial.target.find('?'));
  HttpResponse r = TransportProblemResponse(http_status, code, title, detail, path, id);
  r.headers.emplace_back("X-Request-Id", id);
  Record("transport", partial.method, http_status, 0);
  return r;
}

}  // namespace narwhal
