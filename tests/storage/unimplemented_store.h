// UnimplementedStore: a Store whose every method fails with kInternal("not used by this
// test"). Test doubles that stand in for a failing or discarding store derive from it and
// override only what they exercise, so a new Store method does not break every one of
// them. Tests of real behaviour use the real backends, never this.
#ifndef NARWHAL_TESTS_STORAGE_UNIMPLEMENTED_STORE_H_
#define NARWHAL_TESTS_STORAGE_UNIMPLEMENTED_STORE_H_

#include "storage/store.h"

namespace narwhal::testing {

class UnimplementedStore : public Store {
 public:
  Result<ImportId> BeginImport(const ImportInfo&) override { return Unused(); }
  Result<UpsertCounts> UpsertVoters(ImportId, std::span<const Voter>) override { return Unused(); }
  Result<int64_t> UpsertHistory(ImportId, std::span<const VoteHistoryEntry>) override {
    return Unused();
  }
  Result<FinishImportResult> FinishImport(ImportId, const FinishImportOptions&) override {
    return Unused();
  }
  Result<VoterRecord> GetVoter(const std::string&) override { return Unused(); }
  Result<std::vector<std::optional<PrecinctKey>>> VoterPrecincts(
      std::span<const std::string>) override {
    return Unused();
  }
  Result<VoterPage> SearchVoters(const VoterQuery&) override { return Unused(); }
  Result<std::vector<PrecinctSummary>> ListPrecincts(const std::string&) override {
    return Unused();
  }
  Result<StoreStats> Stats() override { return Unused(); }
  Status Ping() override { return Unused(); }
  Result<User> CreateUser(const NewUser&) override { return Unused(); }
  Result<User> GetUser(int64_t) override { return Unused(); }
  Result<UserPage> ListUsers(const UserFilter&) override { return Unused(); }
  Status SetUserDisabled(int64_t, bool) override { return Unused(); }
  Status PutLoginCode(const LoginCodeRecord&) override { return Unused(); }
  Result<LoginCodeRecord> GetLoginCode(const std::string&) override { return Unused(); }
  Result<LoginCodeRecord> RecordLoginFailure(const std::string&, int, TimePoint) override {
    return Unused();
  }
  Result<SessionRecord> RedeemLoginCode(const std::string&, const NewSession&) override {
    return Unused();
  }
  Result<SessionRecord> GetSessionByTokenHash(const std::string&) override { return Unused(); }
  Status RevokeSession(int64_t, TimePoint) override { return Unused(); }
  Result<int64_t> RevokeUserSessions(int64_t, TimePoint) override { return Unused(); }
  Status RecordActivity(std::span<const std::pair<int64_t, TimePoint>>) override {
    return Unused();
  }
  Status AppendAudit(std::span<const AuditEvent>) override { return Unused(); }
  Result<AuditPage> ListAudit(const AuditQuery&) override { return Unused(); }
  Result<std::vector<ReadinessRow>> GetReadiness(const std::string&) override { return Unused(); }

  Result<std::vector<StrikeResult>> RecordStrikes(std::span<const NewStrike>) override {
    return Unused();
  }
  Status UndoStrike(const std::string&, const std::string&, const std::string&, int64_t,
                    TimePoint) override {
    return Unused();
  }
  Result<int64_t> UpsertScores(std::span<const VoterScore>) override { return Unused(); }
  Result<std::vector<PrecinctTurnout>> GetTurnout(const std::string&, const std::string&) override {
    return Unused();
  }
  Result<std::vector<StrikeEvent>> StrikesSince(const std::string&, int64_t, int) override {
    return Unused();
  }
  Result<std::vector<GotvEntry>> GotvList(const std::string&, const PrecinctKey&) override {
    return Unused();
  }

 private:
  static Status Unused() { return Internal("not used by this test"); }
};

}  // namespace narwhal::testing

#endif  // NARWHAL_TESTS_STORAGE_UNIMPLEMENTED_STORE_H_
