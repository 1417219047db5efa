#include "domain/call.h"

namespace narwhal {

std::optional<int64_t> NextCallAt(std::string_view result, const ResultMeaning& meaning,
                                  int attempts, int64_t now_ms, const RetryRules& rules) {
  if (meaning.category != ResultCategory::kRetry) return std::nullopt;
  if (result == "WN" || attempts >= rules.max_attempts) return std::nullopt;
  std::chrono::seconds wait = rules.after_other;
  if (result == "NA" || result == "BZ") wait = rules.after_no_answer;
  if (result == "LM") wait = rules.after_message;
  return now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
}

}  // namespace narwhal
