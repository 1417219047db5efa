// FieldNames: compact storage of NamedValues (districts, state-specific columns) for the
// PostgreSQL store.
//
// A voter file repeats the same few dozen column names on every row; as JSON keys they
// made up two thirds of each voter row, doubling what every COPY and index build had to
// move (1M NC rows: 1,049 MB against the anchor's 531 MB). Instead each name gets a small
// integer in the field_names table and a row stores "id:length:value" triples, in order:
// `3:5:WAKE 12:1:N`... without separators (the lengths delimit).
//
// Names are assigned in a transaction of their own that commits before any row uses them,
// so an id never points at a name that rolled back, and any snapshot that sees a row also
// sees its names. Several app nodes share the table: an id this process has not seen
// makes Decode reload the table.
//
// Thread-safety: all methods may be called concurrently; the maps are guarded.
#ifndef NARWHAL_STORAGE_POSTGRES_FIELD_NAMES_H_
#define NARWHAL_STORAGE_POSTGRES_FIELD_NAMES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/guarded.h"
#include "base/status.h"
#include "domain/voter.h"
#include "storage/postgres/pg_connection.h"

namespace narwhal::postgres {

class FieldNames {
 public:
  // The names among `voters`' districts and extra columns that have no id yet.
  std::vector<std::string> Unknown(std::span<const Voter> voters) const;

  // Assigns ids to `names` on `db` inside the caller's transaction. Returns the pairs,
  // to hand to Remember once that transaction has committed.
  static Result<std::vector<std::pair<int64_t, std::string>>> Assign(
      Connection& db, const std::vector<std::string>& names);
  void Remember(const std::vector<std::pair<int64_t, std::string>>& assigned);

  // Appends the compact form of `values`; false when a name has no id (a bug: callers
  // Assign first).
  bool Encode(const NamedValues& values, std::string& out) const;

  // Parses the compact form; reloads the names from `db` when it meets an unknown id.
  // kDataLoss for text that is not the compact form.
  Result<NamedValues> Decode(Connection& db, std::string_view text);

 private:
  struct Maps {
    std::unordered_map<std::string, int64_t> ids;
    std::unordered_map<int64_t, std::string> names;
  };
  Status Reload(Connection& db);

  mutable Guarded<Maps> maps_;
};

}  // namespace narwhal::postgres

#endif  // NARWHAL_STORAGE_POSTGRES_FIELD_NAMES_H_
