// `narwhal import strikes` and `narwhal import scores`: election-day data from files.
#include "domain/election.h"

#include <fmt/core.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/text.h"
#include "cli/commands.h"
#include "http/params.h"
#include "import/csv_reader.h"
#include "import/formats.h"
#include "import/rejects_file.h"

namespace narwhal {
namespace {

namespace json = boost::json;

constexpr size_t kBatch = 500;

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

Result<std::unique_ptr<Store>> OpenFor(const CommonArgs& common, std::string_view command) {
  auto store = OpenStore(common);
  if (!store.ok()) {
    fmt::print(stderr, "narwhal import {}: {}\n", command, store.status().message());
  }
  return store;
}

int ReportFailure(std::string_view command, const Status& status) {
  fmt::print(stderr, "narwhal import {}: {}\n", command, status.message());
  return kExitFailure;
}

}  // namespace

std::string StateFileStrikeKey(const std::string& election, const std::string& voter_id) {
  std::string key = "sf-" + election + "-";
  bool plain = !voter_id.empty() && key.size() + voter_id.size() <= 100;
  for (char c : voter_id) plain &= IsKeyChar(c);
  if (plain) return key + voter_id;
  // FNV-1a: stable across runs and machines, and the key stays within its alphabet.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : voter_id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return key + fmt::format("h{:016x}", h);
}

int RunImportStrikes(const ImportStrikesArgs& args) {
  constexpr std::string_view kCommand = "strikes";
  if (!ParseIso8601(args.election).has_value() || args.election.size() != 10) {
    fmt::print(stderr, "narwhal import strikes: --election must be a date like 2026-11-03\n");
    return kExitUsage;
  }
  if (args.format != VoterFormat::kNcvhis) {
    fmt::print(stderr, "narwhal import strikes: only --format ncvhis is supported\n");
    return kExitUsage;
  }
  auto source = OpenFileSource(args.path);
  if (!source.ok()) return ReportFailure(kCommand, source.status());
  const FormatLayout layout = LayoutOf(args.format, nullptr);
  CsvReader reader(std::move(source).value(), {.delimiter = layout.delimiter});
  CsvRecord record;
  Result<bool> more = reader.Next(record);
  if (!more.ok()) return ReportFailure(kCommand, more.status());
  if (!*more || !record.error.empty()) {
    fmt::print(stderr, "narwhal import strikes: {} is empty or has no readable header\n",
               args.path);
    return kExitBadInput;
  }
  Result<RowMapper> mapper = RowMapper::Create(args.format, record.fields, nullptr);
  if (!mapper.ok()) {
    fmt::print(stderr, "narwhal import strikes: {}: {}\n", args.path, mapper.status().message());
    return kExitBadInput;
  }
  auto store = OpenFor(args.common, kCommand);
  if (!store.ok()) return kExitUnavailable;

  RejectsFile rejects(args.rejects_path.empty() ? args.path + ".rejects.tsv" : args.rejects_path);
  SystemClock clock;
  int64_t rows = 0, matching = 0, duplicates = 0;
  int64_t struck = 0, already_struck = 0, replayed = 0, unknown = 0;
  std::unordered_set<std::string> seen;
  std::vector<NewStrike> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    NARWHAL_ASSIGN_OR_RETURN(std::vector<StrikeResult> results, (*store)->RecordStrikes(batch));
    for (size_t i = 0; i < results.size(); ++i) {
      const StrikeResult& r = results[i];
      if (!r.status.ok()) {
        if (r.status.code() == ErrorCode::kNotFound) {
          ++unknown;
        } else {
          NARWHAL_RETURN_IF_ERROR(
              rejects.Add(0, "voter_id", r.status.message(), batch[i].voter_id));
        }
        continue;
      }
      switch (r.outcome) {
        case StrikeOutcome::kStruck: ++struck; break;
        case StrikeOutcome::kAlreadyStruck: ++already_struck; break;
        case StrikeOutcome::kReplayed: ++replayed; break;
      }
    }
    batch.clear();
    return Status::Ok();
  };

  VoteHistoryEntry entry;
  RowError error;
  while (true) {
    more = reader.Next(record);
    if (!more.ok()) return ReportFailure(kCommand, more.status());
    if (!*more) break;
    ++rows;
    if (!record.error.empty()) {
      if (Status s = rejects.Add(record.line, "", record.error, record.raw); !s.ok()) {
        return ReportFailure(kCommand, s);
      }
      continue;
    }
    if (!mapper->MapHistory(record.fields, entry, error)) {
      if (Status s = rejects.Add(record.line, error.column, error.reason, record.raw); !s.ok()) {
        return ReportFailure(kCommand, s);
      }
      continue;
    }
    if (entry.election_date != args.election) continue;
    ++matching;
    if (!seen.insert(entry.voter_id).second) {
      ++duplicates;
      continue;
    }
    batch.push_back({.election = args.election,
                     .voter_id = entry.voter_id,
                     .idempotency_key = StateFileStrikeKey(args.election, entry.voter_id),
                     .source = StrikeSource::kStateFile,
                     .user_id = 0,
                     .at = clock.Now()});
    if (batch.size() >= kBatch) {
      if (Status s = flush(); !s.ok()) return ReportFailure(kCommand, s);
    }
  }
  if (Status s = flush(); !s.ok()) return ReportFailure(kCommand, s);
  fmt::print("{}\n", json::serialize(json::object{{"election", args.election},
                                                  {"rows", rows},
                                                  {"matching", matching},
                                                  {"duplicates", duplicates},
                                                  {"struck", struck},
                                                  {"already_struck", already_struck},
                                                  {"replayed", replayed},
                                                  {"unknown", unknown},
                                                  {"rejected", rejects.count()},
                                                  {"rejects_path", rejects.written_path()}}));
  return kExitOk;
}

int RunImportScores(const ImportScoresArgs& args) {
  constexpr std::string_view kCommand = "scores";
  auto source = OpenFileSource(args.path);
  if (!source.ok()) return ReportFailure(kCommand, source.status());
  CsvReader reader(std::move(source).value(), {});
  CsvRecord record;
  Result<bool> more = reader.Next(record);
  if (!more.ok()) return ReportFailure(kCommand, more.status());
  std::vector<std::string> header;
  if (*more && record.error.empty()) {
    for (std::string_view f : record.fields) header.push_back(AsciiLower(TrimAscii(f)));
  }
  const bool three = header == std::vector<std::string>{"voter_id", "support", "turnout"};
  const bool support_id = header == std::vector<std::string>{"voter_id", "support_id"};
  if (!three && !support_id) {
    fmt::print(stderr,
               "narwhal import scores: {}: the header must be voter_id,support,turnout or "
               "voter_id,support_id\n",
               args.path);
    return kExitBadInput;
  }
  auto store = OpenFor(args.common, kCommand);
  if (!store.ok()) return kExitUnavailable;

  RejectsFile rejects(args.rejects_path.empty() ? args.path + ".rejects.tsv" : args.rejects_path);
  int64_t rows = 0, stored = 0;
  std::vector<VoterScore> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    NARWHAL_ASSIGN_OR_RETURN(int64_t n, (*store)->UpsertScores(batch));
    stored += n;
    batch.clear();
    return Status::Ok();
  };
  // A score: empty = unknown (-1), else a whole number in [lo, hi].
  auto parse = [](std::string_view text, long long lo, long long hi, int& out) {
    text = TrimAscii(text);
    if (text.empty()) {
      out = -1;
      return true;
    }
    long long v = 0;
    if (!ParseInt64(text, v) || v < lo || v > hi) return false;
    out = static_cast<int>(v);
    return true;
  };
  while (true) {
    more = reader.Next(record);
    if (!more.ok()) return ReportFailure(kCommand, more.status());
    if (!*more) break;
    ++rows;
    std::string column, reason;
    VoterScore score;
    if (!record.error.empty()) {
      reason = record.error;
    } else if (record.fields.size() != header.size()) {
      reason = "has " + std::to_string(record.fields.size()) + " fields, expected " +
               std::to_string(header.size());
    } else if (TrimAscii(record.fields[0]).empty()) {
      column = "voter_id";
      reason = "is empty";
    } else if (three) {
      score.voter_id = std::string(TrimAscii(record.fields[0]));
      if (!parse(record.fields[1], 0, 100, score.support)) {
        column = "support";
        reason = "must be a whole number 0-100";
      } else if (!parse(record.fields[2], 0, 100, score.turnout)) {
        column = "turnout";
        reason = "must be a whole number 0-100";
      }
    } else {
      score.voter_id = std::string(TrimAscii(record.fields[0]));
      int id = 0;
      if (!parse(record.fields[1], 1, 5, id) || id < 0) {
        column = "support_id";
        reason = "must be 1-5";
      } else {
        score.support = 100 - 25 * (id - 1);
      }
    }
    if (!reason.empty()) {
      if (Status s = rejects.Add(record.line, column, reason, record.raw); !s.ok()) {
        return ReportFailure(kCommand, s);
      }
      continue;
    }
    batch.push_back(std::move(score));
    if (batch.size() >= kBatch) {
      if (Status s = flush(); !s.ok()) return ReportFailure(kCommand, s);
    }
  }
  if (Status s = flush(); !s.ok()) return ReportFailure(kCommand, s);
  const int64_t accepted = rows - rejects.count();
  fmt::print("{}\n", json::serialize(json::object{{"rows", rows},
                                                  {"stored", stored},
                                                  {"unknown", accepted - stored},
                                                  {"rejected", rejects.count()},
                                                  {"rejects_path", rejects.written_path()}}));
  return kExitOk;
}

}  // namespace narwhal
