// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/wal/wal_inspect.h"

#include <algorithm>

#include "core/wal/segment_scanner.h"
#include "core/wal/wal_files.h"
#include "core/wal/wal_format.h"

namespace sinkhost {

using wal_internal::JoinPath;

namespace {

void InspectConsumers(const std::string& dir, const std::vector<std::string>& names,
                      WalReport* report, std::vector<uint64_t>* intact_seqs_sorted) {
  for (const std::string& name : names) {
    WalConsumerInfo c;
    c.name = name;
    const std::string file = name + std::string(wal_format::kConsumerSuffix);
    std::string text;
    c.ok = wal_internal::ReadWholeFile(JoinPath(dir, file), &text).ok() &&
           wal_format::DecodeConsumerFile(text, &c.confirmed_seq);
    if (c.ok) {
      const auto& seqs = *intact_seqs_sorted;
      c.pending_records = static_cast<uint64_t>(
          seqs.end() - std::upper_bound(seqs.begin(), seqs.end(), c.confirmed_seq));
    } else {
      WalDamage d;
      d.kind = WalDamageKind::kBadConsumerFile;
      d.file = file;
      d.bytes = text.size();
      report->damage.push_back(std::move(d));
    }
    report->consumers.push_back(std::move(c));
  }
}

}  // namespace

Status InspectWal(const std::string& dir, WalReport* report) {
  *report = WalReport();
  report->dir = dir;
  wal_internal::LogDirListing listing;
  SINKHOST_RETURN_NOT_OK(wal_internal::ListLogDir(dir, &listing));

  // Intact sequence numbers, to count what each consumer has pending; 8
  // bytes per record is small beside the segments themselves.
  std::vector<uint64_t> seqs;
  uint64_t expected = 0;  // one past the last record read
  for (size_t i = 0; i < listing.segments.size(); ++i) {
    WalSegmentInfo info;
    info.first_seq = listing.segments[i];
    info.file = wal_format::SegmentFileName(info.first_seq);
    std::string bytes;
    SINKHOST_RETURN_NOT_OK(wal_internal::ReadWholeFile(JoinPath(dir, info.file), &bytes));
    info.bytes = bytes.size();

    SegmentScanner scanner(bytes, info.file, info.first_seq);
    ScannedRecord r;
    std::vector<WalDamage> overlaps;
    while (scanner.Next(&r)) {
      if (r.seq < expected) {
        WalDamage d;
        d.kind = WalDamageKind::kBadSequence;
        d.file = info.file;
        d.offset = r.offset;
        d.bytes = wal_format::kRecordHeaderSize + r.payload.size();
        overlaps.push_back(std::move(d));
        continue;
      }
      expected = r.seq + 1;
      seqs.push_back(r.seq);
      ++info.records;
      if (info.first_record_seq == 0) info.first_record_seq = r.seq;
      info.last_record_seq = r.seq;
    }
    if (i + 1 < listing.segments.size())
      scanner.EndBefore(wal_format::SegmentFileName(listing.segments[i + 1]),
                        listing.segments[i + 1]);
    expected = std::max(expected, scanner.next_expected_seq());
    info.header_ok = scanner.header_ok();
    std::vector<WalDamage> damage = scanner.TakeDamage();
    damage.insert(damage.end(), overlaps.begin(), overlaps.end());
    for (WalDamage& d : damage) {
      if (d.file == info.file) ++info.damaged_regions;
      report->damage.push_back(std::move(d));
    }
    report->bytes += info.bytes;
    report->records += info.records;
    if (report->first_seq == 0) report->first_seq = info.first_record_seq;
    if (info.last_record_seq != 0) report->last_seq = info.last_record_seq;
    report->segments.push_back(std::move(info));
  }
  InspectConsumers(dir, listing.consumers, report, &seqs);
  for (const WalDamage& d : report->damage) report->lost_records += d.lost_records();
  return Status::OK();
}

Status VerifyWal(const std::string& dir, WalReport* report) {
  SINKHOST_RETURN_NOT_OK(InspectWal(dir, report));
  if (report->intact()) return Status::OK();
  return Status::IoError("wal " + dir + ": " + std::to_string(report->damage.size()) +
                         " damaged region" + (report->damage.size() == 1 ? "" : "s") + ", " +
                         std::to_string(report->lost_records) + " records known lost: " +
                         report->damage.front().ToString());
}

}  // namespace sinkhost
