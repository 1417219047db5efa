#include "base/status.h"

#include <gtest/gtest.h>

namespace narwhal {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  NARWHAL_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, OkAndError) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = NotFound("voter 'X' does not exist");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "not_found: voter 'X' does not exist");
  EXPECT_EQ(s.WithContext("line 7").message(), "line 7: voter 'X' does not exist");
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeName(ErrorCode::kResourceExhausted), "resource_exhausted");
}

}  // namespace
}  // namespace narwhal
