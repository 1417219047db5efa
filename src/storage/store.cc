#include "storage/store.h"

#include <algorithm>
#include <utility>

namespace narwhal {

std::unique_ptr<PreparedVoters> Store::PrepareVoters(std::span<const Voter> /*voters*/) {
  return nullptr;
}

Result<UpsertCounts> Store::UpsertPreparedVoters(ImportId import, std::span<const Voter> voters,
                                                 std::unique_ptr<PreparedVoters> /*prepared*/) {
  return UpsertVoters(import, voters);
}

std::optional<ReadReplicaStatus> Store::ReadReplica() {
  return std::nullopt;
}

HouseholdStore* Store::Households() {
  return nullptr;
}

UniverseStore* Store::Universes() {
  return nullptr;
}

ContactStore* Store::Contacts() {
  return nullptr;
}

TurfStore* Store::Turfs() {
  return nullptr;
}

CallStore* Store::Calls() {
  return nullptr;
}

SuppressionStore* Store::Suppressions() {
  return nullptr;
}

Result<std::vector<User>> Store::CreateUsers(std::span<const NewUser> users) {
  std::vector<User> out;
  out.reserve(users.size());
  for (const NewUser& u : users) {
    NARWHAL_ASSIGN_OR_RETURN(User created, CreateUser(u));
    out.push_back(std::move(created));
  }
  return out;
}

Status Store::RecordCodeTest(int64_t /*user_id*/, TimePoint /*at*/) {
  return FailedPrecondition("this store cannot record a code test");
}

Result<User> Store::UpdateUser(int64_t /*user_id*/, const NewUser& /*user*/) {
  return FailedPrecondition("this store cannot change a user");
}

Result<std::vector<size_t>> Store::PutLoginCodes(std::span<const LoginCodeRecord> codes) {
  std::vector<size_t> taken;
  for (size_t i = 0; i < codes.size(); ++i) {
    Status put = PutLoginCode(codes[i]);
    if (put.code() == ErrorCode::kAlreadyExists) {
      taken.push_back(i);
    } else if (!put.ok()) {
      return put;
    }
  }
  return taken;
}

namespace {
thread_local ThreadReads thread_reads;
}  // namespace

ThreadReads TakeThreadReads() {
  return std::exchange(thread_reads, ThreadReads{});
}

void NoteThreadRead(bool standby, int64_t lag_ms) {
  if (standby) {
    ++thread_reads.standby;
    thread_reads.max_lag_ms = std::max(thread_reads.max_lag_ms, lag_ms);
  } else {
    ++thread_reads.primary;
  }
}

}  // namespace narwhal
