// libFuzzer target: arbitrary bytes through the CSV reader and a format mapper.
//
// The first input byte picks the reader options and the format; the rest is the file.
// Besides "no crash, no leak, no UB", it checks the reader's promises: every field is
// valid UTF-8, a malformed record has no fields and a bounded raw line, line numbers
// and offsets only grow, and every mapped voter has an id and UTF-8 strings.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "import/csv_reader.h"
#include "import/formats.h"

namespace {

constexpr std::string_view kMapping = R"({"state":"CO","header":true,"columns":{
  "voter_id":"id","last_name":"last","residence.street":["num","street"],
  "birth_year":"born","registration_date":"reg","district.ward":"ward"},
  "history_columns":"^(GENERAL|PRIMARY)-"})";

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckVoter(const narwhal::Voter& v) {
  Check(!v.voter_id.empty());
  for (const std::string* s : {&v.voter_id, &v.last_name, &v.first_name, &v.residence.street,
                               &v.mailing_address, &v.county, &v.precinct}) {
    Check(narwhal::IsValidUtf8(*s));
  }
  for (const auto& [k, value] : v.extra) Check(narwhal::IsValidUtf8(k) && !value.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace narwhal;
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  if (selector == 0xFF) {  // the mapping-file parser on its own
    Result<CsvMapping> m = ParseCsvMapping(input);
    (void)m.ok();
    return 0;
  }

  static constexpr VoterFormat kFormats[] = {VoterFormat::kNcsbe,      VoterFormat::kNcvhis,
                                             VoterFormat::kOhio,       VoterFormat::kFlorida,
                                             VoterFormat::kWashington, VoterFormat::kCsv};
  const VoterFormat format = kFormats[(selector & 0x07) % 6];
  CsvOptions options;
  options.delimiter = (selector & 0x08) ? '\t' : 0;
  options.encoding = static_cast<Encoding>(((selector >> 4) & 0x03) % 3);
  // Small blocks and records so boundaries and the length cap are hit often.
  options.block_size = (selector & 0x40) ? 7 : 4096;
  options.max_record_bytes = (selector & 0x80) ? 64 : 1 << 16;

  Result<CsvMapping> mapping = ParseCsvMapping(kMapping);
  Check(mapping.ok());
  CsvReader reader(MemorySource(input), options);
  CsvRecord record;
  std::optional<RowMapper> mapper;
  Voter voter;
  std::vector<VoteHistoryEntry> history;
  VoteHistoryEntry entry;
  RowError error;
  int64_t last_line = 0;
  int64_t last_offset = -1;
  for (;;) {
    Result<bool> more = reader.Next(record);
    Check(more.ok());  // a memory source never fails
    if (!*more) break;
    Check(record.line > last_line);
    Check(record.offset > last_offset);
    last_line = record.line;
    last_offset = record.offset;
    if (!record.error.empty()) {
      Check(record.fields.empty());
      Check(record.raw.size() <= options.max_record_bytes);
      continue;
    }
    Check(!record.fields.empty());
    for (std::string_view f : record.fields) Check(IsValidUtf8(f));
    if (!mapper) {
      Result<RowMapper> m = RowMapper::Create(format, record.fields,
                                              format == VoterFormat::kCsv ? &*mapping : nullptr);
      if (!m.ok()) return 0;
      mapper.emplace(std::move(*m));
      continue;
    }
    if (mapper->kind() == RecordKind::kVoters) {
      history.clear();
      if (mapper->MapVoter(record.fields, voter, history, error)) {
        CheckVoter(voter);
        for (const VoteHistoryEntry& h : history) Check(h.voter_id == voter.voter_id);
      } else {
        Check(!error.reason.empty());
      }
    } else if (mapper->MapHistory(record.fields, entry, error)) {
      Check(!entry.voter_id.empty() && entry.election_date.size() == 10);
    } else {
      Check(!error.reason.empty());
    }
  }
  Check(reader.bytes_read() == static_cast<int64_t>(input.size()));
  return 0;
}
