// PostgresStore's do-not-contact list (storage/suppression_store.h). A batch is one
// transaction on the primary, its entries streamed in with COPY: every entry of it is in
// force, or none.
#include <string>
#include <utility>

#include "storage/postgres/postgres_store_impl.h"
#include "storage/suppression_sql.h"

namespace narwhal::postgres {
namespace {

SuppressionBatch BatchOf(const Rows& r, int i) {
  SuppressionBatch b;
  b.id = r.Int64(i, 0);
  b.source = r.String(i, 1);
  b.reason = r.String(i, 2);
  b.scope = SuppressionScopeFromName(r.Text(i, 3)).value_or(SuppressionScope::kPhone);
  b.channels = static_cast<ChannelMask>(r.Int64(i, 4));
  b.entries = r.Int64(i, 5);
  b.added_by = r.Int64(i, 6);
  b.added_at_ms = r.Int64(i, 7);
  b.undone_by = r.Int64(i, 8);
  b.undone_at_ms = r.Int64(i, 9);
  return b;
}

SuppressionEntry EntryOf(const Rows& r, int i) {
  return SuppressionEntry{r.String(i, 0), static_cast<ChannelMask>(r.Int64(i, 1)), r.Int64(i, 2)};
}

const std::string kBatchById = std::string(suppression_sql::kBatchColumns) + "WHERE id = $1";

}  // namespace

SuppressionStore* PostgresStore::Suppressions() {
  return this;
}

Result<SuppressionBatch> PostgresStore::AddSuppressions(const NewSuppressions& batch) {
  NARWHAL_RETURN_IF_ERROR(suppression_sql::ValidateBatch(batch));
  const std::vector<std::string> keys = suppression_sql::DistinctKeys(batch.keys);
  int64_t id = 0;
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(
        Rows r, db.Exec(suppression_sql::kInsertBatch, Params()
                                                           .Add(batch.source)
                                                           .Add(batch.reason)
                                                           .Add(SuppressionScopeName(batch.scope))
                                                           .Add(int64_t{batch.channels})
                                                           .Add(static_cast<int64_t>(keys.size()))
                                                           .Add(batch.user_id)
                                                           .Add(batch.at_ms)));
    id = r.Int64(0, 0);
    const std::string tail =
        "\t" + std::to_string(id) + "\t" + std::to_string(batch.channels) + "\t1\n";
    std::string data;
    data.reserve(keys.size() * (16 + tail.size()));
    for (const std::string& key : keys) {
      AppendCopyField(key, data);
      data += tail;
    }
    return db.CopyIn("COPY suppressions(key, batch_id, channels, active) FROM STDIN", data);
  }));
  return GetSuppressionBatch(id);
}

Result<SuppressionBatch> PostgresStore::UndoSuppressions(int64_t batch_id, int64_t user_id,
                                                         int64_t at_ms) {
  NARWHAL_RETURN_IF_ERROR(Transact(Access::kWrite, [&](Connection& db) -> Status {
    NARWHAL_ASSIGN_OR_RETURN(Rows known,
                             db.Exec(kBatchById + " FOR UPDATE", Params().Add(batch_id)));
    if (known.empty()) return NotFound("no do-not-contact batch " + std::to_string(batch_id));
    if (BatchOf(known, 0).undone_at_ms != 0) {
      return FailedPrecondition("do-not-contact batch " + std::to_string(batch_id) +
                                " was already undone");
    }
    NARWHAL_RETURN_IF_ERROR(
        db.Exec(suppression_sql::kUndoBatch, Params().Add(user_id).Add(at_ms).Add(batch_id))
            .status());
    NARWHAL_RETURN_IF_ERROR(db.Exec(suppression_sql::kDeactivate, Params().Add(batch_id)).status());
    return db.Exec(suppression_sql::kReopenDropped, Params()).status();
  }));
  return GetSuppressionBatch(batch_id);
}

Result<SuppressionBatch> PostgresStore::GetSuppressionBatch(int64_t batch_id) {
  NARWHAL_ASSIGN_OR_RETURN(Rows r, ReadStatement(kBatchById, Params().Add(batch_id)));
  if (r.empty()) return NotFound("no do-not-contact batch " + std::to_string(batch_id));
  return BatchOf(r, 0);
}

Result<std::vector<SuppressionBatch>> PostgresStore::ListSuppressionBatches() {
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r,
      ReadStatement(std::string(suppression_sql::kBatchColumns) + "ORDER BY id DESC", Params()));
  std::vector<SuppressionBatch> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(BatchOf(r, i));
  return out;
}

Result<std::optional<SuppressionEntry>> PostgresStore::FindSuppression(
    std::span<const std::string> keys, ChannelMask channels) {
  if (keys.empty()) return std::optional<SuppressionEntry>();
  Params params;
  for (const std::string& key : keys) params.Add(key);
  params.Add(int64_t{channels});
  NARWHAL_ASSIGN_OR_RETURN(Rows r, ReadStatement(suppression_sql::FindSql(keys.size()), params));
  if (r.empty()) return std::optional<SuppressionEntry>();
  return std::optional<SuppressionEntry>(EntryOf(r, 0));
}

Status PostgresStore::ExportSuppressions(
    ChannelMask channels, const std::function<Status(const SuppressionEntry&)>& row) {
  NARWHAL_ASSIGN_OR_RETURN(
      Rows r, ReadStatement(suppression_sql::kExport, Params().Add(int64_t{channels})));
  for (int i = 0; i < r.size(); ++i) NARWHAL_RETURN_IF_ERROR(row(EntryOf(r, i)));
  return Status::Ok();
}

}  // namespace narwhal::postgres
