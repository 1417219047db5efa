#include "storage/suppression_sql.h"

#include <algorithm>

#include "base/text.h"

namespace narwhal::suppression_sql {

std::string FindSql(size_t keys) {
  std::string sql = "SELECT key, channels, batch_id FROM suppressions WHERE key IN (";
  for (size_t i = 1; i <= keys; ++i) {
    if (i > 1) sql += ", ";
    sql += "$" + std::to_string(i);
  }
  sql += ") AND active = 1 AND (channels & CAST($" + std::to_string(keys + 1) +
         " AS INTEGER)) <> 0 ORDER BY batch_id LIMIT 1";
  return sql;
}

Status ValidateBatch(const NewSuppressions& batch) {
  if (batch.source.empty() || batch.source.size() > 200 || !IsValidUtf8(batch.source)) {
    return InvalidArgument("source: 1 to 200 bytes of UTF-8");
  }
  if (batch.reason.size() > 500 || !IsValidUtf8(batch.reason)) {
    return InvalidArgument("reason: up to 500 bytes of UTF-8");
  }
  if ((batch.channels & kEveryChannel) == 0 || (batch.channels & ~kEveryChannel) != 0) {
    return InvalidArgument("channels: at least one of phone, text, door, mail, email");
  }
  if (batch.keys.empty()) return InvalidArgument("no entries");
  // Every key of the batch's scope, as SuppressionKeyOf writes it.
  const std::string prefix = batch.scope == SuppressionScope::kPhone    ? "p:"
                             : batch.scope == SuppressionScope::kPerson ? "v:"
                                                                        : "a:";
  for (const std::string& key : batch.keys) {
    if (!key.starts_with(prefix) || key.size() <= 2 || key.size() > 300 || !IsValidUtf8(key)) {
      return InvalidArgument("entry '" + key.substr(0, 40) + "' is not a " +
                             std::string(SuppressionScopeName(batch.scope)) + " entry");
    }
  }
  return Status::Ok();
}

std::vector<std::string> DistinctKeys(const std::vector<std::string>& keys) {
  std::vector<std::string> out = keys;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace narwhal::suppression_sql
