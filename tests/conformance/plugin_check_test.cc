// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Runs the installed-style sinkhost-plugin-check binary, as a sink author
// would, against every in-tree sink (PostgreSQL and ClickHouse on real
// servers started here) and against a sink broken on purpose in one way at
// a time: the kit must pass the good ones and fail the broken one with the
// failing check named. The out-of-tree example is checked by
// tests/install/install_test.sh, against the installed SDK and kit.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/clickhouse_server.h"
#include "tests/support/host_process.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_env.h"

using namespace sinkhost::testing;

namespace {

struct KitRun {
  int exit_code = -1;
  QString output;
};

// Runs the kit with `args`; a run that does not end in time is a failure.
KitRun RunKit(const QStringList& args, int timeout_ms = 240000) {
  QProcess kit;
  kit.setProcessChannelMode(QProcess::MergedChannels);
  kit.start(QString::fromStdString(BuildDir() + "/bin/sinkhost-plugin-check"), args);
  KitRun run;
  if (!kit.waitForFinished(timeout_ms)) {
    kit.kill();
    kit.waitForFinished();
    run.output = "timed out: " + QString::fromUtf8(kit.readAll());
    return run;
  }
  run.output = QString::fromUtf8(kit.readAll());
  run.exit_code = kit.exitStatus() == QProcess::NormalExit ? kit.exitCode() : -1;
  return run;
}

QString Plugin(const char* name) {
  return QString::fromStdString(PluginDir() + "/" + name + ".so");
}

QString ReadBack(const char* plugin) {
  return QString::fromStdString(SourceDir() + "/plugins/" + plugin + "/read_back.sh");
}

// Every line of the kit's output that reports a check, e.g. "FAIL  close".
QStringList Lines(const KitRun& run, const QString& prefix) {
  QStringList out;
  for (const QString& line : run.output.split('\n'))
    if (line.startsWith(prefix)) out << line;
  return out;
}

// What a failure message shows: QTest cuts long messages, so the FAIL and
// SKIP lines first, then the whole output.
QByteArray Explain(const KitRun& run) {
  return (Lines(run, "FAIL") + Lines(run, "SKIP")).join('\n').toUtf8() + "\n---\n" +
         run.output.toUtf8();
}

// A passing run of both modes (the default): exit 0, no FAIL line, every
// data check read back, in process and again in a worker.
void ExpectPass(const KitRun& run, int skips_per_mode) {
  QVERIFY2(run.exit_code == 0, Explain(run).constData());
  QCOMPARE(Lines(run, "SKIP").size(), 2 * skips_per_mode);
  QVERIFY2(!run.output.contains("not read back"), Explain(run).constData());
  QCOMPARE(Lines(run, "PASS  batch.100k_rows").size(), 2);
  QVERIFY2(run.output.contains("in this process (isolation: in_process)"),
           Explain(run).constData());
  QVERIFY2(run.output.contains("in a sinkhost-sink-worker process (isolation: process)"),
           Explain(run).constData());
  QCOMPARE(Lines(run, "summary: ").size(), 2);
}

// The kit run against broken_sink with one fault, in the given mode.
KitRun RunFault(const QTemporaryDir& dir, const QString& isolation, const QString& flaw,
                const QStringList& extra = {}) {
  return RunKit(QStringList{"--plugin", QString::fromStdString(TestPluginPath("broken_sink")),
                            "--option", "path=" + dir.filePath("x.ndjson"), "--option",
                            "flaw=" + flaw, "--read-back", ReadBack("file"), "--isolation",
                            isolation, "--check-timeout", "3"} +
                extra);
}

}  // namespace

class PluginCheckTest : public QObject {
  Q_OBJECT

 private slots:
  void sqliteSinkPasses() {
    QTemporaryDir dir;
    KitRun run = RunKit({"--plugin", Plugin("sqlite"), "--option", "path=" + dir.filePath("c.db"),
                         "--option", "table=checked", "--read-back", ReadBack("sqlite")});
    // errors.retryable: a local file has no outage to simulate.
    ExpectPass(run, 1);
  }

  void fileSinkPasses() {
    QTemporaryDir dir;
    KitRun run = RunKit({"--plugin", Plugin("file"), "--option",
                         "path=" + dir.filePath("c.ndjson"), "--read-back", ReadBack("file")});
    ExpectPass(run, 1);
  }

  void postgresSinkPasses() {
    PostgresServer server;
    QVERIFY2(server.Start(), server.error().c_str());
    const QString conn = QString::fromStdString(server.ConnectionString());
    const QString closed = QString("host=127.0.0.1 port=%1 dbname=postgres user=postgres")
                               .arg(FreePort());
    KitRun run = RunKit({"--plugin", Plugin("postgres"), "--option", "connection=" + conn,
                         "--option", "table=checked", "--read-back", ReadBack("postgres"),
                         "--unreachable", "connection=" + closed, "--unreachable",
                         "connect_timeout=2s"});
    ExpectPass(run, 0);
    QVERIFY2(run.output.contains(QRegularExpression("PASS  errors.retryable +open: RETRYABLE")),
             Explain(run).constData());
  }

  void clickhouseSinkPasses() {
    ClickHouseServer server;
    QVERIFY2(server.Start(), server.error().c_str());
    const QString url = QString::fromStdString(server.HttpUrl());
    const QString closed = QString("url=http://127.0.0.1:%1").arg(FreePort());
    KitRun run = RunKit({"--plugin", Plugin("clickhouse"), "--option", "url=" + url, "--option",
                         "table=checked", "--read-back", ReadBack("clickhouse"),
                         "--unreachable", closed});
    ExpectPass(run, 0);
  }

  void clickhouseSinkWithGzipPasses() {
    ClickHouseServer server;
    QVERIFY2(server.Start(), server.error().c_str());
    KitRun run = RunKit({"--plugin", Plugin("clickhouse"), "--option",
                         "url=" + QString::fromStdString(server.HttpUrl()), "--option",
                         "compression=gzip", "--option", "timestamp_type=int64_micros",
                         "--read-back", ReadBack("clickhouse")});
    ExpectPass(run, 1);
  }

  void brokenSinkFailsTheCheckItBreaks_data() {
    QTest::addColumn<QString>("flaw");
    QTest::addColumn<QString>("check");
    QTest::newRow("unknown options") << "accept_unknown_options" << "options.unknown";
    QTest::newRow("rounded floats") << "round_floats" << "types.edge_values";
    QTest::newRow("null as empty") << "empty_for_null" << "types.nulls";
    QTest::newRow("tab as space") << "tab_as_space" << "strings.awkward";
    QTest::newRow("lost row") << "lose_last_row" << "batch.100k_rows";
    QTest::newRow("truncate on reopen") << "truncate_on_reopen" << "close_reopen";
    QTest::newRow("foreign batch retryable") << "retry_foreign_batch" << "errors.permanent";
    QTest::newRow("batch never released") << "keep_batch" << "arrow.release";
    QTest::newRow("errors without message") << "no_message" << "errors.messages";
    QTest::newRow("hang") << "hang_in_flush" << "write.empty_batch";
  }

  void brokenSinkFailsTheCheckItBreaks() {
    QFETCH(QString, flaw);
    QFETCH(QString, check);
    QTemporaryDir dir;
    KitRun run = RunKit({"--plugin", QString::fromStdString(TestPluginPath("broken_sink")),
                         "--option", "path=" + dir.filePath("x.ndjson"), "--option",
                         "flaw=" + flaw, "--read-back", ReadBack("file"), "--check-timeout",
                         "3"});
    QVERIFY2(run.exit_code == 1, Explain(run).constData());
    const QStringList failed = Lines(run, "FAIL");
    QVERIFY2(!failed.isEmpty(), Explain(run).constData());
    // The flaw's own check is the first to fail, and it is named.
    QVERIFY2(failed.first().startsWith("FAIL  " + check + " "), Explain(run).constData());
    QVERIFY2(run.output.contains("summary: "), Explain(run).constData());
  }

  void brokenSinkWithoutItsFlawPasses() {
    QTemporaryDir dir;
    KitRun run = RunKit({"--plugin", QString::fromStdString(TestPluginPath("broken_sink")),
                         "--option", "path=" + dir.filePath("x.ndjson"), "--read-back",
                         ReadBack("file")});
    ExpectPass(run, 1);
  }

  // The supervisor's cases: in a worker, a crash or hang fails the running
  // check with what happened, and the kit goes on with the next check.
  void crashInWorkerFailsOnlyTheRunningCheck() {
    QTemporaryDir dir;
    // Each worker crashes in its 3rd write: empty batch (1), edge values
    // (2), nulls (3: the crash); then a new worker: awkward strings (1),
    // 100k rows (2), the first of 1,000 small batches (3: the crash).
    KitRun run = RunFault(dir, "process", "crash_in_write", {"--option", "every=3"});
    QVERIFY2(run.exit_code == 1, Explain(run).constData());
    const QStringList failed = Lines(run, "FAIL");
    QVERIFY2(failed.size() >= 2, Explain(run).constData());
    QVERIFY2(failed[0].startsWith("FAIL  types.nulls "), Explain(run).constData());
    QVERIFY2(failed[0].contains("CRASHED") && failed[0].contains("SIGSEGV") &&
                 failed[0].contains("during write of batch"),
             Explain(run).constData());
    QVERIFY2(failed[1].startsWith("FAIL  batch.1000_small ") && failed[1].contains("SIGSEGV"),
             Explain(run).constData());
    // A new worker took over after each crash: the checks between ran and
    // passed, and every row they wrote was read back.
    QVERIFY2(run.output.contains("PASS  strings.awkward"), Explain(run).constData());
    QVERIFY2(run.output.contains("PASS  batch.100k_rows"), Explain(run).constData());
    QVERIFY2(run.output.contains("summary: "), Explain(run).constData());
  }

  void crashInProcessNamesTheCheckAndTheSignal() {
    QTemporaryDir dir;
    KitRun run = RunFault(dir, "in_process", "crash_in_write", {"--option", "every=3"});
    QVERIFY2(run.exit_code == 1, Explain(run).constData());
    QVERIFY2(run.output.contains(QRegularExpression(
                 "FAIL  types.nulls +the plugin crashed the process \\(SIGSEGV\\)")),
             Explain(run).constData());
    QVERIFY2(run.output.contains("summary: FAILED (SIGSEGV during types.nulls)"),
             Explain(run).constData());
  }

  void abortInOpenFailsOpen() {
    QTemporaryDir dir;
    KitRun run = RunFault(dir, "process", "abort_in_open");
    QVERIFY2(run.exit_code == 1, Explain(run).constData());
    QVERIFY2(run.output.contains(QRegularExpression("FAIL  open .*CRASHED.*SIGABRT during open")),
             Explain(run).constData());
    QVERIFY2(run.output.contains("summary: "), Explain(run).constData());
  }

  void hangInWorkerIsKilledAndTheKitGoesOn() {
    QTemporaryDir dir;
    // The first write hangs (it creates the marker first); later ones do not.
    KitRun run = RunFault(dir, "process", "hang_in_write",
                          {"--option", "marker=" + dir.filePath("hung")});
    QVERIFY2(run.exit_code == 1, Explain(run).constData());
    const QStringList failed = Lines(run, "FAIL");
    QVERIFY2(failed.size() == 1, Explain(run).constData());
    QVERIFY2(failed.first().startsWith("FAIL  write.empty_batch ") &&
                 failed.first().contains("did not return within 3000 ms"),
             Explain(run).constData());
    QVERIFY2(run.output.contains("PASS  batch.100k_rows"), Explain(run).constData());
  }

  void leakPastTheMemoryLimitIsACrash() {
    QTemporaryDir dir;
    KitRun run = RunFault(dir, "process", "leak_in_write", {"--memory-limit", "512MiB"});
    QVERIFY2(run.exit_code == 1, Explain(run).constData());
    QVERIFY2(run.output.contains("ran past its memory_limit"), Explain(run).constData());
    QVERIFY2(run.output.contains("summary: "), Explain(run).constData());
  }

  void garbageOutputDoesNotFailAWorker() {
    QTemporaryDir dir;
    KitRun run = RunFault(dir, "process", "garbage_output");
    QVERIFY2(run.exit_code == 0, Explain(run).constData());
    // What the worker printed is logged, bounded: 1,000 writes of 100 kB
    // lines do not come back whole.
    QVERIFY2(run.output.size() < 4 * 1024 * 1024, qPrintable(QString::number(run.output.size())));
  }

  void pluginOfAnotherAbiFailsToLoad() {
    KitRun run = RunKit({"--plugin", QString::fromStdString(TestPluginPath("test_sink_major2"))});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.output.contains(QRegularExpression("FAIL  load .*ABI")), Explain(run).constData());
  }

  void readBackFailureIsReportedWithTheCommand() {
    QTemporaryDir dir;
    KitRun run = RunKit({"--plugin", Plugin("file"), "--option",
                         "path=" + dir.filePath("c.ndjson"), "--read-back", "exit 3"});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.output.contains(QRegularExpression(
                 "FAIL  readback.empty_destination +read-back command exited with 3: exit 3")),
             Explain(run).constData());
  }

  void nonEmptyDestinationIsRefused() {
    QTemporaryDir dir;
    QFile old(dir.filePath("c.ndjson"));
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("{\"id\":1}\n");
    old.close();
    KitRun run = RunKit({"--plugin", Plugin("file"), "--option",
                         "path=" + dir.filePath("c.ndjson"), "--read-back", ReadBack("file")});
    QCOMPARE(run.exit_code, 1);
    QVERIFY2(run.output.contains("FAIL  readback.empty_destination"), Explain(run).constData());
  }

  void badArgumentsExitWithUsage() {
    KitRun run = RunKit({"--plugin", Plugin("file"), "--option", "novalue"});
    QCOMPARE(run.exit_code, 2);
    QVERIFY2(run.output.contains("--option expects key=value, got 'novalue'"),
             Explain(run).constData());
  }
};

QTEST_GUILESS_MAIN(PluginCheckTest)
#include "plugin_check_test.moc"
