// The SQLite StoreBackend of the conformance suite.
#include "storage/sqlite/sqlite_store.h"
#include "store_factory.h"
#include "temp_dir.h"

namespace narwhal::testing {
namespace {

class SqliteFactory final : public StoreFactory {
 public:
  Result<std::unique_ptr<Store>> Open() override {
    if (!dir_.ok()) return Internal("cannot create a temporary directory");
    SqliteOptions options;
    options.path = dir_.File("narwhal.db");
    options.read_connections = 3;
    return OpenSqliteStore(options);
  }

 private:
  TempDir dir_;
};

}  // namespace

StoreBackend SqliteBackend() {
  return StoreBackend{"Sqlite", [] { return std::make_unique<SqliteFactory>(); }};
}

}  // namespace narwhal::testing
