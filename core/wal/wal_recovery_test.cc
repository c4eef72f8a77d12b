// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Damage on disk and what Open and readers make of it: torn, truncated,
// zero-filled and garbage tails, flipped bytes in the middle of the last
// and of an earlier segment, half-created segments, bad consumer files,
// and appending after each.
#include <QTemporaryDir>

#include "core/wal/wal_inspect.h"
#include "core/wal/wal_test_util.h"
#include "core/wal/write_ahead_log.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost;
using namespace sinkhost::wal_testing;

namespace {

constexpr size_t kPayload = 40;

std::unique_ptr<WriteAheadLog> OpenLog(const std::string& dir, uint64_t segment_bytes = 1 << 20) {
  WalOptions o = Options(FsyncPolicy::kInterval);
  o.segment_bytes = segment_bytes;
  std::unique_ptr<WriteAheadLog> log;
  Status st = WriteAheadLog::Open(dir, o, &log);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  return log;
}

void Fill(const std::string& dir, uint64_t count, uint64_t segment_bytes = 1 << 20) {
  auto log = OpenLog(dir, segment_bytes);
  for (uint64_t s = 1; s <= count; ++s)
    if (!log->Append(Payload(s, kPayload)).ok()) qFatal("append failed");
}

uint64_t Offset(uint64_t seq, uint64_t first_seq = 1) {
  return RecordOffset(first_seq, seq, kPayload);
}

// Appends `n` more records and returns their numbers.
std::vector<uint64_t> AppendMore(WriteAheadLog* log, int n) {
  std::vector<uint64_t> seqs;
  for (int i = 0; i < n; ++i) {
    uint64_t seq = 0;
    Status st = log->Append(Payload(log->last_seq() + 1, kPayload), 0, &seq);
    if (!st.ok()) qFatal("%s", st.ToString().c_str());
    seqs.push_back(seq);
  }
  return seqs;
}

std::vector<uint64_t> Concat(std::vector<uint64_t> a, const std::vector<uint64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool PayloadsMatch(const ReadBack& rb) {
  for (size_t i = 0; i < rb.seqs.size(); ++i)
    if (rb.payloads[i] != Payload(rb.seqs[i], kPayload)) return false;
  return true;
}

}  // namespace

class WalRecoveryTest : public QObject {
  Q_OBJECT
 private slots:
  // A torn write that ended inside the last record's header: the record
  // never got a number anyone saw, so appending reuses it.
  void tornHeaderAtTheTail() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 20);
    TruncateFile(SegmentPath(dir, 1), Offset(20) + 10);
    auto log = OpenLog(dir);
    WalStats st = log->Stats();
    QCOMPARE(st.damage.size(), size_t{1});
    QCOMPARE(st.damage[0].kind, WalDamageKind::kTruncatedHeader);
    QCOMPARE(st.damage[0].offset, Offset(20));
    QVERIFY(st.damage[0].repaired);
    QCOMPARE(FileSize(SegmentPath(dir, 1)), Offset(20));
    QCOMPARE(log->last_seq(), uint64_t{19});
    const auto more = AppendMore(log.get(), 5);
    QCOMPARE(more, Range(20, 24));
    ReadBack rb = ReadLog(log.get());
    QCOMPARE(rb.seqs, Range(1, 24));
    QVERIFY(PayloadsMatch(rb));
    QVERIFY(rb.damage.empty());
  }

  // Cut inside the payload: record 20's header is sound, so number 20 was
  // handed out (and may have been acknowledged under interval): it is
  // reported lost and never reused; appending starts a new segment at 21.
  void truncatedRecordAtTheTail() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 20);
    TruncateFile(SegmentPath(dir, 1), Offset(20) + 30);
    auto log = OpenLog(dir);
    WalStats st = log->Stats();
    QCOMPARE(st.damage.size(), size_t{1});
    QCOMPARE(st.damage[0].kind, WalDamageKind::kTruncatedRecord);
    QCOMPARE(st.damage[0].first_lost_seq, uint64_t{20});
    QCOMPARE(st.damage[0].last_lost_seq, uint64_t{20});
    QVERIFY(st.damage[0].repaired);
    QCOMPARE(log->last_seq(), uint64_t{20});
    QCOMPARE(AppendMore(log.get(), 3), Range(21, 23));
    QVERIFY(FileExists(SegmentPath(dir, 21)));
    ReadBack rb = ReadLog(log.get());
    QCOMPARE(rb.seqs, Without(Range(1, 23), {20}));
    QVERIFY(PayloadsMatch(rb));
    QCOMPARE(rb.damage.size(), size_t{1});
    QCOMPARE(rb.damage[0].kind, WalDamageKind::kMissingRecords);
    QCOMPARE(rb.damage[0].lost_records(), uint64_t{1});
  }

  void zeroFilledTail() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 30);
    ZeroFill(SegmentPath(dir, 1), Offset(25), 8192);
    auto log = OpenLog(dir);
    WalStats st = log->Stats();
    QCOMPARE(st.damage.size(), size_t{1});
    QCOMPARE(st.damage[0].kind, WalDamageKind::kZeroFilled);
    QCOMPARE(st.damage[0].offset, Offset(25));
    QVERIFY(st.damage[0].repaired);
    QCOMPARE(FileSize(SegmentPath(dir, 1)), Offset(25));
    QCOMPARE(AppendMore(log.get(), 2), Range(25, 26));
    ReadBack rb = ReadLog(log.get());
    QCOMPARE(rb.seqs, Range(1, 26));
    QVERIFY(PayloadsMatch(rb));
    QVERIFY(rb.damage.empty());
  }

  void garbageTail() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 10);
    AppendGarbage(SegmentPath(dir, 1), 333);
    auto log = OpenLog(dir);
    QCOMPARE(log->Stats().damage.size(), size_t{1});
    QCOMPARE(log->Stats().damage[0].kind, WalDamageKind::kBadHeaderChecksum);
    QCOMPARE(log->Stats().damage[0].bytes, uint64_t{333});
    QCOMPARE(AppendMore(log.get(), 1), Range(11, 11));
    QCOMPARE(ReadLog(log.get()).seqs, Range(1, 11));
  }

  // Flipped bytes in the middle of the last segment: the records after the
  // damage are kept (resynchronised), nothing is cut off, appending goes on
  // in the same segment, and the damage stays visible to readers.
  void flippedBytesInTheMiddleOfTheLastSegment() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 30);
    XorByte(SegmentPath(dir, 1), Offset(12) + 3);   // record 12's header
    XorByte(SegmentPath(dir, 1), Offset(20) + 30);  // record 20's payload
    const uint64_t size = FileSize(SegmentPath(dir, 1));
    auto log = OpenLog(dir);
    WalStats st = log->Stats();
    QCOMPARE(st.damage.size(), size_t{2});
    QCOMPARE(st.damage[0].kind, WalDamageKind::kBadHeaderChecksum);
    QCOMPARE(st.damage[1].kind, WalDamageKind::kBadPayloadChecksum);
    QVERIFY(!st.damage[0].repaired && !st.damage[1].repaired);
    QCOMPARE(FileSize(SegmentPath(dir, 1)), size);
    QCOMPARE(AppendMore(log.get(), 3), Range(31, 33));
    QCOMPARE(FileSize(SegmentPath(dir, 1)), size + 3 * (24 + kPayload));
    ReadBack rb = ReadLog(log.get());
    QCOMPARE(rb.seqs, Without(Range(1, 33), {12, 20}));
    QVERIFY(PayloadsMatch(rb));
    QCOMPARE(rb.damage.size(), size_t{2});
    QCOMPARE(rb.damage[0].first_lost_seq, uint64_t{12});
    QCOMPARE(rb.damage[1].first_lost_seq, uint64_t{20});
  }

  // Damage in an earlier segment is not looked for at Open (that would
  // read the whole log twice); the replay reader finds it, keeps what is
  // intact on both sides, and reports it into the log's stats.
  void flippedBytesInAnEarlierSegment() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 60, 1024);  // 15 records a segment: 1, 16, 31, 46
    XorByte(SegmentPath(dir, 16), Offset(20, 16) + 40);
    auto log = OpenLog(dir, 1024);
    QVERIFY(log->Stats().damage.empty());
    QCOMPARE(AppendMore(log.get(), 1), Range(61, 61));
    ReadBack rb = ReadLog(log.get());
    QCOMPARE(rb.seqs, Without(Range(1, 61), {20}));
    QVERIFY(PayloadsMatch(rb));
    QCOMPARE(rb.damage.size(), size_t{1});
    QCOMPARE(rb.damage[0].file, std::string("00000000000000000016.seg"));
    QCOMPARE(rb.damage[0].kind, WalDamageKind::kBadPayloadChecksum);
    QCOMPARE(log->Stats().damage.size(), size_t{1});
  }

  // An earlier segment cut short: its tail is lost, and since the next
  // segment says where numbering resumed, exactly which records are lost
  // is known.
  void truncatedEarlierSegment() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 60, 1024);
    TruncateFile(SegmentPath(dir, 16), Offset(22, 16) + 5);
    auto log = OpenLog(dir, 1024);
    ReadBack rb = ReadLog(log.get());
    QCOMPARE(rb.seqs, Concat(Range(1, 21), Range(31, 60)));
    QCOMPARE(rb.damage.size(), size_t{1});
    QCOMPARE(rb.damage[0].kind, WalDamageKind::kTruncatedHeader);
    QCOMPARE(rb.damage[0].first_lost_seq, uint64_t{22});
    QCOMPARE(rb.damage[0].last_lost_seq, uint64_t{30});
    // The same through inspect/verify.
    WalReport report;
    QVERIFY(!VerifyWal(dir, &report).ok());
    QCOMPARE(report.lost_records, uint64_t{9});
  }

  void zeroFilledEarlierSegment() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 45, 1024);
    ZeroFill(SegmentPath(dir, 1), Offset(10));
    auto log = OpenLog(dir, 1024);
    ReadBack rb = ReadLog(log.get());
    QCOMPARE(rb.seqs, Concat(Range(1, 9), Range(16, 45)));
    QCOMPARE(rb.damage.size(), size_t{1});
    QCOMPARE(rb.damage[0].kind, WalDamageKind::kZeroFilled);
    QCOMPARE(rb.damage[0].lost_records(), uint64_t{6});
  }

  // A crash right after creating a segment file: empty, or a header that
  // never reached the disk. Nothing in it; it is removed and recreated.
  void halfCreatedLastSegment() {
    for (int variant = 0; variant < 3; ++variant) {
      QTemporaryDir tmp;
      const std::string dir = tmp.path().toStdString();
      Fill(dir, 15, 1024);  // exactly one full segment
      const std::string next = SegmentPath(dir, 16);
      {
        int fd = ::open(next.c_str(), O_WRONLY | O_CREAT, 0644);
        ::close(fd);
      }
      if (variant == 1) ZeroFill(next, 0, 32);
      if (variant == 2) AppendGarbage(next, 20);
      auto log = OpenLog(dir, 1024);
      QCOMPARE(log->Stats().damage.size(), size_t{1});
      QVERIFY(log->Stats().damage[0].repaired);
      QCOMPARE(log->last_seq(), uint64_t{15});
      QCOMPARE(AppendMore(log.get(), 2), Range(16, 17));
      ReadBack rb = ReadLog(log.get());
      QCOMPARE(rb.seqs, Range(1, 17));
      QVERIFY(rb.damage.empty());
    }
  }

  // The last segment's header is corrupt but records follow: they are
  // kept, the file is left alone, and appending starts a new segment.
  void corruptHeaderOfTheLastSegment() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 10);
    XorByte(SegmentPath(dir, 1), 2);
    auto log = OpenLog(dir);
    QCOMPARE(log->Stats().damage.size(), size_t{1});
    QCOMPARE(log->Stats().damage[0].kind, WalDamageKind::kBadSegmentHeader);
    QCOMPARE(AppendMore(log.get(), 2), Range(11, 12));
    QVERIFY(FileExists(SegmentPath(dir, 11)));
    QCOMPARE(ReadLog(log.get()).seqs, Range(1, 12));
  }

  // Under interval or never a power loss can take records a sink already
  // confirmed. Their numbers must not come back: numbering resumes after
  // the highest confirmed position.
  void numbersConfirmedBySomeSinkAreNeverReused() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    {
      auto log = OpenLog(dir);
      for (uint64_t s = 1; s <= 50; ++s) QVERIFY(log->Append(Payload(s, kPayload)).ok());
      QVERIFY(log->RegisterConsumer("fast").ok());
      QVERIFY(log->RegisterConsumer("slow").ok());
      QVERIFY(log->Confirm("fast", 50).ok());
      QVERIFY(log->Confirm("slow", 10).ok());
    }
    TruncateFile(SegmentPath(dir, 1), Offset(41));  // records 41..50 "lost"
    auto log = OpenLog(dir);
    QCOMPARE(log->last_seq(), uint64_t{50});
    QCOMPARE(AppendMore(log.get(), 2), Range(51, 52));
    ReadBack rb = ReadLog(log.get(), 11);
    QCOMPARE(rb.seqs, Concat(Range(11, 40), Range(51, 52)));
    QCOMPARE(rb.damage.size(), size_t{1});
    QCOMPARE(rb.damage[0].kind, WalDamageKind::kMissingRecords);
    QCOMPARE(rb.damage[0].first_lost_seq, uint64_t{41});
    QCOMPARE(rb.damage[0].last_lost_seq, uint64_t{50});
  }

  void corruptConsumerFileMeansNothingConfirmed() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    {
      auto log = OpenLog(dir);
      for (uint64_t s = 1; s <= 20; ++s) QVERIFY(log->Append(Payload(s, kPayload)).ok());
      QVERIFY(log->RegisterConsumer("db").ok());
      QVERIFY(log->Confirm("db", 15).ok());
    }
    XorByte(dir + "/db.pos", 30, 0x01);  // a digit of the position
    auto log = OpenLog(dir);
    WalStats st = log->Stats();
    QCOMPARE(st.damage.size(), size_t{1});
    QCOMPARE(st.damage[0].kind, WalDamageKind::kBadConsumerFile);
    QVERIFY(st.damage[0].repaired);
    uint64_t pos = 99;
    QVERIFY(log->ConsumerPosition("db", &pos).ok());
    QCOMPARE(pos, uint64_t{0});
    log.reset();
    WalReport report;
    QVERIFY(VerifyWal(dir, &report).ok());  // the file was rewritten
  }

  // Recovery is idempotent: the second Open after damage finds a clean log.
  void reopeningTwiceAfterDamageIsClean() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    Fill(dir, 20);
    ZeroFill(SegmentPath(dir, 1), Offset(18) + 7, 100);
    { auto log = OpenLog(dir); QCOMPARE(log->Stats().damage.size(), size_t{1}); }
    auto log = OpenLog(dir);
    QVERIFY(log->Stats().damage.empty());
    QCOMPARE(log->last_seq(), uint64_t{17});
    WalReport report;
    log.reset();
    QVERIFY(VerifyWal(dir, &report).ok());
  }

  // Every possible cut of the last record, reopened and appended to: the
  // log always ends up readable with only the cut record missing.
  void everyCutOfTheLastRecordRecovers() {
    QTemporaryDir tmp;
    const std::string base = tmp.path().toStdString();
    for (uint64_t cut = 0; cut < 24 + kPayload; cut += 3) {
      const std::string dir = base + "/cut" + std::to_string(cut);
      Fill(dir, 8);
      TruncateFile(SegmentPath(dir, 1), Offset(8) + cut);
      auto log = OpenLog(dir);
      const auto more = AppendMore(log.get(), 2);
      ReadBack rb = ReadLog(log.get());
      QCOMPARE(rb.seqs, Concat(Range(1, 7), more));
      QVERIFY(PayloadsMatch(rb));
      QCOMPARE(more.front(), uint64_t{cut < 24 ? 8u : 9u});
    }
  }
};

QTEST_GUILESS_MAIN(WalRecoveryTest)
#include "wal_recovery_test.moc"
