// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/wal/segment_scanner.h"

#include <algorithm>

#include "core/wal/crc32c.h"
#include "core/wal/wal_format.h"

namespace sinkhost {

using wal_format::kRecordHeaderSize;
using wal_format::kSegmentHeaderSize;

SegmentScanner::SegmentScanner(std::string_view bytes, std::string file, uint64_t first_seq)
    : bytes_(bytes), file_(std::move(file)), expected_(first_seq) {}

void SegmentScanner::AddDamage(WalDamageKind kind, uint64_t offset, uint64_t bytes,
                               uint64_t first_lost, uint64_t last_lost) {
  WalDamage d;
  d.kind = kind;
  d.file = file_;
  d.offset = offset;
  d.bytes = bytes;
  if (last_lost >= first_lost && last_lost != 0) {
    d.first_lost_seq = first_lost;
    d.last_lost_seq = last_lost;
  }
  damage_.push_back(std::move(d));
}

bool SegmentScanner::AllZeroFrom(size_t offset) const {
  return std::all_of(bytes_.begin() + offset, bytes_.end(), [](char c) { return c == 0; });
}

void SegmentScanner::DamageToEnd(WalDamageKind kind, uint64_t first_lost, uint64_t last_lost) {
  AddDamage(kind, pos_, bytes_.size() - pos_, first_lost, last_lost);
  pos_ = bytes_.size();
  done_ = true;
}

bool SegmentScanner::tail_damaged() const {
  return !damage_.empty() && damage_.back().kind != WalDamageKind::kMissingRecords &&
         damage_.back().offset + damage_.back().bytes == bytes_.size();
}

void SegmentScanner::ReadSegmentHeader() {
  started_ = true;
  const auto* p = reinterpret_cast<const uint8_t*>(bytes_.data());
  if (bytes_.size() < kSegmentHeaderSize) {
    // A crash between creating the file and writing its header.
    DamageToEnd(AllZeroFrom(0) ? WalDamageKind::kZeroFilled : WalDamageKind::kTruncatedHeader, 0,
                0);
    return;
  }
  uint64_t header_first = 0;
  header_ok_ = wal_format::DecodeSegmentHeader(p, &header_first) && header_first == expected_;
  if (!header_ok_) {
    if (AllZeroFrom(0)) {
      DamageToEnd(WalDamageKind::kZeroFilled, 0, 0);
      return;
    }
    AddDamage(WalDamageKind::kBadSegmentHeader, 0, kSegmentHeaderSize, 0, 0);
  }
  pos_ = kSegmentHeaderSize;
  valid_end_ = kSegmentHeaderSize;
}

size_t SegmentScanner::Resync(size_t from) const {
  const auto* base = reinterpret_cast<const uint8_t*>(bytes_.data());
  const size_t size = bytes_.size();
  for (size_t p = from; p + kRecordHeaderSize <= size; ++p) {
    // Cheap field checks first: most offsets fail them, and the checksums
    // are computed only for the few that pass.
    const uint64_t seq = wal_format::GetU64(base + p + 8);
    const uint32_t length = wal_format::GetU32(base + p + 4);
    if (seq < expected_ || length > size - p - kRecordHeaderSize) continue;
    wal_format::RecordHeader h;
    if (!wal_format::DecodeRecordHeader(base + p, &h)) continue;
    if (crc32c::Value(base + p + kRecordHeaderSize, h.length) != h.payload_crc) continue;
    return p;
  }
  return std::string_view::npos;
}

bool SegmentScanner::Next(ScannedRecord* record) {
  if (!started_) ReadSegmentHeader();
  const auto* base = reinterpret_cast<const uint8_t*>(bytes_.data());
  const size_t size = bytes_.size();
  while (!done_) {
    if (pos_ == size) {
      done_ = true;
      break;
    }
    const size_t remaining = size - pos_;
    if (remaining < kRecordHeaderSize) {
      DamageToEnd(AllZeroFrom(pos_) ? WalDamageKind::kZeroFilled : WalDamageKind::kTruncatedHeader,
                  0, 0);
      break;
    }
    wal_format::RecordHeader h;
    const bool sound = wal_format::DecodeRecordHeader(base + pos_, &h) &&
                       h.length <= wal_format::kMaxPayload;
    if (!sound) {
      if (AllZeroFrom(pos_)) {
        DamageToEnd(WalDamageKind::kZeroFilled, 0, 0);
        break;
      }
      const size_t next = Resync(pos_ + 1);
      if (next == std::string_view::npos) {
        DamageToEnd(WalDamageKind::kBadHeaderChecksum, 0, 0);
        break;
      }
      const uint64_t next_seq = wal_format::GetU64(base + next + 8);
      if (next_seq > expected_)
        AddDamage(WalDamageKind::kBadHeaderChecksum, pos_, next - pos_, expected_, next_seq - 1);
      else
        AddDamage(WalDamageKind::kBadHeaderChecksum, pos_, next - pos_, 0, 0);
      expected_ = next_seq;  // the gap is accounted for above
      pos_ = next;
      continue;
    }
    max_seen_seq_ = std::max(max_seen_seq_, h.seq);
    const uint64_t record_bytes = kRecordHeaderSize + uint64_t{h.length};
    if (record_bytes > remaining) {
      if (h.seq >= expected_)
        DamageToEnd(WalDamageKind::kTruncatedRecord, expected_, h.seq);
      else
        DamageToEnd(WalDamageKind::kTruncatedRecord, 0, 0);
      break;
    }
    if (h.seq < expected_) {
      AddDamage(WalDamageKind::kBadSequence, pos_, record_bytes, 0, 0);
      pos_ += record_bytes;
      continue;
    }
    const uint8_t* payload = base + pos_ + kRecordHeaderSize;
    if (crc32c::Value(payload, h.length) != h.payload_crc) {
      AddDamage(WalDamageKind::kBadPayloadChecksum, pos_, record_bytes, expected_, h.seq);
      expected_ = h.seq + 1;
      pos_ += record_bytes;
      continue;
    }
    if (h.seq > expected_)
      AddDamage(WalDamageKind::kMissingRecords, pos_, 0, expected_, h.seq - 1);
    record->seq = h.seq;
    record->type = h.type;
    record->offset = pos_;
    record->payload = std::string_view(reinterpret_cast<const char*>(payload), h.length);
    pos_ += record_bytes;
    valid_end_ = pos_;
    expected_ = h.seq + 1;
    ++records_;
    if (first_record_seq_ == 0) first_record_seq_ = h.seq;
    last_record_seq_ = h.seq;
    return true;
  }
  return false;
}

void SegmentScanner::EndBefore(const std::string& next_file, uint64_t next_first_seq) {
  if (next_first_seq <= expected_) return;
  if (tail_damaged()) {
    WalDamage& d = damage_.back();
    d.first_lost_seq = d.lost_records() > 0 ? std::min(d.first_lost_seq, expected_) : expected_;
    d.last_lost_seq = next_first_seq - 1;
    return;
  }
  WalDamage d;
  d.kind = WalDamageKind::kMissingRecords;
  d.file = next_file;
  d.first_lost_seq = expected_;
  d.last_lost_seq = next_first_seq - 1;
  damage_.push_back(std::move(d));
}

}  // namespace sinkhost
