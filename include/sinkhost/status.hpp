// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Status: the result of a fallible operation, inside the host and inside
// C++ sinks. A value type, cheap to copy when OK (no allocation). It maps
// one-to-one onto the C `sinkhost_status` codes at the plugin boundary
// (see ToAbi/FromAbi in sink.hpp and core/plugin); nothing else converts.
//
// Thread safety: a Status is immutable after construction; distinct threads
// may read the same Status concurrently.
#ifndef SINKHOST_STATUS_HPP_
#define SINKHOST_STATUS_HPP_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace sinkhost {

class Status {
 public:
  enum class Code : int32_t {
    kOk = 0,
    kRetryable = 1,        // transient: the same operation may succeed later
    kPermanent = 2,        // will never succeed unchanged
    kInvalidArgument = 3,  // bad input, option, config or schema
    kNotImplemented = 4,
    kIoError = 5,          // host-side file or socket failure
    kBusy = 6,             // host-side backpressure: try again after a while
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status Retryable(std::string_view msg, int64_t retry_after_ms = 0) {
    Status s(Code::kRetryable, msg);
    s.state_->retry_after_ms = retry_after_ms;
    return s;
  }
  static Status Permanent(std::string_view msg) { return Status(Code::kPermanent, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status NotImplemented(std::string_view msg) {
    return Status(Code::kNotImplemented, msg);
  }
  static Status IoError(std::string_view msg) { return Status(Code::kIoError, msg); }
  static Status Busy(std::string_view msg, int64_t retry_after_ms = 0) {
    Status s(Code::kBusy, msg);
    s.state_->retry_after_ms = retry_after_ms;
    return s;
  }
  static Status FromCode(Code code, std::string_view msg, int64_t retry_after_ms = 0) {
    if (code == Code::kOk) return OK();
    Status s(code, msg);
    s.state_->retry_after_ms = retry_after_ms;
    return s;
  }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  bool IsRetryable() const { return code() == Code::kRetryable; }
  bool IsPermanent() const { return code() == Code::kPermanent; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsBusy() const { return code() == Code::kBusy; }
  const std::string& message() const {
    static const std::string kEmpty;
    return state_ ? state_->message : kEmpty;
  }
  int64_t retry_after_ms() const { return state_ ? state_->retry_after_ms : 0; }

  // "retryable: connection refused", or "OK".
  std::string ToString() const {
    if (ok()) return "OK";
    return std::string(CodeName(code())) + ": " + message();
  }

  // Returns a copy whose message is "context: message".
  Status WithContext(std::string_view context) const {
    if (ok()) return *this;
    Status s(code(), std::string(context) + ": " + message());
    s.state_->retry_after_ms = retry_after_ms();
    return s;
  }

  static const char* CodeName(Code code) {
    switch (code) {
      case Code::kOk: return "OK";
      case Code::kRetryable: return "retryable";
      case Code::kPermanent: return "permanent";
      case Code::kInvalidArgument: return "invalid argument";
      case Code::kNotImplemented: return "not implemented";
      case Code::kIoError: return "I/O error";
      case Code::kBusy: return "busy";
    }
    return "unknown";
  }

 private:
  struct State {
    Code code;
    std::string message;
    int64_t retry_after_ms = 0;
  };
  Status(Code code, std::string_view msg)
      : state_(std::make_shared<State>(State{code, std::string(msg), 0})) {}

  std::shared_ptr<State> state_;  // null when OK
};

}  // namespace sinkhost

// Returns early from the enclosing function when `expr` is not OK.
#define SINKHOST_RETURN_NOT_OK(expr)             \
  do {                                           \
    ::sinkhost::Status _sinkhost_st = (expr);    \
    if (!_sinkhost_st.ok()) return _sinkhost_st; \
  } while (0)

#endif  // SINKHOST_STATUS_HPP_
