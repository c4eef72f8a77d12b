// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WalOptions: how one write-ahead log syncs, rolls and caps its segments.
// A plain value; see write_ahead_log.h for what each policy guarantees.
#ifndef SINKHOST_CORE_WAL_WAL_OPTIONS_H_
#define SINKHOST_CORE_WAL_WAL_OPTIONS_H_

#include <cstdint>
#include <string_view>

namespace sinkhost {

class WalIo;

enum class FsyncPolicy {
  kAlways,    // Append returns after its record is fsynced (group commit)
  kInterval,  // a background thread fsyncs every fsync_interval_ms
  kNever,     // the OS writes back when it likes; survives a process crash only
};
const char* FsyncPolicyName(FsyncPolicy policy);  // "always", "interval", "never"
bool ParseFsyncPolicy(std::string_view text, FsyncPolicy* out);

struct WalOptions {
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  int64_t fsync_interval_ms = 100;
  // A segment is closed and a new one started once it holds this much
  // (a larger record still goes whole into one segment).
  uint64_t segment_bytes = 16u << 20;
  // Cap on the bytes of all segment files together; an append that would
  // pass it is refused with Status::Busy. 0: no cap.
  uint64_t max_total_bytes = uint64_t{1} << 30;
  // Retry-after hint carried by Busy when the log is full.
  int64_t full_retry_after_ms = 1000;
  // System calls that write and sync, replaceable by tests (fault
  // injection, counting). Null: the real ones. Not owned; must outlive the log.
  WalIo* io = nullptr;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_WAL_WAL_OPTIONS_H_
