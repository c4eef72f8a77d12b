// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/isolation/batch_area.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace sinkhost::worker {

namespace {

Status Errno(const std::string& what) {
  return Status::IoError("the batch area: " + what + ": " + std::strerror(errno));
}

// Grows in steps of at least a quarter, so that slowly growing batches do
// not remap every time.
size_t Grown(size_t have, size_t need) {
  size_t size = std::max<size_t>(have + have / 4, 1 << 20);
  while (size < need) size += size / 4;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return (size + page - 1) / page * page;
}

}  // namespace

BatchArea::~BatchArea() {
  if (map_ != nullptr) ::munmap(map_, size_);
  if (read_only_fd_ >= 0) ::close(read_only_fd_);
  if (fd_ >= 0) ::close(fd_);
}

Status BatchArea::Reserve(size_t bytes, char** out) {
  if (fd_ < 0) {
    fd_ = ::memfd_create("sinkhost-batch", MFD_CLOEXEC);
    if (fd_ < 0) return Errno("memfd_create");
    // Reopened read-only through /proc; where /proc is missing the worker
    // gets the same descriptor, and maps it read-only all the same.
    const std::string self = "/proc/self/fd/" + std::to_string(fd_);
    read_only_fd_ = ::open(self.c_str(), O_RDONLY | O_CLOEXEC);
    if (read_only_fd_ < 0) read_only_fd_ = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (read_only_fd_ < 0) return Errno("dup");
  }
  if (bytes > size_) {
    const size_t size = Grown(size_, bytes);
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return Errno("ftruncate");
    if (map_ != nullptr) ::munmap(map_, size_);
    map_ = nullptr;
    size_ = 0;
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) return Errno("mmap");
    map_ = static_cast<char*>(p);
    size_ = size;
  }
  *out = map_;
  return Status::OK();
}

BatchAreaReader::~BatchAreaReader() {
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), size_);
}

Status BatchAreaReader::View(size_t bytes, std::string_view* out) {
  if (bytes > size_) {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return Errno("fstat");
    const auto size = static_cast<size_t>(st.st_size);
    if (bytes > size)
      return Status::InvalidArgument("a write of " + std::to_string(bytes) +
                                     " bytes in a batch area of " + std::to_string(size));
    if (map_ != nullptr) ::munmap(const_cast<char*>(map_), size_);
    map_ = nullptr;
    size_ = 0;
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) return Errno("mmap");
    map_ = static_cast<const char*>(p);
    size_ = size;
  }
  *out = std::string_view(map_, bytes);
  return Status::OK();
}

}  // namespace sinkhost::worker
