// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Many appenders under each fsync policy: nothing lost or reordered, group
// commit under always (fewer fsyncs than appends, each append durable when
// it returns), periodic fsyncs under interval, none under never, and a
// failed fsync turning the log read-only.
#include <QTemporaryDir>
#include <chrono>
#include <thread>

#include "core/wal/wal_test_util.h"
#include "core/wal/write_ahead_log.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost;
using namespace sinkhost::wal_testing;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<WriteAheadLog> OpenLog(const std::string& dir, WalOptions o) {
  std::unique_ptr<WriteAheadLog> log;
  Status st = WriteAheadLog::Open(dir, o, &log);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  return log;
}

struct RunResult {
  uint64_t appends = 0;
  uint64_t failures = 0;
  uint64_t not_durable_on_return = 0;  // under always, must stay 0
};

// `threads` appenders, each appending `per_thread` records "T:I".
RunResult RunAppenders(WriteAheadLog* log, int threads, int per_thread, bool check_durable) {
  std::atomic<uint64_t> failures{0}, not_durable{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const std::string payload = std::to_string(t) + ":" + std::to_string(i);
        uint64_t seq = 0;
        if (!log->Append(payload, static_cast<uint8_t>(t), &seq).ok()) {
          ++failures;
          continue;
        }
        if (check_durable && log->durable_seq() < seq) ++not_durable;
      }
    });
  }
  for (auto& t : ts) t.join();
  return {uint64_t(threads) * per_thread, failures.load(), not_durable.load()};
}

// Every record present once, numbered 1..n, each thread's in its order.
void CheckReadBack(WriteAheadLog* log, int threads, int per_thread) {
  std::unique_ptr<WalReader> reader;
  QVERIFY(log->NewReader(0, &reader).ok());
  std::vector<int> next(threads, 0);
  WalRecord r;
  uint64_t expect_seq = 1;
  while (reader->Next(&r)) {
    QCOMPARE(r.seq, expect_seq++);
    const std::string p(r.payload);
    const int t = std::stoi(p.substr(0, p.find(':')));
    const int i = std::stoi(p.substr(p.find(':') + 1));
    QCOMPARE(int(r.type), t);
    QCOMPARE(i, next[t]++);
  }
  QVERIFY(reader->damage().empty());
  for (int t = 0; t < threads; ++t) QCOMPARE(next[t], per_thread);
}

}  // namespace

class WalConcurrencyTest : public QObject {
  Q_OBJECT
 private slots:
  // Each fsync takes 5 ms, so while one runs the other seven appenders
  // queue up and share the next: far fewer fsyncs than appends.
  void alwaysGroupsConcurrentAppendsIntoOneFsync() {
    QTemporaryDir tmp;
    TestIo io;
    io.sync_delay_ms = 5;
    WalOptions o = Options(FsyncPolicy::kAlways, &io);
    o.segment_bytes = 1 << 20;
    auto log = OpenLog(tmp.path().toStdString(), o);
    const uint64_t syncs_before = log->Stats().fsyncs;
    RunResult r = RunAppenders(log.get(), 8, 100, true);
    QCOMPARE(r.failures, uint64_t{0});
    QCOMPARE(r.not_durable_on_return, uint64_t{0});
    const uint64_t fsyncs = log->Stats().fsyncs - syncs_before;
    qInfo("always, 8 threads: %llu appends, %llu fsyncs", (unsigned long long)r.appends,
          (unsigned long long)fsyncs);
    QVERIFY2(fsyncs * 2 < r.appends, ("fsyncs " + std::to_string(fsyncs)).c_str());
    QVERIFY(fsyncs >= r.appends / 8);  // a group is at most the 8 appenders
    QCOMPARE(log->durable_seq(), uint64_t{800});
    CheckReadBack(log.get(), 8, 100);
  }

  // One appender has nobody to share with: one fsync per append.
  void alwaysWithOneAppenderSyncsEachRecord() {
    QTemporaryDir tmp;
    TestIo io;
    io.sync_delay_ms = 1;
    auto log = OpenLog(tmp.path().toStdString(), Options(FsyncPolicy::kAlways, &io));
    const uint64_t before = log->Stats().fsyncs;
    RunResult r = RunAppenders(log.get(), 1, 50, true);
    QCOMPARE(r.not_durable_on_return, uint64_t{0});
    QCOMPARE(log->Stats().fsyncs - before, uint64_t{50});
  }

  // Group commit across segment rolls (small segments), through the split
  // Write + WaitDurable API.
  void alwaysAcrossSegmentRollsWithWriteThenWait() {
    QTemporaryDir tmp;
    TestIo io;
    io.sync_delay_ms = 1;
    WalOptions o = Options(FsyncPolicy::kAlways, &io);
    o.segment_bytes = 600;
    auto log = OpenLog(tmp.path().toStdString(), o);
    std::atomic<uint64_t> not_durable{0}, failures{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 6; ++t) {
      ts.emplace_back([&, t] {
        for (int i = 0; i < 60; ++i) {
          const std::string payload = std::to_string(t) + ":" + std::to_string(i);
          const std::string_view part = payload;
          uint64_t seq = 0;
          if (!log->Write(std::span(&part, 1), static_cast<uint8_t>(t), &seq).ok() ||
              !log->WaitDurable(seq).ok()) {
            ++failures;
            continue;
          }
          if (log->durable_seq() < seq) ++not_durable;
        }
      });
    }
    for (auto& t : ts) t.join();
    QCOMPARE(failures.load(), uint64_t{0});
    QCOMPARE(not_durable.load(), uint64_t{0});
    QVERIFY(log->Stats().segments > 10);
    CheckReadBack(log.get(), 6, 60);
  }

  // Appends do not wait; the background thread syncs every 20 ms.
  void intervalSyncsInTheBackground() {
    QTemporaryDir tmp;
    TestIo io;
    WalOptions o = Options(FsyncPolicy::kInterval, &io);
    o.fsync_interval_ms = 20;
    o.segment_bytes = 1 << 20;
    auto log = OpenLog(tmp.path().toStdString(), o);
    const auto start = std::chrono::steady_clock::now();
    RunResult r = RunAppenders(log.get(), 8, 1000, false);
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
    QCOMPARE(r.failures, uint64_t{0});
    const uint64_t fsyncs = log->Stats().fsyncs;
    qInfo("interval, 8 threads: %llu appends in %lld ms, %llu fsyncs",
          (unsigned long long)r.appends, (long long)elapsed_ms, (unsigned long long)fsyncs);
    QVERIFY(fsyncs <= uint64_t(elapsed_ms / 20 + 3));
    // Within a few intervals everything is durable.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (log->durable_seq() < 8000 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
    QCOMPARE(log->durable_seq(), uint64_t{8000});
    QVERIFY(log->Stats().fsyncs >= 1);
    CheckReadBack(log.get(), 8, 1000);
  }

  void neverSyncsButKeepsEverything() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    TestIo io;
    WalOptions o = Options(FsyncPolicy::kNever, &io);
    o.segment_bytes = 8192;
    {
      auto log = OpenLog(dir, o);
      RunResult r = RunAppenders(log.get(), 8, 500, false);
      QCOMPARE(r.failures, uint64_t{0});
      QVERIFY(log->Close().ok());
      QCOMPARE(log->Stats().fsyncs, uint64_t{0});
    }
    QCOMPARE(io.data_syncs.load(), uint64_t{0});
    auto log = OpenLog(dir, o);
    QCOMPARE(log->last_seq(), uint64_t{4000});
    CheckReadBack(log.get(), 8, 500);
  }

  // After a failed fsync the kernel may have dropped the data; a retry
  // could lie. The log refuses further appends until reopened.
  void failedFsyncMakesTheLogReadOnly() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    TestIo io;
    {
      auto log = OpenLog(dir, Options(FsyncPolicy::kAlways, &io));
      QVERIFY(log->Append("a").ok());
      io.fail_syncs = 1;
      Status st = log->Append("b");
      QCOMPARE(st.code(), Status::Code::kIoError);
      QVERIFY2(st.message().find("fsync failed") != std::string::npos, st.ToString().c_str());
      QCOMPARE(log->Append("c").code(), Status::Code::kIoError);
      QVERIFY(!log->Stats().error.empty());
      QCOMPARE(log->durable_seq(), uint64_t{1});
    }
    auto log = OpenLog(dir, Options(FsyncPolicy::kAlways, &io));
    QVERIFY(log->Stats().error.empty());
    QVERIFY(log->Append("d").ok());
    QCOMPARE(ReadLog(log.get()).payloads, (std::vector<std::string>{"a", "b", "d"}));
  }
};

QTEST_GUILESS_MAIN(WalConcurrencyTest)
#include "wal_concurrency_test.moc"
