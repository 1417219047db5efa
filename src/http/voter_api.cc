#include "http/voter_api.h"

#include <boost/json.hpp>
#include <vector>

#include "base/text.h"
#include "http/access_policy.h"
#include "http/params.h"

namespace narwhal {
namespace {

namespace json = boost::json;

json::value StringOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

json::object NamedValuesJson(const NamedValues& values) {
  json::object out;
  for (const auto& [name, value] : values) out[name] = value;
  return out;
}

json::object AddressJson(const Address& a) {
  return {{"street", a.street}, {"city", a.city}, {"state", a.state}, {"zip", a.zip}};
}

}  // namespace

Result<SearchParams> ParseSearchParams(const NamedValues& query) {
  QueryReader reader(query, {"q", "county", "precinct", "registration_number", "limit", "cursor"});
  NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
  SearchParams p;
  NARWHAL_ASSIGN_OR_RETURN(p.q, reader.Get("q", kMaxQueryChars));
  NARWHAL_ASSIGN_OR_RETURN(p.county, reader.GetCode("county", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(p.precinct, reader.GetCode("precinct", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(p.registration_number,
                           reader.GetCode("registration_number", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(p.cursor, reader.Get("cursor", kMaxCursorChars));
  NARWHAL_ASSIGN_OR_RETURN(int64_t limit,
                           reader.GetInt("limit", 1, kMaxSearchLimit, kDefaultSearchLimit));
  p.limit = static_cast<int>(limit);
  if (!p.precinct.empty() && p.county.empty()) {
    return BadParam("precinct", "needs county (precinct codes repeat across counties)");
  }
  if (p.q.empty() && p.county.empty() && p.registration_number.empty()) {
    return BadParam("q", "give at least one of q, county or registration_number");
  }
  return p;
}

Result<VoterQuery> ToVoterQuery(const SearchParams& params) {
  VoterQuery query;
  query.county = params.county;
  query.precinct = params.precinct;
  query.registration_number = params.registration_number;
  query.limit = params.limit;
  query.cursor = params.cursor;
  if (!params.q.empty()) {
    if (IsDigits(params.q)) {
      if (!params.registration_number.empty() && params.registration_number != params.q) {
        return BadParam("q", "is a registration number that contradicts registration_number");
      }
      query.registration_number = params.q;
    } else {
      query.name = FoldForSearch(params.q);
      if (query.name.empty()) return BadParam("q", "has no letters or digits");
    }
  }
  return query;
}

json::object VoterSummaryJson(const VoterSummary& v) {
  return {{"voter_id", v.voter_id},
          {"last_name", v.last_name},
          {"first_name", v.first_name},
          {"middle_name", v.middle_name},
          {"name_suffix", v.name_suffix},
          {"county", v.county},
          {"precinct", v.precinct},
          {"registration_number", v.registration_number},
          {"street", v.street},
          {"city", v.city},
          {"birth_year", v.birth_year == 0 ? json::value(nullptr) : json::value(v.birth_year)},
          {"party", v.party},
          {"status", VoterStatusName(v.status)}};
}

json::object VoterRecordJson(const VoterRecord& record) {
  const Voter& v = record.voter;
  json::array history;
  for (const VoteHistoryEntry& h : record.history) {
    history.push_back(json::object{{"election_date", h.election_date},
                                   {"election_desc", h.election_desc},
                                   {"voting_method", h.voting_method},
                                   {"party", h.party},
                                   {"county", h.county},
                                   {"precinct", h.precinct}});
  }
  return {{"voter_id", v.voter_id},
          {"state", v.state},
          {"county", v.county},
          {"county_name", v.county_name},
          {"precinct", v.precinct},
          {"precinct_name", v.precinct_name},
          {"registration_number", v.registration_number},
          {"last_name", v.last_name},
          {"first_name", v.first_name},
          {"middle_name", v.middle_name},
          {"name_suffix", v.name_suffix},
          {"residence", AddressJson(v.residence)},
          {"mailing_address", v.mailing_address},
          {"mailing", AddressJson(v.mailing)},
          {"party", v.party},
          {"status", VoterStatusName(v.status)},
          {"status_reason", v.status_reason},
          {"birth_year", v.birth_year == 0 ? json::value(nullptr) : json::value(v.birth_year)},
          {"registration_date", StringOrNull(v.registration_date)},
          {"phone", v.phone},
          {"gender", v.gender},
          {"race", v.race},
          {"ethnicity", v.ethnicity},
          {"districts", NamedValuesJson(v.districts)},
          {"extra", NamedValuesJson(v.extra)},
          {"history", std::move(history)},
          {"removed_at", StringOrNull(record.removed_at)},
          {"updated_at", StringOrNull(record.updated_at)}};
}

Result<VoterPage> SearchVotersFor(Store& store, const SearchParams& params,
                                  const Principal& principal) {
  NARWHAL_ASSIGN_OR_RETURN(VoterQuery query, ToVoterQuery(params));
  NARWHAL_ASSIGN_OR_RETURN(query.scope, SearchScope(principal, query));
  return store.SearchVoters(query);
}

json::value VoterPageJson(const VoterPage& page) {
  json::array voters;
  voters.reserve(page.voters.size());
  for (const VoterSummary& v : page.voters) voters.push_back(VoterSummaryJson(v));
  return json::object{{"voters", std::move(voters)},
                      {"next_cursor", StringOrNull(page.next_cursor)}};
}

std::string SearchAuditDetail(const SearchParams& params, const VoterPage& page) {
  json::object query;
  if (!params.q.empty()) query["q"] = params.q;
  if (!params.county.empty()) query["county"] = params.county;
  if (!params.precinct.empty()) query["precinct"] = params.precinct;
  if (!params.registration_number.empty()) {
    query["registration_number"] = params.registration_number;
  }
  if (!params.cursor.empty()) query["cursor"] = true;
  json::array ids;
  ids.reserve(page.voters.size());
  for (const VoterSummary& v : page.voters) ids.push_back(json::value(v.voter_id));
  return json::serialize(json::object{{"query", std::move(query)},
                                      {"count", static_cast<int64_t>(page.voters.size())},
                                      {"voter_ids", std::move(ids)}});
}

Result<VoterRecord> GetVoterFor(Store& store, std::string_view voter_id,
                                const Principal& principal) {
  if (voter_id.empty() || !IsValidUtf8(voter_id) || CodePoints(voter_id) > kMaxVoterIdChars) {
    return BadParam("voter_id",
                    "must be 1 to " + std::to_string(kMaxVoterIdChars) + " characters of UTF-8");
  }
  NARWHAL_ASSIGN_OR_RETURN(VoterRecord record, store.GetVoter(std::string(voter_id)));
  NARWHAL_RETURN_IF_ERROR(CheckVoterAccess(principal, record.voter));
  return record;
}

Result<json::value> ListPrecinctsJson(Store& store, const NamedValues& query) {
  QueryReader reader(query, {"county"});
  NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
  NARWHAL_ASSIGN_OR_RETURN(std::string county, reader.GetCode("county", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(std::vector<PrecinctSummary> precincts, store.ListPrecincts(county));
  json::array out;
  out.reserve(precincts.size());
  for (const PrecinctSummary& p : precincts) {
    out.push_back(json::object{{"county", p.county},
                               {"county_name", p.county_name},
                               {"precinct", p.precinct},
                               {"precinct_name", p.precinct_name},
                               {"voters", p.voters}});
  }
  return json::value(json::object{{"precincts", std::move(out)}});
}

}  // namespace narwhal
