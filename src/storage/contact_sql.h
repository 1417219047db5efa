// The contact log's statements, one text for both backends (parameters numbered in the
// order they appear, so SQLite's reading of $N as names gives the same numbers), and the
// one way a row becomes a ContactRecord. Internal to the storage module.
#ifndef NARWHAL_STORAGE_CONTACT_SQL_H_
#define NARWHAL_STORAGE_CONTACT_SQL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "domain/contact.h"
#include "storage/contact_store.h"

namespace narwhal::contact_sql {

// id, voter_id of the contact with idempotency key $1.
inline constexpr std::string_view kFindKey =
    "SELECT id, voter_id FROM contacts WHERE idempotency_key = $1";

// 1 when voter $1 is in the voter file.
inline constexpr std::string_view kVoterKnown = "SELECT 1 FROM voters WHERE voter_id = $1";

// $1 key, $2 voter, $3 channel, $4 result, $5 category, $6 scope, $7 support, $8 answers
// (JSON), $9 note, $10 client_at, $11 list_id, $12 user_id, $13 at, $14 turf, $15 tags (joined
// by ','); the voter's door now is kept with it. Answers the id, or no row when a concurrent
// contact took the key first.
inline constexpr std::string_view kInsert =
    "INSERT INTO contacts(idempotency_key, voter_id, channel, result, category, scope, support, "
    "answers, note, client_at, list_id, user_id, at, door_key, turf, tags) "
    "SELECT $1, $2, $3, $4, $5, $6, CAST($7 AS INTEGER), $8, $9, $10, CAST($11 AS BIGINT), "
    "CAST($12 AS BIGINT), $13, "
    "coalesce((SELECT r.door_key FROM residences r WHERE r.voter_id = $2), ''), $14, $15 "
    "WHERE true ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";

// One answered choice (or tag) of contact $3: question $1, voter $2, choice $4.
inline constexpr std::string_view kInsertChoice =
    "INSERT INTO contact_choices(question, voter_id, contact_id, answer) "
    "VALUES ($1, $2, CAST($3 AS BIGINT), $4) ON CONFLICT DO NOTHING";

// The timeline of voter $1, newest first, $2 rows: id, voter_id, channel, result, support,
// answers, note, idempotency_key, client_at, list_id, user_id, at, turf, tags.
inline constexpr std::string_view kTimeline =
    "SELECT id, voter_id, channel, result, support, answers, note, idempotency_key, client_at, "
    "list_id, user_id, at, turf, tags FROM contacts WHERE voter_id = $1 ORDER BY id DESC "
    "LIMIT $2";

// The field book's newest version: version, body, saved_by, saved_at.
inline constexpr std::string_view kCurrentBook =
    "SELECT version, body, saved_by, saved_at FROM field_books ORDER BY version DESC LIMIT 1";
// Version $1 with body $2, saved by $3 at $4; no row when the version exists.
inline constexpr std::string_view kInsertBook =
    "INSERT INTO field_books(version, body, saved_by, saved_at) "
    "VALUES (CAST($1 AS BIGINT), $2, CAST($3 AS BIGINT), $4) "
    "ON CONFLICT (version) DO NOTHING RETURNING version";

// The text columns of kInsert ($3..$6, $8, $15) for `contact`. kInvalidArgument for a
// result that is neither checked against the field book nor a core code.
struct InsertText {
  std::string channel, category, scope, answers, tags;
};
Result<InsertText> TextOf(const NewContact& contact);

// The kInsertChoice rows of `contact`: (question, choice) of its checked choices, then
// (kTagQuestion, tag) of its tags.
NamedValues ChoiceRows(const NewContact& contact);

// One kTimeline row. kDataLoss for answers that do not decode.
Result<ContactRecord> Row(int64_t id, std::string voter_id, std::string_view channel,
                          std::string result, int64_t support, std::string_view answers,
                          std::string note, std::string key, std::string client_at, int64_t list_id,
                          int64_t user_id, std::string at, std::string turf, std::string_view tags);

// A kCurrentBook row (or none: version 0). kDataLoss for a body that does not parse.
Result<SavedFieldBook> BookRow(int64_t version, std::string_view body, int64_t saved_by,
                               std::string saved_at);

// kFailedPrecondition when `current` is not `base`: the book changed since it was read.
Status CheckBookBase(int64_t current, int64_t base);

// The answer to an item whose key was seen before, for voter `voter_id` of contact `id`.
ContactResult Replay(int64_t id, const std::string& voter_id, const ContactReport& report);

}  // namespace narwhal::contact_sql

#endif  // NARWHAL_STORAGE_CONTACT_SQL_H_
