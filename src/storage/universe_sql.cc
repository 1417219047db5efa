#include "storage/universe_sql.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>

#include "base/text.h"
#include "domain/voter.h"
#include "storage/contact_store.h"

namespace narwhal::universe_sql {
namespace {

// Builds "FROM voters v ... WHERE ..." with its parameters.
class Builder {
 public:
  std::string Bind(Param p) {
    params_.push_back(std::move(p));
    return "$" + std::to_string(params_.size());
  }

  std::string In(const std::vector<std::string>& values) {
    std::string list;
    for (const std::string& v : values) {
      if (!list.empty()) list += ", ";
      list += Bind(v);
    }
    return "(" + list + ")";
  }

  void Where(std::string condition) { where_.push_back(std::move(condition)); }
  std::vector<Param> TakeParams() { return std::move(params_); }
  void Join(std::string join) { joins_ += " " + std::move(join); }

  Query Finish(std::string_view select, std::string_view tail) {
    std::string sql = std::string(select) + " FROM voters v" + joins_ + " WHERE ";
    for (size_t i = 0; i < where_.size(); ++i) {
      if (i > 0) sql += " AND ";
      sql += where_[i];
    }
    sql += tail;
    return {std::move(sql), std::move(params_)};
  }

 private:
  std::vector<Param> params_;
  std::vector<std::string> where_;
  std::string joins_;
};

void AddRange(Builder& b, std::string_view column, const ScoreRange& range) {
  if (range.min >= 0) b.Where(std::string(column) + " >= " + b.Bind(int64_t{range.min}));
  if (range.max >= 0) b.Where(std::string(column) + " <= " + b.Bind(int64_t{range.max}));
}

// The contact log's conditions: correlated lookups on contacts(voter_id, id), newest first.
void AddContactRule(Builder& b, const ContactRule& k) {
  const std::string since = k.since.empty() ? "" : " AND k.at >= " + b.Bind(k.since);
  if (k.ever) {
    b.Where(std::string(*k.ever ? "EXISTS" : "NOT EXISTS") +
            " (SELECT 1 FROM contacts k WHERE k.voter_id = v.voter_id" + since + ")");
  }
  if (!k.last_results.empty()) {
    b.Where("(SELECT k.result FROM contacts k WHERE k.voter_id = v.voter_id AND k.result <> ''" +
            since + " ORDER BY k.id DESC LIMIT 1) IN " + b.In(k.last_results));
  }
  if (k.support.min >= 0 || k.support.max >= 0) {
    const std::string latest =
        "(SELECT k.support FROM contacts k WHERE k.voter_id = v.voter_id"
        " AND k.support > 0" +
        since + " ORDER BY k.id DESC LIMIT 1)";
    b.Where(latest + " IS NOT NULL");
    AddRange(b, latest, k.support);
  }
}

// The answer and tag conditions, on contact_choices(question, voter_id, ...). A voter's
// current answer to a question is the choices of her latest contact that answered it. As
// "voter_id IN (...)" the few voters answering drive the statement (each looked up by id)
// rather than every voter probing the index: 0.2 s instead of 1.6 s over a million voters.
void AddChoiceRules(Builder& b, const UniverseCriteria& c) {
  for (const AnswerRule& rule : c.answers) {
    const std::string question = b.Bind(rule.question);
    b.Where("v.voter_id IN (SELECT a.voter_id FROM contact_choices a WHERE a.question = " +
            question + " AND a.answer IN " + b.In(rule.any) +
            " AND a.contact_id = (SELECT max(l.contact_id) FROM contact_choices l WHERE "
            "l.question = " +
            question + " AND l.voter_id = a.voter_id))");
  }
  if (!c.tags.empty()) {
    b.Where("v.voter_id IN (SELECT a.voter_id FROM contact_choices a WHERE a.question = " +
            b.Bind(std::string(kTagQuestion)) + " AND a.answer IN " + b.In(c.tags) + ")");
  }
}

// The encoded districts when the criteria need them; NULL spares reading them.
std::string DistrictsColumn(const UniverseCriteria& c) {
  return c.districts.empty() ? "NULL" : "v.districts";
}

Query Build(const UniverseCriteria& c, const std::vector<std::string>& elections,
            const Dialect& dialect, std::string_view select, std::string_view tail) {
  Builder b;
  b.Where("v.removed_at IS NULL");
  // Statuses first: every universe has them, and a status names few values.
  std::vector<std::string> statuses;
  if (c.statuses.empty()) {
    for (VoterStatus s : kDefaultUniverseStatuses) statuses.emplace_back(VoterStatusName(s));
  } else {
    for (VoterStatus s : c.statuses) statuses.emplace_back(VoterStatusName(s));
  }
  b.Where("v.status IN " + b.In(statuses));
  // Counties and precincts together are one place: a voter of a listed county or of a
  // listed precinct (as a scope is read).
  if (!c.counties.empty() || !c.precincts.empty()) {
    std::string place;
    if (!c.counties.empty()) place = "v.county IN " + b.In(c.counties);
    for (const PrecinctKey& p : c.precincts) {
      if (!place.empty()) place += " OR ";
      place += "(v.county = " + b.Bind(p.county) + " AND v.precinct = " + b.Bind(p.precinct) + ")";
    }
    b.Where("(" + place + ")");
  }
  if (!c.parties.empty()) b.Where("v.party IN " + b.In(c.parties));
  if (!c.genders.empty()) b.Where("v.gender IN " + b.In(c.genders));
  const BirthYears years = BirthYearsFor(c);
  if (years.first > 0 || years.last > 0) b.Where("v.birth_year > 0");
  if (years.first > 0) b.Where("v.birth_year >= " + b.Bind(int64_t{years.first}));
  if (years.last > 0) b.Where("v.birth_year <= " + b.Bind(int64_t{years.last}));
  if (!c.registered_after.empty()) {
    b.Where("v.registration_date >= " + b.Bind(c.registered_after));
  }
  if (!c.registered_before.empty()) {
    b.Where("v.registration_date <> '' AND v.registration_date < " + b.Bind(c.registered_before));
  }
  if (c.has_phone) b.Where(*c.has_phone ? "v.phone <> ''" : "v.phone = ''");
  if (c.support || c.turnout) {
    b.Join("JOIN " + std::string(dialect.scores_table) + " s ON s.voter_id = v.voter_id");
    if (c.support) AddRange(b, "s.support", *c.support);
    if (c.turnout) AddRange(b, "s.turnout", *c.turnout);
    // -1 is "unknown": a voter without that score never matches a range.
    if (c.support) b.Where("s.support >= 0");
    if (c.turnout) b.Where("s.turnout >= 0");
  }
  if (c.history) {
    const int n = static_cast<int>(elections.size());
    const auto [min, max] = BoundsOf(*c.history, elections.size());
    if (elections.empty()) {
      // No such elections in the history: everyone voted in none of them.
      if (min > 0) b.Where("1 = 0");
    } else if ((min > 0 || max < n) && dialect.history_in_sql) {
      // One pass over the vote history of those elections, joined by voter.
      b.Join("LEFT JOIN (SELECT voter_id, count(*) AS n FROM vote_history WHERE election_date IN " +
             b.In(elections) + " GROUP BY voter_id) h ON h.voter_id = v.voter_id");
      if (min > 0) b.Where("h.n >= " + b.Bind(int64_t{min}));
      if (max < n) b.Where("coalesce(h.n, 0) <= " + b.Bind(int64_t{max}));
    }
  }
  if (c.contact) AddContactRule(b, *c.contact);
  AddChoiceRules(b, c);
  if (!c.election.empty()) {
    b.Where(std::string(c.voted ? "EXISTS" : "NOT EXISTS") +
            " (SELECT 1 FROM struck k WHERE k.election = " + b.Bind(c.election) +
            " AND k.voter_id = v.voter_id)");
  }
  return b.Finish(select, tail);
}

}  // namespace

Query CountByParty(const UniverseCriteria& criteria, const std::vector<std::string>& elections,
                   const Dialect& dialect) {
  return Build(criteria, elections, dialect, "SELECT v.party, count(*)", " GROUP BY v.party");
}

Query VoterParties(const UniverseCriteria& criteria, const std::vector<std::string>& elections,
                   const Dialect& dialect) {
  return Build(criteria, elections, dialect,
               "SELECT v.voter_id, v.party, " + DistrictsColumn(criteria), "");
}

HistoryBounds BoundsOf(const VoteHistoryRule& rule, size_t elections) {
  // The minimum is never lowered: "at least 3 of the last 4 primaries" over a history of
  // one primary selects nobody, not everyone who voted in it.
  const int n = static_cast<int>(elections);
  return {rule.min, rule.max < 0 ? n : std::min(rule.max, n)};
}

bool HistoryLeftToBackend(const UniverseCriteria& criteria, size_t elections,
                          const Dialect& dialect) {
  if (dialect.history_in_sql || !criteria.history || elections == 0) return false;
  const HistoryBounds b = BoundsOf(*criteria.history, elections);
  return b.min > 0 || b.max < static_cast<int>(elections);
}

Query HistoryRows(const std::vector<std::string>& elections) {
  Builder b;
  std::string sql = "SELECT voter_id FROM vote_history WHERE election_date IN " + b.In(elections) +
                    " ORDER BY voter_id";
  return {std::move(sql), b.TakeParams()};
}

size_t HistoryCounts::Find(uint64_t hash, std::string_view voter_id) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.length == 0) return i;
    if (s.hash == hash && std::string_view(arena_).substr(s.offset, s.length) == voter_id) {
      return i;
    }
  }
}

void HistoryCounts::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.length == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].length != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void HistoryCounts::Add(std::string_view voter_id) {
  if (last_ != SIZE_MAX) {
    const Slot& s = slots_[last_];
    if (std::string_view(arena_).substr(s.offset, s.length) == voter_id) {
      ++slots_[last_].count;
      return;
    }
  }
  if (voter_id.empty() || voter_id.size() > UINT16_MAX ||
      arena_.size() > UINT32_MAX - voter_id.size()) {
    last_ = SIZE_MAX;  // cannot be stored: counts as no vote (never happens with real ids)
    return;
  }
  if ((used_ + 1) * 2 > slots_.size()) Grow();
  const uint64_t hash = std::hash<std::string_view>{}(voter_id);
  const size_t i = Find(hash, voter_id);
  if (slots_[i].length == 0) {
    slots_[i] =
        Slot{hash, static_cast<uint32_t>(arena_.size()), static_cast<uint16_t>(voter_id.size()), 0};
    arena_.append(voter_id);
    ++used_;
  }
  ++slots_[i].count;
  last_ = i;
}

int HistoryCounts::Of(std::string_view voter_id) const {
  if (slots_.empty()) return 0;
  const Slot& s = slots_[Find(std::hash<std::string_view>{}(voter_id), voter_id)];
  return s.length == 0 ? 0 : s.count;
}

Query Members(const UniverseCriteria& criteria, const std::vector<std::string>& elections,
              const Dialect& dialect) {
  return Build(criteria, elections, dialect,
               "SELECT v.voter_id, v.county, v.precinct, v.res_street, v.res_zip, " +
                   DistrictsColumn(criteria),
               " ORDER BY v.county, v.precinct, v.voter_id");
}

Result<std::vector<std::string>> HistoryElections(const UniverseCriteria& criteria,
                                                  const std::vector<ElectionInfo>& elections) {
  if (!criteria.history) return std::vector<std::string>{};
  return ElectionsFor(*criteria.history, elections);
}

Result<std::string> ListElection(const NewVoterList& list, const Universe& universe) {
  // A universe of those who voted (election_day.voted) gives its lists no election to
  // drop them by.
  std::string election = list.election;
  if (election.empty() && !universe.criteria.voted) election = universe.criteria.election;
  if (!election.empty()) {
    UniverseCriteria probe;
    probe.election = election;
    NARWHAL_RETURN_IF_ERROR(ValidateUniverseCriteria(probe));
  }
  return election;
}

Result<VoterList> SameList(const VoterList& earlier, const NewVoterList& list) {
  if (earlier.universe_id != list.universe_id) {
    return InvalidArgument("idempotency key '" + list.idempotency_key +
                           "' was used for a list of another universe");
  }
  return earlier;
}

Result<int64_t> PageStart(const ListVotersQuery& query) {
  if (query.limit < 1 || query.limit > 1000) return InvalidArgument("limit must be 1..1000");
  if (query.cursor.empty()) return int64_t{0};
  long long position = 0;
  if (!ParseInt64(query.cursor, position) || position < 0) {
    return InvalidArgument("cursor is not one this list gave");
  }
  return static_cast<int64_t>(position);
}

void AddPageRow(ListVotersPage& page, VoterSummary voter, int64_t position,
                std::string_view reason) {
  if (reason.empty()) {
    page.voters.push_back(std::move(voter));
  } else if (reason == "voted") {
    ++page.dropped_voted;
  } else if (reason == "moved") {
    ++page.dropped_moved;
  } else if (reason == "suppressed") {
    ++page.dropped_suppressed;
  } else {
    ++page.dropped_removed;
  }
  page.next_cursor = std::to_string(position);
}

ElectionInfo ElectionRow(std::string date, std::string description, int64_t voters) {
  ElectionInfo e;
  e.kind = ElectionKindOf(description);
  e.date = std::move(date);
  e.description = std::move(description);
  e.voters = voters;
  return e;
}

std::vector<std::pair<std::string, int64_t>> MostFirst(
    const std::map<std::string, int64_t>& counts) {
  std::vector<std::pair<std::string, int64_t>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace narwhal::universe_sql
