#include "storage/sqlite/reader_pool.h"

#include <utility>

namespace narwhal::sqlite {

ReaderPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Release(connection_);
}

Result<std::unique_ptr<ReaderPool>> ReaderPool::Open(const std::string& path, int size,
                                                     std::string_view pragmas) {
  if (size < 1) return InvalidArgument("read_connections must be at least 1");
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < size; ++i) {
    NARWHAL_ASSIGN_OR_RETURN(std::unique_ptr<Connection> c,
                             Connection::Open(path, OpenMode::kReadOnly));
    NARWHAL_RETURN_IF_ERROR(c->Exec(pragmas));
    connections.push_back(std::move(c));
  }
  return std::unique_ptr<ReaderPool>(new ReaderPool(std::move(connections)));
}

ReaderPool::ReaderPool(std::vector<std::unique_ptr<Connection>> connections)
    : connections_(std::move(connections)) {
  free_.With([this](std::vector<Connection*>& f) {
    for (const auto& c : connections_) f.push_back(c.get());
  });
}

ReaderPool::Lease ReaderPool::Acquire() {
  auto locked = free_.Lock();
  returned_.wait(locked.lock(), [&] { return !locked->empty(); });
  Connection* c = locked->back();
  locked->pop_back();
  return Lease(this, c);
}

void ReaderPool::Release(Connection* connection) {
  free_.With([&](std::vector<Connection*>& f) { f.push_back(connection); });
  returned_.notify_one();
}

}  // namespace narwhal::sqlite
