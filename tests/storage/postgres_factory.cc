// The PostgreSQL StoreBackend of the conformance suite: a fresh schema per factory (its
// own tables, as good as a database and 100x cheaper to make) on the test binary's
// PostgreSQL server (tests/support/pg_server.h). When the server cannot
// be started, Open() fails with the reason, so every PostgreSQL test fails visibly.
#include "pg_server.h"
#include "storage/postgres/postgres_store.h"
#include "store_factory.h"

namespace narwhal::testing {
namespace {

class PostgresFactory final : public StoreFactory {
 public:
  PostgresFactory() {
    Result<PgServer*> server = PgServer::Shared();
    if (!server.ok()) {
      status_ = server.status();
      return;
    }
    server_ = *server;
    Result<std::string> schema = server_->CreateSchema();
    if (!schema.ok()) {
      status_ = schema.status();
      return;
    }
    schema_ = *schema;
  }
  ~PostgresFactory() override {
    if (!schema_.empty()) (void)server_->DropSchema(schema_);
  }

  Result<std::unique_ptr<Store>> Open() override {
    if (!status_.ok()) return status_;
    PostgresOptions options;
    options.conninfo = server_->SchemaConnInfo(schema_);
    options.pool_size = 4;
    return OpenPostgresStore(options);
  }

 private:
  Status status_;
  PgServer* server_ = nullptr;
  std::string schema_;  // stands in for a database of its own
};

}  // namespace

StoreBackend PostgresBackend() {
  return StoreBackend{"Postgres", [] { return std::make_unique<PostgresFactory>(); }};
}

}  // namespace narwhal::testing
