// libFuzzer target: arbitrary bytes as the campaign's field book (PUT /api/v1/field-book and
// narwhal field-book set) through ParseFieldBook.
//
// Besides "no crash, no leak, no UB", it checks the parser's promises: an accepted book is
// valid, prints as JSON that parses back to the same book, and every script ends: walking
// it from its first step, whatever is answered, reaches the end in at most as many steps as
// it has. A rejection is kInvalidArgument naming the member.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/field_book.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  narwhal::Result<narwhal::FieldBook> book = narwhal::ParseFieldBook(text);
  if (!book.ok()) {
    Check(book.status().code() == narwhal::ErrorCode::kInvalidArgument);
    Check(!book.status().message().empty());
    return 0;
  }
  Check(narwhal::ValidateFieldBook(*book).ok());
  narwhal::Result<narwhal::FieldBook> again =
      narwhal::ParseFieldBook(narwhal::FieldBookJson(*book));
  Check(again.ok() && *again == *book);
  for (const narwhal::Script& script : book->scripts) {
    // Answer each question with its first choice, then with its last: both paths end.
    for (int pick = 0; pick < 2; ++pick) {
      std::string step = script.steps.front().id;
      size_t walked = 0;
      while (!step.empty()) {
        Check(++walked <= script.steps.size());
        std::string answer;
        for (const narwhal::ScriptStep& s : script.steps) {
          if (s.id != step || s.question.empty()) continue;
          const narwhal::SurveyQuestion* q = book->Question(s.question);
          Check(q != nullptr);
          if (!q->choices.empty())
            answer = pick == 0 ? q->choices.front().key : q->choices.back().key;
        }
        step = narwhal::NextStep(script, step, answer);
      }
    }
  }
  return 0;
}
