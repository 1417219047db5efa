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
// (JSON), $9 note, $10 client_at, $11 list_id, $12 user_id, $13 at, $14 turf; the voter's door now
// is kept with it. Answers the id, or no row when a concurrent contact took the key first.
inline constexpr std::string_view kInsert =
    "INSERT INTO contacts(idempotency_key, voter_id, channel, result, category, scope, support, "
    "answers, note, client_at, list_id, user_id, at, door_key, turf) "
    "SELECT $1, $2, $3, $4, $5, $6, CAST($7 AS INTEGER), $8, $9, $10, CAST($11 AS BIGINT), "
    "CAST($12 AS BIGINT), $13, "
    "coalesce((SELECT r.door_key FROM residences r WHERE r.voter_id = $2), ''), $14 "
    "WHERE true ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";

// The timeline of voter $1, newest first, $2 rows: id, voter_id, channel, result, support,
// answers, note, idempotency_key, client_at, list_id, user_id, at, turf.
inline constexpr std::string_view kTimeline =
    "SELECT id, voter_id, channel, result, support, answers, note, idempotency_key, client_at, "
    "list_id, user_id, at, turf FROM contacts WHERE voter_id = $1 ORDER BY id DESC LIMIT $2";

// The text columns of kInsert ($3..$6, $8) for `report`.
struct InsertText {
  std::string channel, category, scope, answers;
};
InsertText TextOf(const ContactReport& report);

// One kTimeline row. kDataLoss for answers that do not decode.
Result<ContactRecord> Row(int64_t id, std::string voter_id, std::string_view channel,
                          std::string result, int64_t support, std::string_view answers,
                          std::string note, std::string key, std::string client_at, int64_t list_id,
                          int64_t user_id, std::string at, std::string turf);

// The answer to an item whose key was seen before, for voter `voter_id` of contact `id`.
ContactResult Replay(int64_t id, const std::string& voter_id, const ContactReport& report);

}  // namespace narwhal::contact_sql

#endif  // NARWHAL_STORAGE_CONTACT_SQL_H_
