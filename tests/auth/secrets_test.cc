#include "auth/secrets.h"

#include <gtest/gtest.h>

#include <set>

namespace narwhal {
namespace {

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitSecrets().ok()); }
};

TEST_F(SecretsTest, CodesAreWellFormedAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    LoginCode c = GenerateLoginCode();
    ASSERT_EQ(c.display.size(), 14u);
    EXPECT_EQ(c.display[4], '-');
    EXPECT_EQ(c.display.find_first_of("01ILO"), std::string::npos) << c.display;
    seen.insert(c.display);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST_F(SecretsTest, ParseForgivesHowPeopleType) {
  LoginCode c = GenerateLoginCode();
  std::string sloppy;
  for (char ch : c.display) {
    sloppy.push_back(ch == '-' ? ' ' : static_cast<char>(std::tolower(ch)));
  }
  auto parsed = ParseLoginCode(sloppy);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->selector, c.selector);
  EXPECT_EQ(parsed->secret, c.secret);
  EXPECT_FALSE(ParseLoginCode("K7QM-9XMR").ok());
  EXPECT_FALSE(ParseLoginCode("K7QM-9XMR-T2P!").ok());
  EXPECT_FALSE(ParseLoginCode("").ok());
}

TEST_F(SecretsTest, CodeHashVerifies) {
  LoginCode c = GenerateLoginCode();
  auto hash = HashCodeSecret(c.secret);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->find(c.secret), std::string::npos);
  EXPECT_TRUE(VerifyCodeSecret(c.secret, *hash));
  EXPECT_FALSE(VerifyCodeSecret("WRONGWRO", *hash));
  auto again = HashCodeSecret(c.secret);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*hash, *again);  // salted
}

TEST_F(SecretsTest, TokensHashDeterministically) {
  std::string t = GenerateSessionToken();
  EXPECT_EQ(t.rfind("nw_", 0), 0u);
  EXPECT_EQ(t.size(), 46u);
  EXPECT_EQ(HashSessionToken(t), HashSessionToken(t));
  EXPECT_EQ(HashSessionToken(t).size(), 64u);
  EXPECT_NE(HashSessionToken(t), HashSessionToken(GenerateSessionToken()));
}

}  // namespace
}  // namespace narwhal
