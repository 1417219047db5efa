#include "domain/call.h"

#include <gtest/gtest.h>

namespace narwhal {
namespace {

TEST(CallTest, WhenAPersonIsCalledAgain) {
  const FieldBook book;  // the core codes
  auto next = [&](std::string_view code, int attempts) {
    return NextCallAt(code, *MeaningOf(book, code), attempts, 1'000'000);
  };
  const int64_t hour = 3'600'000;
  EXPECT_EQ(next("NA", 1), 1'000'000 + 4 * hour);  // no answer: four hours on
  EXPECT_EQ(next("BZ", 2), 1'000'000 + 4 * hour);
  EXPECT_EQ(next("LM", 1), 1'000'000 + 24 * hour);  // a message: the next day
  EXPECT_EQ(next("CB", 1), 1'000'000 + 4 * hour);
  EXPECT_EQ(next("NA", 3), std::nullopt);  // three calls are enough
  EXPECT_EQ(next("C", 1), std::nullopt);   // reached
  EXPECT_EQ(next("RF", 1), std::nullopt);  // refused: not again
  EXPECT_EQ(next("WN", 1), std::nullopt);  // her only phone is wrong
  RetryRules patient;
  patient.max_attempts = 5;
  EXPECT_EQ(NextCallAt("NA", *MeaningOf(book, "NA"), 3, 0, patient), 4 * hour);
}

}  // namespace
}  // namespace narwhal
