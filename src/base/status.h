// Status and Result<T>: the one error vocabulary of Narwhal.
//
// Expected failures (bad input, a missing voter, a full queue, a database that went away)
// are values of these types, never exceptions. Each module catches the exceptions of the
// third-party libraries it wraps and turns them into a Status at its boundary. Assertions
// are kept for programmer errors only.
//
// A Status carries a code (stable, independent of any transport; the HTTP layer maps codes
// to statuses in one table) and a message meant for a human operator. Thread-safety: plain
// values, safe to copy between threads.
#ifndef NARWHAL_BASE_STATUS_H_
#define NARWHAL_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace narwhal {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed or out of range
  kNotFound,            // the thing addressed does not exist
  kAlreadyExists,       // a create collided with an existing thing
  kFailedPrecondition,  // the system is not in a state that allows the call
  kPermissionDenied,    // authenticated, but not allowed
  kUnauthenticated,     // no or bad credentials
  kResourceExhausted,   // a queue, quota or rate limit is full; retry later
  kUnavailable,         // a dependency (database, network) is down; safe to retry
  kDeadlineExceeded,    // took too long; the outcome of a write may be unknown
  kDataLoss,            // stored data is corrupt or unreadable
  kInternal,            // a bug or an unexpected failure of a library
};

// Stable lower_snake name of a code, used in logs and in problem+json "code" fields.
std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "not_found: voter 'AA1' does not exist", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` ("importing line 7: ...").
  Status WithContext(std::string_view context) const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}
inline Status NotFound(std::string message) {
  return Status(ErrorCode::kNotFound, std::move(message));
}
inline Status FailedPrecondition(std::string message) {
  return Status(ErrorCode::kFailedPrecondition, std::move(message));
}
inline Status Unavailable(std::string message) {
  return Status(ErrorCode::kUnavailable, std::move(message));
}
inline Status DeadlineExceeded(std::string message) {
  return Status(ErrorCode::kDeadlineExceeded, std::move(message));
}
inline Status ResourceExhausted(std::string message) {
  return Status(ErrorCode::kResourceExhausted, std::move(message));
}
inline Status Internal(std::string message) {
  return Status(ErrorCode::kInternal, std::move(message));
}
inline Status DataLoss(std::string message) {
  return Status(ErrorCode::kDataLoss, std::move(message));
}

// Either a value or a non-OK Status. Accessing the value of an error Result is a
// programmer error (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok() && "Result constructed from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  // OK when the result holds a value.
  Status status() const { return ok() ? Status() : std::get<Status>(data_); }

  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace narwhal

// Evaluates `expr` (a Status); returns it from the enclosing function when not OK.
#define NARWHAL_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::narwhal::Status narwhal_status_ = (expr);        \
    if (!narwhal_status_.ok()) return narwhal_status_; \
  } while (0)

#define NARWHAL_CONCAT_INNER_(a, b) a##b
#define NARWHAL_CONCAT_(a, b) NARWHAL_CONCAT_INNER_(a, b)

// `NARWHAL_ASSIGN_OR_RETURN(auto x, Fn())`: evaluates a Result, returns its Status from the
// enclosing function on error, otherwise moves the value into the declaration. (`decl` is a
// declaration: it cannot be parenthesised.)
// NOLINTBEGIN(bugprone-macro-parentheses)
#define NARWHAL_ASSIGN_OR_RETURN(decl, expr)                    \
  auto NARWHAL_CONCAT_(narwhal_result_, __LINE__) = (expr);     \
  if (!NARWHAL_CONCAT_(narwhal_result_, __LINE__).ok())         \
    return NARWHAL_CONCAT_(narwhal_result_, __LINE__).status(); \
  decl = std::move(NARWHAL_CONCAT_(narwhal_result_, __LINE__)).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // NARWHAL_BASE_STATUS_H_
