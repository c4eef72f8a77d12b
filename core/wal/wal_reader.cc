// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/wal/wal_reader.h"

#include <fcntl.h>

#include <cerrno>

#include "core/wal/wal_format.h"

namespace sinkhost {

using wal_internal::ErrnoStatus;
using wal_internal::JoinPath;
using wal_internal::UniqueFd;

Status WalReader::Open(const std::string& dir, uint64_t from_seq,
                       std::unique_ptr<WalReader>* out) {
  wal_internal::LogDirListing listing;
  SINKHOST_RETURN_NOT_OK(wal_internal::ListLogDir(dir, &listing));
  std::vector<Segment> segments;
  for (size_t i = 0; i < listing.segments.size(); ++i) {
    // Segments wholly before from_seq are not even opened.
    if (i + 1 < listing.segments.size() && listing.segments[i + 1] <= from_seq) continue;
    Segment s;
    s.first_seq = listing.segments[i];
    s.file = wal_format::SegmentFileName(s.first_seq);
    const std::string path = JoinPath(dir, s.file);
    s.fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!s.fd.valid()) return ErrnoStatus(errno, "open " + path);
    segments.push_back(std::move(s));
  }
  *out = std::make_unique<WalReader>(std::move(segments), from_seq, nullptr);
  return Status::OK();
}

WalReader::WalReader(std::vector<Segment> segments, uint64_t from_seq, DamageSink on_damage)
    : segments_(std::move(segments)), from_seq_(from_seq), on_damage_(std::move(on_damage)) {}

void WalReader::Report(WalDamage d) {
  if (on_damage_) on_damage_(d);
  damage_.push_back(std::move(d));
}

bool WalReader::LoadNextSegment() {
  Segment& s = segments_[index_++];
  Status st = wal_internal::ReadWholeFile(s.fd.get(), s.file, &bytes_);
  s.fd.reset();
  if (!st.ok()) {
    status_ = st;
    return false;
  }
  if (bytes_.size() > s.max_bytes) bytes_.resize(s.max_bytes);
  scanner_ = std::make_unique<SegmentScanner>(bytes_, s.file, s.first_seq);
  return true;
}

void WalReader::FinishSegment() {
  if (index_ < segments_.size()) {
    const Segment& next = segments_[index_];
    // From the first segment read on, the scanner accounts for gaps; the
    // numbers before the first segment read are not this reader's concern.
    scanner_->EndBefore(next.file, next.first_seq);
  }
  for (WalDamage& d : scanner_->TakeDamage()) Report(std::move(d));
  if (scanner_->next_expected_seq() > expected_) expected_ = scanner_->next_expected_seq();
  scanner_.reset();
}

bool WalReader::Next(WalRecord* record) {
  if (!status_.ok()) return false;
  for (;;) {
    if (scanner_ == nullptr) {
      if (index_ == segments_.size()) return false;
      if (!LoadNextSegment()) return false;
    }
    ScannedRecord r;
    if (!scanner_->Next(&r)) {
      FinishSegment();
      continue;
    }
    if (expected_ != 0 && r.seq < expected_) {
      // A segment overlapping its predecessor: the numbers were read already.
      WalDamage d;
      d.kind = WalDamageKind::kBadSequence;
      d.file = segments_[index_ - 1].file;
      d.offset = r.offset;
      d.bytes = wal_format::kRecordHeaderSize + r.payload.size();
      Report(std::move(d));
      continue;
    }
    expected_ = r.seq + 1;
    if (r.seq < from_seq_) continue;
    record->seq = r.seq;
    record->type = r.type;
    record->payload = r.payload;
    return true;
  }
}

}  // namespace sinkhost
