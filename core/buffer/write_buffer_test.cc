// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/buffer/write_buffer.h"

#include <QtTest>
#include <atomic>
#include <future>

using namespace sinkhost;
using namespace std::chrono_literals;

namespace {

const Schema& IdSchema() {
  static const Schema s = [] {
    Schema s;
    (void)Schema::Make(Schema::Kind::kCustom,
                       {{"id", ColumnType::kInt64, false, {}},
                        {"text", ColumnType::kString, false, {}}},
                       &s);
    return s;
  }();
  return s;
}

RowBatch Rows(int64_t first, int64_t count, size_t text_bytes = 1) {
  RowBatch b(IdSchema());
  for (int64_t i = first; i < first + count; ++i) {
    b.column(0).AppendInt64(i);
    b.column(1).AppendString(std::string(text_bytes, 'x'));
    b.CommitRow();
  }
  return b;
}

// Collects dispatched batches the way a stalled sink would: holding them
// (and so their pending slots) until Release().
class Collector {
 public:
  WriteBuffer::Dispatch Dispatch() {
    return [this](SealedBatch&& b) {
      std::lock_guard<std::mutex> lock(mu_);
      batches_.push_back(std::move(b));
      cv_.notify_all();
    };
  }
  bool WaitForCount(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return batches_.size() >= n; });
  }
  std::vector<SealedBatch> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(batches_);
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_.size();
  }
  std::vector<int64_t> Ids() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int64_t> ids;
    for (const auto& b : batches_)
      for (int64_t i = 0; i < b.rows->num_rows(); ++i) ids.push_back(b.rows->column(0).Int64(i));
    return ids;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SealedBatch> batches_;
};

BufferOptions NoTimer() {
  BufferOptions o;
  o.flush_interval_ms = 0;  // only the trigger under test may seal
  return o;
}

}  // namespace

class WriteBufferTest : public QObject {
  Q_OBJECT
 private slots:
  void sealsAtMaxEvents() {
    Collector c;
    BufferOptions o = NoTimer();
    o.max_events = 10;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    for (int i = 0; i < 25; ++i) QVERIFY(buf.Append(Rows(i, 1)).ok());
    QVERIFY(c.WaitForCount(2));
    auto batches = c.Take();
    QCOMPARE(batches.size(), size_t{2});
    for (const auto& b : batches) {
      QCOMPARE(b.rows->num_rows(), 10);
      QCOMPARE(b.reason, FlushReason::kSize);
    }
    QCOMPARE(buf.Stats().buffered_events, 5);
  }

  void sealsAtMaxBytes() {
    Collector c;
    BufferOptions o = NoTimer();
    o.max_bytes = 4096;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    for (int i = 0; i < 20; ++i) QVERIFY(buf.Append(Rows(i, 1, 1000)).ok());
    QVERIFY(c.WaitForCount(1));
    auto batches = c.Take();
    QVERIFY(!batches.empty());
    QCOMPARE(batches[0].reason, FlushReason::kBytes);
    QVERIFY(batches[0].rows->byte_size() <= 4096 + 1100);
    QVERIFY(buf.Stats().buffered_bytes < 4096);
  }

  void sealsWhenTheIntervalPasses() {
    Collector c;
    BufferOptions o;
    o.flush_interval_ms = 150;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    QVERIFY(buf.Append(Rows(0, 3)).ok());
    QVERIFY(c.WaitForCount(1, 5s));
    auto batches = c.Take();
    QCOMPARE(batches[0].reason, FlushReason::kInterval);
    QCOMPARE(batches[0].rows->num_rows(), 3);
    QCOMPARE(buf.Stats().buffered_events, 0);
  }

  // As in Plausible's buffer, any flush restarts the interval: rows that
  // arrive right after a manual flush wait a full interval.
  void anyFlushRestartsTheInterval() {
    Collector c;
    BufferOptions o;
    o.flush_interval_ms = 1000;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    QTest::qWait(600);
    QVERIFY(buf.Append(Rows(0, 1)).ok());
    buf.Seal(FlushReason::kManual);
    QVERIFY(buf.Append(Rows(1, 1)).ok());
    QTest::qWait(600);  // 1200 ms after start, 600 after the manual flush
    QCOMPARE(c.count(), size_t{1});
    QVERIFY(c.WaitForCount(2, 5s));
  }

  void manualSealReportsWhatItSealed() {
    Collector c;
    WriteBuffer buf(IdSchema(), NoTimer(), c.Dispatch());
    buf.Start();
    int64_t rows = -1;
    QCOMPARE(buf.Seal(FlushReason::kManual, &rows), uint64_t{0});
    QCOMPARE(rows, 0);
    QVERIFY(buf.Append(Rows(0, 7)).ok());
    QCOMPARE(buf.Seal(FlushReason::kManual, &rows), uint64_t{1});
    QCOMPARE(rows, 7);
    QCOMPARE(c.Take()[0].reason, FlushReason::kManual);
  }

  void closeSealsTheRestAndRefusesMore() {
    Collector c;
    WriteBuffer buf(IdSchema(), NoTimer(), c.Dispatch());
    buf.Start();
    QVERIFY(buf.Append(Rows(0, 4)).ok());
    QCOMPARE(buf.Close(), uint64_t{1});
    auto batches = c.Take();
    QCOMPARE(batches.size(), size_t{1});
    QCOMPARE(batches[0].reason, FlushReason::kShutdown);
    QCOMPARE(batches[0].rows->num_rows(), 4);
    QVERIFY(buf.Append(Rows(4, 1)).IsBusy());
  }

  void keepsArrivalOrderAcrossBatches() {
    Collector c;
    BufferOptions o = NoTimer();
    o.max_events = 64;
    o.max_pending_batches = 1000;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    for (int64_t i = 0; i < 1000; i += 5) QVERIFY(buf.Append(Rows(i, 5)).ok());
    buf.Close();
    std::vector<int64_t> ids = c.Ids();
    QCOMPARE(ids.size(), size_t{1000});
    for (int64_t i = 0; i < 1000; ++i) QCOMPARE(ids[i], i);
    auto batches = c.Take();
    uint64_t expect_first = 0;
    for (size_t i = 0; i < batches.size(); ++i) {
      QCOMPARE(batches[i].batch_seq, uint64_t{i + 1});
      QCOMPARE(batches[i].first_row_seq, expect_first);
      expect_first += batches[i].rows->num_rows();
    }
  }

  // Concurrent producers: each producer's rows stay in its own order, and
  // every row appears exactly once.
  void concurrentProducersLoseNothing() {
    Collector c;
    BufferOptions o = NoTimer();
    o.max_events = 100;
    o.max_pending_batches = 100000;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    std::vector<std::thread> producers;
    for (int p = 0; p < 4; ++p) {
      producers.emplace_back([&, p] {
        for (int64_t i = 0; i < 5000; ++i) (void)buf.Append(Rows(p * 1000000 + i, 1));
      });
    }
    for (auto& t : producers) t.join();
    buf.Close();
    std::vector<int64_t> ids = c.Ids();
    QCOMPARE(ids.size(), size_t{20000});
    std::vector<int64_t> last(4, -1);
    for (int64_t id : ids) {
      int p = static_cast<int>(id / 1000000);
      QVERIFY(id % 1000000 > last[p]);
      last[p] = id % 1000000;
    }
  }

  void aRequestIsNeverSplitAcrossBatches() {
    Collector c;
    BufferOptions o = NoTimer();
    o.max_events = 10;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    QVERIFY(buf.Append(Rows(0, 4)).ok());
    QVERIFY(buf.Append(Rows(4, 25)).ok());  // larger than max_events
    buf.Close();
    auto batches = c.Take();
    QCOMPARE(batches.size(), size_t{2});
    QCOMPARE(batches[0].rows->num_rows(), 4);
    QCOMPARE(batches[1].rows->num_rows(), 25);
  }

  void blockRefusesWithBusyAfterTheTimeoutWhenSinksStall() {
    Collector c;  // holds every batch: a stalled sink
    BufferOptions o = NoTimer();
    o.max_events = 2;
    o.max_pending_batches = 1;
    o.block_timeout_ms = 200;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    QVERIFY(buf.Append(Rows(0, 2)).ok());  // sealed: the one pending slot
    QVERIFY(buf.Append(Rows(2, 2)).ok());  // fills the open batch
    auto start = Clock::now();
    Status st = buf.Append(Rows(4, 1));
    auto waited = Clock::now() - start;
    QVERIFY(st.IsBusy());
    QVERIFY(st.retry_after_ms() > 0);
    QVERIFY(waited >= 150ms);
    QCOMPARE(buf.Stats().rejected_busy, uint64_t{1});
    QCOMPARE(buf.Stats().accepted_events, uint64_t{4});
    // The stalled sink finishes: the full open batch is sealed, ingest resumes.
    c.Take();
    QVERIFY(c.WaitForCount(1));
    QVERIFY(buf.Append(Rows(4, 1)).ok());
  }

  void blockedAppendProceedsWhenASlotFrees() {
    Collector c;
    BufferOptions o = NoTimer();
    o.max_events = 2;
    o.max_pending_batches = 1;
    o.block_timeout_ms = 10000;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    QVERIFY(buf.Append(Rows(0, 2)).ok());
    QVERIFY(buf.Append(Rows(2, 2)).ok());
    auto release = std::async(std::launch::async, [&] {
      std::this_thread::sleep_for(100ms);
      c.Take();
    });
    QVERIFY(buf.Append(Rows(4, 1)).ok());
    release.wait();
    QCOMPARE(buf.Stats().rejected_busy, uint64_t{0});
  }

  void dropNewestRefusesAtOnceAndCountsTheDrop() {
    Collector c;
    BufferOptions o = NoTimer();
    o.max_events = 2;
    o.max_pending_batches = 1;
    o.when_full = BufferOptions::WhenFull::kDropNewest;
    o.block_timeout_ms = 10000;
    WriteBuffer buf(IdSchema(), o, c.Dispatch());
    buf.Start();
    QVERIFY(buf.Append(Rows(0, 2)).ok());
    QVERIFY(buf.Append(Rows(2, 2)).ok());
    auto start = Clock::now();
    Status st = buf.Append(Rows(4, 3));
    QVERIFY(st.IsBusy());
    QVERIFY(Clock::now() - start < 1s);
    QVERIFY(st.message().find("drop_newest") != std::string::npos);
    BufferStats s = buf.Stats();
    QCOMPARE(s.dropped_events, uint64_t{3});
    QCOMPARE(s.accepted_events, uint64_t{4});
    QCOMPARE(s.buffered_events, 2);
  }
};

QTEST_GUILESS_MAIN(WriteBufferTest)
#include "write_buffer_test.moc"
