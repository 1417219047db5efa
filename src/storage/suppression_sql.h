// The do-not-contact list's statements, one text for both backends (parameters numbered in
// the order they appear), and the checks both share. Internal to the storage module.
#ifndef NARWHAL_STORAGE_SUPPRESSION_SQL_H_
#define NARWHAL_STORAGE_SUPPRESSION_SQL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/suppression_store.h"

namespace narwhal::suppression_sql {

// $1 source, $2 reason, $3 scope, $4 channels, $5 entries, $6 added_by, $7 added_at_ms;
// answers the id.
inline constexpr std::string_view kInsertBatch =
    "INSERT INTO suppression_batches(source, reason, scope, channels, entries, added_by, "
    "added_at_ms) VALUES ($1, $2, $3, CAST($4 AS INTEGER), CAST($5 AS BIGINT), "
    "CAST($6 AS BIGINT), CAST($7 AS BIGINT)) RETURNING id";

// One entry: $1 key, $2 batch, $3 channels.
inline constexpr std::string_view kInsertEntry =
    "INSERT INTO suppressions(key, batch_id, channels, active) "
    "VALUES ($1, CAST($2 AS BIGINT), CAST($3 AS INTEGER), 1)";

// The columns of a SuppressionBatch (BatchOf reads them); the statement goes on with
// WHERE or ORDER BY.
inline constexpr std::string_view kBatchColumns =
    "SELECT id, source, reason, scope, channels, entries, added_by, added_at_ms, undone_by, "
    "undone_at_ms FROM suppression_batches ";

// Batch $3 out of force, by $1 at $2, if it is in force: answers its id.
inline constexpr std::string_view kUndoBatch =
    "UPDATE suppression_batches SET undone_by = CAST($1 AS BIGINT), "
    "undone_at_ms = CAST($2 AS BIGINT) WHERE id = $3 AND undone_at_ms = 0 RETURNING id";
inline constexpr std::string_view kDeactivate =
    "UPDATE suppressions SET active = 0 WHERE batch_id = $1";
// Everyone a call list dropped back in its queue, free: a claim checks her again and drops
// her again if another batch still holds her back.
inline constexpr std::string_view kReopenDropped =
    "UPDATE call_targets SET done = 0, holder = 0, lease_until_ms = 0 WHERE done = 2";

// Every active entry for a channel of mask $1, by key then batch: key, channels, batch.
inline constexpr std::string_view kExport =
    "SELECT key, channels, batch_id FROM suppressions "
    "WHERE active = 1 AND (channels & CAST($1 AS INTEGER)) <> 0 ORDER BY key, batch_id";

// The oldest active entry with one of `keys` ($1..$n) for a channel of mask $n+1: key,
// channels, batch.
std::string FindSql(size_t keys);

// kInvalidArgument for a batch AddSuppressions refuses (suppression_store.h).
Status ValidateBatch(const NewSuppressions& batch);

// The batch's keys sorted, each once.
std::vector<std::string> DistinctKeys(const std::vector<std::string>& keys);

}  // namespace narwhal::suppression_sql

#endif  // NARWHAL_STORAGE_SUPPRESSION_SQL_H_
