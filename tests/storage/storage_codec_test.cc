// Tests of the backend-independent encodings: named values as JSON and the paging
// cursors.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "storage/named_values_json.h"
#include "storage/search_cursor.h"

namespace narwhal {
namespace {

TEST(NamedValuesJson, RoundTripsAnyText) {
  NamedValues values = {{"ward", "7"},
                        {"quote\"back\\slash", "line\nfeed\ttab\r\x01\x1f"},
                        {"utf8", "Peña — 東京"},
                        {"", ""}};
  std::string json;
  EncodeNamedValues(values, json);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  Result<NamedValues> back = DecodeNamedValues(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, values);
}

TEST(NamedValuesJson, EmptyForms) {
  std::string json;
  EncodeNamedValues({}, json);
  EXPECT_EQ(json, "{}");
  EXPECT_TRUE(DecodeNamedValues("{}")->empty());
  EXPECT_TRUE(DecodeNamedValues("")->empty());
}

TEST(NamedValuesJson, ReadsStandardEscapes) {
  Result<NamedValues> v = DecodeNamedValues(R"( { "a" : "\u00e9\ud83d\ude00\/" , "b":"x" } )");
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].second, "é😀/");
}

TEST(NamedValuesJson, RefusesAnythingElse) {
  for (const char* bad : {"[]", "{", "{\"a\"}", "{\"a\":1}", "{\"a\":\"b\",}", "{\"a\":\"b\"} x",
                          "{\"a\":\"\\ud800\"}", "{\"a\":\"\\q\"}", "{\"a\":\"b"}) {
    Result<NamedValues> v = DecodeNamedValues(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.status().code(), ErrorCode::kDataLoss) << bad;
  }
}

TEST(SearchCursor, RoundTrips) {
  SearchCursor c{"VAN BUREN", "MARTÍN", "AB12:34"};
  std::string text = EncodeSearchCursor(c);
  EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), std::string::npos);
  Result<SearchCursor> back = DecodeSearchCursor(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
  SearchCursor empty_names{"", "", "X"};
  EXPECT_EQ(*DecodeSearchCursor(EncodeSearchCursor(empty_names)), empty_names);
}

TEST(SearchCursor, RefusesGarbage) {
  std::string good = EncodeSearchCursor({"A", "B", "C"});
  for (const std::string& bad :
       {std::string(""), std::string("0"), std::string("zz"), good.substr(0, good.size() - 2),
        good + "00", "32" + good.substr(2), std::string("ABCD"), good + "0"}) {
    Result<SearchCursor> c = DecodeSearchCursor(bad);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(IdCursor, RoundTrips) {
  for (int64_t id : {int64_t{1}, int64_t{42}, INT64_MAX}) {
    std::string text = EncodeIdCursor(id);
    EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), std::string::npos);
    Result<int64_t> back = DecodeIdCursor(text);
    ASSERT_TRUE(back.ok()) << id;
    EXPECT_EQ(*back, id);
  }
}

TEST(IdCursor, RefusesGarbageAndTheOtherKind) {
  std::string good = EncodeIdCursor(7);
  for (const std::string& bad :
       {std::string(""), std::string("zz"), good.substr(0, good.size() - 2), good + "00",
        EncodeIdCursor(0), EncodeIdCursor(-3), EncodeSearchCursor({"A", "B", "7"})}) {
    Result<int64_t> c = DecodeIdCursor(bad);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.status().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(DecodeSearchCursor(good).ok());
}

}  // namespace
}  // namespace narwhal
