// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// BatchArea: the shared memory a batch crosses to a sink's worker in. The
// host encodes each batch (RowBatchCodec) straight into a memfd it maps
// read-write; the worker maps the same memory read-only and decodes it
// from there. A batch so costs one encode on the host and one decode in
// the worker, instead of also two copies through the kernel and a context
// switch every socket buffer (a 10,000-row batch is megabytes).
//
// The host writes the area only while no request is in flight, and a
// worker reads it only while it serves a write, so they never overlap. The
// worker gets a read-only descriptor: it cannot change what the host wrote.
//
// Thread safety: one thread each (the sink's caller on the host side, the
// worker's only thread on the other).
#ifndef SINKHOST_CORE_ISOLATION_BATCH_AREA_H_
#define SINKHOST_CORE_ISOLATION_BATCH_AREA_H_

#include <cstddef>
#include <string_view>

#include "sinkhost/status.hpp"

namespace sinkhost::worker {

// The host's side: writes batches.
class BatchArea {
 public:
  BatchArea() = default;
  ~BatchArea();
  BatchArea(const BatchArea&) = delete;
  BatchArea& operator=(const BatchArea&) = delete;

  // Memory for `bytes` bytes at the start of the area, growing it (never
  // shrinking) when needed; valid until the next call.
  Status Reserve(size_t bytes, char** out);
  // A read-only descriptor of the area for a worker (close-on-exec: the
  // spawn dup2s it); -1 before the first Reserve.
  int read_only_fd() const { return read_only_fd_; }

 private:
  int fd_ = -1;
  int read_only_fd_ = -1;
  char* map_ = nullptr;
  size_t size_ = 0;
};

// The worker's side: reads the batch the host put there.
class BatchAreaReader {
 public:
  explicit BatchAreaReader(int fd) : fd_(fd) {}
  ~BatchAreaReader();
  BatchAreaReader(const BatchAreaReader&) = delete;
  BatchAreaReader& operator=(const BatchAreaReader&) = delete;

  // The first `bytes` bytes of the area; InvalidArgument when the area is
  // smaller (never a read past its end).
  Status View(size_t bytes, std::string_view* out);

 private:
  const int fd_;
  const char* map_ = nullptr;
  size_t size_ = 0;
};

}  // namespace sinkhost::worker

#endif  // SINKHOST_CORE_ISOLATION_BATCH_AREA_H_
