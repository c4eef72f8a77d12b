// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The on-disk format of the write-ahead log, shared by the writer, the
// reader, the segment scanner and the inspect/verify functions.
//
// A log is one directory per stream:
//
//   LOCK                      flock()ed by the one process that appends
//   00000000000000000001.seg  segments, named by the sequence number of
//   00000000000000004097.seg  their first record (20 decimal digits)
//   NAME.pos                  one per consumer (sink): its confirmed position
//
// Segment file: a 32-byte segment header, then records back to back.
//
//   segment header (little-endian)
//     0  magic        8 bytes "SKWALSEG"
//     8  version      u32 = 1
//    12  flags        u32 = 0
//    16  first_seq    u64, equal to the number in the file name
//    24  reserved     u32 = 0
//    28  header_crc   u32, masked CRC32C of bytes [0, 28)
//
//   record header (24 bytes, little-endian), then `length` payload bytes
//     0  header_crc   u32, masked CRC32C of bytes [4, 24) of this header
//     4  length       u32, payload bytes
//     8  seq          u64, 1, 2, 3... dense over the whole log
//    16  type         u8, opaque to the log (the caller's record kind)
//    17  reserved     3 bytes = 0
//    20  payload_crc  u32, masked CRC32C of the payload
//
// Two checksums rather than one, so that a reader can tell a torn payload
// (header intact: the record and its seq are known) from a corrupt header,
// and can resynchronise after damage by looking for the next offset whose
// 20 header bytes check out. Records are not padded or aligned.
//
// Consumer file NAME.pos, text, replaced atomically (write NAME.pos.tmp,
// fsync, rename, fsync the directory):
//
//   sinkhost-wal-consumer 1
//   confirmed SEQ
//   crc32c HEX           (masked CRC32C of the two lines above, newlines included)
#ifndef SINKHOST_CORE_WAL_WAL_FORMAT_H_
#define SINKHOST_CORE_WAL_WAL_FORMAT_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sinkhost::wal_format {

inline constexpr char kSegmentMagic[8] = {'S', 'K', 'W', 'A', 'L', 'S', 'E', 'G'};
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 32;
inline constexpr size_t kRecordHeaderSize = 24;
// A record's payload may not exceed this (the length field is 32 bits; the
// reader holds a whole segment in memory).
inline constexpr uint32_t kMaxPayload = 1u << 30;
inline constexpr std::string_view kSegmentSuffix = ".seg";
inline constexpr std::string_view kConsumerSuffix = ".pos";
inline constexpr std::string_view kTempSuffix = ".tmp";
inline constexpr std::string_view kLockFile = "LOCK";

struct RecordHeader {
  uint32_t length = 0;
  uint64_t seq = 0;
  uint8_t type = 0;
  uint32_t payload_crc = 0;  // unmasked
};

inline void PutU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void PutU64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint32_t GetU32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}
inline uint64_t GetU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

void EncodeSegmentHeader(uint64_t first_seq, uint8_t out[kSegmentHeaderSize]);
// False when the magic, version or checksum is wrong.
bool DecodeSegmentHeader(const uint8_t* p, uint64_t* first_seq);

void EncodeRecordHeader(const RecordHeader& h, uint8_t out[kRecordHeaderSize]);
// False when the header checksum does not match (the fields are then
// meaningless).
bool DecodeRecordHeader(const uint8_t* p, RecordHeader* h);

// "00000000000000000042.seg".
std::string SegmentFileName(uint64_t first_seq);
// Parses a segment file name; false for any other file.
bool ParseSegmentFileName(std::string_view name, uint64_t* first_seq);

// Consumer names become file names: 1 to 100 of [A-Za-z0-9_.-], not
// starting with a dot. Sink names (identifiers) always qualify.
bool ValidConsumerName(std::string_view name);

std::string EncodeConsumerFile(uint64_t confirmed_seq);
// False when the text is not exactly what EncodeConsumerFile writes.
bool DecodeConsumerFile(std::string_view text, uint64_t* confirmed_seq);

}  // namespace sinkhost::wal_format

#endif  // SINKHOST_CORE_WAL_WAL_FORMAT_H_
