// The voter endpoints as plain functions: validated parameters in, JSON out. No sockets,
// no HTTP types beyond the decoded query pairs, so they are tested directly against a
// Store (tests/http/voter_api_test.cc); the route handlers in api.cc only call them.
//
// Errors: kInvalidArgument whose message starts with the offending parameter name
// ("limit: must be between 1 and 1000"), and whatever the store returns.
// Thread-safety: stateless; safe from any thread as far as the Store is.
#ifndef NARWHAL_HTTP_VOTER_API_H_
#define NARWHAL_HTTP_VOTER_API_H_

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "domain/access.h"
#include "domain/voter.h"
#include "storage/store.h"

namespace narwhal {

// Limits on query parameters, in characters (UTF-8 code points).
inline constexpr size_t kMaxQueryChars = 100;
inline constexpr size_t kMaxCodeChars = 32;  // county, precinct, registration_number
inline constexpr size_t kMaxCursorChars = 512;
inline constexpr size_t kMaxVoterIdChars = 64;
inline constexpr int kDefaultSearchLimit = 50;
inline constexpr int kMaxSearchLimit = 1000;

// GET /api/v1/voters, validated.
struct SearchParams {
  std::string q;  // as given; folded by ToVoterQuery
  std::string county;
  std::string precinct;
  std::string registration_number;
  int limit = kDefaultSearchLimit;
  std::string cursor;
};

// Validates decoded query pairs: known names only, each at most once, lengths, UTF-8,
// limit 1..1000, precinct only with county, at least one of q / county /
// registration_number.
Result<SearchParams> ParseSearchParams(const NamedValues& query);

// The store query: q folded with FoldForSearch; a digits-only q is a registration number.
Result<VoterQuery> ToVoterQuery(const SearchParams& params);

// The page of voters matching `params` that `principal` may see (SearchScope):
// kPermissionDenied when the search names a county or precinct outside her scope.
Result<VoterPage> SearchVotersFor(Store& store, const SearchParams& params,
                                  const Principal& principal);

// {"voters": [summary...], "next_cursor": "..." | null}
boost::json::value VoterPageJson(const VoterPage& page);

// The audit detail of a search: the query as given, how many voters the page returned and
// their ids.
std::string SearchAuditDetail(const SearchParams& params, const VoterPage& page);

// The voter with history, when `principal` may see her (CheckVoterAccess). kNotFound for
// an unknown id, kPermissionDenied for a voter outside the principal's scope.
Result<VoterRecord> GetVoterFor(Store& store, std::string_view voter_id,
                                const Principal& principal);

// GET /api/v1/precincts?county=: {"precincts": [{county, county_name, precinct,
// precinct_name, voters}]}. Query validated like ParseSearchParams.
Result<boost::json::value> ListPrecinctsJson(Store& store, const NamedValues& query);

boost::json::object VoterSummaryJson(const VoterSummary& v);
// The full record: every voter field, districts and extra as objects, history (newest
// first), removed_at and updated_at (null when empty).
boost::json::object VoterRecordJson(const VoterRecord& record);

}  // namespace narwhal

#endif  // NARWHAL_HTTP_VOTER_API_H_
