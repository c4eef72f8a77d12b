// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The dashboard's command line, where its token comes from, and the admin
// addresses it (and the connect dialog) accept.
#include "gui/app/command_line.h"

#include <QFile>
#include <QTemporaryDir>

#include "gui/model/admin_address.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;

namespace {

// The environment ParseCommandLine sees: empty unless a test fills it.
QProcessEnvironment Env(const QString& token = QString()) {
  QProcessEnvironment env;
  if (!token.isNull()) env.insert(kAdminTokenVariable, token);
  return env;
}

QString Error(const QStringList& args, const QProcessEnvironment& env = Env()) {
  CommandLine c;
  QString error;
  if (ParseCommandLine(QStringList{"sinkhost-dashboard"} + args, env, &c, &error))
    return "(parsed)";
  return error;
}

CommandLine Parse(const QStringList& args, const QProcessEnvironment& env = Env()) {
  CommandLine c;
  QString error;
  if (!ParseCommandLine(QStringList{"sinkhost-dashboard"} + args, env, &c, &error))
    qFatal("ParseCommandLine: %s", qPrintable(error));
  return c;
}

// Writes `content` to `name` in `dir` and returns the file's path.
QString WriteFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content) {
  const QString path = dir.filePath(name);
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
    qFatal("cannot write %s: %s", qPrintable(path), qPrintable(file.errorString()));
  return path;
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

  void tokenFromTheEnvironmentWhenNoOptionGivesOne() {
    QCOMPARE(Parse({}, Env("from-env")).token, "from-env");
    QCOMPARE(Parse({}, Env("")).token, "");
    // Only that variable.
    QProcessEnvironment other;
    other.insert("SINKHOST_TOKEN", "x");
    QCOMPARE(Parse({}, other).token, "");
  }

  void tokenPrecedenceIsTokenThenTokenFileThenEnvironment() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = WriteFile(dir, "token", "from-file\n");
    QCOMPARE(Parse({"--token", "from-argv"}, Env("from-env")).token, "from-argv");
    QCOMPARE(Parse({"--token-file", file}, Env("from-env")).token, "from-file");
    QCOMPARE(Parse({"--token-file=" + file}).token, "from-file");
    // Given explicitly empty, --token still wins: no token at all.
    QCOMPARE(Parse({"--token", ""}, Env("from-env")).token, "");
  }

  void tokenAndTokenFileTogetherAreAnError() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = WriteFile(dir, "token", "from-file\n");
    QCOMPARE(Error({"--token", "t", "--token-file", file}), "give --token or --token-file, not both");
    QCOMPARE(Error({"--token-file", file, "--token", "t"}, Env("from-env")),
             "give --token or --token-file, not both");
    // Even when the file would not do, the rule is the first thing said.
    QCOMPARE(Error({"--token", "t", "--token-file", dir.filePath("missing")}),
             "give --token or --token-file, not both");
  }

  void tokenFileLosesItsTrailingNewlinesOnly() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QCOMPARE(Parse({"--token-file", WriteFile(dir, "lf", "s3cret\n")}).token, "s3cret");
    QCOMPARE(Parse({"--token-file", WriteFile(dir, "crlf", "s3cret\r\n")}).token, "s3cret");
    QCOMPARE(Parse({"--token-file", WriteFile(dir, "lflf", "s3cret\n\n\n")}).token, "s3cret");
    QCOMPARE(Parse({"--token-file", WriteFile(dir, "bare", "s3cret")}).token, "s3cret");
    // Anything else is the token's: spaces, tabs, non-ASCII.
    QCOMPARE(Parse({"--token-file", WriteFile(dir, "spaces", " a b\t\n")}).token, " a b\t");
    QCOMPARE(Parse({"--token-file", WriteFile(dir, "utf8", "gr\xc3\xbc\xc3\x9f\n")}).token,
             QString::fromUtf8("gr\xc3\xbc\xc3\x9f"));
  }

  void tokenFileErrorsNameThePathAndTheReason() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath("missing");
    QCOMPARE(Error({"--token-file", missing}),
             "--token-file: '" + missing + "': cannot read it: No such file or directory");
    // An error, not a fallback to the environment.
    QCOMPARE(Error({"--token-file", missing}, Env("from-env")),
             "--token-file: '" + missing + "': cannot read it: No such file or directory");
    const QString empty = WriteFile(dir, "empty", "");
    QCOMPARE(Error({"--token-file", empty}),
             "--token-file: '" + empty + "': the file is empty, expected the admin token");
    const QString newlines = WriteFile(dir, "newlines", "\n\r\n");
    QCOMPARE(Error({"--token-file", newlines}),
             "--token-file: '" + newlines + "': the file is empty, expected the admin token");
    const QString lines = WriteFile(dir, "lines", "s3cret\nmore\n");
    QCOMPARE(Error({"--token-file", lines}),
             "--token-file: '" + lines + "': more than one line, expected only the admin token");
    const QString big = WriteFile(dir, "big", QByteArray(64 * 1024 + 1, 'x'));
    QCOMPARE(Error({"--token-file", big}),
             "--token-file: '" + big + "': larger than 64 KiB, not a token");
    QVERIFY2(Error({"--token-file", dir.path()}).startsWith("--token-file: '" + dir.path() +
                                                             "': cannot read it: "),
             qPrintable(Error({"--token-file", dir.path()})));
    QCOMPARE(Error({"--token-file"}), "Missing value after '--token-file'.");

    // Root reads a file whatever its mode says.
    const QString locked = WriteFile(dir, "locked", "s3cret\n");
    QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
    if (QFile(locked).open(QIODevice::ReadOnly)) QSKIP("running as root: mode 000 reads anyway");
    QCOMPARE(Error({"--token-file", locked}),
             "--token-file: '" + locked + "': cannot read it: Permission denied");
  }

  void helpNamesTheThreeTokenSourcesAndWarnsAboutPs() {
    const CommandLine c = Parse({"--help"});
    QVERIFY(c.help);
    QVERIFY(c.help_text.contains("--token <TOKEN>"));
    QVERIFY(c.help_text.contains("--token-file <PATH>"));
    QVERIFY(c.help_text.contains("\nEnvironment:\n  SINKHOST_ADMIN_TOKEN "));
    QVERIFY2(c.help_text.simplified().contains(
                 "Other users can read it with ps: prefer --token-file or SINKHOST_ADMIN_TOKEN."),
             qPrintable(c.help_text));
    QVERIFY(!c.help_text.contains("<executable_name>"));
    // Qt's --help-all cannot list Qt's options without a QApplication.
    QVERIFY(!c.help_text.contains("--help-all"));
    QCOMPARE(Error({"--help-all"}), "Unknown option 'help-all'.");
    QVERIFY(c.help_text.startsWith("Usage: sinkhost-dashboard [options]\n"));
  }

  void helpAndVersionCheckNothingElse() {
    // help2man runs these with no token file or host around.
    QVERIFY(Parse({"--help", "--token-file", "/nonexistent/token", "--interval", "1"}).help);
    QVERIFY(Parse({"-h"}).help);
    QVERIFY(Parse({"--version", "--token", "t", "--token-file", "/nonexistent"}).version);
    QVERIFY(Parse({"-v"}).version);
    // Unknown options are still unknown.
    QCOMPARE(Error({"--help", "--bogus"}), "Unknown option 'bogus'.");
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
