// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// SinkRunner with a quarantine, driven with the C test sink (tests/plugins),
// whose `reject` option refuses any batch that holds a listed id: the poison
// rows must be isolated and quarantined with the sink's reason, every other
// row delivered, and a replay must send them again.
#include "core/delivery/sink_runner.h"

#include <QtTest>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/id_rows.h"
#include "tests/support/test_env.h"
#include "tests/support/test_sink.h"

using namespace sinkhost;
using sinkhost::testing::ReadIds;
using namespace std::chrono_literals;

namespace {

Schema IdTextSchema() {
  Schema s;
  (void)Schema::Make(Schema::Kind::kCustom,
                     {{"id", ColumnType::kInt64, false, {}}, {"s", ColumnType::kString, true, {}}},
                     &s);
  return s;
}

SealedBatch Batch(const Schema& schema, uint64_t seq, int64_t first, int64_t count) {
  auto rows = std::make_shared<RowBatch>(schema);
  for (int64_t i = first; i < first + count; ++i) {
    rows->column(0).AppendInt64(i);
    if (i % 4 == 3) rows->column(1).AppendNull();
    else rows->column(1).AppendString("row \"" + std::to_string(i) + "\"\n");
    rows->CommitRow();
  }
  SealedBatch b;
  b.batch_seq = seq;
  b.first_row_seq = static_cast<uint64_t>(first);
  b.rows = std::move(rows);
  return b;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

std::vector<int64_t> Without(int64_t n, std::vector<int64_t> removed) {
  std::vector<int64_t> v;
  for (int64_t i = 0; i < n; ++i)
    if (std::find(removed.begin(), removed.end(), i) == removed.end()) v.push_back(i);
  return v;
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// A runner over the test sink recording ids to `record` and refusing those
// listed in `reject`, with its quarantine file at `quarantine`.
struct Rig {
  Schema schema = IdTextSchema();
  std::unique_ptr<SinkRunner> runner;

  Rig(const std::string& record, const std::string& reject, const std::string& quarantine) {
    std::unique_ptr<SinkInstance> instance =
        sinkhost::testing::TestSinkInstance({{"record", record}, {"reject", reject}});
    RetryPolicy retry;
    retry.initial_delay_ms = 5;
    retry.max_delay_ms = 20;
    runner = std::make_unique<SinkRunner>("events", "t", std::move(instance), schema, retry);
    if (!quarantine.empty()) {
      std::unique_ptr<Quarantine> q;
      Status st = Quarantine::Open(quarantine, "events", "t", schema, &q);
      if (!st.ok()) qFatal("%s", st.ToString().c_str());
      runner->SetQuarantine(std::move(q));
    }
    Status st = runner->OpenNow();
    if (!st.ok()) qFatal("%s", st.ToString().c_str());
    runner->Start();
  }
};

}  // namespace

class SinkRunnerTest : public QObject {
  Q_OBJECT
 private slots:
  void poisonRowsAreQuarantinedAndTheRestDelivered() {
    QTemporaryDir dir;
    const std::string record = dir.filePath("record").toStdString();
    const std::string reject = dir.filePath("reject").toStdString();
    const std::string quarantine = dir.filePath("quarantine/events/t.ndjson").toStdString();
    WriteFile(reject, "5\n17\n18\n");
    Rig rig(record, reject, quarantine);
    rig.runner->Enqueue(Batch(rig.schema, 1, 0, 30));
    QVERIFY(rig.runner->WaitFor(1, std::chrono::steady_clock::now() + 10s));

    QCOMPARE(ReadIds(record), Without(30, {5, 17, 18}));
    const std::vector<std::string> lines = ReadLines(quarantine);
    QCOMPARE(lines.size(), size_t{3});
    QVERIFY2(lines[0].find("\"stream\":\"events\",\"sink\":\"t\"") != std::string::npos,
             lines[0].c_str());
    QVERIFY2(lines[0].find("\"error\":\"write: row with id 5 refused\"") != std::string::npos,
             lines[0].c_str());
    QVERIFY2(lines[0].find("\"row\":{\"id\":5,\"s\":\"row \\\"5\\\"\\n\"}}") != std::string::npos,
             lines[0].c_str());
    QVERIFY2(lines[2].find("\"row\":{\"id\":18,\"s\":\"row \\\"18\\\"\\n\"}}") != std::string::npos,
             lines[2].c_str());

    SinkStats stats = rig.runner->Stats();
    QCOMPARE(stats.delivered_rows, uint64_t{27});
    QCOMPARE(stats.quarantined_rows, uint64_t{3});
    QCOMPARE(stats.quarantine_rows, int64_t{3});
    QCOMPARE(stats.failed_rows, uint64_t{0});
    QCOMPARE(stats.state, SinkState::kFailing);
    QVERIFY2(stats.last_error.find("3 of 30 rows refused and quarantined") != std::string::npos,
             stats.last_error.c_str());
    QVERIFY(!stats.last_flush.ok);

    // The operator fixes the cause and replays: every row is delivered.
    WriteFile(reject, "");
    int64_t taken = 0;
    QVERIFY(rig.runner->ReplayQuarantine(&taken).ok());
    QCOMPARE(taken, int64_t{3});
    QVERIFY(WaitUntil([&] { return ReadIds(record).size() == 30; }));
    std::vector<int64_t> ids = ReadIds(record);
    std::sort(ids.begin(), ids.end());
    QCOMPARE(ids, Without(30, {}));
    QVERIFY(WaitUntil([&] { return !std::filesystem::exists(quarantine + ".replaying"); }));
    QCOMPARE(rig.runner->Stats().quarantine_rows, int64_t{0});
    QCOMPARE(rig.runner->Stats().state, SinkState::kOk);
    QVERIFY(ReadLines(quarantine).empty());
  }

  void rowsStillRefusedOnReplayGoBackToQuarantine() {
    QTemporaryDir dir;
    const std::string record = dir.filePath("record").toStdString();
    const std::string reject = dir.filePath("reject").toStdString();
    const std::string quarantine = dir.filePath("q.ndjson").toStdString();
    WriteFile(reject, "2\n9\n");
    Rig rig(record, reject, quarantine);
    rig.runner->Enqueue(Batch(rig.schema, 1, 0, 12));
    QVERIFY(rig.runner->WaitFor(1, std::chrono::steady_clock::now() + 10s));
    WriteFile(reject, "9\n");  // half fixed
    int64_t taken = 0;
    QVERIFY(rig.runner->ReplayQuarantine(&taken).ok());
    QCOMPARE(taken, int64_t{2});
    QVERIFY(WaitUntil([&] { return !std::filesystem::exists(quarantine + ".replaying"); }));
    std::vector<int64_t> ids = ReadIds(record);
    std::sort(ids.begin(), ids.end());
    QCOMPARE(ids, Without(12, {9}));
    const std::vector<std::string> lines = ReadLines(quarantine);
    QCOMPARE(lines.size(), size_t{1});
    QVERIFY2(lines[0].find("\"row\":{\"id\":9,") != std::string::npos, lines[0].c_str());
    QCOMPARE(rig.runner->Stats().quarantine_rows, int64_t{1});
  }

  // 2,000 rows with 3 poison rows: halving finds them without writing any
  // good row twice.
  void isolationDeliversEveryGoodRowExactlyOnce() {
    QTemporaryDir dir;
    const std::string record = dir.filePath("record").toStdString();
    const std::string reject = dir.filePath("reject").toStdString();
    const std::string quarantine = dir.filePath("q.ndjson").toStdString();
    WriteFile(reject, "0\n1024\n1999\n");
    Rig rig(record, reject, quarantine);
    rig.runner->Enqueue(Batch(rig.schema, 1, 0, 2000));
    rig.runner->Enqueue(Batch(rig.schema, 2, 2000, 10));
    QVERIFY(rig.runner->WaitFor(2, std::chrono::steady_clock::now() + 10s));
    QCOMPARE(ReadIds(record), Without(2010, {0, 1024, 1999}));
    QCOMPARE(ReadLines(quarantine).size(), size_t{3});
    QCOMPARE(rig.runner->Stats().state, SinkState::kOk);  // batch 2 went through
  }

  void withoutQuarantineARefusedBatchIsCountedFailed() {
    QTemporaryDir dir;
    const std::string record = dir.filePath("record").toStdString();
    const std::string reject = dir.filePath("reject").toStdString();
    WriteFile(reject, "3\n");
    Rig rig(record, reject, "");
    rig.runner->Enqueue(Batch(rig.schema, 1, 0, 10));
    QVERIFY(rig.runner->WaitFor(1, std::chrono::steady_clock::now() + 10s));
    QVERIFY(ReadIds(record).empty());
    QCOMPARE(rig.runner->Stats().failed_rows, uint64_t{10});
    int64_t taken = 0;
    QVERIFY(rig.runner->ReplayQuarantine(&taken).IsInvalidArgument());
  }

  // The host died during a replay: the rows being replayed return to the
  // quarantine file when it opens again.
  void anInterruptedReplayIsRecoveredAtOpen() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("q.ndjson").toStdString();
    const std::string line1 = "{\"time\":\"t\",\"row\":{\"id\":1,\"s\":\"a\"}}\n";
    const std::string line2 = "{\"time\":\"t\",\"row\":{\"id\":2,\"s\":null}}\n";
    WriteFile(path, line1);
    WriteFile(path + ".replaying", line2);
    Schema schema = IdTextSchema();
    std::unique_ptr<Quarantine> q;
    QVERIFY(Quarantine::Open(path, "events", "t", schema, &q).ok());
    QCOMPARE(q->rows(), int64_t{2});
    QVERIFY(!std::filesystem::exists(path + ".replaying"));
    std::shared_ptr<RowBatch> rows;
    QVERIFY(q->Take(&rows).ok());
    QCOMPARE(rows->num_rows(), int64_t{2});
    QCOMPARE(rows->column(0).Int64(1), int64_t{2});
    QVERIFY(rows->column(1).IsNull(1));
    QVERIFY(q->Take(&rows).IsBusy());  // one replay at a time
    q->FinishReplay();
    QVERIFY(!std::filesystem::exists(path + ".replaying"));
  }

  void aDamagedQuarantineLineIsNamedAndNothingIsLost() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("q.ndjson").toStdString();
    WriteFile(path, "{\"row\":{\"id\":1,\"s\":\"a\"}}\n{\"row\":{\"id\":\"x\"}}\n");
    Schema schema = IdTextSchema();
    std::unique_ptr<Quarantine> q;
    QVERIFY(Quarantine::Open(path, "events", "t", schema, &q).ok());
    std::shared_ptr<RowBatch> rows;
    Status st = q->Take(&rows);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY2(st.message().find("line 2, field 'id'") != std::string::npos, st.message().c_str());
    QCOMPARE(ReadLines(path).size(), size_t{2});  // put back, untouched
    QCOMPARE(q->rows(), int64_t{2});
  }
};

QTEST_GUILESS_MAIN(SinkRunnerTest)
#include "sink_runner_test.moc"
