// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// FileSink: appends each batch to a file as NDJSON, one JSON object per
// row, and rotates the file by size.
//
// A batch is encoded into a buffer of about 256 KiB that is appended each
// time it fills (so a 5 MB batch takes some 20 write calls and its bytes
// are still in the CPU cache when the kernel copies them); with fsync, each
// chunk's write-back starts at once and the batch ends with one fdatasync. The file stays line-complete: when an append fails
// half-way, the file is truncated back to its size before the batch, so the
// host's retry does not duplicate half a batch. If even that truncation
// fails, it is retried before the next append.
//
// One instance must own its path: two instances (or processes) appending to
// the same file would interleave and defeat the truncation.
//
// Thread safety: the host never calls one instance concurrently; instances
// share no state.
#ifndef SINKHOST_PLUGINS_FILE_FILE_SINK_H_
#define SINKHOST_PLUGINS_FILE_FILE_SINK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sinkhost/sink.hpp"

namespace sinkhost::file {

// The date part of the last timestamp written ("YYYY-MM-DDT"), reused while
// the day stays the same.
struct FileDayCache {
  bool valid = false;
  int64_t days = 0;  // days since 1970-01-01
  char text[11];
};

class FileSink : public Sink {
 public:
  FileSink() = default;
  ~FileSink() override;

  Status Init(const Options& options) override;
  Status Open(const StreamInfo& stream) override;
  Status Write(const BatchView& batch, const BatchInfo& info) override;
  Status Close() override;

 private:
  // Opens path_ for appending (creating it), setting fd_ and regular_.
  Status OpenFile(bool during_write);
  // Truncates a last line that lacks its newline (left by a crash).
  Status DropPartialLine();
  // Renames path_ to path_.1 (shifting older files up) and opens a new file.
  Status Rotate();
  // Appends buffer_ to fd_, looping over partial writes and EINTR.
  Status AppendBuffer();
  // Makes renames and file creation in the directory durable (fsync_ only).
  void SyncDirectory();
  // Encodes row `row` of `batch` onto buffer_.
  void AppendRow(const BatchView& batch, int64_t row);
  // Makes room for `bytes` more after buffer_size_; returns where they go.
  char* Reserve(size_t bytes);
  // A retryable status for a failed system call, with errno's text.
  Status IoFailure(const std::string& what, int err) const;

  // Constant after Init.
  std::string path_;
  bool fsync_ = false;
  uint64_t rotate_bytes_ = 0;  // 0: never rotate
  int max_files_ = 10;

  // Set by Open, cleared by Close.
  bool open_ = false;
  std::vector<ColumnSpec> columns_;
  // Per column, the JSON text before its value: {"name": for the first,
  // ,"name": for the others. Escaped once here instead of per row.
  std::vector<std::string> keys_;
  int fd_ = -1;           // -1 while open_ when a rotation could not reopen
  bool regular_ = false;  // only a regular file can be truncated
  // When a failed append could not be cut off, the size to truncate the
  // file to before anything else is appended; -1 when the file is clean.
  int64_t pending_truncate_ = -1;
  // Total size of keys_, for a row's worst-case length.
  size_t keys_bytes_ = 0;
  // Encoded rows not yet written (the first buffer_size_ bytes); kept
  // between writes so its capacity is reused.
  std::unique_ptr<char[]> buffer_;
  size_t buffer_size_ = 0;
  size_t buffer_capacity_ = 0;
  FileDayCache day_;
};

}  // namespace sinkhost::file

#endif  // SINKHOST_PLUGINS_FILE_FILE_SINK_H_
