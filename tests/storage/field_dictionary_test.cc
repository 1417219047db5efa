#include "storage/sqlite/field_dictionary.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace narwhal::sqlite {
namespace {

class FieldDictionaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    auto db = Connection::Open(dir_.File("d.db"), OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(
        db_->Exec("CREATE TABLE field_names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
            .ok());
  }
  // Encodes in a committed writer transaction, as the store's writer does.
  std::string WriterEncode(FieldDictionary& dict, const NamedValues& values) {
    FieldDictionary::WriterSession session(dict);
    std::string out;
    EXPECT_TRUE(db_->Exec("BEGIN").ok());
    EXPECT_TRUE(session.Encode(*db_, values, out).ok());
    EXPECT_TRUE(db_->Exec("COMMIT").ok());
    session.Commit();
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<Connection> db_;
};

TEST_F(FieldDictionaryTest, RoundTripsInOrderWithAnyBytes) {
  FieldDictionary dict;
  NamedValues values = {{"vtd_abbrv", "08N"},
                        {"township_desc", "CARY"},
                        {"odd", std::string("a\x1e\x00b\"\\", 6)},
                        {"empty", ""}};
  std::string blob;
  EXPECT_FALSE(dict.TryEncode(values, blob));  // names unknown until the writer assigns ids
  blob = WriterEncode(dict, values);
  EXPECT_LT(blob.size(), 40u);
  auto back = dict.Decode(*db_, blob);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, values);
  std::string again;
  ASSERT_TRUE(dict.TryEncode(values, again));
  EXPECT_EQ(again, blob);
}

TEST_F(FieldDictionaryTest, ANewProcessLearnsNamesFromTheTable) {
  FieldDictionary writer_side;
  std::string blob = WriterEncode(writer_side, {{"ward_desc", "W1"}});
  FieldDictionary other;  // another process: knows nothing yet
  auto back = other.Decode(*db_, blob);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)[0].first, "ward_desc");
}

TEST_F(FieldDictionaryTest, RolledBackIdsAreNotRemembered) {
  FieldDictionary dict;
  {
    FieldDictionary::WriterSession session(dict);
    std::string out;
    ASSERT_TRUE(db_->Exec("BEGIN").ok());
    ASSERT_TRUE(session.Encode(*db_, {{"ghost", "x"}}, out).ok());
    ASSERT_TRUE(db_->Exec("ROLLBACK").ok());
  }
  std::string out;
  EXPECT_FALSE(dict.TryEncode({{"ghost", "x"}}, out));
}

// One cache across rows whose names come in the same order, in another order, fewer or
// more of them, or unknown: every row encodes as it does without a cache.
TEST_F(FieldDictionaryTest, ACacheOfTheLastNamesChangesNoEncoding) {
  FieldDictionary dict;
  WriterEncode(dict, {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}});
  const std::vector<NamedValues> rows = {
      {{"a", "x"}, {"b", "y"}, {"c", "z"}},
      {{"a", "x2"}, {"b", "y2"}, {"c", "z2"}},
      {{"b", "y"}, {"a", "x"}},
      {{"a", ""}, {"b", ""}, {"c", ""}, {"d", "w"}},
      {},
      {{"a", "x"}, {"unknown", "u"}, {"c", "z"}},
      {{"a", "x"}, {"b", "y"}, {"c", "z"}},
      {{"d", "4"}},
  };
  FieldDictionary::NameCache cache;
  for (const NamedValues& row : rows) {
    std::string plain;
    std::string cached;
    const bool known = dict.TryEncode(row, plain);
    EXPECT_EQ(dict.TryEncode(row, cached, cache), known);
    if (known) {
      EXPECT_EQ(cached, plain);
    }
  }
}

TEST_F(FieldDictionaryTest, CorruptBlobIsDataLoss) {
  FieldDictionary dict;
  EXPECT_EQ(dict.Decode(*db_, "\x05\x7f").status().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(dict.Decode(*db_, std::string("\x63\x01x", 3)).status().code(), ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace narwhal::sqlite
