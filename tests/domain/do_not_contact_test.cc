#include "domain/do_not_contact.h"

#include <gtest/gtest.h>

namespace narwhal {
namespace {

TEST(DoNotContactTest, PhoneNumbersAsPeopleWriteThem) {
  for (std::string_view written : {"9195550123", "(919) 555-0123", "+1 919.555.0123",
                                   "1-919-555-0123", " 919 555 0123 ", "+19195550123"}) {
    Result<std::string> n = NormalizeUsPhone(written);
    ASSERT_TRUE(n.ok()) << written << ": " << n.status().message();
    EXPECT_EQ(*n, "9195550123") << written;
  }
  for (std::string_view bad : {"", "555-0123", "29195550123", "919555012345", "0195550123",
                               "9191550123", "919-555-0123 x4", "919+5550123", "919555O123"}) {
    EXPECT_FALSE(NormalizeUsPhone(bad).ok()) << bad;
  }
}

TEST(DoNotContactTest, ChannelsReadAndWritten) {
  EXPECT_EQ(*ParseChannels("phone"), ChannelBit(ContactChannel::kPhone));
  EXPECT_EQ(*ParseChannels("phone, text"),
            ChannelBit(ContactChannel::kPhone) | ChannelBit(ContactChannel::kText));
  EXPECT_EQ(*ParseChannels("all"), kEveryChannel);
  EXPECT_EQ(ChannelNames(*ParseChannels("text,phone")), "phone,text");
  EXPECT_EQ(ChannelNames(*ParseChannels("door,phone,text,mail,email")), "all");
  EXPECT_FALSE(ParseChannels("").ok());
  EXPECT_FALSE(ParseChannels("call").ok());
  EXPECT_FALSE(ParseChannels("phone,,fax").ok());
}

TEST(DoNotContactTest, KeysNameTheirScope) {
  EXPECT_EQ(*SuppressionKeyOf(SuppressionScope::kPhone, "(919) 555-0123"), "p:9195550123");
  EXPECT_EQ(*SuppressionKeyOf(SuppressionScope::kPerson, " AB123 "), "v:AB123");
  EXPECT_FALSE(SuppressionKeyOf(SuppressionScope::kPerson, "").ok());
  // An apartment's unit is part of the door however it is written.
  const std::string door =
      *SuppressionKeyOf(SuppressionScope::kAddress, "12 Elm Street Apt 4B", "27601-1234");
  EXPECT_EQ(door, "a:27601|12 ELM ST|4B");
  EXPECT_EQ(*SuppressionKeyOf(SuppressionScope::kAddress, "12 ELM ST # 4B", "27601"), door);
  EXPECT_EQ(*SuppressionKeyOf(SuppressionScope::kAddress, "12 ELM ST", "27601"),
            "a:27601|12 ELM ST|");
  EXPECT_FALSE(SuppressionKeyOf(SuppressionScope::kAddress, "PO BOX 5", "27601").ok());
  EXPECT_FALSE(SuppressionKeyOf(SuppressionScope::kAddress, "12 ELM ST", "").ok());
  EXPECT_FALSE(SuppressionKeyOf(SuppressionScope::kAddress, "12 ELM ST", "2760").ok());
}

TEST(DoNotContactTest, ExportedValuesReadBackToTheSameKey) {
  for (const auto& [scope, value, zip] :
       std::vector<std::tuple<SuppressionScope, std::string, std::string>>{
           {SuppressionScope::kPhone, "919-555-0123", ""},
           {SuppressionScope::kPerson, "CW123", ""},
           {SuppressionScope::kAddress, "12 Elm St Apt 4B", "27601"},
           {SuppressionScope::kAddress, "4844 East Rezanof Drive", "99615"},
           {SuppressionScope::kAddress, "7 Oak Ln Rear", "27601"}}) {
    const std::string key = *SuppressionKeyOf(scope, value, zip);
    const std::optional<SuppressionValue> out = ValueOfSuppressionKey(key);
    ASSERT_TRUE(out.has_value()) << key;
    EXPECT_EQ(out->scope, scope);
    std::string again_value = out->value, again_zip;
    if (scope == SuppressionScope::kAddress) {
      const size_t comma = again_value.rfind(", ");
      again_zip = again_value.substr(comma + 2);
      again_value.resize(comma);
    }
    EXPECT_EQ(*SuppressionKeyOf(scope, again_value, again_zip), key) << out->value;
    EXPECT_EQ(*SuppressionKeyOfEntry(scope, out->value), key) << out->value;
  }
  EXPECT_FALSE(ValueOfSuppressionKey("x:1").has_value());
}

TEST(DoNotContactTest, APersonIsReachedThroughHerPhoneHerselfAndHerDoor) {
  EXPECT_EQ(SuppressionKeysOf("AB1", "919.555.0123", "12 ELM ST APT 4B", "27601"),
            (std::vector<std::string>{"p:9195550123", "v:AB1", "a:27601|12 ELM ST|4B"}));
  // No usable phone, no door: herself only.
  EXPECT_EQ(SuppressionKeysOf("AB1", "555", "PO BOX 5", "27601"),
            (std::vector<std::string>{"v:AB1"}));
}

}  // namespace
}  // namespace narwhal
