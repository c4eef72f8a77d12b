// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WalDamage: one damaged region of a write-ahead log, as found by recovery
// (WriteAheadLog::Open), by a reader during replay, or by InspectWal. A
// plain value for stats, logs and `sinkhost wal verify`.
//
// What the log keeps when it finds damage (see write_ahead_log.h):
//   * every intact record before the damage;
//   * inside a segment, every intact record after it too: the reader
//     resynchronises on the next offset whose record header and payload
//     both check out, so one flipped byte costs one record;
//   * a damaged tail of a segment that is followed by another segment loses
//     the records up to that segment's first sequence number, a known range;
//   * a damaged tail of the last segment (a torn write at a crash, a
//     zero-filled tail after power loss) is cut off when the log is opened
//     for appending, and appending resumes after the last intact record.
//
// Thread safety: a plain value.
#ifndef SINKHOST_CORE_WAL_WAL_DAMAGE_H_
#define SINKHOST_CORE_WAL_WAL_DAMAGE_H_

#include <cstdint>
#include <string>

namespace sinkhost {

enum class WalDamageKind {
  kBadSegmentHeader,    // wrong magic, version or checksum in a segment's first 32 bytes
  kTruncatedHeader,     // the file ends inside a record header
  kTruncatedRecord,     // the header is intact, the payload is cut off by the end of file
  kZeroFilled,          // only zero bytes from here to the end of the file
  kBadHeaderChecksum,   // a record header that does not check out (corrupt bytes)
  kBadPayloadChecksum,  // header intact, payload corrupt: that one record is lost
  kBadSequence,         // an intact record with a sequence number already seen
  kMissingRecords,      // sequence numbers absent between two intact records or segments
  kBadConsumerFile,     // a consumer position file that does not parse or check out
};
const char* WalDamageKindName(WalDamageKind kind);

struct WalDamage {
  WalDamageKind kind = WalDamageKind::kBadHeaderChecksum;
  std::string file;     // file name inside the log directory
  uint64_t offset = 0;  // first damaged byte
  uint64_t bytes = 0;   // damaged bytes skipped (to the next intact record or end of file)
  // Records known to be lost, inclusive; both 0 when none are known lost
  // (a torn tail may hold only a write that was never acknowledged).
  uint64_t first_lost_seq = 0;
  uint64_t last_lost_seq = 0;
  // Open() cut this region off (a damaged tail of the last segment) or
  // rewrote the file (a consumer position).
  bool repaired = false;

  uint64_t lost_records() const {
    return last_lost_seq >= first_lost_seq && last_lost_seq != 0
               ? last_lost_seq - first_lost_seq + 1
               : 0;
  }
  // "00000000000000000001.seg at 4096: bad payload checksum, 120 bytes,
  //  records 57..57 lost".
  std::string ToString() const;
  bool SameRegion(const WalDamage& o) const {
    return kind == o.kind && file == o.file && offset == o.offset;
  }
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_WAL_WAL_DAMAGE_H_
