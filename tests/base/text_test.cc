#include "base/text.h"

#include <gtest/gtest.h>

namespace narwhal {
namespace {

TEST(TextTest, Latin1ToUtf8) {
  std::string out;
  AppendLatin1AsUtf8(
      "Jos\xE9 Pe\xF1"
      "a \x93q\x94",
      out);
  EXPECT_EQ(out, "José Peña “q”");
  EXPECT_TRUE(IsValidUtf8(out));
}

TEST(TextTest, ValidUtf8) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Zoë Ærø 名"));
  EXPECT_FALSE(IsValidUtf8("Jos\xE9"));
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));      // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
}

TEST(TextTest, FoldForSearch) {
  EXPECT_EQ(FoldForSearch("  José  Peña-Núñez "), "JOSE PENA NUNEZ");
  EXPECT_EQ(FoldForSearch("O'Neil"), "ONEIL");
  EXPECT_EQ(FoldForSearch("o’neil"), "ONEIL");
  EXPECT_EQ(FoldForSearch("St. John"), "ST JOHN");
  EXPECT_EQ(FoldForSearch("Straße"), "STRASSE");
  EXPECT_EQ(FoldForSearch("Łukasz"), "LUKASZ");
  EXPECT_EQ(FoldForSearch(""), "");
  EXPECT_EQ(FoldForSearch("\xFF\xFE"), "");  // invalid bytes become separators
}

TEST(TextTest, Helpers) {
  EXPECT_EQ(TrimAscii("  a b \r\n"), "a b");
  auto w = SplitWords(" a  bc d ");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1], "bc");
  long long v = 0;
  EXPECT_TRUE(ParseInt64("-42", v));
  EXPECT_EQ(v, -42);
  EXPECT_FALSE(ParseInt64("4x", v));
  EXPECT_TRUE(EqualsIgnoreCase("NCID", "ncid"));
}

}  // namespace
}  // namespace narwhal
