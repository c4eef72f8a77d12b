// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// InspectWal / VerifyWal: what `sinkhost wal inspect|verify` will print.
#include "core/wal/wal_inspect.h"

#include <QTemporaryDir>

#include "core/wal/wal_test_util.h"
#include "core/wal/write_ahead_log.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost;
using namespace sinkhost::wal_testing;

namespace {

constexpr size_t kPayload = 40;

// 45 records in segments of ten (1, 11, 21, 31, 41); consumer "a" at 25,
// "b" at 12.
void MakeLog(const std::string& dir) {
  WalOptions o = Options(FsyncPolicy::kNever);
  o.segment_bytes = 32 + 10 * (24 + kPayload);
  std::unique_ptr<WriteAheadLog> log;
  if (!WriteAheadLog::Open(dir, o, &log).ok()) qFatal("open");
  for (uint64_t s = 1; s <= 45; ++s)
    if (!log->Append(Payload(s, kPayload)).ok()) qFatal("append");
  if (!log->RegisterConsumer("a").ok() || !log->RegisterConsumer("b").ok()) qFatal("register");
  if (!log->Confirm("a", 25).ok() || !log->Confirm("b", 12).ok()) qFatal("confirm");
}

}  // namespace

class WalInspectTest : public QObject {
  Q_OBJECT
 private slots:
  void describesAnIntactLog() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    MakeLog(dir);
    WalReport r;
    QVERIFY(VerifyWal(dir, &r).ok());
    QVERIFY(r.intact());
    QCOMPARE(r.segments.size(), size_t{4});  // 1..10 went: both confirmed it
    QCOMPARE(r.segments[0].file, std::string("00000000000000000011.seg"));
    QCOMPARE(r.segments[0].records, uint64_t{10});
    QCOMPARE(r.segments[0].first_record_seq, uint64_t{11});
    QCOMPARE(r.segments[0].last_record_seq, uint64_t{20});
    QVERIFY(r.segments[0].header_ok);
    QCOMPARE(r.segments[3].records, uint64_t{5});
    QCOMPARE(r.records, uint64_t{35});
    QCOMPARE(r.first_seq, uint64_t{11});
    QCOMPARE(r.last_seq, uint64_t{45});
    uint64_t bytes = 0;
    for (const auto& s : r.segments) bytes += FileSize(dir + "/" + s.file);
    QCOMPARE(r.bytes, bytes);
    QCOMPARE(r.consumers.size(), size_t{2});
    QCOMPARE(r.consumers[0].name, std::string("a"));
    QVERIFY(r.consumers[0].ok);
    QCOMPARE(r.consumers[0].confirmed_seq, uint64_t{25});
    QCOMPARE(r.consumers[0].pending_records, uint64_t{20});
    QCOMPARE(r.consumers[1].pending_records, uint64_t{33});
  }

  // Inspect reads everything and changes nothing, damaged or not.
  void reportsDamageWithoutRepairing() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    MakeLog(dir);
    XorByte(SegmentPath(dir, 21), RecordOffset(21, 23, kPayload) + 50);
    TruncateFile(SegmentPath(dir, 31), RecordOffset(31, 38, kPayload) + 3);
    ZeroFill(SegmentPath(dir, 41), RecordOffset(41, 44, kPayload), 500);
    const uint64_t last_size = FileSize(SegmentPath(dir, 41));
    WalReport r;
    Status st = VerifyWal(dir, &r);
    QCOMPARE(st.code(), Status::Code::kIoError);
    QVERIFY2(st.message().find("3 damaged regions") != std::string::npos, st.ToString().c_str());
    QCOMPARE(r.damage.size(), size_t{3});
    QCOMPARE(r.damage[0].kind, WalDamageKind::kBadPayloadChecksum);
    QCOMPARE(r.damage[0].first_lost_seq, uint64_t{23});
    QCOMPARE(r.damage[1].kind, WalDamageKind::kTruncatedHeader);
    QCOMPARE(r.damage[1].first_lost_seq, uint64_t{38});
    QCOMPARE(r.damage[1].last_lost_seq, uint64_t{40});
    QCOMPARE(r.damage[2].kind, WalDamageKind::kZeroFilled);
    QCOMPARE(r.damage[2].lost_records(), uint64_t{0});  // the tail: unknown
    QCOMPARE(r.lost_records, uint64_t{4});
    QCOMPARE(r.segments[1].damaged_regions, uint64_t{1});
    QCOMPARE(r.records, uint64_t{35 - 4 - 2});
    QCOMPARE(FileSize(SegmentPath(dir, 41)), last_size);
    QVERIFY(InspectWal(dir, &r).ok());  // inspect itself succeeds
  }

  void reportsABadConsumerFile() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    MakeLog(dir);
    TruncateFile(dir + "/b.pos", 10);
    WalReport r;
    QVERIFY(!VerifyWal(dir, &r).ok());
    QCOMPARE(r.damage.size(), size_t{1});
    QCOMPARE(r.damage[0].kind, WalDamageKind::kBadConsumerFile);
    QCOMPARE(r.damage[0].file, std::string("b.pos"));
    QVERIFY(!r.consumers[1].ok);
  }

  void emptyAndMissingDirectories() {
    QTemporaryDir tmp;
    WalReport r;
    QVERIFY(VerifyWal(tmp.path().toStdString(), &r).ok());
    QVERIFY(r.segments.empty());
    QCOMPARE(InspectWal(tmp.path().toStdString() + "/nope", &r).code(), Status::Code::kIoError);
  }

  void damageDescribesItself() {
    WalDamage d;
    d.kind = WalDamageKind::kBadPayloadChecksum;
    d.file = "00000000000000000001.seg";
    d.offset = 4096;
    d.bytes = 120;
    d.first_lost_seq = d.last_lost_seq = 57;
    QCOMPARE(d.ToString(), std::string("00000000000000000001.seg at 4096: bad payload checksum, "
                                       "120 bytes, records 57..57 lost"));
  }
};

QTEST_GUILESS_MAIN(WalInspectTest)
#include "wal_inspect_test.moc"
