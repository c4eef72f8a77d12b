// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Appending and syncing. Recovery is in wal_recovery.cc, consumers and
// segment deletion in wal_consumers.cc.
#include "core/wal/write_ahead_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

#include "core/wal/crc32c.h"
#include "core/wal/wal_format.h"

namespace sinkhost {

using wal_format::kRecordHeaderSize;
using wal_format::kSegmentHeaderSize;
using wal_internal::ErrnoStatus;
using wal_internal::UniqueFd;

WriteAheadLog::WriteAheadLog(std::string dir, WalOptions options)
    : dir_(std::move(dir)),
      options_(options),
      io_(options.io != nullptr ? options.io : WalIo::Default()) {}

Status WriteAheadLog::Open(std::string dir, WalOptions options,
                           std::unique_ptr<WriteAheadLog>* out) {
  if (options.segment_bytes < kSegmentHeaderSize + kRecordHeaderSize)
    return Status::InvalidArgument("wal: segment_bytes must be at least " +
                                   std::to_string(kSegmentHeaderSize + kRecordHeaderSize) +
                                   ", got " + std::to_string(options.segment_bytes));
  if (options.fsync == FsyncPolicy::kInterval && options.fsync_interval_ms <= 0)
    return Status::InvalidArgument("wal: fsync_interval_ms must be positive, got " +
                                   std::to_string(options.fsync_interval_ms));
  if (options.max_total_bytes != 0 &&
      options.max_total_bytes < 2 * kSegmentHeaderSize + kRecordHeaderSize)
    return Status::InvalidArgument("wal: max_total_bytes is too small to hold a record: " +
                                   std::to_string(options.max_total_bytes));
  std::unique_ptr<WriteAheadLog> log(new WriteAheadLog(std::move(dir), options));
  SINKHOST_RETURN_NOT_OK(log->Recover().WithContext("wal " + log->dir_));
  if (options.fsync == FsyncPolicy::kInterval)
    log->syncer_ = std::thread([raw = log.get()] { raw->SyncerLoop(); });
  *out = std::move(log);
  return Status::OK();
}

WriteAheadLog::~WriteAheadLog() { (void)Close(); }

std::string WriteAheadLog::SegmentPath(uint64_t first_seq) const {
  return wal_internal::JoinPath(dir_, wal_format::SegmentFileName(first_seq));
}

Status WriteAheadLog::Append(std::span<const std::string_view> parts, uint8_t type,
                             uint64_t* seq) {
  uint64_t s = 0;
  SINKHOST_RETURN_NOT_OK(Write(parts, type, &s));
  if (seq != nullptr) *seq = s;
  return WaitDurable(s);
}

Status WriteAheadLog::Write(std::span<const std::string_view> parts, uint8_t type,
                            uint64_t* seq) {
  if (parts.size() > kMaxParts)
    return Status::InvalidArgument("wal: a record has at most " + std::to_string(kMaxParts) +
                                   " parts, got " + std::to_string(parts.size()));
  // The payload checksum is the costly part of encoding; it needs no lock.
  uint64_t length = 0;
  uint32_t crc = 0;
  for (std::string_view p : parts) {
    length += p.size();
    crc = crc32c::Extend(crc, p.data(), p.size());
  }
  if (length > wal_format::kMaxPayload)
    return Status::InvalidArgument("wal: a record holds at most " +
                                   std::to_string(wal_format::kMaxPayload) + " bytes, got " +
                                   std::to_string(length));
  const uint64_t record_bytes = kRecordHeaderSize + length;

  uint8_t header[kRecordHeaderSize];
  struct iovec iov[kMaxParts + 1];
  iov[0] = {header, kRecordHeaderSize};
  int iovcnt = 1;
  for (std::string_view p : parts) {
    if (p.empty()) continue;
    iov[iovcnt++] = {const_cast<char*>(p.data()), p.size()};
  }

  std::lock_guard<std::mutex> lock(mu_);
  if (!error_.ok()) return error_;
  if (closed_) return Status::IoError("wal " + dir_ + ": closed");
  SINKHOST_RETURN_NOT_OK(MakeRoomLocked(record_bytes));

  wal_format::RecordHeader h;
  h.length = static_cast<uint32_t>(length);
  h.seq = next_seq_;
  h.type = type;
  h.payload_crc = crc;
  wal_format::EncodeRecordHeader(h, header);

  Segment& active = segments_.back();
  uint64_t written = 0;
  Status st = wal_internal::WriteAll(io_, active_fd_->get(), iov, iovcnt, &written);
  if (!st.ok()) {
    // Cut a partial record off again so that the segment stays a sequence
    // of whole records and the next append lands where this one began.
    if (written > 0 && ::ftruncate(active_fd_->get(), static_cast<off_t>(active.bytes)) != 0) {
      error_ = Status::IoError(
          ErrnoStatus(errno, "wal " + SegmentPath(active.first_seq) +
                                 ": cannot cut off a partial write")
              .message() +
          "; the log accepts no more appends");
      counters_.error = error_.message();
      return error_;
    }
    if (st.IsBusy()) ++counters_.rejected_no_space;
    return st.WithContext("wal " + SegmentPath(active.first_seq));
  }
  active.bytes += record_bytes;
  total_bytes_ += record_bytes;
  written_seq_ = next_seq_++;
  ++counters_.appends;
  counters_.appended_bytes += length;
  if (seq != nullptr) *seq = written_seq_;
  return Status::OK();
}

Status WriteAheadLog::FullStatusLocked(uint64_t record_bytes) const {
  return Status::Busy("wal " + dir_ + " is full: " + std::to_string(total_bytes_) + " of " +
                          std::to_string(options_.max_total_bytes) + " bytes in " +
                          std::to_string(segments_.size()) +
                          " segments wait for confirmation; a record of " +
                          std::to_string(record_bytes) + " bytes does not fit",
                      options_.full_retry_after_ms);
}

Status WriteAheadLog::MakeRoomLocked(uint64_t record_bytes) {
  const uint64_t cap = options_.max_total_bytes;
  if (cap != 0 && record_bytes + 2 * kSegmentHeaderSize > cap)
    return Status::InvalidArgument("wal " + dir_ + ": a record of " +
                                   std::to_string(record_bytes) +
                                   " bytes can never fit under the cap of " + std::to_string(cap));
  auto needs_roll = [&] {
    const Segment& a = segments_.back();
    return a.bytes > kSegmentHeaderSize && a.bytes + record_bytes > options_.segment_bytes;
  };
  auto fits = [&] {
    return cap == 0 ||
           total_bytes_ + record_bytes + (needs_roll() ? kSegmentHeaderSize : 0) <= cap;
  };
  if (!fits()) {
    // The live segment is never deleted. When the cap is reached and even
    // it is fully confirmed, start a new one so that it can go.
    const bool live_confirmed = segments_.back().bytes > kSegmentHeaderSize &&
                                !consumers_.empty() && MinConfirmedLocked() >= written_seq_;
    if (live_confirmed) {
      SINKHOST_RETURN_NOT_OK(RollLocked());
      DeleteFiles(TakeConfirmedSegmentsLocked());
    }
    if (!fits()) {
      ++counters_.rejected_full;
      return FullStatusLocked(record_bytes);
    }
  }
  if (needs_roll()) return RollLocked();
  return Status::OK();
}

Status WriteAheadLog::RollLocked() {
  if (options_.fsync != FsyncPolicy::kNever && durable_seq_ < written_seq_) {
    // The interval syncer and group commit only ever sync the live segment:
    // the finished one must be made durable before it stops being live.
    ++counters_.fsyncs;
    if (io_->SyncData(active_fd_->get()) != 0) {
      error_ = Status::IoError(
          ErrnoStatus(errno, "wal " + SegmentPath(segments_.back().first_seq) + ": fsync failed")
              .message() +
          "; the log accepts no more appends");
      counters_.error = error_.message();
      sync_cv_.notify_all();
      return error_;
    }
    durable_seq_ = written_seq_;
    sync_cv_.notify_all();
  }
  return CreateSegmentLocked(next_seq_);
}

Status WriteAheadLog::CreateSegmentLocked(uint64_t first_seq) {
  const std::string path = SegmentPath(first_seq);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.valid()) return ErrnoStatus(errno, "wal: create " + path);
  uint8_t header[kSegmentHeaderSize];
  wal_format::EncodeSegmentHeader(first_seq, header);
  struct iovec iov = {header, kSegmentHeaderSize};
  uint64_t written = 0;
  Status st = wal_internal::WriteAll(io_, fd.get(), &iov, 1, &written);
  if (st.ok() && options_.fsync != FsyncPolicy::kNever) {
    // The new file's name must be durable before records in it are.
    if (io_->SyncData(fd.get()) != 0) st = ErrnoStatus(errno, "fsync " + path);
    if (st.ok()) st = wal_internal::SyncDirectory(io_, dir_);
  }
  if (!st.ok()) {
    fd.reset();
    ::unlink(path.c_str());
    if (st.IsBusy()) ++counters_.rejected_no_space;
    return st.WithContext("wal: start segment " + path);
  }
  segments_.push_back(Segment{first_seq, kSegmentHeaderSize});
  total_bytes_ += kSegmentHeaderSize;
  active_fd_ = std::make_shared<UniqueFd>(std::move(fd));
  return Status::OK();
}

Status WriteAheadLog::WaitDurable(uint64_t seq) {
  if (options_.fsync != FsyncPolicy::kAlways) return Status::OK();
  std::unique_lock<std::mutex> lock(mu_);
  return SyncUpToLocked(lock, seq);
}

Status WriteAheadLog::Sync() {
  std::unique_lock<std::mutex> lock(mu_);
  return SyncUpToLocked(lock, written_seq_);
}

Status WriteAheadLog::SyncUpToLocked(std::unique_lock<std::mutex>& lock, uint64_t seq) {
  while (durable_seq_ < seq) {
    if (!error_.ok()) return error_;
    if (closed_) return Status::IoError("wal " + dir_ + ": closed");
    if (sync_running_) {
      // Group commit: a leader is syncing; this record may be in its group
      // or will be in the next one.
      sync_cv_.wait(lock);
      continue;
    }
    sync_running_ = true;
    if (options_.fsync == FsyncPolicy::kAlways) {
      // Appenders woken by the previous fsync are about to write their next
      // record; letting them first makes this group larger.
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    }
    const uint64_t target = written_seq_;
    std::shared_ptr<UniqueFd> fd = active_fd_;
    const uint64_t segment = segments_.back().first_seq;
    lock.unlock();
    const int rc = io_->SyncData(fd->get());
    const int err = errno;
    lock.lock();
    sync_running_ = false;
    ++counters_.fsyncs;
    if (rc != 0 && error_.ok()) {
      error_ = Status::IoError(
          ErrnoStatus(err, "wal " + SegmentPath(segment) + ": fsync failed").message() +
          "; the log accepts no more appends");
      counters_.error = error_.message();
    } else if (rc == 0) {
      durable_seq_ = std::max(durable_seq_, target);
    }
    sync_cv_.notify_all();
  }
  return Status::OK();
}

void WriteAheadLog::SyncerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto interval = std::chrono::milliseconds(options_.fsync_interval_ms);
  auto next = std::chrono::steady_clock::now() + interval;
  while (!stop_syncer_) {
    if (sync_cv_.wait_until(lock, next, [&] { return stop_syncer_; })) break;
    next = std::chrono::steady_clock::now() + interval;
    if (error_.ok() && written_seq_ > durable_seq_) (void)SyncUpToLocked(lock, written_seq_);
  }
}

Status WriteAheadLog::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return Status::OK();
    stop_syncer_ = true;
  }
  sync_cv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  Status st;
  if (options_.fsync != FsyncPolicy::kNever && active_fd_ != nullptr) st = Sync();
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  active_fd_.reset();
  lock_fd_.reset();  // releases the flock
  return st;
}

Status WriteAheadLog::NewReader(uint64_t from_seq, std::unique_ptr<WalReader>* out) {
  std::vector<WalReader::Segment> segments;
  {
    // Opened under mu_, so that no segment is deleted between the snapshot
    // and its open.
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return Status::IoError("wal " + dir_ + ": closed");
    for (size_t i = 0; i < segments_.size(); ++i) {
      if (i + 1 < segments_.size() && segments_[i + 1].first_seq <= from_seq) continue;
      WalReader::Segment s;
      s.first_seq = segments_[i].first_seq;
      s.file = wal_format::SegmentFileName(s.first_seq);
      s.max_bytes = segments_[i].bytes;
      const std::string path = SegmentPath(s.first_seq);
      s.fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!s.fd.valid()) return ErrnoStatus(errno, "wal: open " + path);
      segments.push_back(std::move(s));
    }
  }
  *out = std::make_unique<WalReader>(std::move(segments), from_seq,
                                     [this](const WalDamage& d) { NoteDamage(d); });
  return Status::OK();
}

uint64_t WriteAheadLog::last_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return written_seq_;
}

uint64_t WriteAheadLog::durable_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return durable_seq_;
}

WalStats WriteAheadLog::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  WalStats s = counters_;
  s.dir = dir_;
  s.fsync = options_.fsync;
  s.segments = segments_.size();
  s.total_bytes = total_bytes_;
  s.max_total_bytes = options_.max_total_bytes;
  s.first_seq = segments_.empty() ? 0 : segments_.front().first_seq;
  s.last_seq = written_seq_;
  s.durable_seq = durable_seq_;
  for (const auto& [name, seq] : consumers_) s.consumers.push_back({name, seq});
  return s;
}

}  // namespace sinkhost
