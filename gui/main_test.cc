// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The sinkhost-dashboard program itself, run as help2man and a user run it:
// --help and --version without a display, exit codes, where output goes.
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "tests/support/qtest_printers.h"

namespace {

struct Run {
  int exit_code = -1;
  QString out;
  QString err;
};

// No display of any kind: what a package build has.
QProcessEnvironment Headless() {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const char* name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"}) env.remove(name);
  return env;
}

QProcessEnvironment Offscreen() {
  QProcessEnvironment env = Headless();
  env.insert("QT_QPA_PLATFORM", "offscreen");
  return env;
}

Run Dashboard(const QStringList& args, const QProcessEnvironment& env) {
  QProcess process;
  process.setProcessEnvironment(env);
  process.start(SINKHOST_DASHBOARD_BINARY, args);
  Run run;
  if (!process.waitForFinished(20000)) {
    process.kill();
    process.waitForFinished();
    run.err = "did not finish in 20 s: " + process.errorString();
    return run;
  }
  if (process.exitStatus() == QProcess::NormalExit) run.exit_code = process.exitCode();
  run.out = QString::fromLocal8Bit(process.readAllStandardOutput());
  run.err = QString::fromLocal8Bit(process.readAllStandardError());
  return run;
}

// The program's own lines on stderr, without what Qt says on the way (such
// as "QStandardPaths: XDG_RUNTIME_DIR not set").
QString Own(const QString& err) {
  QStringList own;
  for (const QString& line : err.split('\n', Qt::SkipEmptyParts)) {
    if (line.startsWith("sinkhost-dashboard:")) own << line;
  }
  return own.join('\n');
}

}  // namespace

class MainTest : public QObject {
  Q_OBJECT

 private slots:
  void versionGoesToStdoutWithoutADisplay() {
    // The project's one version number, 0.1.0 at the time of writing.
    QVERIFY(QRegularExpression("^\\d+\\.\\d+\\.\\d+$").match(SINKHOST_VERSION).hasMatch());
    for (const QProcessEnvironment& env : {Headless(), Offscreen()}) {
      for (const char* flag : {"--version", "-v"}) {
        const Run run = Dashboard({flag}, env);
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        QCOMPARE(run.out.section('\n', 0, 0), QString("sinkhost-dashboard " SINKHOST_VERSION));
        QCOMPARE(run.err, "");
      }
    }
  }

  void helpGoesToStdoutWithoutADisplay() {
    for (const QProcessEnvironment& env : {Headless(), Offscreen()}) {
      for (const char* flag : {"--help", "-h"}) {
        const Run run = Dashboard({flag}, env);
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        QVERIFY(run.out.startsWith("Usage: sinkhost-dashboard [options]\n"));
        for (const char* text : {"--admin", "--token <TOKEN>", "--token-file <PATH>",
                                 "SINKHOST_ADMIN_TOKEN", "--version"}) {
          QVERIFY2(run.out.contains(text), text);
        }
        QCOMPARE(run.err, "");
      }
    }
  }

  void helpNeedsNoTokenFile() {
    const Run run = Dashboard({"--token-file", "/nonexistent/token", "--help"}, Headless());
    QVERIFY2(run.exit_code == 0, qPrintable(run.err));
    QVERIFY(run.out.contains("--token-file"));
  }

  void badTokenFileExitsTwoNamingThePath() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath("token");
    const Run run = Dashboard({"--token-file", missing}, Offscreen());
    QCOMPARE(run.exit_code, 2);
    QCOMPARE(Own(run.err), "sinkhost-dashboard: --token-file: '" + missing +
                               "': cannot read it: No such file or directory");
    QCOMPARE(run.out, "");
  }

  void versionAsAnOptionsValueIsNotVersion() {
    // "-v" here is the token; the bad combination must still be reported,
    // not taken for --version.
    const Run run = Dashboard({"--token", "-v", "--token-file", "/nonexistent"}, Offscreen());
    QCOMPARE(run.exit_code, 2);
    QCOMPARE(Own(run.err), "sinkhost-dashboard: give --token or --token-file, not both");
  }
};

QTEST_GUILESS_MAIN(MainTest)
#include "main_test.moc"
