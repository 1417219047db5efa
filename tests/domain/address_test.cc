#include "domain/address.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace narwhal {
namespace {

TEST(AddressTest, Parses) {
  auto a = ParseStreetAddress("123 N Main St Apt 4");
  EXPECT_EQ(a.house_number, 123);
  EXPECT_EQ(a.street, "N MAIN ST");
  EXPECT_EQ(a.unit, "APT 4");
  auto b = ParseStreetAddress("7B Oak Ave");
  EXPECT_EQ(b.house_number, 7);
  EXPECT_EQ(b.house_suffix, "B");
  EXPECT_EQ(b.street, "OAK AVE");
  auto c = ParseStreetAddress("12 1/2 Elm St");
  EXPECT_EQ(c.house_number, 12);
  EXPECT_EQ(c.house_suffix, "1/2");
  EXPECT_EQ(c.street, "ELM ST");
  auto d = ParseStreetAddress("PO Box 55");
  EXPECT_EQ(d.house_number, -1);
  auto e = ParseStreetAddress("");
  EXPECT_EQ(e.house_number, -1);
  EXPECT_EQ(e.street, "");
}

TEST(AddressTest, WalkOrderIsUpOneSideDownTheOther) {
  std::vector<std::string> lines = {"4 Main St", "1 Main St", "3 Main St",       "2 Main St",
                                    "5 Main St", "10 Elm St", "6 Main St Apt 2", "6 Main St Apt 1"};
  std::vector<ParsedStreetAddress> parsed;
  for (const auto& l : lines) parsed.push_back(ParseStreetAddress(l));
  std::vector<ParsedStreetAddress> by_key = parsed;
  std::sort(parsed.begin(), parsed.end(), WalkOrderLess);
  std::sort(by_key.begin(), by_key.end(),
            [](const auto& x, const auto& y) { return WalkOrderKey(x) < WalkOrderKey(y); });
  std::vector<std::string> got;
  for (const auto& p : parsed)
    got.push_back(std::to_string(p.house_number) + " " + p.street +
                  (p.unit.empty() ? "" : " " + p.unit));
  std::vector<std::string> want = {"10 ELM ST",       "1 MAIN ST",       "3 MAIN ST", "5 MAIN ST",
                                   "6 MAIN ST APT 1", "6 MAIN ST APT 2", "4 MAIN ST", "2 MAIN ST"};
  EXPECT_EQ(got, want);
  for (size_t i = 0; i < parsed.size(); ++i) {
    EXPECT_EQ(WalkOrderKey(parsed[i]), WalkOrderKey(by_key[i])) << i;
  }
}

}  // namespace
}  // namespace narwhal
