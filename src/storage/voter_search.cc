#include "storage/voter_search.h"

#include <algorithm>
#include <span>
#include <string_view>

#include "base/text.h"

namespace narwhal {
namespace {

std::string JoinWords(std::span<const std::string_view> words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

bool KeyLess(const VoterSearchRow& a, const VoterSearchRow& b) {
  if (a.last_key != b.last_key) return a.last_key < b.last_key;
  if (a.first_key != b.first_key) return a.first_key < b.first_key;
  return a.summary.voter_id < b.summary.voter_id;
}

}  // namespace

Result<VoterSearchPlan> PlanVoterSearch(const VoterQuery& query) {
  if (query.limit < 1 || query.limit > kMaxSearchLimit) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(kMaxSearchLimit));
  }
  if (!query.precinct.empty() && query.county.empty()) {
    return InvalidArgument("a precinct filter needs its county");
  }
  const std::vector<std::string_view> words = SplitWords(query.name);
  if (words.empty() && query.registration_number.empty() && query.county.empty()) {
    return InvalidArgument("a search needs a name, a registration number or a county");
  }
  if (words.size() > kMaxNameWords) return InvalidArgument("too many words in the name");
  VoterSearchPlan plan;
  if (!query.cursor.empty()) {
    NARWHAL_ASSIGN_OR_RETURN(SearchCursor c, DecodeSearchCursor(query.cursor));
    plan.cursor = std::move(c);
  }
  plan.empty_scope = query.scope && query.scope->counties.empty() && query.scope->precincts.empty();
  if (words.empty()) {
    plan.branches.push_back(NameBranch{});
  } else if (words.size() == 1) {
    plan.branches.push_back(NameBranch{NameMatch::kLastPrefix, std::string(words[0]), ""});
  } else {
    const std::span<const std::string_view> all(words);
    for (size_t k = 1; k < words.size(); ++k) {
      plan.branches.push_back(NameBranch{NameMatch::kLastThenFirst, JoinWords(all.first(k)),
                                         JoinWords(all.subspan(k))});
      plan.branches.push_back(NameBranch{NameMatch::kFirstThenLast, JoinWords(all.subspan(k)),
                                         JoinWords(all.first(k))});
    }
  }
  return plan;
}

void MergeVoterSearchRows(std::vector<VoterSearchRow>& rows, size_t keep) {
  std::sort(rows.begin(), rows.end(), KeyLess);
  rows.erase(std::unique(rows.begin(), rows.end(),
                         [](const VoterSearchRow& a, const VoterSearchRow& b) {
                           return a.summary.voter_id == b.summary.voter_id;
                         }),
             rows.end());
  if (rows.size() > keep) rows.resize(keep);
}

VoterPage FinishVoterPage(std::vector<VoterSearchRow> rows, int limit) {
  const size_t page_size = static_cast<size_t>(limit);
  MergeVoterSearchRows(rows, page_size + 1);
  VoterPage page;
  if (rows.size() > page_size) {
    rows.resize(page_size);
    const VoterSearchRow& last = rows.back();
    page.next_cursor =
        EncodeSearchCursor(SearchCursor{last.last_key, last.first_key, last.summary.voter_id});
  }
  page.voters.reserve(rows.size());
  for (VoterSearchRow& r : rows) page.voters.push_back(std::move(r.summary));
  return page;
}

}  // namespace narwhal
