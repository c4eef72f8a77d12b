// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Helpers shared by the write-ahead log's tests: deterministic payloads,
// reading a log back, damaging segment files the way crashes and bad disks
// do, and a WalIo that counts fsyncs and injects slowness or ENOSPC.
#ifndef SINKHOST_CORE_WAL_WAL_TEST_UTIL_H_
#define SINKHOST_CORE_WAL_WAL_TEST_UTIL_H_

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "core/wal/wal_format.h"
#include "core/wal/wal_io.h"
#include "core/wal/wal_reader.h"
#include "core/wal/write_ahead_log.h"

namespace sinkhost::wal_testing {

// Record `seq`'s payload in the tests: its number, then filler to `size`.
inline std::string Payload(uint64_t seq, size_t size = 40) {
  std::string s = "record-" + std::to_string(seq) + ":";
  while (s.size() < size) s.push_back(static_cast<char>('a' + (s.size() + seq) % 26));
  s.resize(std::max(size, s.size()));
  return s;
}

struct ReadBack {
  std::vector<uint64_t> seqs;
  std::vector<std::string> payloads;
  std::vector<WalDamage> damage;
  Status status;
};

inline ReadBack Drain(WalReader* reader) {
  ReadBack out;
  WalRecord r;
  while (reader->Next(&r)) {
    out.seqs.push_back(r.seq);
    out.payloads.emplace_back(r.payload);
  }
  out.damage = reader->damage();
  out.status = reader->status();
  return out;
}

inline ReadBack ReadDir(const std::string& dir, uint64_t from = 0) {
  std::unique_ptr<WalReader> reader;
  Status st = WalReader::Open(dir, from, &reader);
  if (!st.ok()) {
    ReadBack out;
    out.status = st;
    return out;
  }
  return Drain(reader.get());
}

inline ReadBack ReadLog(WriteAheadLog* log, uint64_t from = 0) {
  std::unique_ptr<WalReader> reader;
  Status st = log->NewReader(from, &reader);
  if (!st.ok()) {
    ReadBack out;
    out.status = st;
    return out;
  }
  return Drain(reader.get());
}

inline std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> v;
  for (uint64_t s = first; s <= last; ++s) v.push_back(s);
  return v;
}

inline std::vector<uint64_t> Without(std::vector<uint64_t> v, std::vector<uint64_t> drop) {
  std::erase_if(v,
                [&](uint64_t s) { return std::find(drop.begin(), drop.end(), s) != drop.end(); });
  return v;
}

inline std::string SegmentPath(const std::string& dir, uint64_t first_seq) {
  return dir + "/" + wal_format::SegmentFileName(first_seq);
}

inline uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

inline bool FileExists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Offset of record `seq` in a segment of records written by Payload(seq, size)
// and numbered from `first_seq` with no damage before it.
inline uint64_t RecordOffset(uint64_t first_seq, uint64_t seq, size_t payload_size) {
  return wal_format::kSegmentHeaderSize +
         (seq - first_seq) * (wal_format::kRecordHeaderSize + payload_size);
}

inline void XorByte(const std::string& path, uint64_t offset, uint8_t mask = 0x5a) {
  int fd = ::open(path.c_str(), O_RDWR);
  uint8_t b = 0;
  if (::pread(fd, &b, 1, static_cast<off_t>(offset)) != 1) std::abort();
  b ^= mask;
  if (::pwrite(fd, &b, 1, static_cast<off_t>(offset)) != 1) std::abort();
  ::close(fd);
}

inline void TruncateFile(const std::string& path, uint64_t size) {
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) std::abort();
}

// Overwrites [from, end of file) with zeros, and appends `extra` more zeros:
// what a file system can leave after a power loss.
inline void ZeroFill(const std::string& path, uint64_t from, uint64_t extra = 0) {
  const uint64_t end = FileSize(path) + extra;
  std::string zeros(end - from, '\0');
  int fd = ::open(path.c_str(), O_RDWR);
  if (::pwrite(fd, zeros.data(), zeros.size(), static_cast<off_t>(from)) !=
      static_cast<ssize_t>(zeros.size()))
    std::abort();
  ::close(fd);
}

inline void AppendGarbage(const std::string& path, size_t n) {
  std::string junk;
  for (size_t i = 0; i < n; ++i) junk.push_back(static_cast<char>(0x9e + i * 37));
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
  if (::write(fd, junk.data(), junk.size()) != static_cast<ssize_t>(junk.size())) std::abort();
  ::close(fd);
}

// Counts data fsyncs, can make each one slow (so that group commit has
// appenders to group), and can run out of space after a byte budget: the
// write that crosses it lands partially, then fails with ENOSPC, as on a
// real full disk.
class TestIo : public WalIo {
 public:
  std::atomic<uint64_t> data_syncs{0};
  std::atomic<int> sync_delay_ms{0};
  std::atomic<int64_t> space_left{-1};  // bytes; -1: unlimited
  std::atomic<int> fail_syncs{0};       // fail the next N data syncs with EIO

  ssize_t Writev(int fd, const struct iovec* iov, int iovcnt) override {
    const int64_t left = space_left.load();
    if (left < 0) return WalIo::Writev(fd, iov, iovcnt);
    size_t want = 0;
    for (int i = 0; i < iovcnt; ++i) want += iov[i].iov_len;
    if (left == 0) {
      errno = ENOSPC;
      return -1;
    }
    if (static_cast<int64_t>(want) <= left) {
      space_left -= static_cast<int64_t>(want);
      return WalIo::Writev(fd, iov, iovcnt);
    }
    // Partial write of what still fits; the next call gets ENOSPC.
    struct iovec part[WriteAheadLog::kMaxParts + 1];
    int n = 0;
    size_t budget = static_cast<size_t>(left);
    for (int i = 0; i < iovcnt && budget > 0 && n < static_cast<int>(std::size(part)); ++i) {
      part[n] = iov[i];
      part[n].iov_len = std::min(part[n].iov_len, budget);
      budget -= part[n].iov_len;
      ++n;
    }
    const ssize_t w = WalIo::Writev(fd, part, n);
    if (w > 0) space_left -= w;
    return w;
  }

  int SyncData(int fd) override {
    if (fail_syncs.load() > 0) {
      --fail_syncs;
      errno = EIO;
      return -1;
    }
    ++data_syncs;
    if (int d = sync_delay_ms.load(); d > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(d));
    return WalIo::SyncData(fd);
  }
};

inline WalOptions Options(FsyncPolicy policy = FsyncPolicy::kNever, WalIo* io = nullptr) {
  WalOptions o;
  o.fsync = policy;
  o.fsync_interval_ms = 20;
  o.segment_bytes = 4096;
  o.max_total_bytes = 0;
  o.io = io;
  return o;
}

}  // namespace sinkhost::wal_testing

#endif  // SINKHOST_CORE_WAL_WAL_TEST_UTIL_H_
