// FieldDictionary: compact storage of NamedValues (districts, state-specific columns).
//
// A voter file repeats the same few dozen column names on every row; stored as JSON keys
// they made up more than half of each voter row, and every index build had to read past
// them. Instead each name gets a small integer in the field_names table, and a row
// stores a BLOB of (varint id, varint length, bytes) triples, in the original order.
//
// Ids are assigned only by the writer connection inside its transaction, so two
// processes sharing one database (a running server and a command-line import) never give
// one id two names. Callers encode ahead of the writer with the ids they already know;
// a batch with a name not yet known is encoded by the writer after it assigns the id.
//
// Thread-safety: all methods may be called concurrently; the in-memory maps are guarded.
#ifndef NARWHAL_STORAGE_SQLITE_FIELD_DICTIONARY_H_
#define NARWHAL_STORAGE_SQLITE_FIELD_DICTIONARY_H_

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "domain/voter.h"
#include "storage/sqlite/sqlite_db.h"

namespace narwhal::sqlite {

class FieldDictionary {
 public:
  // Encodes with known ids only. Returns false (and leaves `out` unspecified) when a name
  // has no id yet; the writer must then call EncodeInWriter.
  bool TryEncode(const NamedValues& values, std::string& out) const;

  // The names of the last list encoded with it and their ids, by position. The rows of
  // one voter file carry the same names in the same order, so with a cache most rows
  // are encoded without a lookup (a name's id never changes once known). One cache per
  // kind of list (districts, extras) and per thread.
  class NameCache {
   private:
    friend class FieldDictionary;
    std::vector<std::pair<std::string, int64_t>> names_;
  };
  bool TryEncode(const NamedValues& values, std::string& out, NameCache& cache) const;

  // Encoding on the writer connection, inside its transaction, assigning ids to new
  // names. Ids assigned here become known to TryEncode only after Commit(), which the
  // caller calls once the writer's transaction has committed: an id from a transaction
  // that rolled back may later belong to another name.
  class WriterSession {
   public:
    explicit WriterSession(FieldDictionary& dictionary) : dictionary_(dictionary) {}
    Status Encode(Connection& writer, const NamedValues& values, std::string& out);
    void Commit();

   private:
    FieldDictionary& dictionary_;
    std::unordered_map<std::string, int64_t> fresh_;
  };

  // Decodes a blob written by either encoder; reloads the names from `db` when it meets an
  // id this process has not seen (another process added it). kDataLoss for a corrupt blob.
  Result<NamedValues> Decode(Connection& db, std::string_view blob);

  // Loads every name from `db` (at open).
  Status Load(Connection& db);

 private:
  void Remember(int64_t id, std::string name);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, int64_t> ids_;    // guarded by mu_
  std::unordered_map<int64_t, std::string> names_;  // guarded by mu_
};

}  // namespace narwhal::sqlite

#endif  // NARWHAL_STORAGE_SQLITE_FIELD_DICTIONARY_H_
