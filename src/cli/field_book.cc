// narwhal field-book show | set FILE: the campaign's result codes, survey questions, tags
// and scripts (domain/field_book.h), kept in the store's contact log, every version kept.
#include "domain/field_book.h"

#include <fmt/core.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "base/clock.h"
#include "cli/commands.h"
#include "storage/contact_store.h"

namespace narwhal {
namespace {

namespace json = boost::json;

// The store's contact log, or the exit code after saying why not.
OpenedPart<ContactStore> OpenLog(const CommonArgs& common, std::string_view command) {
  return OpenStorePart(common, command, &Store::Contacts, "contacts");
}

void PrintBook(const SavedFieldBook& saved) {
  if (saved.version == 0) {
    fmt::print(
        "no field book saved yet: only the core result codes "
        "(narwhal field-book set FILE; examples/field-book.json)\n");
    return;
  }
  const FieldBook& b = saved.book;
  fmt::print("field book version {} (saved {} by user {})\n", saved.version, saved.saved_at,
             saved.saved_by);
  fmt::print("result codes: {} of the campaign's own\n", b.result_codes.size());
  for (const CampaignResultCode& c : b.result_codes) {
    fmt::print("  {:<8} {:<30} {:<8} {}\n", c.code, c.name, ResultCategoryName(c.category),
               ResultScopeName(c.scope));
  }
  fmt::print("questions: {}\n", b.questions.size());
  for (const SurveyQuestion& q : b.questions) {
    std::string choices;
    for (const Choice& c : q.choices) choices += (choices.empty() ? "" : ", ") + c.key;
    fmt::print("  {:<16} {:<6} {}{}\n", q.key, QuestionKindName(q.kind), q.short_name,
               choices.empty() ? "" : " (" + choices + ")");
  }
  fmt::print("tags: {}\n", b.tags.size());
  for (const TagDef& t : b.tags) fmt::print("  {:<16} {}\n", t.key, t.label);
  fmt::print("scripts: {}\n", b.scripts.size());
  for (const Script& s : b.scripts) {
    std::string channels;
    for (ContactChannel c : s.channels) {
      channels += (channels.empty() ? "" : ", ") + std::string(ContactChannelName(c));
    }
    fmt::print("  {:<16} {} steps  {} ({})\n", s.key, s.steps.size(), s.title, channels);
  }
}

}  // namespace

int RunFieldBookShow(const FieldBookArgs& args) {
  OpenedPart<ContactStore> o = OpenLog(args.common, "field-book show");
  if (o.part == nullptr) return o.exit_code;
  Result<SavedFieldBook> saved = o.part->CurrentFieldBook();
  if (!saved.ok()) {
    fmt::print(stderr, "narwhal field-book show: {}\n", saved.status().message());
    return kExitFailure;
  }
  if (args.json) {
    fmt::print("{}\n",
               json::serialize(json::object{{"version", saved->version},
                                            {"saved_by", saved->saved_by},
                                            {"saved_at", saved->saved_at},
                                            {"book", json::parse(FieldBookJson(saved->book))}}));
  } else {
    PrintBook(*saved);
  }
  return kExitOk;
}

int RunFieldBookSet(const FieldBookArgs& args) {
  std::ifstream in(args.file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "narwhal field-book set: cannot read {}\n", args.file);
    return kExitBadInput;
  }
  std::stringstream text;
  text << in.rdbuf();
  Result<FieldBook> book = ParseFieldBook(text.str());
  if (!book.ok()) {
    fmt::print(stderr, "narwhal field-book set: {}: {}\n", args.file, book.status().message());
    return kExitBadInput;
  }
  OpenedPart<ContactStore> o = OpenLog(args.common, "field-book set");
  if (o.part == nullptr) return o.exit_code;
  int64_t base = args.base_version;
  if (base < 0) {  // no --base: on top of whatever is current
    Result<SavedFieldBook> current = o.part->CurrentFieldBook();
    if (!current.ok()) {
      fmt::print(stderr, "narwhal field-book set: {}\n", current.status().message());
      return kExitFailure;
    }
    base = current->version;
  }
  SystemClock clock;
  Result<int64_t> version = o.part->SaveFieldBook(*book, base, 0, clock.Now());
  if (!version.ok()) {
    fmt::print(stderr, "narwhal field-book set: {}\n", version.status().message());
    return version.status().code() == ErrorCode::kFailedPrecondition ? kExitFailure : kExitUsage;
  }
  AuditCliAction(*o.store, clock, "field-book set", "field_book.save",
                 "version " + std::to_string(*version),
                 json::serialize(json::object{{"version", *version},
                                              {"file", args.file},
                                              {"questions", book->questions.size()},
                                              {"scripts", book->scripts.size()}}));
  fmt::print("field book version {}: {} result codes, {} questions, {} tags, {} scripts\n",
             *version, book->result_codes.size(), book->questions.size(), book->tags.size(),
             book->scripts.size());
  return kExitOk;
}

}  // namespace narwhal
