#include "storage/store.h"

namespace narwhal {

std::unique_ptr<PreparedVoters> Store::PrepareVoters(std::span<const Voter> /*voters*/) {
  return nullptr;
}

Result<UpsertCounts> Store::UpsertPreparedVoters(ImportId import, std::span<const Voter> voters,
                                                 std::unique_ptr<PreparedVoters> /*prepared*/) {
  return UpsertVoters(import, voters);
}

}  // namespace narwhal
