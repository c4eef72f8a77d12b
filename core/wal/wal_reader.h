// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WalReader: reads a write-ahead log's intact records in sequence order,
// starting from a sequence number, across segments; used to replay the log
// into the write buffer at start and by tools.
//
// Damage does not stop it: it reports each damaged region (damage()) and
// goes on with the next intact record (see segment_scanner.h for how), so
// replay keeps everything that can be read. Between segments it checks that
// sequence numbers continue; a gap is reported as kMissingRecords, a
// record whose number was already read is skipped as kBadSequence.
//
// It holds one segment in memory at a time, so a reader needs about one
// segment's size of memory (more for a larger single record).
//
// A reader made by WriteAheadLog::NewReader sees the log as it was then: the
// records written before the call, even if their segments are deleted
// meanwhile; it also passes the damage it finds to the log's stats, so it
// must not outlive the log. WalReader::Open reads a directory on its own
// (for tools); if a process is appending meanwhile, its newest record may
// look torn.
//
// Thread safety: an instance is used by one thread at a time; separate
// readers of one log may run concurrently with each other and with appends.
#ifndef SINKHOST_CORE_WAL_WAL_READER_H_
#define SINKHOST_CORE_WAL_WAL_READER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/wal/segment_scanner.h"
#include "core/wal/wal_damage.h"
#include "core/wal/wal_files.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

struct WalRecord {
  uint64_t seq = 0;
  uint8_t type = 0;          // as given to Append
  std::string_view payload;  // valid until the next call to Next
};

class WalReader {
 public:
  // One segment to read: an open descriptor, so that the segment can be
  // deleted (once confirmed) while this reader still reads it.
  struct Segment {
    std::string file;  // name inside the log directory
    uint64_t first_seq = 0;
    wal_internal::UniqueFd fd;
    uint64_t max_bytes = UINT64_MAX;  // read no further (the live segment's written size)
  };
  using DamageSink = std::function<void(const WalDamage&)>;

  // Reads the log in `dir` from record `from_seq` on (1 or 0: everything).
  static Status Open(const std::string& dir, uint64_t from_seq, std::unique_ptr<WalReader>* out);
  // For WriteAheadLog::NewReader: `segments` in ascending order.
  WalReader(std::vector<Segment> segments, uint64_t from_seq, DamageSink on_damage);

  // The next intact record with seq >= from_seq; false at the end, or on an
  // I/O error (then status() says which).
  bool Next(WalRecord* record);
  const Status& status() const { return status_; }
  // Damage found so far, in file order.
  const std::vector<WalDamage>& damage() const { return damage_; }

 private:
  // Loads segments_[index_] and starts scanning it.
  bool LoadNextSegment();
  // Collects the finished segment's damage, including records lost between
  // it and the next segment.
  void FinishSegment();
  void Report(WalDamage d);

  std::vector<Segment> segments_;
  const uint64_t from_seq_;
  const DamageSink on_damage_;
  size_t index_ = 0;                         // next segment to load
  std::string bytes_;                        // the loaded segment
  std::unique_ptr<SegmentScanner> scanner_;  // over bytes_, null between segments
  uint64_t expected_ = 0;  // one past the last record read (0: none read yet)
  std::vector<WalDamage> damage_;
  Status status_;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_WAL_WAL_READER_H_
