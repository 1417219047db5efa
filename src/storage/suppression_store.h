// SuppressionStore: the campaign's do-not-contact list (domain/do_not_contact.h). One of
// the field-organizing interfaces beside Store; Store::Suppressions() hands it out.
//
// Entries arrive in batches — a million-number opt-out file, or one person added by hand —
// and each batch is kept with where it came from, who added it and when. A batch is undone
// whole (who and when recorded; its entries stay, inactive, so the record says what it
// had); nothing is deleted. A key is suppressed for a channel while any active batch has it
// for that channel.
//
// Claims on a call list (call_store.h) check the list as they hand a person out; whoever
// it holds back is dropped from the call list. Undoing a batch puts everyone dropped back
// in her list's queue, to be checked again when her turn comes.
//
// Thread-safety and errors: as Store. Writes return once durably committed.
#ifndef NARWHAL_STORAGE_SUPPRESSION_STORE_H_
#define NARWHAL_STORAGE_SUPPRESSION_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/do_not_contact.h"

namespace narwhal {

struct NewSuppressions {
  std::string source;  // where the entries came from: a file name, "added by hand"; 1-200 bytes
  std::string reason;  // optional, up to 500 bytes
  SuppressionScope scope = SuppressionScope::kPhone;
  ChannelMask channels = 0;       // at least one
  std::vector<std::string> keys;  // SuppressionKeyOf's; duplicates count once
  int64_t user_id = 0;
  int64_t at_ms = 0;
};

struct SuppressionBatch {
  int64_t id = 0;
  std::string source;
  std::string reason;
  SuppressionScope scope = SuppressionScope::kPhone;
  ChannelMask channels = 0;
  int64_t entries = 0;  // distinct keys
  int64_t added_by = 0;
  int64_t added_at_ms = 0;
  int64_t undone_by = 0;     // 0 while in force
  int64_t undone_at_ms = 0;  // 0 while in force
};

// An active entry, as found or exported.
struct SuppressionEntry {
  std::string key;
  ChannelMask channels = 0;
  int64_t batch_id = 0;
};

class SuppressionStore {
 public:
  virtual ~SuppressionStore() = default;

  // Adds a batch in one transaction. kInvalidArgument for a bad source or reason, no
  // channel, no keys, or a key that is not a SuppressionKeyOf of the batch's scope.
  virtual Result<SuppressionBatch> AddSuppressions(const NewSuppressions& batch) = 0;
  // Takes a batch out of force. kNotFound for an unknown id, kFailedPrecondition for one
  // already undone.
  virtual Result<SuppressionBatch> UndoSuppressions(int64_t batch_id, int64_t user_id,
                                                    int64_t at_ms) = 0;
  // kNotFound for an unknown id.
  virtual Result<SuppressionBatch> GetSuppressionBatch(int64_t batch_id) = 0;
  // Every batch, newest first.
  virtual Result<std::vector<SuppressionBatch>> ListSuppressionBatches() = 0;

  // An active entry with one of `keys` for one of `channels`, the oldest batch's, or
  // nullopt.
  virtual Result<std::optional<SuppressionEntry>> FindSuppression(std::span<const std::string> keys,
                                                                  ChannelMask channels) = 0;

  // Calls `row` for each active entry for one of `channels`, by key, then batch; stops at
  // the first error `row` returns and returns it.
  virtual Status ExportSuppressions(ChannelMask channels,
                                    const std::function<Status(const SuppressionEntry&)>& row) = 0;
};

}  // namespace narwhal

#endif  // NARWHAL_STORAGE_SUPPRESSION_STORE_H_
