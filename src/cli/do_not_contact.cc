// narwhal dnc: the do-not-contact list from the command line (docs/field.md), for files
// too large for the API's bodies — a million numbers in one batch.
#include "domain/do_not_contact.h"

#include <fmt/core.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/clock.h"
#include "base/text.h"
#include "cli/commands.h"
#include "http/suppression_api.h"
#include "import/csv_reader.h"
#include "import/rejects_file.h"
#include "storage/suppression_store.h"

namespace narwhal {
namespace {

namespace json = boost::json;

OpenedPart<SuppressionStore> OpenList(const CommonArgs& common, std::string_view command) {
  return OpenStorePart(common, command, &Store::Suppressions, "do-not-contact list");
}

// The key of one line of an upload: its first field, or for an address with two fields
// the street and the ZIP.
Result<std::string> KeyOfRecord(SuppressionScope scope, const CsvRecord& record) {
  if (!record.error.empty()) return InvalidArgument(record.error);
  if (record.fields.empty()) return InvalidArgument("an empty line");
  if (scope == SuppressionScope::kAddress && record.fields.size() >= 2) {
    return SuppressionKeyOf(scope, record.fields[0], record.fields[1]);
  }
  return SuppressionKeyOfEntry(scope, record.fields[0]);
}

}  // namespace

int RunDoNotContactAdd(const DoNotContactArgs& args) {
  constexpr std::string_view kCommand = "dnc add";
  const auto started = std::chrono::steady_clock::now();
  NewSuppressions batch;
  batch.scope = SuppressionScopeFromName(args.scope).value_or(SuppressionScope::kPhone);
  Result<ChannelMask> channels = ParseChannels(args.channels);
  if (!channels.ok()) return CommandFailed(kCommand, channels.status());
  batch.channels = *channels;
  batch.source =
      args.source.empty() ? std::filesystem::path(args.file).filename().string() : args.source;
  batch.reason = args.reason;

  auto source = OpenFileSource(args.file);
  if (!source.ok()) return CommandFailed(kCommand, source.status().message(), kExitBadInput);
  CsvReader reader(std::move(source).value(), {});
  CsvRecord record;
  RejectsFile rejects(args.rejects.empty() ? args.file + ".rejects.tsv" : args.rejects);
  int64_t lines = 0;
  bool header = false;
  for (;;) {
    Result<bool> more = reader.Next(record);
    if (!more.ok()) return CommandFailed(kCommand, more.status());
    if (!*more) break;
    ++lines;
    Result<std::string> key = KeyOfRecord(batch.scope, record);
    if (key.ok()) {
      batch.keys.push_back(std::move(*key));
      continue;
    }
    // A first line that is not an entry is the file's header.
    if (lines == 1 && record.error.empty()) {
      header = true;
      continue;
    }
    Status st = rejects.Add(record.line, args.scope, key.status().message(), record.raw);
    if (!st.ok()) return CommandFailed(kCommand, st);
  }
  if (Status st = rejects.Close(); !st.ok()) return CommandFailed(kCommand, st);
  if (batch.keys.empty()) {
    return CommandFailed(kCommand,
                         args.file + ": no line could be read as a " + args.scope + " entry" +
                             (rejects.count() > 0 ? "; see " + rejects.path() : ""),
                         kExitBadInput);
  }
  const int64_t read = static_cast<int64_t>(batch.keys.size());
  const auto parsed = std::chrono::steady_clock::now();

  OpenedPart<SuppressionStore> o = OpenList(args.common, kCommand);
  if (o.part == nullptr) return o.exit_code;
  batch.at_ms = UnixMillis(std::chrono::system_clock::now());
  Result<SuppressionBatch> added = o.part->AddSuppressions(batch);
  if (!added.ok()) return CommandFailed(kCommand, added.status());
  const auto stored = std::chrono::steady_clock::now();
  AuditCliAction(*o.store, SystemClock(), kCommand, "do_not_contact.add", std::to_string(added->id),
                 json::serialize(json::object{{"source", added->source},
                                              {"scope", args.scope},
                                              {"channels", ChannelNames(added->channels)},
                                              {"entries", added->entries},
                                              {"rejected", rejects.count()}}));
  using Seconds = std::chrono::duration<double>;
  fmt::print("{}\n",
             json::serialize(json::object{{"batch", SuppressionBatchJson(*added)},
                                          {"lines", lines},
                                          {"header_skipped", header},
                                          {"read", read},
                                          {"duplicates", read - added->entries},
                                          {"rejected", rejects.count()},
                                          {"rejects_path", rejects.written_path()},
                                          {"read_seconds", Seconds(parsed - started).count()},
                                          {"store_seconds", Seconds(stored - parsed).count()}}));
  return kExitOk;
}

int RunDoNotContactList(const DoNotContactArgs& args) {
  constexpr std::string_view kCommand = "dnc list";
  OpenedPart<SuppressionStore> o = OpenList(args.common, kCommand);
  if (o.part == nullptr) return o.exit_code;
  Result<std::vector<SuppressionBatch>> batches = o.part->ListSuppressionBatches();
  if (!batches.ok()) return CommandFailed(kCommand, batches.status());
  json::array out;
  for (const SuppressionBatch& b : *batches) {
    if (args.json) {
      out.push_back(SuppressionBatchJson(b));
      continue;
    }
    fmt::print("{:>4}  {:<30} {:<8} {:<16} {:>9} entries  added {}{}\n", b.id, b.source,
               SuppressionScopeName(b.scope), ChannelNames(b.channels), b.entries,
               FormatHumanUtc(FromUnixMillis(b.added_at_ms)),
               b.undone_at_ms == 0 ? std::string()
                                   : "  UNDONE " + FormatHumanUtc(FromUnixMillis(b.undone_at_ms)));
  }
  if (args.json) fmt::print("{}\n", json::serialize(json::object{{"batches", out}}));
  return kExitOk;
}

int RunDoNotContactUndo(const DoNotContactArgs& args) {
  constexpr std::string_view kCommand = "dnc undo";
  OpenedPart<SuppressionStore> o = OpenList(args.common, kCommand);
  if (o.part == nullptr) return o.exit_code;
  Result<SuppressionBatch> undone =
      o.part->UndoSuppressions(args.batch_id, 0, UnixMillis(std::chrono::system_clock::now()));
  if (!undone.ok()) return CommandFailed(kCommand, undone.status());
  AuditCliAction(
      *o.store, SystemClock(), kCommand, "do_not_contact.undo", std::to_string(args.batch_id),
      json::serialize(json::object{{"source", undone->source}, {"entries", undone->entries}}));
  fmt::print("{}\n", json::serialize(SuppressionBatchJson(*undone)));
  return kExitOk;
}

int RunDoNotContactExport(const DoNotContactArgs& args) {
  constexpr std::string_view kCommand = "dnc export";
  Result<ChannelMask> channels = ParseChannels(args.channels.empty() ? "all" : args.channels);
  if (!channels.ok()) return CommandFailed(kCommand, channels.status());
  OpenedPart<SuppressionStore> o = OpenList(args.common, kCommand);
  if (o.part == nullptr) return o.exit_code;
  Result<std::string> csv = SuppressionCsv(*o.part, *channels);
  if (!csv.ok()) return CommandFailed(kCommand, csv.status());
  AuditCliAction(*o.store, SystemClock(), kCommand, "do_not_contact.export",
                 ChannelNames(*channels));
  if (args.out.empty()) {
    fmt::print("{}", *csv);
    return kExitOk;
  }
  std::ofstream file(args.out, std::ios::binary);
  file << *csv;
  file.close();
  if (!file) return CommandFailed(kCommand, "cannot write " + args.out, kExitFailure);
  return kExitOk;
}

}  // namespace narwhal
