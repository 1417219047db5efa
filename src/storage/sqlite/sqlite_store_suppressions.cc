// SqliteStore's do-not-contact list (storage/suppression_store.h). A batch is one job of
// the one writer: every entry of it is in force, or none.
#include <string>
#include <utility>

#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/suppression_sql.h"

namespace narwhal::sqlite {
namespace {

SuppressionBatch BatchOf(const Statement& q) {
  SuppressionBatch b;
  b.id = q.ColumnInt64(0);
  b.source = q.ColumnString(1);
  b.reason = q.ColumnString(2);
  b.scope = SuppressionScopeFromName(q.ColumnString(3)).value_or(SuppressionScope::kPhone);
  b.channels = static_cast<ChannelMask>(q.ColumnInt64(4));
  b.entries = q.ColumnInt64(5);
  b.added_by = q.ColumnInt64(6);
  b.added_at_ms = q.ColumnInt64(7);
  b.undone_by = q.ColumnInt64(8);
  b.undone_at_ms = q.ColumnInt64(9);
  return b;
}

Result<SuppressionBatch> ReadBatch(Connection& db, int64_t id) {
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement q, db.Prepare(std::string(suppression_sql::kBatchColumns) + "WHERE id = $1"));
  q->BindInt64(1, id);
  NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) return NotFound("no do-not-contact batch " + std::to_string(id));
  return BatchOf(*q);
}

}  // namespace

SuppressionStore* SqliteStore::Suppressions() {
  return this;
}

Result<SuppressionBatch> SqliteStore::AddSuppressions(const NewSuppressions& batch) {
  NARWHAL_RETURN_IF_ERROR(suppression_sql::ValidateBatch(batch));
  const std::vector<std::string> keys = suppression_sql::DistinctKeys(batch.keys);
  int64_t id = 0;
  Status st = writer_->Submit([&](Connection& db) -> Status {
    {
      NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db.Prepare(suppression_sql::kInsertBatch));
      q->BindText(1, batch.source);
      q->BindText(2, batch.reason);
      q->BindText(3, SuppressionScopeName(batch.scope));
      q->BindInt64(4, batch.channels);
      q->BindInt64(5, static_cast<int64_t>(keys.size()));
      q->BindInt64(6, batch.user_id);
      q->BindInt64(7, batch.at_ms);
      NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) return Internal("a do-not-contact batch was not given an id");
      id = q->ColumnInt64(0);
    }
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement insert, db.Prepare(suppression_sql::kInsertEntry));
    for (const std::string& key : keys) {
      insert->BindText(1, key);
      insert->BindInt64(2, id);
      insert->BindInt64(3, batch.channels);
      NARWHAL_RETURN_IF_ERROR(insert->Run());
      insert->Reset();
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return GetSuppressionBatch(id);
}

Result<SuppressionBatch> SqliteStore::UndoSuppressions(int64_t batch_id, int64_t user_id,
                                                       int64_t at_ms) {
  Status st = writer_->Submit([&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(SuppressionBatch b, ReadBatch(db, batch_id));
    if (b.undone_at_ms != 0) {
      return FailedPrecondition("do-not-contact batch " + std::to_string(batch_id) +
                                " was already undone");
    }
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement undo, db.Prepare(suppression_sql::kUndoBatch));
    undo->BindInt64(1, user_id);
    undo->BindInt64(2, at_ms);
    undo->BindInt64(3, batch_id);
    NARWHAL_RETURN_IF_ERROR(undo->Step().status());
    NARWHAL_ASSIGN_OR_RETURN(ScopedStatement off, db.Prepare(suppression_sql::kDeactivate));
    off->BindInt64(1, batch_id);
    NARWHAL_RETURN_IF_ERROR(off->Run());
    return db.Exec(suppression_sql::kReopenDropped);
  });
  if (!st.ok()) return st;
  return GetSuppressionBatch(batch_id);
}

Result<SuppressionBatch> SqliteStore::GetSuppressionBatch(int64_t batch_id) {
  ReaderPool::Lease db = readers_->Acquire();
  return ReadBatch(*db, batch_id);
}

Result<std::vector<SuppressionBatch>> SqliteStore::ListSuppressionBatches() {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(
      ScopedStatement q,
      db->Prepare(std::string(suppression_sql::kBatchColumns) + "ORDER BY id DESC"));
  std::vector<SuppressionBatch> out;
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) return out;
    out.push_back(BatchOf(*q));
  }
}

Result<std::optional<SuppressionEntry>> SqliteStore::FindSuppression(
    std::span<const std::string> keys, ChannelMask channels) {
  if (keys.empty()) return std::optional<SuppressionEntry>();
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(suppression_sql::FindSql(keys.size())));
  int n = 0;
  for (const std::string& key : keys) q->BindText(++n, key);
  q->BindInt64(n + 1, channels);
  NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) return std::optional<SuppressionEntry>();
  return std::optional<SuppressionEntry>(SuppressionEntry{
      q->ColumnString(0), static_cast<ChannelMask>(q->ColumnInt64(1)), q->ColumnInt64(2)});
}

Status SqliteStore::ExportSuppressions(ChannelMask channels,
                                       const std::function<Status(const SuppressionEntry&)>& row) {
  ReaderPool::Lease db = readers_->Acquire();
  NARWHAL_ASSIGN_OR_RETURN(ScopedStatement q, db->Prepare(suppression_sql::kExport));
  q->BindInt64(1, channels);
  for (;;) {
    NARWHAL_ASSIGN_OR_RETURN(bool found, q->Step());
    if (!found) return Status::Ok();
    NARWHAL_RETURN_IF_ERROR(row(SuppressionEntry{
        q->ColumnString(0), static_cast<ChannelMask>(q->ColumnInt64(1)), q->ColumnInt64(2)}));
  }
}

}  // namespace narwhal::sqlite
