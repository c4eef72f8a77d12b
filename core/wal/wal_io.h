// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WalIo: the system calls through which the write-ahead log writes and
// syncs, so that tests can count fsyncs (group commit), slow them down, or
// make writes fail with ENOSPC part-way through, against real files. Reads,
// opens, renames and truncations go to the system directly.
//
// Thread safety: the log calls these from several threads at once (appenders,
// the interval syncer, confirmations); implementations must allow that.
#ifndef SINKHOST_CORE_WAL_WAL_IO_H_
#define SINKHOST_CORE_WAL_WAL_IO_H_

#include <sys/types.h>
#include <sys/uio.h>

namespace sinkhost {

class WalIo {
 public:
  virtual ~WalIo() = default;
  // As writev(2): bytes written (possibly fewer than asked), or -1 with errno.
  virtual ssize_t Writev(int fd, const struct iovec* iov, int iovcnt);
  // fdatasync(2) of a segment or consumer file: 0, or -1 with errno.
  virtual int SyncData(int fd);
  // fsync(2) of the log directory after creating, renaming or removing a file.
  virtual int SyncDir(int fd);

  // The real system calls; a process-wide instance.
  static WalIo* Default();
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_WAL_WAL_IO_H_
