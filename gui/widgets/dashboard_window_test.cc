// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The dashboard window against a real sinkhost process (tests/support/
// host_process): what people see after posting events, clicking Flush,
// stopping and restarting the host, switching hosts in the connect dialog,
// with a sink that cannot connect, and with a sink whose worker dies.
// A host that does not start fails the test; nothing here is skipped.
#include "gui/widgets/dashboard_window.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>

#include <signal.h>

#include "gui/app/dashboard_controller.h"
#include "gui/model/stats_snapshot.h"
#include "gui/widgets/chart_style.h"
#include "gui/widgets/connect_dialog.h"
#include "gui/widgets/flush_chart.h"
#include "tests/support/host_process.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;
using sinkhost::testing::FreePort;
using sinkhost::testing::HostProcess;
using sinkhost::testing::SqliteScalar;

namespace {

constexpr int kWaitMs = 15000;

// The buffer only seals when asked, so the test decides when rows move.
const char* kSqliteConfig =
    "ingest: {listen: \"{ingest}\"}\n"
    "admin: {listen: \"{admin}\"}\n"
    "data_dir: \"{dir}/data\"\n"
    "plugin_dirs: [\"{plugins}\"]\n"
    "log: {level: warning}\n"
    "shutdown_timeout: 5s\n"
    "streams:\n"
    "  events:\n"
    "    schema: plausible\n"
    "    buffer: {max_events: 10000, flush_interval: 1h}\n"
    "    sinks:\n"
    "      - {plugin: sqlite, options: {path: \"{dir}/events.db\", table: events}}\n";

std::string Events(int n) {
  std::string body;
  for (int i = 0; i < n; ++i)
    body += "{\"name\":\"pageview\",\"url\":\"https://example.com/p" + std::to_string(i) +
            "\",\"domain\":\"example.com\"}\n";
  return body;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) qFatal("'%s' is not in the config", from.c_str());
  return text.replace(at, from.size(), to);
}

// The dashboard as it runs, polling fast so the test does not wait long.
struct Dashboard {
  explicit Dashboard(int admin_port) : window(&controller) {
    controller.set_poll_interval_ms(150);
    controller.set_max_retry_ms(500);
    controller.SetAddress(QUrl("http://127.0.0.1:" + QString::number(admin_port)), "");
    window.show();
  }
  // Looked up on every call: panels are rebuilt when the layout changes.
  QString Text(const QString& name) const {
    auto* label = window.findChild<QLabel*>(name);
    return label != nullptr ? label->text() : "(no label " + name + ")";
  }
  QString Link() const {
    auto* label = window.findChild<QLabel*>("connectionStatus");
    return label != nullptr ? label->property("link").toString() : "(no status)";
  }
  QPushButton* Button(const QString& name) const { return window.findChild<QPushButton*>(name); }

  DashboardController controller;
  DashboardWindow window;
};

}  // namespace

class DashboardWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void depthFlushAndTimings() {
    HostProcess host;
    QVERIFY2(host.Start(kSqliteConfig), host.output().c_str());
    Dashboard d(host.admin_port());
    QVERIFY(QTest::qWaitForWindowExposed(&d.window));
    QTRY_COMPARE_WITH_TIMEOUT(d.Link(), QString("connected"), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(d.Text("depthEvents/events"), QString("0"), kWaitMs);

    QCOMPARE(host.Ingest("POST", "/v1/streams/events/events", Events(25)).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(d.Text("depthEvents/events"), QString("25"), kWaitMs);
    QCOMPARE(d.Text("eventsCap/events"), "of 10,000 (0%)");
    QCOMPARE(d.Text("lastFlush/events/sqlite"), "No batch finished yet");

    QPushButton* flush = d.Button("flush/events");
    QVERIFY(flush != nullptr);
    QTest::mouseClick(flush, Qt::LeftButton);
    QCOMPARE(d.Text("flushFeedback/events"), "Flushing…");
    QVERIFY(!flush->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(d.Text("flushFeedback/events").startsWith("Flushed 25 rows in "),
                             kWaitMs);
    QVERIFY(flush->isEnabled());

    // The host agrees: its buffer is empty and the rows are in SQLite.
    StatsSnapshot stats;
    QString error;
    QVERIFY2(
        ParseStats(QByteArray::fromStdString(host.Admin("GET", "/api/stats").body), &stats, &error),
        qPrintable(error));
    QCOMPARE(stats.streams.at(0).events, 0);
    QCOMPARE(SqliteScalar(host.dir() + "/events.db", "SELECT count(*) FROM events"), "25");

    // And the dashboard shows it: depth 0, the flush in the timings view.
    QTRY_COMPARE_WITH_TIMEOUT(d.Text("depthEvents/events"), QString("0"), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(d.Text("lastFlush/events/sqlite").contains(" · 25 rows · "), kWaitMs);
    QVERIFY2(d.Text("flushSummary/events/sqlite").startsWith("Last 1 flush: p50 "),
             qPrintable(d.Text("flushSummary/events/sqlite")));
    auto* chart = d.window.findChild<FlushChart*>("flushChart/events/sqlite");
    QVERIFY(chart != nullptr);
    QCOMPARE(chart->points(), 1);
    QVERIFY(d.Text("totals/events/sqlite").startsWith("Delivered 25 rows in 1 batch"));
  }

  void hostStoppedAndRestarted() {
    HostProcess host;
    QVERIFY2(host.Start(kSqliteConfig), host.output().c_str());
    Dashboard d(host.admin_port());
    QTRY_COMPARE_WITH_TIMEOUT(d.Link(), QString("connected"), kWaitMs);
    QCOMPARE(host.Ingest("POST", "/v1/streams/events/events", Events(3)).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(d.Text("depthEvents/events"), QString("3"), kWaitMs);

    QCOMPARE(host.Terminate(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(d.Link(), QString("disconnected"), kWaitMs);
    QVERIFY2(d.Text("connectionStatus").startsWith("Disconnected from http://127.0.0.1:"),
             qPrintable(d.Text("connectionStatus")));
    // The last figures stay, greyed out.
    QCOMPARE(d.Text("depthEvents/events"), "3");
    QVERIFY(!d.window.findChild<QWidget*>("streams")->isEnabled());

    QVERIFY2(host.Restart(), host.output().c_str());
    QTRY_COMPARE_WITH_TIMEOUT(d.Link(), QString("connected"), kWaitMs);
    QVERIFY(d.window.findChild<QWidget*>("streams")->isEnabled());
    // Updating again, from the new process's counters.
    QCOMPARE(host.Ingest("POST", "/v1/streams/events/events", Events(7)).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(d.Text("depthEvents/events"), QString("7"), kWaitMs);
    QVERIFY2(d.Text("counters/events").startsWith("Accepted 7\n"),
             qPrintable(d.Text("counters/events")));
  }

  void connectDialogChecksTheAddressAndSwitchesHost() {
    HostProcess host;
    QVERIFY2(host.Start(kSqliteConfig), host.output().c_str());
    Dashboard d(FreePort());  // nothing there
    QTRY_COMPARE_WITH_TIMEOUT(d.Link(), QString("disconnected"), kWaitMs);

    QTest::mouseClick(d.Button("connect"), Qt::LeftButton);
    auto* dialog = d.window.findChild<ConnectDialog*>();
    QVERIFY(dialog != nullptr && dialog->isVisible());
    auto* address = dialog->findChild<QLineEdit*>("address");
    auto* error = dialog->findChild<QLabel*>("error");
    QPushButton* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);

    address->setText("ftp://127.0.0.1:1");
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(),
             "address 'ftp://127.0.0.1:1': the scheme must be http or https, got ftp");

    address->setText("127.0.0.1:" + QString::number(host.admin_port()));
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(d.Link(), QString("connected"), kWaitMs);
    QCOMPARE(d.controller.address().toString(),
             "http://127.0.0.1:" + QString::number(host.admin_port()));
    QTRY_COMPARE_WITH_TIMEOUT(d.Text("depthEvents/events"), QString("0"), kWaitMs);
  }

  void connectDialogKeepsTheTokenInUse() {
    // The token came from the command line (or its file or the environment):
    // OK in the dialog, address unchanged, must not drop it.
    HostProcess host;
    QVERIFY2(host.Start(Replace(kSqliteConfig, "admin: {listen: \"{admin}\"}",
                                "admin: {listen: \"{admin}\", token: \"0123456789abcdef\"}")),
             host.output().c_str());
    Dashboard d(host.admin_port());
    d.controller.SetAddress(d.controller.address(), "0123456789abcdef");
    QTRY_COMPARE_WITH_TIMEOUT(d.Link(), QString("connected"), kWaitMs);

    QTest::mouseClick(d.Button("connect"), Qt::LeftButton);
    auto* dialog = d.window.findChild<ConnectDialog*>();
    QVERIFY(dialog != nullptr && dialog->isVisible());
    QCOMPARE(dialog->findChild<QLineEdit*>("token")->text(), QString("0123456789abcdef"));
    QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
    QCOMPARE(d.controller.token(), QString("0123456789abcdef"));
    QTRY_COMPARE_WITH_TIMEOUT(d.Link(), QString("connected"), kWaitMs);
    QCOMPARE(host.Ingest("POST", "/v1/streams/events/events", Events(3)).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(d.Text("depthEvents/events"), QString("3"), kWaitMs);
  }

  // A sink in a worker process: the panel shows its pid, and after the
  // worker dies, the restart and what ended it.
  void workerPidRestartsAndLastCrash() {
    const std::string config =
        Replace(Replace(kSqliteConfig, "flush_interval: 1h", "flush_interval: 200ms"),
                "{plugin: sqlite,", "{plugin: sqlite, isolation: process,");
    HostProcess host;
    QVERIFY2(host.Start(config), host.output().c_str());
    Dashboard d(host.admin_port());
    QCOMPARE(host.Ingest("POST", "/v1/streams/events/events", Events(2)).status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(d.Text("sinkIsolation/events/sqlite").startsWith("Runs in worker pid "),
                             kWaitMs);
    const QString text = d.Text("sinkIsolation/events/sqlite");
    const qint64 pid = text.section(' ', 4, 4).toLongLong();
    QVERIFY2(pid > 0, qPrintable(text));
    QVERIFY2(text.contains("restarts 0"), qPrintable(text));

    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGSEGV), 0);
    QCOMPARE(host.Ingest("POST", "/v1/streams/events/events", Events(2)).status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(d.Text("sinkIsolation/events/sqlite").contains("restarts 1"), kWaitMs);
    QVERIFY2(d.Text("sinkIsolation/events/sqlite").contains("last: died of SIGSEGV"),
             qPrintable(d.Text("sinkIsolation/events/sqlite")));
    QTRY_VERIFY_WITH_TIMEOUT(d.Text("totals/events/sqlite").startsWith("Delivered 4 rows"),
                             kWaitMs);
  }

  void failingSinkShowsStateAndError() {
    // Nothing listens on a port that was free a moment ago.
    const std::string config =
        Replace(Replace(kSqliteConfig, "flush_interval: 1h", "flush_interval: 200ms"),
                "shutdown_timeout: 5s", "shutdown_timeout: 1s") +
        "      - {name: warehouse, plugin: postgres, options: {connection: "
        "\"postgresql://sinkhost@127.0.0.1:" +
        std::to_string(FreePort()) + "/analytics\", table: events}}\n";
    HostProcess host;
    QVERIFY2(host.Start(config), host.output().c_str());
    Dashboard d(host.admin_port());
    d.controller.set_flush_timeout_ms(1000);
    QCOMPARE(host.Ingest("POST", "/v1/streams/events/events", Events(4)).status, 202);

    QTRY_COMPARE_WITH_TIMEOUT(d.Text("sinkState/events/warehouse"), QString("retrying"), kWaitMs);
    auto* badge = d.window.findChild<QLabel*>("sinkState/events/warehouse");
    QCOMPARE(badge->property("state").toString(), "retrying");
    QVERIFY(badge->styleSheet().contains(StateColor("retrying").name()));
    QTRY_VERIFY_WITH_TIMEOUT(d.Text("sinkError/events/warehouse").contains("Connection refused"),
                             kWaitMs);
    // The other sink of the stream is unaffected.
    QTRY_COMPARE_WITH_TIMEOUT(d.Text("sinkState/events/sqlite"), QString("ok"), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(d.Text("totals/events/sqlite").startsWith("Delivered 4 rows"),
                             kWaitMs);

    // Flush all cannot finish: the feedback names the sink and its error.
    QTest::mouseClick(d.Button("flushAll"), Qt::LeftButton);
    QCOMPARE(d.Text("flushAllFeedback"), "Flushing…");
    QTRY_VERIFY_WITH_TIMEOUT(d.Text("flushAllFeedback")
                                 .startsWith("Sealed 0 rows; not delivered "
                                             "within 1 s: events/warehouse "
                                             "retrying: "),
                             kWaitMs);
    QVERIFY(d.Text("flushAllFeedback").contains("Connection refused"));
  }
};

QTEST_MAIN(DashboardWindowTest)
#include "dashboard_window_test.moc"
