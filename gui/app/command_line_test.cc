// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The dashboard's command line and the admin addresses it (and the connect
// dialog) accept.
#include "gui/app/command_line.h"

#include "gui/model/admin_address.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;

namespace {

QString Error(const QStringList& args) {
  CommandLine c;
  QString error;
  if (ParseCommandLine(QStringList{"sinkhost-dashboard"} + args, &c, &error)) return "(parsed)";
  return error;
}

CommandLine Parse(const QStringList& args) {
  CommandLine c;
  QString error;
  if (!ParseCommandLine(QStringList{"sinkhost-dashboard"} + args, &c, &error))
    qFatal("ParseCommandLine: %s", qPrintable(error));
  return c;
}

QString Normalized(const QString& text) {
  QString error;
  const QUrl url = NormalizeAdminAddress(text, &error);
  return url.isValid() ? url.toString() : "error: " + error;
}

}  // namespace

class CommandLineTest : public QObject {
  Q_OBJECT

 private slots:
  void defaults() {
    const CommandLine c = Parse({});
    QVERIFY(c.admin.isEmpty());
    QCOMPARE(c.token, "");
    QCOMPARE(c.interval_ms, 1000);
    QCOMPARE(c.screenshot, "");
    QVERIFY(!c.window_size.isValid());
  }

  void adminAndToken() {
    const CommandLine c = Parse({"--admin", "127.0.0.1:9091/", "--token", "s3cret"});
    QCOMPARE(c.admin.toString(), "http://127.0.0.1:9091");
    QCOMPARE(c.token, "s3cret");
    QCOMPARE(Parse({"--admin=https://h.example/sinkhost/"}).admin.toString(),
             "https://h.example/sinkhost");
  }

  void hiddenScreenshotOptions() {
    const CommandLine c = Parse(
        {"--screenshot", "/tmp/x.png", "--screenshot-after", "2.5", "--window-size", "1280x900"});
    QCOMPARE(c.screenshot, "/tmp/x.png");
    QCOMPARE(c.screenshot_after, 2.5);
    QCOMPARE(c.window_size, QSize(1280, 900));
    QVERIFY(!c.help_text.contains("screenshot"));
    QVERIFY(c.help_text.contains("--admin"));
  }

  void badArgumentsAreNamed() {
    QCOMPARE(Error({"--admin", "ftp://h:1"}),
             "--admin: address 'ftp://h:1': the scheme must be http or https, got ftp");
    QCOMPARE(Error({"--interval", "5"}), "--interval: must be 50 to 60000 milliseconds, got '5'");
    QCOMPARE(Error({"--window-size", "big"}),
             "--window-size: expected WIDTHxHEIGHT such as 1280x900, got 'big'");
    QCOMPARE(Error({"http://h:1"}),
             "unexpected argument 'http://h:1' (the address goes after --admin)");
    QCOMPARE(Error({"--bogus"}), "Unknown option 'bogus'.");
  }

  void addresses() {
    QCOMPARE(Normalized("localhost:8081"), "http://localhost:8081");
    QCOMPARE(Normalized(" http://[::1]:8081// "), "http://[::1]:8081");
    QCOMPARE(Normalized(""), "error: the admin address is empty (e.g. http://127.0.0.1:8081)");
    QCOMPARE(Normalized("http://h:1/?x=1"),
             "error: address 'http://h:1/?x=1': must not have a query or fragment");
    QCOMPARE(Normalized("http://:8081"), "error: address 'http://:8081': no host name");
  }
};

QTEST_GUILESS_MAIN(CommandLineTest)
#include "command_line_test.moc"
