// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The segment scanner on bytes built in memory: every kind of damage, at
// every offset where it matters, and random corruption.
#include "core/wal/segment_scanner.h"

#include <random>

#include "core/wal/crc32c.h"
#include "core/wal/wal_format.h"
#include "core/wal/wal_test_util.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost;
using namespace sinkhost::wal_testing;
using wal_format::kRecordHeaderSize;
using wal_format::kSegmentHeaderSize;

namespace {

constexpr size_t kPayload = 40;
constexpr size_t kRecord = kRecordHeaderSize + kPayload;

// A segment of records first_seq.. with payloads Payload(seq, kPayload).
std::string BuildSegment(uint64_t first_seq, uint64_t count) {
  std::string out(kSegmentHeaderSize, '\0');
  wal_format::EncodeSegmentHeader(first_seq, reinterpret_cast<uint8_t*>(out.data()));
  for (uint64_t seq = first_seq; seq < first_seq + count; ++seq) {
    const std::string payload = Payload(seq, kPayload);
    wal_format::RecordHeader h;
    h.length = static_cast<uint32_t>(payload.size());
    h.seq = seq;
    h.type = static_cast<uint8_t>(seq % 3);
    h.payload_crc = crc32c::Value(payload.data(), payload.size());
    uint8_t header[kRecordHeaderSize];
    wal_format::EncodeRecordHeader(h, header);
    out.append(reinterpret_cast<char*>(header), kRecordHeaderSize);
    out += payload;
  }
  return out;
}

struct Scan {
  std::vector<uint64_t> seqs;
  std::vector<WalDamage> damage;
  uint64_t valid_end = 0;
  uint64_t max_seen = 0;
  bool header_ok = false;
  bool payloads_ok = true;  // every record returned is the one written
};

Scan ScanAll(std::string_view bytes, uint64_t first_seq = 1) {
  SegmentScanner s(bytes, "seg", first_seq);
  Scan out;
  ScannedRecord r;
  while (s.Next(&r)) {
    out.seqs.push_back(r.seq);
    if (r.payload != Payload(r.seq, kPayload) || r.type != r.seq % 3) out.payloads_ok = false;
  }
  out.damage = s.damage();
  out.valid_end = s.valid_end();
  out.max_seen = s.max_seen_seq();
  out.header_ok = s.header_ok();
  return out;
}

uint64_t Offset(uint64_t seq, uint64_t first_seq = 1) {
  return kSegmentHeaderSize + (seq - first_seq) * kRecord;
}

}  // namespace

class SegmentScannerTest : public QObject {
  Q_OBJECT
 private slots:
  void readsAnIntactSegment() {
    const std::string seg = BuildSegment(7, 20);
    Scan s = ScanAll(seg, 7);
    QCOMPARE(s.seqs, Range(7, 26));
    QVERIFY(s.payloads_ok);
    QVERIFY(s.damage.empty());
    QVERIFY(s.header_ok);
    QCOMPARE(s.valid_end, uint64_t{seg.size()});
  }

  void emptyAndHeaderOnlyFiles() {
    Scan empty = ScanAll("");
    QVERIFY(empty.seqs.empty());
    QCOMPARE(empty.damage.size(), size_t{1});
    QCOMPARE(empty.damage[0].kind, WalDamageKind::kZeroFilled);

    const std::string seg = BuildSegment(1, 0);
    Scan header_only = ScanAll(seg);
    QVERIFY(header_only.damage.empty());
    QCOMPARE(header_only.valid_end, uint64_t{kSegmentHeaderSize});

    Scan cut = ScanAll(std::string_view(seg).substr(0, 20));
    QCOMPARE(cut.damage[0].kind, WalDamageKind::kTruncatedHeader);
  }

  // A torn write can stop anywhere inside the last record.
  void truncatedAtEveryOffsetOfTheLastRecord() {
    const std::string seg = BuildSegment(1, 5);
    for (uint64_t cut = Offset(5) + 1; cut < seg.size(); ++cut) {
      Scan s = ScanAll(std::string_view(seg).substr(0, cut));
      QCOMPARE(s.seqs, Range(1, 4));
      QVERIFY(s.payloads_ok);
      QCOMPARE(s.valid_end, Offset(5));
      QCOMPARE(s.damage.size(), size_t{1});
      const WalDamage& d = s.damage[0];
      QCOMPARE(d.offset, Offset(5));
      QCOMPARE(d.bytes, cut - Offset(5));
      if (cut - Offset(5) < kRecordHeaderSize) {
        QCOMPARE(d.kind, WalDamageKind::kTruncatedHeader);
        QCOMPARE(d.lost_records(), uint64_t{0});
      } else {
        QCOMPARE(d.kind, WalDamageKind::kTruncatedRecord);
        QCOMPARE(d.first_lost_seq, uint64_t{5});
        QCOMPARE(d.last_lost_seq, uint64_t{5});
        QCOMPARE(s.max_seen, uint64_t{5});
      }
    }
  }

  // One flipped byte anywhere in one record costs that record and no other.
  void flippedByteInTheMiddleLosesOneRecord() {
    const std::string seg = BuildSegment(1, 10);
    for (uint64_t at = Offset(5); at < Offset(6); ++at) {
      std::string bad = seg;
      bad[at] ^= 0x10;
      Scan s = ScanAll(bad);
      QCOMPARE(s.seqs, Without(Range(1, 10), {5}));
      QVERIFY(s.payloads_ok);
      QCOMPARE(s.damage.size(), size_t{1});
      const WalDamage& d = s.damage[0];
      const bool in_header = at < Offset(5) + kRecordHeaderSize;
      QCOMPARE(d.kind, in_header ? WalDamageKind::kBadHeaderChecksum
                                 : WalDamageKind::kBadPayloadChecksum);
      QCOMPARE(d.offset, Offset(5));
      QCOMPARE(d.bytes, uint64_t{kRecord});
      QCOMPARE(d.first_lost_seq, uint64_t{5});
      QCOMPARE(d.last_lost_seq, uint64_t{5});
      QCOMPARE(s.valid_end, uint64_t{seg.size()});
    }
  }

  // A run of garbage over several records: resynchronisation on the next
  // intact record, and the numbers in between reported lost.
  void garbageOverSeveralRecordsResynchronises() {
    std::string seg = BuildSegment(1, 12);
    for (uint64_t at = Offset(3) + 5; at < Offset(7) + 9; ++at) seg[at] = static_cast<char>(at * 7);
    Scan s = ScanAll(seg);
    QCOMPARE(s.seqs, Without(Range(1, 12), {3, 4, 5, 6, 7}));
    QCOMPARE(s.damage.size(), size_t{1});
    QCOMPARE(s.damage[0].offset, Offset(3));
    QCOMPARE(s.damage[0].bytes, Offset(8) - Offset(3));
    QCOMPARE(s.damage[0].first_lost_seq, uint64_t{3});
    QCOMPARE(s.damage[0].last_lost_seq, uint64_t{7});
  }

  void zeroFilledTail() {
    // Zeros from the middle of record 4's payload on, and past the old end
    // (a file system that extended the file but never wrote the data).
    std::string seg = BuildSegment(1, 6);
    std::fill(seg.begin() + Offset(4) + 30, seg.end(), '\0');
    seg.append(1000, '\0');
    Scan s = ScanAll(seg);
    QCOMPARE(s.seqs, Range(1, 3));
    QCOMPARE(s.valid_end, Offset(4));
    QCOMPARE(s.damage.size(), size_t{2});
    QCOMPARE(s.damage[0].kind, WalDamageKind::kBadPayloadChecksum);  // header intact
    QCOMPARE(s.damage[0].last_lost_seq, uint64_t{4});
    QCOMPARE(s.damage[1].kind, WalDamageKind::kZeroFilled);
    QCOMPARE(s.damage[1].offset, Offset(5));

    std::string zeros = BuildSegment(1, 6);
    std::fill(zeros.begin() + Offset(4), zeros.end(), '\0');
    Scan z = ScanAll(zeros);
    QCOMPARE(z.seqs, Range(1, 3));
    QCOMPARE(z.damage.size(), size_t{1});
    QCOMPARE(z.damage[0].kind, WalDamageKind::kZeroFilled);
    QCOMPARE(z.damage[0].offset, Offset(4));
    QCOMPARE(z.damage[0].bytes, uint64_t{zeros.size()} - Offset(4));

    // Zeros from inside a header: that header no longer checks out.
    std::string torn = BuildSegment(1, 6);
    std::fill(torn.begin() + Offset(4) + 10, torn.end(), '\0');
    Scan t = ScanAll(torn);
    QCOMPARE(t.seqs, Range(1, 3));
    QCOMPARE(t.damage.size(), size_t{1});
    QCOMPARE(t.damage[0].kind, WalDamageKind::kBadHeaderChecksum);
    QCOMPARE(t.damage[0].offset, Offset(4));
    QCOMPARE(t.valid_end, Offset(4));
  }

  void garbageTail() {
    std::string seg = BuildSegment(1, 4);
    for (int i = 0; i < 100; ++i) seg.push_back(static_cast<char>(0x9e + i * 37));
    Scan s = ScanAll(seg);
    QCOMPARE(s.seqs, Range(1, 4));
    QCOMPARE(s.damage.size(), size_t{1});
    QCOMPARE(s.damage[0].kind, WalDamageKind::kBadHeaderChecksum);
    QCOMPARE(s.damage[0].offset, Offset(5));
    QCOMPARE(s.damage[0].bytes, uint64_t{100});
    QCOMPARE(s.valid_end, Offset(5));
  }

  void badSegmentHeaderStillYieldsRecords() {
    std::string seg = BuildSegment(1, 4);
    seg[3] ^= 1;
    Scan s = ScanAll(seg);
    QVERIFY(!s.header_ok);
    QCOMPARE(s.seqs, Range(1, 4));
    QCOMPARE(s.damage.size(), size_t{1});
    QCOMPARE(s.damage[0].kind, WalDamageKind::kBadSegmentHeader);

    // A header naming another first seq than the file name is as bad.
    Scan misnamed = ScanAll(BuildSegment(1, 4), 2);
    QVERIFY(!misnamed.header_ok);
  }

  void endBeforeAccountsForTheNextSegment() {
    // A damaged tail followed by a segment starting at 9: 4..8 lost.
    const std::string seg = BuildSegment(1, 6);
    SegmentScanner torn(std::string_view(seg).substr(0, Offset(4) + 30), "a", 1);
    ScannedRecord r;
    while (torn.Next(&r)) {
    }
    torn.EndBefore("b", 9);
    QCOMPARE(torn.damage().size(), size_t{1});
    QCOMPARE(torn.damage()[0].first_lost_seq, uint64_t{4});
    QCOMPARE(torn.damage()[0].last_lost_seq, uint64_t{8});

    // An intact segment followed by a gap: missing records, at the next file.
    SegmentScanner intact(seg, "a", 1);
    while (intact.Next(&r)) {
    }
    intact.EndBefore("b", 10);
    QCOMPARE(intact.damage().size(), size_t{1});
    QCOMPARE(intact.damage()[0].kind, WalDamageKind::kMissingRecords);
    QCOMPARE(intact.damage()[0].file, std::string("b"));
    QCOMPARE(intact.damage()[0].first_lost_seq, uint64_t{7});
    QCOMPARE(intact.damage()[0].last_lost_seq, uint64_t{9});

    // No gap, no damage.
    SegmentScanner exact(seg, "a", 1);
    while (exact.Next(&r)) {
    }
    exact.EndBefore("b", 7);
    QVERIFY(exact.damage().empty());
  }

  // Random damage of random kinds: the scanner never returns a record that
  // was not written, never repeats or reorders one, and keeps every record
  // outside the damaged bytes.
  void randomDamageNeverYieldsWrongRecords() {
    std::mt19937 rng(12345);
    const std::string seg = BuildSegment(1, 40);
    for (int round = 0; round < 3000; ++round) {
      std::string bad = seg;
      const size_t lo = kSegmentHeaderSize + rng() % (bad.size() - kSegmentHeaderSize);
      const size_t len = 1 + rng() % 200;
      const size_t hi = std::min(bad.size(), lo + len);
      switch (rng() % 4) {
        case 0: for (size_t i = lo; i < hi; ++i) bad[i] = static_cast<char>(rng()); break;
        case 1: std::fill(bad.begin() + lo, bad.begin() + hi, '\0'); break;
        case 2: bad.resize(lo); break;
        case 3: bad[lo] ^= static_cast<char>(1 << (rng() % 8)); break;
      }
      Scan s = ScanAll(bad);
      QVERIFY(s.payloads_ok);
      QVERIFY(std::is_sorted(s.seqs.begin(), s.seqs.end()));
      QVERIFY(std::adjacent_find(s.seqs.begin(), s.seqs.end()) == s.seqs.end());
      for (uint64_t seq = 1; seq <= 40; ++seq) {
        const bool untouched = Offset(seq + 1) <= lo || (Offset(seq) >= hi && hi < bad.size());
        if (untouched && Offset(seq + 1) <= bad.size())
          QVERIFY2(std::find(s.seqs.begin(), s.seqs.end(), seq) != s.seqs.end(),
                   ("round " + std::to_string(round) + " lost intact record " +
                    std::to_string(seq)).c_str());
      }
      // Without damage reported, what is left is a clean prefix (a cut at a
      // record boundary looks like a shorter log).
      if (s.damage.empty()) QCOMPARE(s.seqs, Range(1, s.seqs.size()));
    }
  }
};

QTEST_GUILESS_MAIN(SegmentScannerTest)
#include "segment_scanner_test.moc"
