// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// FlushFeedback and the POST /api/flush answer it is built from: running,
// done with what it flushed, a sink that did not finish (504), failure.
#include "gui/model/flush_feedback.h"

#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;

namespace {

// What the host answers when one sink of two did not finish in time.
const char* kPartial =
    "{\"completed\": false, \"timeout_ms\": 2000, \"elapsed_ms\": 1999.1,"
    " \"streams\": {\"events\": {\"completed\": false, \"rows_sealed\": 6, \"batch\": 1,"
    "  \"sinks\": {\"sqlite\": {\"done\": true, \"state\": \"ok\", \"error\": \"\"},"
    "             \"pg\": {\"done\": false, \"state\": \"retrying\","
    "                     \"error\": \"open: cannot connect\"}}}}}";

FlushResult Parse(const QByteArray& json) {
  FlushResult r;
  QString error;
  if (!ParseFlushResult(json, &r, &error)) qFatal("ParseFlushResult: %s", qPrintable(error));
  return r;
}

}  // namespace

class FlushFeedbackTest : public QObject {
  Q_OBJECT

 private slots:
  void parsesTheHostsAnswerInOrder() {
    const FlushResult r = Parse(kPartial);
    QVERIFY(!r.completed);
    QCOMPARE(r.timeout_ms, 2000);
    QCOMPARE(r.streams.size(), size_t{1});
    QCOMPARE(r.streams[0].rows_sealed, 6);
    QCOMPARE(r.streams[0].batch, 1u);
    QCOMPARE(r.streams[0].sinks.size(), size_t{2});
    QCOMPARE(r.streams[0].sinks[0].name, "sqlite");
    QCOMPARE(r.streams[0].sinks[1].name, "pg");
    QVERIFY(!r.streams[0].sinks[1].done);
    QCOMPARE(r.streams[0].sinks[1].error, "open: cannot connect");
  }

  void refusesWhatIsNotAFlushResult() {
    FlushResult r;
    QString error;
    QVERIFY(!ParseFlushResult("{\"error\": {\"message\": \"x\"}}", &r, &error));
    QVERIFY(error.startsWith("not a flush result"));
    QVERIFY(!ParseFlushResult("nope", &r, &error));
  }

  void idleThenRunning() {
    FlushFeedback f;
    QCOMPARE(f.phase(), FlushFeedback::Phase::kIdle);
    QCOMPARE(f.text(), "");
    f.Start();
    QVERIFY(f.running());
    QCOMPARE(f.text(), "Flushing…");
  }

  void doneSaysRowsAndTime() {
    FlushFeedback f;
    f.Start();
    f.Finish(
        Parse("{\"completed\": true, \"timeout_ms\": 10000, \"elapsed_ms\": 3.21,"
              " \"streams\": {\"a\": {\"completed\": true, \"rows_sealed\": 1200, \"sinks\": {}},"
              "  \"b\": {\"completed\": true, \"rows_sealed\": 34, \"sinks\": {}}}}"));
    QCOMPARE(f.phase(), FlushFeedback::Phase::kDone);
    QCOMPARE(f.text(), "Flushed 1,234 rows in 3.2 ms");
    f.Finish(
        Parse("{\"completed\": true, \"elapsed_ms\": 0.5, \"streams\": {\"a\":"
              " {\"completed\": true, \"rows_sealed\": 1, \"sinks\": {}}}}"));
    QCOMPARE(f.text(), "Flushed 1 row in 0.50 ms");
  }

  void partialNamesTheSinksThatDidNotFinish() {
    FlushFeedback f;
    f.Start();
    f.Finish(Parse(kPartial));
    QCOMPARE(f.phase(), FlushFeedback::Phase::kPartial);
    QCOMPARE(f.text(),
             "Sealed 6 rows; not delivered within 2 s: events/pg retrying: open: cannot connect");
  }

  void failureSaysWhy() {
    FlushFeedback f;
    f.Start();
    f.Fail("HTTP 404: unknown stream 'x'");
    QCOMPARE(f.phase(), FlushFeedback::Phase::kFailed);
    QVERIFY(!f.running());
    QCOMPARE(f.text(), "Flush failed: HTTP 404: unknown stream 'x'");
  }
};

QTEST_GUILESS_MAIN(FlushFeedbackTest)
#include "flush_feedback_test.moc"
