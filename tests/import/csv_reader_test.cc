#include "import/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace narwhal {
namespace {

struct Row {
  std::vector<std::string> fields;
  std::string raw;
  int64_t line = 0;
  int64_t offset = 0;
  std::string error;
};

std::vector<Row> ReadAll(std::string_view data, CsvOptions options = {}) {
  CsvReader reader(MemorySource(data), options);
  std::vector<Row> rows;
  CsvRecord record;
  for (;;) {
    Result<bool> more = reader.Next(record);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    Row row;
    for (std::string_view f : record.fields) row.fields.emplace_back(f);
    row.raw = std::string(record.raw);
    row.line = record.line;
    row.offset = record.offset;
    row.error = record.error;
    rows.push_back(std::move(row));
  }
  return rows;
}

using Fields = std::vector<std::string>;

TEST(CsvReaderTest, PlainCommaSeparated) {
  auto rows = ReadAll("a,b,c\n1,2,3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].offset, 6);
  EXPECT_EQ(rows[1].raw, "1,2,3");
}

TEST(CsvReaderTest, DetectsTabFromFirstLine) {
  CsvReader reader(MemorySource("a\tb,c\n1\t2,3\n"), {});
  CsvRecord r;
  ASSERT_TRUE(*reader.Next(r));
  EXPECT_EQ(reader.delimiter(), '\t');
  EXPECT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[1], "b,c");
}

TEST(CsvReaderTest, QuotedFieldsWithDelimitersNewlinesAndQuotes) {
  auto rows = ReadAll("id,note\n1,\"a, \"\"b\"\"\r\nc\"\n2,x\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "a, \"b\"\r\nc"}));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].fields, (Fields{"2", "x"}));
  EXPECT_EQ(rows[2].line, 4);  // the quoted newline took a physical line
}

TEST(CsvReaderTest, EmptyAndQuotedEmptyFields) {
  auto rows = ReadAll("a,,\"\",b\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "", "", "b"}));
}

TEST(CsvReaderTest, CrlfLfAndMissingFinalNewline) {
  auto rows = ReadAll("a,b\r\nc,d\ne,f");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(rows[0].raw, "a,b");
  EXPECT_EQ(rows[1].fields, (Fields{"c", "d"}));
  EXPECT_EQ(rows[2].fields, (Fields{"e", "f"}));
  EXPECT_EQ(rows[2].line, 3);
}

TEST(CsvReaderTest, BomAndBlankLinesSkipped) {
  auto rows = ReadAll("\xEF\xBB\xBFid,name\r\n\r\n\n1,x\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"id", "name"}));
  EXPECT_EQ(rows[0].offset, 3);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "x"}));
  EXPECT_EQ(rows[1].line, 4);
}

TEST(CsvReaderTest, StrayQuoteInsideUnquotedFieldIsLiteral) {
  auto rows = ReadAll("a,b\"c,d\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b\"c", "d"}));
}

TEST(CsvReaderTest, UnterminatedQuoteAtEndIsAnErrorForItsLineOnly) {
  auto rows = ReadAll("a,b\n1,\"open\n2,x\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].error, "unterminated quoted field");
  EXPECT_EQ(rows[1].raw, "1,\"open");
  EXPECT_TRUE(rows[1].fields.empty());
  EXPECT_EQ(rows[2].fields, (Fields{"2", "x"}));
  EXPECT_EQ(rows[2].line, 3);
}

TEST(CsvReaderTest, JunkAfterClosingQuoteIsAnError) {
  auto rows = ReadAll("\"a\"b,c\nd,e\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_FALSE(rows[0].error.empty());
  EXPECT_EQ(rows[1].fields, (Fields{"d", "e"}));
  EXPECT_EQ(rows[1].line, 2);
}

TEST(CsvReaderTest, RunawayQuoteIsCappedAndResyncs) {
  std::string data = "a,\"runaway";
  data.append(5000, 'x');
  data += "\n1,2\n";
  CsvOptions options;
  options.max_record_bytes = 1000;
  options.block_size = 64;
  auto rows = ReadAll(data, options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[0].error.find("longer than 1000"), std::string::npos);
  EXPECT_LE(rows[0].raw.size(), 1000u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(rows[1].line, 2);
}

TEST(CsvReaderTest, EncodingAutoConvertsLatin1FieldsOnly) {
  auto rows = ReadAll(
      "PE\xD1"
      "A,Jos\xC3\xA9\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"PEÑA", "José"}));
  EXPECT_EQ(rows[0].raw,
            "PE\xD1"
            "A,Jos\xC3\xA9");  // raw is not re-encoded
}

TEST(CsvReaderTest, EncodingLatin1AlwaysConverts) {
  CsvOptions options;
  options.encoding = Encoding::kLatin1;
  auto rows = ReadAll("\"Jos\xC3\xA9\",\"a\"\"\xE9\"\n", options);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"Jos\xC3\x83\xC2\xA9", "a\"é"}));
}

TEST(CsvReaderTest, EncodingUtf8RejectsInvalidRows) {
  CsvOptions options;
  options.encoding = Encoding::kUtf8;
  auto rows = ReadAll("ok,\xC3\xA9\nbad,\xE9\nnext,1\n", options);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0].error.empty());
  EXPECT_EQ(rows[1].error, "invalid UTF-8 in field 2");
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].fields, (Fields{"next", "1"}));
}

TEST(CsvReaderTest, TinyBlocksGiveTheSameRecords) {
  std::string data =
      "\xEF\xBB\xBF\"id\"\t\"name\"\r\n\"1\"\t\"a \"\"q\"\" b\"\r\n\r\n2\t\"multi\r\nline\"\r\n"
      "\"3\"\tPE\xD1"
      "A\r\n4\t\"\"\r\n5\tend";
  CsvOptions big;
  auto expected = ReadAll(data, big);
  ASSERT_EQ(expected.size(), 6u);
  EXPECT_EQ(expected[2].fields, (Fields{"2", "multi\r\nline"}));
  EXPECT_EQ(expected[3].fields, (Fields{"3", "PEÑA"}));
  EXPECT_EQ(expected[5].line, 8);
  for (size_t block = 1; block <= 9; ++block) {
    CsvOptions small;
    small.block_size = block;
    auto rows = ReadAll(data, small);
    ASSERT_EQ(rows.size(), expected.size()) << "block " << block;
    for (size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].fields, expected[i].fields) << "block " << block << " row " << i;
      EXPECT_EQ(rows[i].line, expected[i].line) << "block " << block << " row " << i;
      EXPECT_EQ(rows[i].offset, expected[i].offset) << "block " << block << " row " << i;
      EXPECT_EQ(rows[i].raw, expected[i].raw) << "block " << block << " row " << i;
    }
  }
}

TEST(CsvReaderTest, EmptyInput) {
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_TRUE(ReadAll("\r\n\n").empty());
  EXPECT_TRUE(ReadAll("\xEF\xBB\xBF").empty());
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  auto source = OpenFileSource("/nonexistent/narwhal/file.csv");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), ErrorCode::kNotFound);
}

TEST(CsvReaderTest, ReadsSharedSampleFromFile) {
  auto source = OpenFileSource(NARWHAL_SHARED_DATA "/voter-files/synthetic_nc.csv");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  CsvReader reader(std::move(*source), {});
  CsvRecord r;
  int records = 0;
  while (*reader.Next(r)) {
    EXPECT_TRUE(r.error.empty());
    EXPECT_EQ(r.fields.size(), 71u);
    ++records;
  }
  EXPECT_EQ(records, 101);
  EXPECT_EQ(reader.bytes_read(), reader.total_bytes());
}

}  // namespace
}  // namespace narwhal
