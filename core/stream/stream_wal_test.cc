// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The stream with its write-ahead log: acknowledged rows survive a stop
// that did not deliver them, each sink gets exactly what it had not
// confirmed, ingest goes on during replay, a full buffer spills to the log
// instead of refusing, a full log answers Busy, and damage or a changed
// schema is reported. Driven with the C test sink
// (tests/plugins), which records row ids to a file, fails or stalls on
// request.
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/batch/row_batch_codec.h"
#include "core/stream/stream.h"
#include "core/wal/wal_format.h"
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

std::vector<int64_t> Range(int64_t first, int64_t end) {
  std::vector<int64_t> v;
  for (int64_t i = first; i < end; ++i) v.push_back(i);
  return v;
}

// A sink that records to `path`, or fails every write (retryably) when
// `path` is empty: its rows stay unconfirmed in the log.
StreamSinkSpec Recording(const std::string& name, const std::string& path) {
  if (path.empty()) return TestSink(name, {{"fail", "retryable"}});
  return TestSink(name, {{"record", path}});
}

StreamOptions Logged(const std::string& wal_dir) {
  StreamOptions o;
  o.buffer.flush_interval_ms = 0;
  o.buffer.max_events = 100;
  o.retry.initial_delay_ms = 5;
  o.retry.max_delay_ms = 50;
  o.wal_dir = wal_dir;
  o.wal.fsync = FsyncPolicy::kNever;  // the page cache survives the process
  o.wal.segment_bytes = 4096;
  return o;
}

std::unique_ptr<Stream> Open(std::vector<StreamSinkSpec> sinks, const StreamOptions& o,
                             Schema schema = IdSchema()) {
  std::unique_ptr<Stream> stream;
  Status st = Stream::Create("events", std::move(schema), o, std::move(sinks), &stream);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  stream->Start();
  return stream;
}

std::vector<StreamSinkSpec> One(const std::string& name, const std::string& path) {
  std::vector<StreamSinkSpec> v;
  v.push_back(Recording(name, path));
  return v;
}

// Accepts ids [first, end) in requests of `per` rows.
bool AcceptIds(Stream* s, int64_t first, int64_t end, int64_t per) {
  for (int64_t i = first; i < end; i += per) {
    Status st = s->Accept(Rows(s->schema(), i, std::min(per, end - i)));
    if (!st.ok()) {
      qWarning("Accept: %s", st.ToString().c_str());
      return false;
    }
  }
  return true;
}

bool WaitReplayDone(Stream* s, std::chrono::milliseconds timeout = 10s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (!s->Stats().wal.replaying) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

uint64_t Position(const StreamStats& s, const std::string& sink) {
  for (const WalConsumerPosition& c : s.wal.log.consumers)
    if (c.name == sink) return c.confirmed_seq;
  return UINT64_MAX;
}

std::string LastSegment(const std::string& dir) {
  std::string last;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".seg") && name > last) last = name;
  }
  return dir + "/" + last;
}

}  // namespace

class StreamWalTest : public QObject {
  Q_OBJECT
 private slots:
  void acceptedRowsSurviveAStopThatDidNotDeliverThem() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    {
      auto s = Open(One("s", ""), Logged(wal));
      QVERIFY(AcceptIds(s.get(), 0, 100, 10));
      StreamStats st = s->Stats();
      QVERIFY(st.wal.enabled);
      QCOMPARE(st.wal.log.last_seq, uint64_t{10});
      QCOMPARE(Position(st, "s"), uint64_t{0});
      QCOMPARE(s->Shutdown(50ms), int64_t{100});
    }
    auto s = Open(One("s", rec), Logged(wal));
    QVERIFY(WaitReplayDone(s.get()));
    QVERIFY(s->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(0, 100));
    StreamStats st = s->Stats();
    QCOMPARE(st.wal.replay_from_seq, uint64_t{1});
    QCOMPARE(st.wal.replay_to_seq, uint64_t{10});
    QCOMPARE(st.wal.replayed_records, uint64_t{10});
    QCOMPARE(st.wal.replayed_rows, uint64_t{100});
    QCOMPARE(Position(st, "s"), uint64_t{10});
    // New records number on from the old ones.
    QVERIFY(AcceptIds(s.get(), 100, 110, 10));
    QVERIFY(s->Flush(10s).completed);
    QCOMPARE(Position(s->Stats(), "s"), uint64_t{11});
    QCOMPARE(ReadIds(rec), Range(0, 110));
  }

  // Three sinks at three positions: each gets exactly the records it had
  // not confirmed, none twice.
  void eachSinkGetsWhatItHadNotConfirmed() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    const std::string a = dir.filePath("a").toStdString(), b = dir.filePath("b").toStdString(),
                      c = dir.filePath("c").toStdString();
    auto three = [&](bool b_works, bool c_works) {
      std::vector<StreamSinkSpec> v;
      v.push_back(Recording("a", a));
      v.push_back(Recording("b", b_works ? b : ""));
      v.push_back(Recording("c", c_works ? c : ""));
      return v;
    };
    {
      auto s = Open(three(false, true), Logged(wal));
      QVERIFY(AcceptIds(s.get(), 0, 50, 10));  // records 1..5
      QVERIFY(!s->Flush(300ms).completed);     // b cannot
      s->Shutdown(50ms);
    }
    {
      auto s = Open(three(false, false), Logged(wal));
      QVERIFY(WaitReplayDone(s.get()));
      QVERIFY(AcceptIds(s.get(), 50, 100, 10));  // records 6..10
      QVERIFY(!s->Flush(300ms).completed);
      StreamStats st = s->Stats();
      QCOMPARE(Position(st, "a"), uint64_t{10});
      QCOMPARE(Position(st, "b"), uint64_t{0});
      QCOMPARE(Position(st, "c"), uint64_t{5});
      s->Shutdown(50ms);
    }
    auto s = Open(three(true, true), Logged(wal));
    QVERIFY(WaitReplayDone(s.get()));
    QVERIFY(s->Flush(10s).completed);
    QCOMPARE(ReadIds(a), Range(0, 100));
    QCOMPARE(ReadIds(b), Range(0, 100));
    QCOMPARE(ReadIds(c), Range(0, 100));
    StreamStats st = s->Stats();
    for (const char* sink : {"a", "b", "c"}) QCOMPARE(Position(st, sink), uint64_t{10});
    // Every sink has everything: the log keeps only its live segment.
    QCOMPARE(st.wal.log.segments, uint64_t{1});
  }

  // Replay waits for the sink; ingest does not wait for replay.
  void ingestGoesOnDuringReplayAndKeepsOrder() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    const std::string gate = dir.filePath("gate").toStdString();
    {
      std::vector<StreamSinkSpec> v;
      v.push_back(Recording("s", ""));
      StreamOptions roomy = Logged(wal);
      roomy.buffer.max_events = 1000;
      auto s = Open(std::move(v), roomy);
      QVERIFY(AcceptIds(s.get(), 0, 100, 5));
      s->Shutdown(50ms);
    }
    // Replay fills the small buffer at once; the gated sink then holds it.
    StreamOptions o = Logged(wal);
    o.buffer.max_events = 10;
    o.buffer.max_pending_batches = 1;
    std::ofstream(gate).put('x');
    std::vector<StreamSinkSpec> v;
    v.push_back(TestSink("s", {{"record", rec}, {"gate", gate}}));
    auto s = Open(std::move(v), o);
    const auto t0 = std::chrono::steady_clock::now();
    QVERIFY(AcceptIds(s.get(), 100, 150, 5));
    QVERIFY(std::chrono::steady_clock::now() - t0 < 2s);
    QVERIFY(s->Stats().wal.replaying);  // the gated sink holds replay back
    // A flush covers what was acknowledged during replay, so it waits for it.
    QVERIFY(!s->Flush(100ms).completed);
    std::remove(gate.c_str());
    QVERIFY(s->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(0, 150));
    QVERIFY(!s->Stats().wal.replaying);
    QVERIFY(AcceptIds(s.get(), 150, 160, 5));
    QVERIFY(s->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(0, 160));
    QCOMPARE(s->Stats().wal.replayed_records, uint64_t{30});
  }

  void aFullLogAnswersBusyAndNothingAcceptedIsLost() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    const std::string gate = dir.filePath("gate").toStdString();
    std::ofstream(gate).put('x');
    StreamOptions o = Logged(wal);
    o.buffer.max_events = 1000000;
    o.buffer.max_pending_batches = 1000;
    o.wal.segment_bytes = 4096;
    o.wal.max_total_bytes = 16384;
    std::vector<StreamSinkSpec> v;
    v.push_back(TestSink("s", {{"record", rec}, {"gate", gate}}));
    auto s = Open(std::move(v), o);
    int64_t next = 0;
    Status refused;
    for (int i = 0; i < 1000 && refused.ok(); ++i) {
      refused = s->Accept(Rows(s->schema(), next, 20));
      if (refused.ok()) next += 20;
    }
    QVERIFY2(refused.IsBusy(), refused.ToString().c_str());
    QVERIFY(refused.retry_after_ms() > 0);
    QVERIFY2(refused.message().find("is full") != std::string::npos, refused.message().c_str());
    QVERIFY(next > 0);
    QVERIFY(s->Stats().wal.log.rejected_full >= 1);
    QVERIFY(s->Stats().wal.log.total_bytes <= 16384);
    std::remove(gate.c_str());
    QVERIFY(s->Flush(10s).completed);
    QVERIFY2(s->Accept(Rows(s->schema(), next, 20)).ok(), "the log stayed full");
    next += 20;
    QVERIFY(s->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(0, next));
  }

  void positionsFollowDeliveryAndConfirmedSegmentsGo() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    StreamOptions o = Logged(wal);
    o.buffer.max_events = 25;  // requests of 7: batches of 21 rows, 3 records each
    std::vector<StreamSinkSpec> v;
    v.push_back(Recording("s", rec));
    auto s = Open(std::move(v), o);
    QVERIFY(AcceptIds(s.get(), 0, 700, 7));
    QVERIFY(s->Flush(10s).completed);
    StreamStats st = s->Stats();
    QCOMPARE(st.wal.log.last_seq, uint64_t{100});
    QCOMPARE(Position(st, "s"), uint64_t{100});
    QVERIFY(st.wal.log.segments_deleted > 0);
    QVERIFY(st.wal.log.segments <= 2);
    QCOMPARE(ReadIds(rec), Range(0, 700));
  }

  // With a log, a full buffer never makes ingest wait or refuse: requests
  // spill to the log and the replay thread buffers them once the sink moves
  // (when_full and block_timeout apply to streams without a log only). The
  // log's cap is what answers Busy; memory stays within the buffer's limits.
  void aStalledSinkSpillsToTheLogUntilItsCap() {
    for (bool drop : {false, true}) {
      QTemporaryDir dir;
      const std::string gate = dir.filePath("gate").toStdString();
      const std::string rec = dir.filePath("rec").toStdString();
      std::ofstream(gate).put('x');
      StreamOptions o = Logged(dir.filePath("wal").toStdString());
      o.buffer.max_events = 10;
      o.buffer.max_pending_batches = 1;
      o.buffer.block_timeout_ms = 100;
      if (drop) o.buffer.when_full = BufferOptions::WhenFull::kDropNewest;
      o.wal.segment_bytes = 4096;
      o.wal.max_total_bytes = 65536;
      std::vector<StreamSinkSpec> v;
      v.push_back(TestSink("s", {{"record", rec}, {"gate", gate}}));
      auto s = Open(std::move(v), o);
      int64_t accepted = 0;
      Status refused;
      while (refused.ok() && accepted < 1000000) {
        refused = s->Accept(Rows(s->schema(), accepted, 5));
        if (refused.ok()) accepted += 5;
        const StreamStats st = s->Stats();
        QVERIFY(st.buffer.pending_batches <= 1);
        QVERIFY(st.buffer.buffered_events <= 10);
      }
      QVERIFY2(refused.IsBusy(), refused.ToString().c_str());
      QVERIFY2(refused.message().find("is full") != std::string::npos, refused.message().c_str());
      QVERIFY2(accepted > 1000, std::to_string(accepted).c_str());  // the buffer holds 20
      StreamStats st = s->Stats();
      QVERIFY(st.wal.replaying);
      QVERIFY(st.wal.spilling);
      QCOMPARE(st.wal.spills, uint64_t{1});
      QCOMPARE(st.buffer.rejected_busy, uint64_t{0});
      QCOMPARE(st.buffer.dropped_events, uint64_t{0});
      QVERIFY(st.wal.log.rejected_full >= 1);
      QVERIFY(st.wal.log.total_bytes <= 65536);
      QVERIFY(!s->Flush(100ms).completed);  // the backlog is not delivered yet
      std::remove(gate.c_str());
      QVERIFY(s->Flush(30s).completed);
      QCOMPARE(ReadIds(rec), Range(0, accepted));  // each once, in order
      st = s->Stats();
      QVERIFY(!st.wal.replaying);
      QVERIFY(!st.wal.spilling);
      // All but the few the buffer took went through the log.
      QVERIFY(st.wal.spilled_records + 10 >= st.wal.log.last_seq);
      QCOMPARE(st.wal.replayed_records, uint64_t{0});
      QCOMPARE(Position(st, "s"), st.wal.log.last_seq);
      QVERIFY(st.wal.log.segments_deleted > 0);
      QVERIFY(st.wal.log.segments <= 2);
      QVERIFY(AcceptIds(s.get(), accepted, accepted + 20, 5));
      QVERIFY(s->Flush(10s).completed);
      QCOMPARE(ReadIds(rec), Range(0, accepted + 20));
    }
  }

  // Spills entered and left again and again, with concurrent producers:
  // every row once, each producer's in order.
  void repeatedSpillsKeepEachProducersOrder() {
    QTemporaryDir dir;
    const std::string gate = dir.filePath("gate").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    StreamOptions o = Logged(dir.filePath("wal").toStdString());
    o.buffer.max_events = 10;
    o.buffer.max_pending_batches = 1;
    o.wal.segment_bytes = 64 * 1024;
    std::vector<StreamSinkSpec> v;
    v.push_back(TestSink("s", {{"record", rec}, {"gate", gate}}));
    auto s = Open(std::move(v), o);
    constexpr int kProducers = 4, kPhases = 4, kPerPhase = 100, kRequests = kPhases * kPerPhase,
                  kPer = 3;
    std::atomic<int> failures{0};
    std::vector<int> sent(kProducers, 0);
    // Each phase stalls the sink while four producers accept concurrently
    // (in odd phases it is let go while they still run), then waits for the
    // spill to be left before the next one enters it again.
    for (int phase = 0; phase < kPhases; ++phase) {
      std::ofstream(gate).put('x');
      std::vector<std::thread> threads;
      for (int t = 0; t < kProducers; ++t)
        threads.emplace_back([&, t] {
          for (int i = 0; i < kPerPhase; ++i, ++sent[t]) {
            Status st = s->Accept(Rows(s->schema(), t * 1000000 + sent[t] * kPer, kPer));
            if (!st.ok()) {
              qWarning("Accept: %s", st.ToString().c_str());
              ++failures;
            }
            if (i % 10 == 0) std::this_thread::sleep_for(1ms);
          }
        });
      if (phase % 2 == 1) {
        std::this_thread::sleep_for(20ms);
        std::remove(gate.c_str());
      }
      for (auto& t : threads) t.join();
      QVERIFY(s->Stats().wal.spills >= uint64_t(phase + 1));
      std::remove(gate.c_str());
      QVERIFY(WaitReplayDone(s.get()));
    }
    QCOMPARE(failures.load(), 0);
    QVERIFY(s->Flush(30s).completed);
    const StreamStats st = s->Stats();
    QVERIFY2(st.wal.spills >= kPhases, std::to_string(st.wal.spills).c_str());
    QVERIFY(!st.wal.replaying);
    QCOMPARE(Position(st, "s"), uint64_t{kProducers * kRequests});
    const std::vector<int64_t> ids = ReadIds(rec);
    QCOMPARE(ids.size(), size_t{kProducers * kRequests * kPer});
    std::vector<int64_t> next(kProducers, 0);
    for (int64_t id : ids) {
      const int64_t t = id / 1000000;
      QVERIFY(t >= 0 && t < kProducers);
      QCOMPARE(id % 1000000, next[t]);  // once, in order
      ++next[t];
    }
  }

  // A shutdown while spilling leaves the backlog in the log; the next start
  // replays it.
  void aShutdownWhileSpillingReplaysTheBacklogAtTheNextStart() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    StreamOptions o = Logged(wal);
    o.buffer.max_events = 10;
    o.buffer.max_pending_batches = 1;
    {
      auto s = Open(One("s", ""), o);  // fails every write: the buffer fills
      QVERIFY(AcceptIds(s.get(), 0, 500, 5));
      StreamStats st = s->Stats();
      QVERIFY(st.wal.spilling);
      QVERIFY(st.buffer.pending_batches <= 1);
      QVERIFY(st.buffer.buffered_events <= 10);
      QVERIFY(s->Shutdown(50ms) > 0);
    }
    auto s = Open(One("s", rec), o);
    QVERIFY(WaitReplayDone(s.get()));
    QVERIFY(s->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(0, 500));
    StreamStats st = s->Stats();
    QCOMPARE(st.wal.replay_from_seq, uint64_t{1});
    QCOMPARE(st.wal.replay_to_seq, uint64_t{100});
    QCOMPARE(Position(st, "s"), uint64_t{100});
  }

  void fsyncAlwaysMakesEachAcceptedRecordDurable() {
    QTemporaryDir dir;
    StreamOptions o = Logged(dir.filePath("wal").toStdString());
    o.wal.fsync = FsyncPolicy::kAlways;
    std::vector<StreamSinkSpec> v;
    v.push_back(Recording("s", dir.filePath("rec").toStdString()));
    auto s = Open(std::move(v), o);
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i)
          if (!s->Accept(Rows(s->schema(), t * 1000 + i, 3)).ok()) ++failures;
      });
    for (auto& t : threads) t.join();
    QCOMPARE(failures.load(), 0);
    StreamStats st = s->Stats();
    QCOMPARE(st.wal.log.last_seq, uint64_t{100});
    QCOMPARE(st.wal.log.durable_seq, uint64_t{100});
    QVERIFY(st.wal.log.fsyncs >= 1);
  }

  void aDamagedTailIsCutAndEveryIntactRecordDelivered() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    StreamOptions o = Logged(wal);
    o.wal.segment_bytes = 1 << 20;
    {
      std::vector<StreamSinkSpec> v;
      v.push_back(Recording("s", ""));
      auto s = Open(std::move(v), o);
      QVERIFY(AcceptIds(s.get(), 0, 100, 10));
      s->Shutdown(50ms);
    }
    const std::string seg = LastSegment(wal);
    std::filesystem::resize_file(seg, std::filesystem::file_size(seg) - 3);
    std::vector<StreamSinkSpec> v;
    v.push_back(Recording("s", rec));
    auto s = Open(std::move(v), o);
    QVERIFY(WaitReplayDone(s.get()));
    QVERIFY(s->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(0, 90));  // the torn last record is gone
    StreamStats st = s->Stats();
    // Cut off at open; its number is not handed out again, so the reader
    // also reports it missing before the next segment.
    QVERIFY(!st.wal.log.damage.empty());
    QCOMPARE(st.wal.log.damage[0].kind, WalDamageKind::kTruncatedRecord);
    QVERIFY(st.wal.log.damage[0].repaired);
    QCOMPARE(st.wal.log.damage[0].first_lost_seq, uint64_t{10});
    QCOMPARE(st.wal.replay_to_seq, uint64_t{10});
    QCOMPARE(st.wal.replayed_records, uint64_t{9});
    QVERIFY(AcceptIds(s.get(), 100, 110, 10));
    QVERIFY(s->Flush(10s).completed);
    std::vector<int64_t> want = Range(0, 90);
    for (int64_t i = 100; i < 110; ++i) want.push_back(i);
    QCOMPARE(ReadIds(rec), want);
  }

  // A record that passes the log's checksums but does not decode (written
  // by hand here) is reported and skipped; its neighbours are delivered.
  void anUnreadableRecordIsSkippedAndCounted() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    const std::string rec = dir.filePath("rec").toStdString();
    const Schema schema = IdSchema();
    {
      std::unique_ptr<WriteAheadLog> log;
      QVERIFY(WriteAheadLog::Open(wal, WalOptions(), &log).ok());
      QVERIFY(log->RegisterConsumer("s").ok());
      std::string good;
      EncodeRowBatch(Rows(schema, 0, 3), SchemaFingerprint(schema), &good);
      QVERIFY(log->Append(good, 1).ok());
      QVERIFY(log->Append(good.substr(0, good.size() - 1), 1).ok());  // cut short
      good.clear();
      EncodeRowBatch(Rows(schema, 3, 2), SchemaFingerprint(schema), &good);
      QVERIFY(log->Append(good, 1).ok());
    }
    std::vector<StreamSinkSpec> v;
    v.push_back(Recording("s", rec));
    auto s = Open(std::move(v), Logged(wal));
    QVERIFY(WaitReplayDone(s.get()));
    QVERIFY(s->Flush(10s).completed);
    QCOMPARE(ReadIds(rec), Range(0, 5));
    StreamStats st = s->Stats();
    QCOMPARE(st.wal.unreadable_records, uint64_t{1});
    QCOMPARE(Position(st, "s"), uint64_t{3});
  }

  void undeliveredRecordsOfAnotherSchemaStopTheStart() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    {
      std::vector<StreamSinkSpec> v;
      v.push_back(Recording("s", ""));
      auto s = Open(std::move(v), Logged(wal));
      QVERIFY(AcceptIds(s.get(), 0, 10, 5));
      s->Shutdown(50ms);
    }
    Schema two;
    QVERIFY(Schema::Make(Schema::Kind::kCustom,
                         {{"id", ColumnType::kInt64, false, {}},
                          {"note", ColumnType::kString, false, {}}},
                         &two)
                .ok());
    std::vector<StreamSinkSpec> v;
    v.push_back(Recording("s", dir.filePath("rec").toStdString()));
    std::unique_ptr<Stream> stream;
    Status st = Stream::Create("events", two, Logged(wal), std::move(v), &stream);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("2 undelivered records that cannot be read") != std::string::npos,
             st.message().c_str());
    QVERIFY2(st.message().find("stream 'events'") != std::string::npos, st.message().c_str());
  }

  // An upgrade that adds nullable columns at the end of the schema (as
  // enrichment did to the plausible schema) delivers what the earlier
  // version logged, with NULL in the new columns.
  void undeliveredRecordsOfAnEarlierSchemaAreDeliveredAfterAnUpgrade() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    {
      std::vector<StreamSinkSpec> v;
      v.push_back(Recording("s", ""));
      auto s = Open(std::move(v), Logged(wal));
      QVERIFY(AcceptIds(s.get(), 0, 10, 5));
      s->Shutdown(50ms);
    }
    Schema wider;
    QVERIFY(Schema::Make(Schema::Kind::kCustom,
                         {{"id", ColumnType::kInt64, false, {}},
                          {"note", ColumnType::kString, true, {}}},
                         &wider)
                .ok());
    std::vector<StreamSinkSpec> v;
    v.push_back(Recording("s", dir.filePath("rec").toStdString()));
    std::unique_ptr<Stream> stream;
    Status st = Stream::Create("events", wider, Logged(wal), std::move(v), &stream);
    QVERIFY2(st.ok(), st.ToString().c_str());
    stream->Start();
    QCOMPARE(stream->Shutdown(5s), int64_t{0});
    QCOMPARE(stream->Stats().wal.unreadable_records, uint64_t{0});
  }

  void aNewSinkStartsAtTheEndAndARemovedOneIsForgotten() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    const std::string a = dir.filePath("a").toStdString(), n = dir.filePath("n").toStdString();
    {
      std::vector<StreamSinkSpec> v;
      v.push_back(Recording("a", ""));
      auto s = Open(std::move(v), Logged(wal));
      QVERIFY(AcceptIds(s.get(), 0, 30, 10));
      s->Shutdown(50ms);
    }
    {
      std::vector<StreamSinkSpec> v;
      v.push_back(Recording("a", a));
      v.push_back(Recording("n", n));
      auto s = Open(std::move(v), Logged(wal));
      QVERIFY(WaitReplayDone(s.get()));
      QVERIFY(AcceptIds(s.get(), 30, 40, 10));
      QVERIFY(s->Flush(10s).completed);
      QCOMPARE(ReadIds(a), Range(0, 40));
      QCOMPARE(ReadIds(n), Range(30, 40));
      s->Shutdown(10s);
    }
    std::vector<StreamSinkSpec> v;
    v.push_back(Recording("n", n));
    auto s = Open(std::move(v), Logged(wal));
    StreamStats st = s->Stats();
    QCOMPARE(st.wal.log.consumers.size(), size_t{1});
    QCOMPARE(st.wal.log.consumers[0].name, std::string("n"));
    QVERIFY(!st.wal.replaying);
  }

  void aSecondStreamOnTheSameLogIsRefused() {
    QTemporaryDir dir;
    const std::string wal = dir.filePath("wal").toStdString();
    std::vector<StreamSinkSpec> v;
    v.push_back(Recording("s", ""));
    auto s = Open(std::move(v), Logged(wal));
    std::vector<StreamSinkSpec> w;
    w.push_back(Recording("s", ""));
    std::unique_ptr<Stream> other;
    Status st = Stream::Create("events", IdSchema(), Logged(wal), std::move(w), &other);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("already open") != std::string::npos, st.message().c_str());
  }
};

QTEST_GUILESS_MAIN(StreamWalTest)
#include "stream_wal_test.moc"
