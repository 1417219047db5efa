// libFuzzer target: arbitrary bytes as a universe's criteria (the body member of
// POST /api/v1/universes and narwhal universe --criteria) through ParseUniverseCriteria.
//
// Besides "no crash, no leak, no UB", it checks the parser's promises: accepted criteria
// are valid, print as JSON that parses back to the same criteria, and make statements whose
// every $N placeholder has its parameter (and no parameter is left over); a rejection is
// kInvalidArgument naming the criteria.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "domain/universe.h"
#include "domain/universe_json.h"
#include "storage/universe_sql.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// The distinct $N of `sql` are exactly 1..params.
void CheckPlaceholders(const narwhal::universe_sql::Query& q) {
  std::set<size_t> seen;
  for (size_t at = q.sql.find('$'); at != std::string::npos; at = q.sql.find('$', at + 1)) {
    size_t n = 0;
    size_t i = at + 1;
    for (; i < q.sql.size() && q.sql[i] >= '0' && q.sql[i] <= '9'; ++i) {
      n = n * 10 + static_cast<size_t>(q.sql[i] - '0');
    }
    Check(i > at + 1 && n >= 1 && n <= q.params.size());
    seen.insert(n);
  }
  Check(seen.size() == q.params.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  narwhal::Result<narwhal::UniverseCriteria> c = narwhal::ParseUniverseCriteria(text, 2026);
  if (!c.ok()) {
    Check(c.status().code() == narwhal::ErrorCode::kInvalidArgument);
    Check(c.status().message().starts_with("criteria"));
    return 0;
  }
  Check(narwhal::ValidateUniverseCriteria(*c).ok());
  narwhal::Result<narwhal::UniverseCriteria> again =
      narwhal::ParseUniverseCriteria(narwhal::UniverseCriteriaJson(*c), 1999);
  Check(again.ok() && *again == *c);
  const std::vector<std::string> elections = {"2024-11-05", "2022-11-08"};
  const narwhal::universe_sql::Dialect dialect{"scores"};
  CheckPlaceholders(narwhal::universe_sql::CountByParty(*c, elections, dialect));
  CheckPlaceholders(narwhal::universe_sql::Members(*c, {}, dialect));
  const narwhal::universe_sql::Dialect embedded{"scores", /*history_in_sql=*/false};
  CheckPlaceholders(narwhal::universe_sql::VoterParties(*c, elections, embedded));
  CheckPlaceholders(narwhal::universe_sql::HistoryRows(elections));
  return 0;
}
