// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// DashboardController without a window: the event loop never waits on the
// network (a host that accepts and never answers), the token and the
// request headers go out as intended,
// errors from a real host and from something that is not a sinkhost are
// reported, and switching address drops the old host's data.
#include "gui/app/dashboard_controller.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <memory>
#include <vector>

#include "tests/support/host_process.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;
using sinkhost::testing::FreePort;
using sinkhost::testing::HostProcess;

namespace {

constexpr int kWaitMs = 15000;

const char* kConfig =
    "ingest: {listen: \"{ingest}\"}\n"
    "admin: {listen: \"{admin}\"}\n"
    "data_dir: \"{dir}/data\"\n"
    "plugin_dirs: [\"{plugins}\"]\n"
    "log: {level: warning}\n"
    "streams:\n"
    "  events:\n"
    "    schema: plausible\n"
    "    sinks:\n"
    "      - {plugin: sqlite, options: {path: \"{dir}/events.db\"}}\n";

QUrl Local(int port) { return QUrl("http://127.0.0.1:" + QString::number(port)); }

// Accepts connections, keeps what they send, never answers.
class SilentServer : public QObject {
 public:
  SilentServer() {
    server_.listen(QHostAddress::LocalHost);
    connect(&server_, &QTcpServer::newConnection, this, [this] {
      while (QTcpSocket* s = server_.nextPendingConnection()) {
        sockets_.emplace_back(s);
        connect(s, &QTcpSocket::readyRead, this, [this, s] { received_ += s->readAll(); });
      }
    });
  }
  int port() const { return server_.serverPort(); }
  const QByteArray& received() const { return received_; }

 private:
  QTcpServer server_;
  std::vector<std::unique_ptr<QTcpSocket>> sockets_;
  QByteArray received_;
};

// Answers every request with the same stats document and keeps the
// request lines, to see what the dashboard asks for.
class ScriptedServer : public QObject {
 public:
  explicit ScriptedServer(QByteArray body) : body_(std::move(body)) {
    server_.listen(QHostAddress::LocalHost);
    connect(&server_, &QTcpServer::newConnection, this, [this] {
      while (QTcpSocket* s = server_.nextPendingConnection()) {
        sockets_.emplace_back(s);
        connect(s, &QTcpSocket::readyRead, this, [this, s] { Serve(s); });
      }
    });
  }
  int port() const { return server_.serverPort(); }
  const QStringList& request_lines() const { return lines_; }

 private:
  void Serve(QTcpSocket* s) {
    pending_ += s->readAll();
    for (qsizetype end; (end = pending_.indexOf("\r\n\r\n")) >= 0;) {
      lines_ << QString::fromLatin1(pending_.left(pending_.indexOf("\r\n")));
      pending_.remove(0, end + 4);
      s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
               QByteArray::number(body_.size()) + "\r\n\r\n" + body_);
    }
  }

  const QByteArray body_;
  QTcpServer server_;
  std::vector<std::unique_ptr<QTcpSocket>> sockets_;
  QByteArray pending_;
  QStringList lines_;
};

}  // namespace

class DashboardControllerTest : public QObject {
  Q_OBJECT

 private slots:
  void hungHostTimesOutWhileTheEventLoopRuns() {
    SilentServer silent;
    DashboardController c;
    c.set_poll_interval_ms(200);  // polls may take 3 s before they count as lost
    // A timer that must keep firing: any blocking call would stall it.
    QElapsedTimer since_tick;
    since_tick.start();
    qint64 worst_gap_ms = 0;
    QTimer tick;
    connect(&tick, &QTimer::timeout,
            [&] { worst_gap_ms = std::max(worst_gap_ms, since_tick.restart()); });
    tick.start(10);
    c.SetAddress(Local(silent.port()), "s3cret");
    QCOMPARE(c.connection().link(), Link::kConnecting);
    QTRY_COMPARE_WITH_TIMEOUT(c.connection().link(), Link::kDisconnected, kWaitMs);
    QCOMPARE(c.connection().error(), "no answer within 3 s");
    QVERIFY2(worst_gap_ms < 500, qPrintable(QString::number(worst_gap_ms) + " ms"));
    // The token went out for a proxy to check.
    QVERIFY(silent.received().startsWith("GET /api/stats HTTP/1.1\r\n"));
    QVERIFY(silent.received().contains("\r\nAuthorization: Bearer s3cret\r\n"));

    // A flush asks not to keep its connection: it would hold one of the
    // admin listener's few threads while idle.
    c.Flush("events");
    QTRY_VERIFY_WITH_TIMEOUT(silent.received().contains("POST /api/flush?stream=events&timeout="),
                             kWaitMs);
    const QByteArray flush = silent.received().mid(silent.received().indexOf("POST /api/flush"));
    QVERIFY2(flush.contains("\r\nConnection: close\r\n"), flush.constData());
    QVERIFY2(!flush.toLower().contains("keep-alive"), flush.constData());
    QVERIFY(c.flush_feedback("events").running());
  }

  void laterPollsAskOnlyForNewFlushes() {
    ScriptedServer host(
        "{\"version\": \"0.1.0\", \"started_at\": \"2026-11-24T20:00:00.000000Z\","
        " \"uptime_seconds\": 62.5, \"streams\": {}}");
    DashboardController c;
    c.set_poll_interval_ms(100);
    c.SetAddress(Local(host.port()), "");
    QTRY_VERIFY_WITH_TIMEOUT(host.request_lines().size() >= 2, kWaitMs);
    QCOMPARE(c.connection().link(), Link::kConnected);
    QCOMPARE(host.request_lines()[0], "GET /api/stats HTTP/1.1");
    // The host's clock at the last answer (20:01:02.5) less 10 s of overlap.
    QCOMPARE(host.request_lines()[1],
             "GET /api/stats?recent_since=2026-11-24T20:00:52.500000Z HTTP/1.1");
  }

  void refusedPortBacksOff() {
    DashboardController c;
    c.set_poll_interval_ms(100);
    c.set_max_retry_ms(400);
    c.SetAddress(Local(FreePort()), "");
    QTRY_VERIFY_WITH_TIMEOUT(c.connection().failures() >= 4, kWaitMs);
    QCOMPARE(c.connection().NextPollDelayMs(), 400);
    QVERIFY2(c.connection().Describe(c.Now()).startsWith("Cannot reach http://127.0.0.1:"),
             qPrintable(c.connection().Describe(c.Now())));
    QCOMPARE(c.connection().error(), "Connection refused");
    QVERIFY(!c.model().has_data());
  }

  void notASinkhostAdminApi() {
    HostProcess host;
    QVERIFY2(host.Start(kConfig), host.output().c_str());
    DashboardController c;
    c.SetAddress(Local(host.ingest_port()), "");  // the wrong listener
    QTRY_COMPARE_WITH_TIMEOUT(c.connection().link(), Link::kDisconnected, kWaitMs);
    QVERIFY2(c.connection().error().startsWith("HTTP 404: "), qPrintable(c.connection().error()));
  }

  void realHostFlushesAndReportsErrors() {
    HostProcess host;
    QVERIFY2(host.Start(kConfig), host.output().c_str());
    DashboardController c;
    c.set_poll_interval_ms(150);
    c.SetAddress(Local(host.admin_port()), "");
    QTRY_COMPARE_WITH_TIMEOUT(c.connection().link(), Link::kConnected, kWaitMs);
    QCOMPARE(c.model().layout(), QStringList({"events", "events/sqlite"}));

    c.Flush("nope");
    QVERIFY(c.flush_feedback("nope").running());
    QTRY_COMPARE_WITH_TIMEOUT(c.flush_feedback("nope").phase(), FlushFeedback::Phase::kFailed,
                              kWaitMs);
    QCOMPARE(c.flush_feedback("nope").text(), "Flush failed: HTTP 404: unknown stream 'nope'");

    QCOMPARE(host.Ingest("POST", "/v1/streams/events/events",
                         "{\"name\":\"a\",\"url\":\"https://e.com/\",\"domain\":\"e.com\"}")
                 .status,
             202);
    c.Flush("");
    QTRY_COMPARE_WITH_TIMEOUT(c.flush_feedback("").phase(), FlushFeedback::Phase::kDone, kWaitMs);
    QVERIFY(c.flush_feedback("").text().startsWith("Flushed 1 row in "));
    QTRY_VERIFY_WITH_TIMEOUT(c.model().flushes("events", "sqlite") != nullptr &&
                                 c.model().flushes("events", "sqlite")->records().size() == 1,
                             kWaitMs);

    // Another address: nothing of the old host remains on show.
    c.SetAddress(Local(FreePort()), "");
    QVERIFY(!c.model().has_data());
    QCOMPARE(c.flush_feedback("").phase(), FlushFeedback::Phase::kIdle);
    QTRY_COMPARE_WITH_TIMEOUT(c.connection().link(), Link::kDisconnected, kWaitMs);
  }
};

QTEST_GUILESS_MAIN(DashboardControllerTest)
#include "dashboard_controller_test.moc"
