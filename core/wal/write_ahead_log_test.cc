// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The write-ahead log's basic contract: append, read back, roll segments,
// reopen, replay from a position.
#include "core/wal/write_ahead_log.h"

#include <QTemporaryDir>

#include "core/wal/wal_test_util.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost;
using namespace sinkhost::wal_testing;

namespace {

std::unique_ptr<WriteAheadLog> OpenLog(const std::string& dir, WalOptions o) {
  std::unique_ptr<WriteAheadLog> log;
  Status st = WriteAheadLog::Open(dir, o, &log);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  return log;
}

void AppendRange(WriteAheadLog* log, uint64_t first, uint64_t last, size_t size = 40) {
  for (uint64_t s = first; s <= last; ++s) {
    uint64_t seq = 0;
    Status st = log->Append(Payload(s, size), 0, &seq);
    if (!st.ok()) qFatal("%s", st.ToString().c_str());
    if (seq != s)
      qFatal("expected seq %llu, got %llu", (unsigned long long)s, (unsigned long long)seq);
  }
}

}  // namespace

class WriteAheadLogTest : public QObject {
  Q_OBJECT
 private slots:
  void roundTrip() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString() + "/events";
    auto log = OpenLog(dir, Options());
    AppendRange(log.get(), 1, 100);
    QCOMPARE(log->last_seq(), uint64_t{100});
    ReadBack rb = ReadLog(log.get());
    QVERIFY(rb.status.ok());
    QCOMPARE(rb.seqs, Range(1, 100));
    for (uint64_t s = 1; s <= 100; ++s) QCOMPARE(rb.payloads[s - 1], Payload(s));
    QVERIFY(rb.damage.empty());
    QVERIFY(log->Stats().damage.empty());
  }

  void partsTypesAndEmptyPayloads() {
    QTemporaryDir tmp;
    auto log = OpenLog(tmp.path().toStdString(), Options());
    const std::string_view parts[] = {"head|", "", "body|", "tail"};
    uint64_t a = 0, b = 0;
    QVERIFY(log->Append(parts, 7, &a).ok());
    QVERIFY(log->Append("", 200, &b).ok());
    QCOMPARE(a, uint64_t{1});
    QCOMPARE(b, uint64_t{2});
    std::unique_ptr<WalReader> reader;
    QVERIFY(log->NewReader(0, &reader).ok());
    WalRecord r;
    QVERIFY(reader->Next(&r));
    QCOMPARE(std::string(r.payload), std::string("head|body|tail"));
    QCOMPARE(r.type, uint8_t{7});
    QVERIFY(reader->Next(&r));
    QCOMPARE(r.payload.size(), size_t{0});
    QCOMPARE(r.type, uint8_t{200});
    QVERIFY(!reader->Next(&r));

    std::vector<std::string_view> too_many(WriteAheadLog::kMaxParts + 1, "x");
    QVERIFY(log->Append(too_many, 0, nullptr).IsInvalidArgument());
  }

  void rollsSegmentsAtTheConfiguredSize() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    WalOptions o = Options();
    o.segment_bytes = 1024;
    auto log = OpenLog(dir, o);
    AppendRange(log.get(), 1, 100);  // 64 bytes a record: 15 per segment
    WalStats st = log->Stats();
    QCOMPARE(st.segments, uint64_t{7});
    QCOMPARE(st.first_seq, uint64_t{1});
    for (uint64_t first = 1; first <= 91; first += 15) {
      QVERIFY(FileExists(SegmentPath(dir, first)));
      QVERIFY(FileSize(SegmentPath(dir, first)) <= 1024);
    }
    uint64_t bytes = 0;
    for (uint64_t first = 1; first <= 91; first += 15) bytes += FileSize(SegmentPath(dir, first));
    QCOMPARE(st.total_bytes, bytes);
    QCOMPARE(ReadLog(log.get()).seqs, Range(1, 100));

    // A record larger than a segment goes whole into one of its own.
    uint64_t big = 0;
    QVERIFY(log->Append(std::string(5000, 'b'), 0, &big).ok());
    QVERIFY(FileSize(SegmentPath(dir, big)) > 5000);
    AppendRange(log.get(), 102, 103);
    QVERIFY(FileExists(SegmentPath(dir, 102)));
  }

  void reopenContinuesTheNumbering() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    WalOptions o = Options(FsyncPolicy::kInterval);
    o.segment_bytes = 1024;
    {
      auto log = OpenLog(dir, o);
      AppendRange(log.get(), 1, 40);
      QVERIFY(log->Close().ok());
    }
    {
      auto log = OpenLog(dir, o);
      QCOMPARE(log->last_seq(), uint64_t{40});
      QVERIFY(log->Stats().damage.empty());
      AppendRange(log.get(), 41, 60);
    }  // destructor closes
    auto log = OpenLog(dir, o);
    ReadBack rb = ReadLog(log.get());
    QCOMPARE(rb.seqs, Range(1, 60));
    for (uint64_t s = 1; s <= 60; ++s) QCOMPARE(rb.payloads[s - 1], Payload(s));
    QVERIFY(rb.damage.empty());
  }

  void readerStartsAtAPosition() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    WalOptions o = Options();
    o.segment_bytes = 512;
    auto log = OpenLog(dir, o);
    AppendRange(log.get(), 1, 50);
    for (uint64_t from : {0, 1, 2, 7, 8, 9, 33, 50}) {
      ReadBack rb = ReadLog(log.get(), from);
      QCOMPARE(rb.seqs, Range(std::max<uint64_t>(from, 1), 50));
      QVERIFY(rb.damage.empty());
    }
    QVERIFY(ReadLog(log.get(), 51).seqs.empty());
    QCOMPARE(ReadDir(dir, 20).seqs, Range(20, 50));
  }

  // A reader sees the log as it was when made: later appends are not in it,
  // and deleting its segments meanwhile does not disturb it.
  void readerIsASnapshot() {
    QTemporaryDir tmp;
    WalOptions o = Options();
    o.segment_bytes = 512;
    auto log = OpenLog(tmp.path().toStdString(), o);
    AppendRange(log.get(), 1, 30);
    std::unique_ptr<WalReader> reader;
    QVERIFY(log->NewReader(1, &reader).ok());
    AppendRange(log.get(), 31, 60);
    QVERIFY(log->RegisterConsumer("only").ok());
    QVERIFY(log->Confirm("only", 59).ok());
    QVERIFY(log->Stats().segments_deleted > 0);
    ReadBack rb = Drain(reader.get());
    QCOMPARE(rb.seqs, Range(1, 30));
    QVERIFY(rb.damage.empty());
  }

  void syncMakesEverythingDurable() {
    QTemporaryDir tmp;
    TestIo io;
    auto log = OpenLog(tmp.path().toStdString(), Options(FsyncPolicy::kNever, &io));
    AppendRange(log.get(), 1, 10);
    QCOMPARE(log->durable_seq(), uint64_t{0});
    QCOMPARE(io.data_syncs.load(), uint64_t{0});
    QVERIFY(log->Sync().ok());
    QCOMPARE(log->durable_seq(), uint64_t{10});
    QCOMPARE(log->Stats().fsyncs, uint64_t{1});
  }

  void oneLogPerDirectory() {
    QTemporaryDir tmp;
    auto log = OpenLog(tmp.path().toStdString(), Options());
    std::unique_ptr<WriteAheadLog> second;
    Status st = WriteAheadLog::Open(tmp.path().toStdString(), Options(), &second);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("already open") != std::string::npos, st.ToString().c_str());
    QVERIFY(log->Close().ok());
    QVERIFY(WriteAheadLog::Open(tmp.path().toStdString(), Options(), &second).ok());
  }

  void refusesBadOptionsAndUseAfterClose() {
    QTemporaryDir tmp;
    std::unique_ptr<WriteAheadLog> log;
    WalOptions o = Options();
    o.segment_bytes = 10;
    QVERIFY(WriteAheadLog::Open(tmp.path().toStdString(), o, &log).IsInvalidArgument());
    o = Options(FsyncPolicy::kInterval);
    o.fsync_interval_ms = 0;
    QVERIFY(WriteAheadLog::Open(tmp.path().toStdString(), o, &log).IsInvalidArgument());
    log = OpenLog(tmp.path().toStdString(), Options());
    QVERIFY(log->Append("unsynced").ok());
    QVERIFY(log->Close().ok());
    QCOMPARE(log->Append("x").code(), Status::Code::kIoError);
    QCOMPARE(log->Sync().code(), Status::Code::kIoError);
    std::unique_ptr<WalReader> reader;
    QCOMPARE(log->NewReader(0, &reader).code(), Status::Code::kIoError);
  }

  void parsesPolicyNames() {
    FsyncPolicy p;
    QVERIFY(ParseFsyncPolicy("always", &p) && p == FsyncPolicy::kAlways);
    QVERIFY(ParseFsyncPolicy("interval", &p) && p == FsyncPolicy::kInterval);
    QVERIFY(ParseFsyncPolicy("never", &p) && p == FsyncPolicy::kNever);
    QVERIFY(!ParseFsyncPolicy("sometimes", &p));
  }
};

QTEST_GUILESS_MAIN(WriteAheadLogTest)
#include "write_ahead_log_test.moc"
