#include "http/voter_api.h"

#include <boost/json.hpp>
#include <vector>

#include "base/text.h"

namespace narwhal {
namespace {

namespace json = boost::json;

size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

Status BadParam(std::string_view name, std::string_view why) {
  return InvalidArgument(std::string(name) + ": " + std::string(why));
}

// Every value of a known parameter, checked for duplicates, UTF-8 and length.
class QueryReader {
 public:
  QueryReader(const NamedValues& query, std::vector<std::string_view> known)
      : query_(query), known_(std::move(known)) {}

  Status CheckNames() const {
    for (size_t i = 0; i < query_.size(); ++i) {
      const std::string& name = query_[i].first;
      bool is_known = false;
      for (std::string_view k : known_) is_known |= (k == name);
      if (!is_known) {
        std::string shown = IsValidUtf8(name) && CodePoints(name) <= 40 ? name : "?";
        return BadParam(shown, "unknown parameter");
      }
      for (size_t j = 0; j < i; ++j) {
        if (query_[j].first == name) return BadParam(name, "given more than once");
      }
    }
    return Status::Ok();
  }

  // The trimmed value of `name`, "" when absent.
  Result<std::string> Get(std::string_view name, size_t max_chars) const {
    for (const auto& [n, v] : query_) {
      if (n != name) continue;
      if (!IsValidUtf8(v)) return BadParam(name, "is not valid UTF-8");
      std::string_view trimmed = TrimAscii(v);
      if (CodePoints(trimmed) > max_chars) {
        return BadParam(name, "longer than " + std::to_string(max_chars) + " characters");
      }
      return std::string(trimmed);
    }
    return std::string();
  }

 private:
  const NamedValues& query_;
  const std::vector<std::string_view> known_;
};

// States code precincts freely ("01-07", "1/7", "PR 12A"), so codes are only kept free of
// control characters; the store binds them as parameters.
bool IsCode(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

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
  NARWHAL_ASSIGN_OR_RETURN(p.county, reader.Get("county", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(p.precinct, reader.Get("precinct", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(p.registration_number, reader.Get("registration_number", kMaxCodeChars));
  NARWHAL_ASSIGN_OR_RETURN(p.cursor, reader.Get("cursor", kMaxCursorChars));
  NARWHAL_ASSIGN_OR_RETURN(std::string limit, reader.Get("limit", 8));

  if (!IsCode(p.county)) return BadParam("county", "may not hold control characters");
  if (!IsCode(p.precinct)) return BadParam("precinct", "may not hold control characters");
  if (!IsCode(p.registration_number)) {
    return BadParam("registration_number", "may not hold control characters");
  }
  if (!limit.empty()) {
    long long n = 0;
    if (!ParseInt64(limit, n) || n < 1 || n > kMaxSearchLimit) {
      return BadParam("limit",
                      "must be a whole number from 1 to " + std::to_string(kMaxSearchLimit));
    }
    p.limit = static_cast<int>(n);
  }
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

Result<json::value> SearchVotersJson(Store& store, const SearchParams& params) {
  NARWHAL_ASSIGN_OR_RETURN(VoterQuery query, ToVoterQuery(params));
  NARWHAL_ASSIGN_OR_RETURN(VoterPage page, store.SearchVoters(query));
  json::array voters;
  voters.reserve(page.voters.size());
  for (const VoterSummary& v : page.voters) voters.push_back(VoterSummaryJson(v));
  return json::value(
      json::object{{"voters", std::move(voters)}, {"next_cursor", StringOrNull(page.next_cursor)}});
}

Result<json::value> GetVoterJson(Store& store, std::string_view voter_id) {
  if (voter_id.empty() || !IsValidUtf8(voter_id) || CodePoints(voter_id) > kMaxVoterIdChars) {
    return BadParam("voter_id",
                    "must be 1 to " + std::to_string(kMaxVoterIdChars) + " characters of UTF-8");
  }
  NARWHAL_ASSIGN_OR_RETURN(VoterRecord record, store.GetVoter(std::string(voter_id)));
  return json::value(VoterRecordJson(record));
}

Result<json::value> ListPrecinctsJson(Store& store, const NamedValues& query) {
  QueryReader reader(query, {"county"});
  NARWHAL_RETURN_IF_ERROR(reader.CheckNames());
  NARWHAL_ASSIGN_OR_RETURN(std::string county, reader.Get("county", kMaxCodeChars));
  if (!IsCode(county)) return BadParam("county", "may not hold control characters");
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
