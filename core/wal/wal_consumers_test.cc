// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Consumer positions, segment deletion, the disk cap and a full disk.
#include <sys/mount.h>

#include <QTemporaryDir>

#include "core/wal/wal_inspect.h"
#include "core/wal/wal_test_util.h"
#include "core/wal/write_ahead_log.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost;
using namespace sinkhost::wal_testing;

namespace {

constexpr size_t kPayload = 40;
constexpr uint64_t kRecord = 24 + kPayload;

std::unique_ptr<WriteAheadLog> OpenLog(const std::string& dir, WalOptions o) {
  std::unique_ptr<WriteAheadLog> log;
  Status st = WriteAheadLog::Open(dir, o, &log);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  return log;
}

WalOptions Small(WalIo* io = nullptr) {
  WalOptions o = Options(FsyncPolicy::kInterval, io);
  o.segment_bytes = 32 + 10 * kRecord;  // ten records a segment
  return o;
}

// Appends until the log refuses; returns the last refusal.
Status AppendUntilRefused(WriteAheadLog* log, std::vector<uint64_t>* accepted, int limit = 100000) {
  for (int i = 0; i < limit; ++i) {
    uint64_t seq = 0;
    Status st = log->Append(Payload(log->last_seq() + 1, kPayload), 0, &seq);
    if (!st.ok()) return st;
    accepted->push_back(seq);
  }
  return Status::OK();
}

uint64_t Position(WriteAheadLog* log, const std::string& name) {
  uint64_t pos = 0;
  if (!log->ConsumerPosition(name, &pos).ok()) qFatal("no consumer %s", name.c_str());
  return pos;
}

// Mounts a tmpfs of `bytes` on a fresh directory, when allowed (root with
// CAP_SYS_ADMIN); unmounts on destruction.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(uint64_t bytes) {
    const std::string opts = "size=" + std::to_string(bytes);
    mounted_ = ::mount("tmpfs", dir_.path().toUtf8().constData(), "tmpfs", 0, opts.c_str()) == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) ::umount2(dir_.path().toUtf8().constData(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  std::string path() const { return dir_.path().toStdString(); }

 private:
  QTemporaryDir dir_;
  bool mounted_ = false;
};

}  // namespace

class WalConsumersTest : public QObject {
  Q_OBJECT
 private slots:
  void positionsPersistAcrossReopen() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    {
      auto log = OpenLog(dir, Small());
      for (int i = 0; i < 30; ++i) QVERIFY(log->Append(Payload(i + 1, kPayload)).ok());
      uint64_t start = 99;
      QVERIFY(log->RegisterConsumer("sqlite", &start).ok());
      QCOMPARE(start, uint64_t{0});
      QVERIFY(log->RegisterConsumer("clickhouse").ok());
      QVERIFY(log->Confirm("sqlite", 25).ok());
      QVERIFY(log->Confirm("clickhouse", 7).ok());
      QVERIFY(log->Confirm("sqlite", 20).ok());  // older: ignored
      QCOMPARE(Position(log.get(), "sqlite"), uint64_t{25});
      QVERIFY(log->Confirm("sqlite", 31).IsInvalidArgument());  // beyond the log
      QVERIFY(log->Confirm("nobody", 1).IsInvalidArgument());
      QVERIFY(log->RegisterConsumer("../etc").IsInvalidArgument());
      QVERIFY(log->RegisterConsumer("").IsInvalidArgument());
    }
    auto log = OpenLog(dir, Small());
    QCOMPARE(Position(log.get(), "sqlite"), uint64_t{25});
    QCOMPARE(Position(log.get(), "clickhouse"), uint64_t{7});
    uint64_t again = 0;
    QVERIFY(log->RegisterConsumer("clickhouse", &again).ok());
    QCOMPARE(again, uint64_t{7});
    const WalStats st = log->Stats();
    QCOMPARE(st.consumers.size(), size_t{2});
    QCOMPARE(st.consumers[0].name, std::string("clickhouse"));
    // Replay for each sink starts after its own position.
    QCOMPARE(ReadLog(log.get(), Position(log.get(), "clickhouse") + 1).seqs, Range(8, 30));
  }

  // A segment goes once every consumer has confirmed all of it, and not
  // before; the live segment stays.
  void segmentsGoOnceEveryConsumerConfirmedThem() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    auto log = OpenLog(dir, Small());
    QVERIFY(log->RegisterConsumer("a").ok());
    QVERIFY(log->RegisterConsumer("b").ok());
    for (int i = 0; i < 45; ++i) QVERIFY(log->Append(Payload(i + 1, kPayload)).ok());
    QCOMPARE(log->Stats().segments, uint64_t{5});  // 1, 11, 21, 31, 41
    QVERIFY(log->Confirm("a", 45).ok());
    QCOMPARE(log->Stats().segments, uint64_t{5});  // b holds them all
    QVERIFY(log->Confirm("b", 19).ok());           // frees 1..10 only
    QVERIFY(!FileExists(SegmentPath(dir, 1)));
    QVERIFY(FileExists(SegmentPath(dir, 11)));
    QCOMPARE(log->Stats().segments, uint64_t{4});
    QCOMPARE(log->Stats().first_seq, uint64_t{11});
    QVERIFY(log->Confirm("b", 20).ok());
    QVERIFY(!FileExists(SegmentPath(dir, 11)));
    QVERIFY(log->Confirm("b", 45).ok());
    WalStats st = log->Stats();
    QCOMPARE(st.segments, uint64_t{1});
    QVERIFY(FileExists(SegmentPath(dir, 41)));
    QCOMPARE(st.total_bytes, FileSize(SegmentPath(dir, 41)));
    QCOMPARE(st.segments_deleted, uint64_t{4});
    QVERIFY(ReadLog(log.get(), 46).seqs.empty());
  }

  void noConsumerMeansNothingIsDeleted() {
    QTemporaryDir tmp;
    auto log = OpenLog(tmp.path().toStdString(), Small());
    for (int i = 0; i < 35; ++i) QVERIFY(log->Append(Payload(i + 1, kPayload)).ok());
    QCOMPARE(log->Stats().segments, uint64_t{4});
    QCOMPARE(log->Stats().segments_deleted, uint64_t{0});
  }

  // A consumer registered later starts before the oldest retained record,
  // and holds segments until it confirms; removing it lets them go.
  void lateConsumerAndRemoval() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    auto log = OpenLog(dir, Small());
    QVERIFY(log->RegisterConsumer("a").ok());
    for (int i = 0; i < 35; ++i) QVERIFY(log->Append(Payload(i + 1, kPayload)).ok());
    QVERIFY(log->Confirm("a", 25).ok());
    QCOMPARE(log->Stats().first_seq, uint64_t{21});
    uint64_t start = 0;
    QVERIFY(log->RegisterConsumer("late", &start).ok());
    QCOMPARE(start, uint64_t{20});
    QVERIFY(log->Confirm("a", 35).ok());
    QCOMPARE(log->Stats().first_seq, uint64_t{21});  // "late" holds 21..
    QVERIFY(log->RemoveConsumer("late").ok());
    QVERIFY(!FileExists(dir + "/late.pos"));
    QCOMPARE(log->Stats().first_seq, uint64_t{31});
    QVERIFY(log->RemoveConsumer("late").IsInvalidArgument());
  }

  // Positions written but segments not yet deleted (a crash in between):
  // Open deletes them.
  void openFinishesInterruptedDeletions() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    {
      auto log = OpenLog(dir, Small());
      QVERIFY(log->RegisterConsumer("a").ok());
      for (int i = 0; i < 35; ++i) QVERIFY(log->Append(Payload(i + 1, kPayload)).ok());
    }
    FILE* f = std::fopen((dir + "/a.pos").c_str(), "w");
    const std::string text = wal_format::EncodeConsumerFile(30);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    auto log = OpenLog(dir, Small());
    QCOMPARE(log->Stats().first_seq, uint64_t{31});
    QVERIFY(!FileExists(SegmentPath(dir, 21)));
  }

  // At the cap appends are refused with Busy and a retry-after hint; the
  // log is unchanged; confirmations that free segments let appends resume.
  void capRefusesUntilConfirmationsFreeSpace() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    WalOptions o = Small();
    o.max_total_bytes = 4 * (32 + 10 * kRecord);
    o.full_retry_after_ms = 750;
    auto log = OpenLog(dir, o);
    QVERIFY(log->RegisterConsumer("sink").ok());
    std::vector<uint64_t> accepted;
    Status st = AppendUntilRefused(log.get(), &accepted);
    QVERIFY(st.IsBusy());
    QCOMPARE(st.retry_after_ms(), int64_t{750});
    QVERIFY2(st.message().find("full") != std::string::npos, st.ToString().c_str());
    QCOMPARE(accepted, Range(1, 40));
    WalStats full = log->Stats();
    QVERIFY(full.total_bytes <= o.max_total_bytes);
    QCOMPARE(full.rejected_full, uint64_t{1});
    QVERIFY(log->Append("more").IsBusy());
    QCOMPARE(log->last_seq(), uint64_t{40});
    QCOMPARE(log->Stats().total_bytes, full.total_bytes);

    QVERIFY(log->Confirm("sink", 15).ok());  // frees segment 1..10
    accepted.clear();
    QVERIFY(AppendUntilRefused(log.get(), &accepted).IsBusy());
    QCOMPARE(accepted, Range(41, 50));
    ReadBack rb = ReadLog(log.get(), 16);
    QCOMPARE(rb.seqs, Range(16, 50));
    QVERIFY(rb.damage.empty());
  }

  // A cap below one segment: everything sits in the live segment, which
  // is never deleted; once all of it is confirmed the log starts a new
  // segment so that the old one can go.
  void capSmallerThanASegment() {
    QTemporaryDir tmp;
    WalOptions o = Small();
    o.segment_bytes = 1 << 20;
    o.max_total_bytes = 2048;
    auto log = OpenLog(tmp.path().toStdString(), o);
    QVERIFY(log->RegisterConsumer("sink").ok());
    std::vector<uint64_t> accepted;
    QVERIFY(AppendUntilRefused(log.get(), &accepted).IsBusy());
    QCOMPARE(accepted.size(), size_t{31});  // (2048 - 2 * 32) / 64 = 31
    QVERIFY(log->Confirm("sink", 31).ok());
    QVERIFY(log->Append(Payload(32, kPayload)).ok());
    QCOMPARE(log->Stats().segments, uint64_t{1});
    QCOMPARE(ReadLog(log.get()).seqs, Range(32, 32));
  }

  void recordLargerThanTheCapIsInvalid() {
    QTemporaryDir tmp;
    WalOptions o = Small();
    o.max_total_bytes = 4096;
    auto log = OpenLog(tmp.path().toStdString(), o);
    QVERIFY(log->Append(std::string(5000, 'x')).IsInvalidArgument());
    QVERIFY(log->Append("fits").ok());
  }

  // The disk fills in the middle of a record: the partial record is cut
  // off, the append reports Busy like the cap, the numbering has no hole,
  // and appending works again once space returns.
  void diskFullIsBusyAndLeavesTheLogIntact() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    TestIo io;
    {
      auto log = OpenLog(dir, Small(&io));
      QVERIFY(log->RegisterConsumer("sink").ok());
      io.space_left = 5 * kRecord + 30;  // five records and a bit
      std::vector<uint64_t> accepted;
      Status st = AppendUntilRefused(log.get(), &accepted);
      QVERIFY(st.IsBusy());
      QVERIFY2(st.message().find("No space left") != std::string::npos, st.ToString().c_str());
      QCOMPARE(accepted, Range(1, 5));
      QCOMPARE(FileSize(SegmentPath(dir, 1)), 32 + 5 * kRecord);
      QCOMPARE(log->Stats().rejected_no_space, uint64_t{1});
      QVERIFY(log->Append("x").IsBusy());
      io.space_left = -1;  // space is back
      accepted.clear();
      QVERIFY(AppendUntilRefused(log.get(), &accepted, 20).ok());
      QCOMPARE(accepted, Range(6, 25));
    }
    auto log = OpenLog(dir, Small(&io));
    QVERIFY(log->Stats().damage.empty());
    ReadBack rb = ReadLog(log.get());
    QCOMPARE(rb.seqs, Range(1, 25));
    QVERIFY(rb.damage.empty());
  }

  // Out of space exactly when a new segment must start: no half-created
  // segment is left behind.
  void diskFullWhileStartingASegment() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    TestIo io;
    auto log = OpenLog(dir, Small(&io));
    for (int i = 0; i < 10; ++i) QVERIFY(log->Append(Payload(i + 1, kPayload)).ok());
    io.space_left = 10;
    QVERIFY(log->Append(Payload(11, kPayload)).IsBusy());
    QVERIFY(!FileExists(SegmentPath(dir, 11)));
    QCOMPARE(log->Stats().segments, uint64_t{1});
    io.space_left = -1;
    uint64_t seq = 0;
    QVERIFY(log->Append(Payload(11, kPayload), 0, &seq).ok());
    QCOMPARE(seq, uint64_t{11});
    QCOMPARE(ReadLog(log.get()).seqs, Range(1, 11));
  }

  // A full disk must not keep confirmations from freeing space: the
  // position takes effect in memory and deletes what it frees, then the
  // file is written once there is room.
  void diskFullWhileConfirming() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    TestIo io;
    auto log = OpenLog(dir, Small(&io));
    QVERIFY(log->RegisterConsumer("sink").ok());
    for (int i = 0; i < 20; ++i) QVERIFY(log->Append(Payload(i + 1, kPayload)).ok());
    QVERIFY(log->Confirm("sink", 5).ok());
    io.space_left = 0;
    QVERIFY(log->Confirm("sink", 15).IsBusy());
    QCOMPARE(Position(log.get(), "sink"), uint64_t{15});
    QVERIFY(!FileExists(SegmentPath(dir, 1)));  // freed all the same
    {
      // A crash now: the file still says 5; replay starts at the oldest
      // segment left, and nothing is reported damaged.
      WalReport report;
      QVERIFY(VerifyWal(dir, &report).ok());
      QCOMPARE(report.consumers[0].confirmed_seq, uint64_t{5});
    }
    io.space_left = -1;
    QVERIFY(log->Confirm("sink", 15).ok());  // same seq: now written
    log.reset();
    log = OpenLog(dir, Small(&io));
    QCOMPARE(Position(log.get(), "sink"), uint64_t{15});
    QVERIFY(log->Stats().damage.empty());
    QCOMPARE(ReadLog(log.get(), 16).seqs, Range(16, 20));
  }

  // The same on a real, small file system (skipped where mounting a tmpfs
  // is not allowed).
  void realFullFilesystem() {
    SmallFilesystem fs(64 * 1024);
    if (!fs.mounted()) QSKIP("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)");
    const std::string dir = fs.path() + "/events";
    WalOptions o = Options(FsyncPolicy::kAlways);
    o.segment_bytes = 16 * 1024;
    std::vector<uint64_t> accepted;
    {
      auto log = OpenLog(dir, o);
      QVERIFY(log->RegisterConsumer("sink").ok());
      Status st;
      for (int i = 0; i < 100000 && st.ok(); ++i) {
        uint64_t seq = 0;
        st = log->Append(Payload(log->last_seq() + 1, 1000), 0, &seq);
        if (st.ok()) accepted.push_back(seq);
      }
      QVERIFY2(st.IsBusy(), st.ToString().c_str());
      QVERIFY2(st.message().find("No space left") != std::string::npos, st.ToString().c_str());
      QVERIFY(accepted.size() > 20);
      qInfo("tmpfs full after %zu records: %s", accepted.size(), st.ToString().c_str());
      ReadBack rb = ReadLog(log.get());
      QCOMPARE(rb.seqs, accepted);
      QVERIFY(rb.damage.empty());
      // Confirming frees whole segments, and appends resume.
      QVERIFY(log->Confirm("sink", accepted.back()).ok());
      QVERIFY(log->Append(Payload(log->last_seq() + 1, 1000)).ok());
    }
    auto log = OpenLog(dir, o);
    QVERIFY(log->Stats().damage.empty());
    QCOMPARE(ReadLog(log.get(), accepted.back() + 1).seqs.size(), size_t{1});
  }
};

QTEST_GUILESS_MAIN(WalConsumersTest)
#include "wal_consumers_test.moc"
