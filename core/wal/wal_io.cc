// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/wal/wal_io.h"

#include <unistd.h>

namespace sinkhost {

ssize_t WalIo::Writev(int fd, const struct iovec* iov, int iovcnt) {
  return ::writev(fd, iov, iovcnt);
}

int WalIo::SyncData(int fd) { return ::fdatasync(fd); }

int WalIo::SyncDir(int fd) { return ::fsync(fd); }

WalIo* WalIo::Default() {
  static WalIo io;
  return &io;
}

}  // namespace sinkhost
