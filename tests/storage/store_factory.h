// StoreFactory: how the store conformance suite gets a fresh, empty store of one backend,
// and reopens the same data after closing it. The suite is value-parameterised by
// factories, so every backend runs the same test bodies.
//
// Thread-safety: a factory is used by one test thread; the stores it opens follow Store.
#ifndef NARWHAL_TESTS_STORAGE_STORE_FACTORY_H_
#define NARWHAL_TESTS_STORAGE_STORE_FACTORY_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/store.h"

namespace narwhal::testing {

// One backend's storage for the length of one test: created empty, removed when the
// factory is destroyed (after every store it opened has been destroyed).
class StoreFactory {
 public:
  virtual ~StoreFactory() = default;
  // Opens a store on this factory's storage (the same storage every time, so a second
  // Open after destroying the first store is a reopen).
  virtual Result<std::unique_ptr<Store>> Open() = 0;
};

// A named way to make factories; the name shows in the test names.
struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<StoreFactory>()> make;
};

// The SQLite backend, in a fresh temporary directory per factory.
StoreBackend SqliteBackend();

// The PostgreSQL backend: a fresh schema (tables of its own) per factory on the test
// binary's own server (tests/support/pg_server.h); fails, never skips, without one.
StoreBackend PostgresBackend();

// Every backend the conformance suites run against; each instantiation uses this list.
inline std::vector<StoreBackend> AllBackends() {
  return {SqliteBackend(), PostgresBackend()};
}

// Names the backend in test names ("Backends/Suite.Test/Postgres").
inline std::string BackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// Names the backend in gtest's messages instead of dumping its bytes.
inline void PrintTo(const StoreBackend& backend, std::ostream* os) {
  *os << backend.name;
}

// A test with a fresh store of its backend; Reopen() closes and opens the same storage.
class BackendTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    factory_ = GetParam().make();
    Result<std::unique_ptr<Store>> store = factory_->Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    factory_.reset();
  }
  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<Store>> store = factory_->Open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  Store& store() { return *store_; }

 protected:
  std::unique_ptr<StoreFactory> factory_;
  std::unique_ptr<Store> store_;
};

}  // namespace narwhal::testing

#endif  // NARWHAL_TESTS_STORAGE_STORE_FACTORY_H_
