// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/wal/wal_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/wal/wal_format.h"

namespace sinkhost::wal_internal {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) reset(o.release());
  return *this;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Status ErrnoStatus(int err, std::string_view context) {
  std::string msg = std::string(context) + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::Busy(msg);
  return Status::IoError(msg);
}

Status WriteAll(WalIo* io, int fd, struct iovec* iov, int iovcnt, uint64_t* written) {
  *written = 0;
  while (iovcnt > 0) {
    const ssize_t n = io->Writev(fd, iov, iovcnt);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write");
    }
    if (n == 0) return Status::IoError("write: wrote nothing");
    *written += static_cast<uint64_t>(n);
    size_t left = static_cast<size_t>(n);
    while (iovcnt > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --iovcnt;
    }
    if (iovcnt > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
  return Status::OK();
}

Status ReadWholeFile(int fd, const std::string& what, std::string* out) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "stat " + what);
  out->resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < out->size()) {
    const ssize_t n = ::pread(fd, out->data() + got, out->size() - got, static_cast<off_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read " + what);
    }
    if (n == 0) break;  // shrank meanwhile
    got += static_cast<size_t>(n);
  }
  out->resize(got);
  return Status::OK();
}

Status ReadWholeFile(const std::string& path, std::string* out) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, "open " + path);
  return ReadWholeFile(fd.get(), path, out);
}

Status SyncDirectory(WalIo* io, const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, "open directory " + dir);
  if (io->SyncDir(fd.get()) != 0) return ErrnoStatus(errno, "fsync directory " + dir);
  return Status::OK();
}

Status WriteFileAtomically(WalIo* io, const std::string& dir, const std::string& name,
                           std::string_view content, mode_t mode) {
  const std::string path = JoinPath(dir, name);
  const std::string tmp = path + std::string(wal_format::kTempSuffix);
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd.valid()) return ErrnoStatus(errno, "create " + tmp);
  struct iovec iov = {const_cast<char*>(content.data()), content.size()};
  uint64_t written = 0;
  Status st = WriteAll(io, fd.get(), &iov, 1, &written);
  if (st.ok() && io->SyncData(fd.get()) != 0) st = ErrnoStatus(errno, "fsync " + tmp);
  fd.reset();
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0)
    st = ErrnoStatus(errno, "rename " + tmp);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st.WithContext("replace " + path);
  }
  return SyncDirectory(io, dir);
}

Status ListLogDir(const std::string& dir, LogDirListing* out) {
  *out = LogDirListing();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ErrnoStatus(errno, "open log directory " + dir);
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    uint64_t first = 0;
    if (wal_format::ParseSegmentFileName(name, &first)) {
      out->segments.push_back(first);
    } else if (name.ends_with(wal_format::kTempSuffix)) {
      out->temp_files.emplace_back(name);
    } else if (name.ends_with(wal_format::kConsumerSuffix)) {
      std::string_view consumer = name.substr(0, name.size() - wal_format::kConsumerSuffix.size());
      if (wal_format::ValidConsumerName(consumer)) out->consumers.emplace_back(consumer);
    }
  }
  ::closedir(d);
  std::sort(out->segments.begin(), out->segments.end());
  std::sort(out->consumers.begin(), out->consumers.end());
  std::sort(out->temp_files.begin(), out->temp_files.end());
  return Status::OK();
}

std::string JoinPath(const std::string& dir, std::string_view name) {
  std::string p = dir;
  if (!p.empty() && p.back() != '/') p += '/';
  p += name;
  return p;
}

}  // namespace sinkhost::wal_internal
