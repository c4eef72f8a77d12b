// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// File helpers of the write-ahead log: errno to Status, whole writes and
// reads, atomic replacement of a small file, and listing a log directory.
// Internal to core/wal.
//
// Thread safety: free functions without shared state; UniqueFd is a
// move-only owner like std::unique_ptr.
#ifndef SINKHOST_CORE_WAL_WAL_FILES_H_
#define SINKHOST_CORE_WAL_WAL_FILES_H_

#include <sys/types.h>
#include <sys/uio.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/wal/wal_io.h"
#include "sinkhost/status.hpp"

namespace sinkhost::wal_internal {

// Closes its descriptor exactly once.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// ENOSPC and EDQUOT become Busy (the disk is full: try again once space is
// freed), everything else IoError. Message: "CONTEXT: strerror".
Status ErrnoStatus(int err, std::string_view context);

// Writes every byte of iov[0, iovcnt) at the file's current offset, looping
// over short writes; `iov` is consumed (modified) in the process. On error,
// *written tells how many bytes did reach the file.
Status WriteAll(WalIo* io, int fd, struct iovec* iov, int iovcnt, uint64_t* written);

Status ReadWholeFile(int fd, const std::string& what, std::string* out);
Status ReadWholeFile(const std::string& path, std::string* out);

Status SyncDirectory(WalIo* io, const std::string& dir);

// Replaces dir/name with `content`: writes dir/name.tmp, syncs it, renames
// it over dir/name and syncs the directory. A crash leaves either the old
// or the new file (and perhaps a stray .tmp, which Open removes). `mode`:
// the new file's permissions (before the umask).
Status WriteFileAtomically(WalIo* io, const std::string& dir, const std::string& name,
                           std::string_view content, mode_t mode = 0644);

struct LogDirListing {
  std::vector<uint64_t> segments;       // first sequence numbers, ascending
  std::vector<std::string> consumers;   // consumer names, ascending
  std::vector<std::string> temp_files;  // leftovers of interrupted atomic writes
};
Status ListLogDir(const std::string& dir, LogDirListing* out);

std::string JoinPath(const std::string& dir, std::string_view name);

}  // namespace sinkhost::wal_internal

#endif  // SINKHOST_CORE_WAL_WAL_FILES_H_
