// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Stream tests drive real plugins: the C test sink (tests/plugins), which
// records row ids to a file and can stall or fail on request.
#include "core/stream/stream.h"

#include <QtTest>
#include <fstream>
#include <future>

#include "tests/support/id_rows.h"
#include "tests/support/test_env.h"
#include "tests/support/test_sink.h"

using namespace sinkhost;
using sinkhost::testing::IdSchema;
using sinkhost::testing::Rows;
using sinkhost::testing::ReadIds;
using sinkhost::testing::TestSink;
using namespace std::chrono_literals;

namespace {

std::vector<int64_t> Range(int64_t n) {
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

std::unique_ptr<Stream> MakeStream(std::vector<StreamSinkSpec> sinks, StreamOptions o) {
  std::unique_ptr<Stream> stream;
  Status st = Stream::Create("events", IdSchema(), o, std::move(sinks), &stream);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  stream->Start();
  return stream;
}

StreamOptions Quick() {
  StreamOptions o;
  o.buffer.flush_interval_ms = 0;
  o.buffer.max_events = 100;
  o.retry.initial_delay_ms = 5;
  o.retry.max_delay_ms = 50;
  return o;
}

}  // namespace

class StreamTest : public QObject {
  Q_OBJECT
 private slots:
  void deliversEveryRowToEverySinkInOrder() {
    QTemporaryDir dir;
    const std::string a = dir.filePath("a").toStdString(), b = dir.filePath("b").toStdString();
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(TestSink("a", {{"record", a}}));
    sinks.push_back(TestSink("b", {{"record", b}}));
    auto stream = MakeStream(std::move(sinks), Quick());
    for (int64_t i = 0; i < 1000; i += 10) QVERIFY(stream->Accept(Rows(stream->schema(), i, 10)).ok());
    FlushOutcome out = stream->Flush(10s);
    QVERIFY(out.completed);
    QCOMPARE(ReadIds(a), Range(1000));
    QCOMPARE(ReadIds(b), Range(1000));
    StreamStats s = stream->Stats();
    QCOMPARE(s.buffer.buffered_events, 0);
    QCOMPARE(s.sinks[0].delivered_rows, uint64_t{1000});
    QVERIFY(s.sinks[0].has_last_flush);
    QVERIFY(!s.sinks[0].recent.empty());
  }

  void flushWaitsUntilSinksFinish() {
    QTemporaryDir dir;
    const std::string gate = dir.filePath("gate").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    std::ofstream(gate).put('x');
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(TestSink("s", {{"record", rec}, {"gate", gate}}));
    auto stream = MakeStream(std::move(sinks), Quick());
    QVERIFY(stream->Accept(Rows(stream->schema(), 0, 5)).ok());
    FlushOutcome out = stream->Flush(200ms);
    QVERIFY(!out.completed);
    QCOMPARE(out.rows_sealed, 5);
    QVERIFY(!out.sinks[0].done);
    std::remove(gate.c_str());
    out = stream->Flush(10s);
    QVERIFY(out.completed);
    QCOMPARE(ReadIds(rec), Range(5));
  }

  void retryableFailuresAreRetriedUntilDelivered() {
    QTemporaryDir dir;
    const std::string rec = dir.filePath("rec").toStdString();
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(TestSink("s", {{"record", rec}, {"fail", "retryable"}, {"fail_times", "3"}}));
    auto stream = MakeStream(std::move(sinks), Quick());
    QVERIFY(stream->Accept(Rows(stream->schema(), 0, 20)).ok());
    QVERIFY(stream->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(20));
    SinkStats s = stream->Stats().sinks[0];
    QCOMPARE(s.retries, uint64_t{3});
    QCOMPARE(s.state, SinkState::kOk);
    QCOMPARE(s.delivered_rows, uint64_t{20});
    QCOMPARE(s.last_flush.attempts, uint32_t{4});
  }

  void stateShowsRetryingWithTheErrorWhileFailing() {
    QTemporaryDir dir;
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(TestSink("s", {{"fail", "retryable"}}));  // fails forever
    auto stream = MakeStream(std::move(sinks), Quick());
    QVERIFY(stream->Accept(Rows(stream->schema(), 0, 1)).ok());
    QVERIFY(!stream->Flush(300ms).completed);
    SinkStats s = stream->Stats().sinks[0];
    QCOMPARE(s.state, SinkState::kRetrying);
    QVERIFY(s.last_error.find("injected retryable failure") != std::string::npos);
    QVERIFY(s.attempt >= 2);
    QCOMPARE(s.queued_batches, 1);
    QCOMPARE(stream->Shutdown(100ms), int64_t{1});  // reported, not hidden
  }

  void permanentFailureIsCountedAndTheNextBatchFlows() {
    QTemporaryDir dir;
    const std::string rec = dir.filePath("rec").toStdString();
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(TestSink("s", {{"record", rec}, {"fail", "permanent"}, {"fail_times", "1"}}));
    auto stream = MakeStream(std::move(sinks), Quick());
    QVERIFY(stream->Accept(Rows(stream->schema(), 0, 3)).ok());
    QVERIFY(stream->Flush(10s).completed);
    SinkStats s = stream->Stats().sinks[0];
    QCOMPARE(s.state, SinkState::kFailing);
    QCOMPARE(s.failed_rows, uint64_t{3});
    QVERIFY(s.last_error.find("injected permanent failure") != std::string::npos);
    QVERIFY(stream->Accept(Rows(stream->schema(), 3, 2)).ok());
    QVERIFY(stream->Flush(10s).completed);
    s = stream->Stats().sinks[0];
    QCOMPARE(s.state, SinkState::kOk);
    QCOMPARE(ReadIds(rec), (std::vector<int64_t>{3, 4}));
  }

  void blockAnswersBusyUnderAStalledSinkAndNothingAcceptedIsLost() {
    QTemporaryDir dir;
    const std::string gate = dir.filePath("gate").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    std::ofstream(gate).put('x');
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(TestSink("s", {{"record", rec}, {"gate", gate}}));
    StreamOptions o = Quick();
    o.buffer.max_events = 10;
    o.buffer.max_pending_batches = 1;
    o.buffer.block_timeout_ms = 100;
    auto stream = MakeStream(std::move(sinks), o);
    int64_t accepted = 0, busy = 0;
    for (int64_t i = 0; i < 100; i += 5) {
      Status st = stream->Accept(Rows(stream->schema(), accepted, 5));
      if (st.ok()) accepted += 5;
      else if (st.IsBusy()) ++busy;
      else QFAIL(st.ToString().c_str());
      if (busy >= 2) break;
    }
    QVERIFY(busy >= 1);
    QCOMPARE(accepted, 20);  // one pending batch + one full open batch
    QVERIFY(stream->Stats().buffer.rejected_busy >= 1);
    std::remove(gate.c_str());
    QVERIFY(stream->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(accepted));
  }

  void dropNewestRefusesAndCountsUnderAStalledSink() {
    QTemporaryDir dir;
    const std::string gate = dir.filePath("gate").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    std::ofstream(gate).put('x');
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(TestSink("s", {{"record", rec}, {"gate", gate}}));
    StreamOptions o = Quick();
    o.buffer.max_events = 10;
    o.buffer.max_pending_batches = 1;
    o.buffer.when_full = BufferOptions::WhenFull::kDropNewest;
    auto stream = MakeStream(std::move(sinks), o);
    int64_t accepted = 0, dropped = 0;
    for (int64_t i = 0; i < 10; ++i) {
      Status st = stream->Accept(Rows(stream->schema(), accepted, 5));
      if (st.ok()) accepted += 5;
      else dropped += 5;
    }
    QCOMPARE(accepted, 20);
    QCOMPARE(dropped, 30);
    QCOMPARE(stream->Stats().buffer.dropped_events, uint64_t{30});
    std::remove(gate.c_str());
    QVERIFY(stream->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(accepted));
  }

  void shutdownFlushesEverythingBuffered() {
    QTemporaryDir dir;
    const std::string rec = dir.filePath("rec").toStdString();
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(TestSink("s", {{"record", rec}}));
    StreamOptions o = Quick();
    o.buffer.max_events = 1000000;
    o.buffer.flush_interval_ms = 3600000;
    auto stream = MakeStream(std::move(sinks), o);
    for (int64_t i = 0; i < 5000; i += 50) QVERIFY(stream->Accept(Rows(stream->schema(), i, 50)).ok());
    QCOMPARE(stream->Stats().buffer.buffered_events, 5000);
    QCOMPARE(stream->Shutdown(10s), int64_t{0});
    QCOMPARE(ReadIds(rec), Range(5000));
    QVERIFY(stream->Accept(Rows(stream->schema(), 0, 1)).IsBusy());
  }

  void aSinkThatCannotOpenYetIsRetriedNotFatal() {
    QTemporaryDir dir;
    const std::string rec = dir.filePath("rec").toStdString();
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(
        TestSink("s", {{"record", rec}, {"fail", "open_retryable"}, {"fail_times", "2"}}));
    auto stream = MakeStream(std::move(sinks), Quick());
    QCOMPARE(stream->Stats().sinks[0].state, SinkState::kRetrying);
    QVERIFY(stream->Accept(Rows(stream->schema(), 0, 3)).ok());
    QVERIFY(stream->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(3));
  }

  void duplicateSinkNamesAreRefused() {
    std::vector<StreamSinkSpec> sinks;
    sinks.push_back(TestSink("s", {}));
    sinks.push_back(TestSink("s", {}));
    std::unique_ptr<Stream> stream;
    Status st = Stream::Create("events", IdSchema(), Quick(), std::move(sinks), &stream);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY(st.message().find("two sinks are named 's'") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(StreamTest)
#include "stream_test.moc"
