// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// SegmentScanner: parses the bytes of one segment file into its intact
// records and the damage between them. Pure: no I/O, no allocation per
// record, no trust in the input (it is the log-reader fuzz target's entry
// point). The writer's recovery, WalReader and InspectWal all read through it.
//
// Damage handling, in the order the checks run at each record offset:
//   * fewer than 24 bytes left: a truncated header (or a zero-filled tail);
//   * a header whose checksum fails: if only zeros follow, a zero-filled
//     tail; otherwise the scanner resynchronises on the next offset holding
//     a complete record whose header and payload checksums both pass and
//     whose sequence number is not below the expected one (a false match
//     needs two 32-bit checksums to collide), reports the skipped bytes and
//     the sequence numbers between as lost, and goes on from there;
//   * a sound header whose payload runs past the end of file: a truncated
//     record (that record, whose seq is known, is lost);
//   * a sound header with a corrupt payload: that record alone is lost and
//     scanning goes on right after it (the header's length is trusted, as
//     the header checksum covers it).
// A segment header that fails its checksum is reported, and the records
// after it are still read (the file name gives the first sequence number).
//
// Thread safety: an instance is used by one thread at a time.
#ifndef SINKHOST_CORE_WAL_SEGMENT_SCANNER_H_
#define SINKHOST_CORE_WAL_SEGMENT_SCANNER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/wal/wal_damage.h"

namespace sinkhost {

struct ScannedRecord {
  uint64_t seq = 0;
  uint8_t type = 0;
  uint64_t offset = 0;        // of the record header in the segment file
  std::string_view payload;   // points into the scanned bytes
};

class SegmentScanner {
 public:
  // `bytes` is the whole file (or a prefix known to hold only complete
  // records) and must outlive the scanner; `file` its name, used in damage
  // reports; `first_seq` the number in its name.
  SegmentScanner(std::string_view bytes, std::string file, uint64_t first_seq);

  // The next intact record, in file order; false at the end.
  bool Next(ScannedRecord* record);

  // Once the segment is followed by another starting at `next_first_seq`:
  // accounts the sequence numbers in between as lost, by widening a damaged
  // tail's lost range, or as kMissingRecords at the start of `next_file`
  // when the tail was intact.
  void EndBefore(const std::string& next_file, uint64_t next_first_seq);

  // Results so far (complete once Next returned false).
  const std::vector<WalDamage>& damage() const { return damage_; }
  std::vector<WalDamage> TakeDamage() { return std::move(damage_); }
  bool header_ok() const { return header_ok_; }
  uint64_t records() const { return records_; }
  uint64_t first_record_seq() const { return first_record_seq_; }  // 0: none
  uint64_t last_record_seq() const { return last_record_seq_; }    // 0: none
  // The offset just past the last intact record (or past the segment
  // header when there is none): where appending may resume.
  uint64_t valid_end() const { return valid_end_; }
  // The sequence number the next record should carry: one past the last
  // intact record or the last record whose header was sound.
  uint64_t next_expected_seq() const { return expected_; }
  // The highest sequence number in any sound record header, even one whose
  // payload was corrupt or cut off (that number was handed out once).
  uint64_t max_seen_seq() const { return max_seen_seq_; }
  // True when the last damage reported runs to the end of the file.
  bool tail_damaged() const;

 private:
  void ReadSegmentHeader();
  // Reports the damage at pos_ that runs to the end of the file and stops.
  void DamageToEnd(WalDamageKind kind, uint64_t first_lost, uint64_t last_lost);
  // The next offset after `from` holding a complete record that checks out
  // with seq >= expected_; npos when there is none.
  size_t Resync(size_t from) const;
  bool AllZeroFrom(size_t offset) const;
  void AddDamage(WalDamageKind kind, uint64_t offset, uint64_t bytes, uint64_t first_lost,
                 uint64_t last_lost);

  const std::string_view bytes_;
  const std::string file_;
  size_t pos_ = 0;
  bool started_ = false;
  bool done_ = false;
  bool header_ok_ = false;
  uint64_t expected_;
  uint64_t max_seen_seq_ = 0;
  uint64_t records_ = 0;
  uint64_t first_record_seq_ = 0;
  uint64_t last_record_seq_ = 0;
  uint64_t valid_end_ = 0;
  std::vector<WalDamage> damage_;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_WAL_SEGMENT_SCANNER_H_
