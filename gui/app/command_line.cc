// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/app/command_line.h"

#include <QCommandLineParser>
#include <QFile>
#include <QRegularExpression>

#include "gui/model/admin_address.h"

namespace sinkhost::dashboard {

namespace {

QCommandLineOption Hidden(QCommandLineOption option) {
  option.setFlags(QCommandLineOption::HiddenFromHelp);
  return option;
}

// More than any token; a guard against --token-file /dev/zero.
constexpr qint64 kMaxTokenFileBytes = 64 * 1024;

// Sets *token to the content of `path` without its trailing newline(s).
bool ReadTokenFile(const QString& path, QString* token, QString* error) {
  const QString name = "--token-file: '" + path + "'";
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    *error = name + ": cannot read it: " + file.errorString();
    return false;
  }
  QByteArray data = file.read(kMaxTokenFileBytes + 1);
  if (file.error() != QFileDevice::NoError) {
    *error = name + ": cannot read it: " + file.errorString();
    return false;
  }
  if (data.size() > kMaxTokenFileBytes) {
    *error = name + ": larger than 64 KiB, not a token";
    return false;
  }
  while (data.endsWith('\n') || data.endsWith('\r')) data.chop(1);
  if (data.isEmpty()) {
    *error = name + ": the file is empty, expected the admin token";
    return false;
  }
  // It would end the Authorization header early.
  if (data.contains('\n') || data.contains('\r')) {
    *error = name + ": more than one line, expected only the admin token";
    return false;
  }
  *token = QString::fromUtf8(data);
  return true;
}

}  // namespace

bool ParseCommandLine(const QStringList& args, const QProcessEnvironment& env, CommandLine* out,
                      QString* error) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      "Watch a running sinkhost: buffer depth, flush timings, sink health, manual flush.");
  // Not addHelpOption(): its --help-all promises Qt's own options, which
  // cannot be listed before a QApplication exists.
  const QCommandLineOption help({"h", "help"}, "Displays help on commandline options.");
  parser.addOption(help);
  const QCommandLineOption version = parser.addVersionOption();
  const QCommandLineOption admin(
      "admin", "The host's admin API, e.g. http://127.0.0.1:8081 (default: the last one used).",
      "URL");
  const QCommandLineOption token(
      "token",
      "Sent as 'Authorization: Bearer TOKEN', for a host whose admin API has admin.token set. "
      "Other users can read it with ps: prefer --token-file or " +
          QString(kAdminTokenVariable) + ".",
      "TOKEN");
  const QCommandLineOption token_file(
      "token-file",
      "Read the token from PATH (without its trailing newline), out of sight of ps. "
      "Not with --token.",
      "PATH");
  const QCommandLineOption interval("interval", "Milliseconds between polls (default 1000).", "MS",
                                    "1000");
  const QCommandLineOption screenshot =
      Hidden(QCommandLineOption("screenshot", "Save a screenshot and quit.", "PATH"));
  const QCommandLineOption after =
      Hidden(QCommandLineOption("screenshot-after", "Seconds to wait first.", "SECONDS", "10"));
  const QCommandLineOption size =
      Hidden(QCommandLineOption("window-size", "Window size, WIDTHxHEIGHT.", "WxH"));
  parser.addOptions({admin, token, token_file, interval, screenshot, after, size});

  if (!parser.parse(args)) {
    *error = parser.errorText();
    return false;
  }
  CommandLine c;
  c.help = parser.isSet(help);
  c.version = parser.isSet(version);
  // Qt names the program after the running executable, or
  // "<executable_name>" without a QCoreApplication (help works without a
  // display); help2man reads the name from this line.
  static const QRegularExpression kUsage(QStringLiteral("^Usage: \\S+"));
  c.help_text = parser.helpText().replace(kUsage, "Usage: sinkhost-dashboard") +
                "\nEnvironment:\n  " + QString(kAdminTokenVariable) +
                "  The token, when neither --token nor --token-file is\n"
                "                        given. Unlike --token, ps does not show it.\n";
  // Nothing else matters then, and help2man runs --help without any host
  // or token around.
  if (c.help || c.version) {
    *out = std::move(c);
    error->clear();
    return true;
  }
  if (!parser.positionalArguments().isEmpty()) {
    *error = "unexpected argument '" + parser.positionalArguments().first() +
             "' (the address goes after --admin)";
    return false;
  }
  if (parser.isSet(admin)) {
    c.admin = NormalizeAdminAddress(parser.value(admin), error);
    if (!c.admin.isValid()) {
      *error = "--admin: " + *error;
      return false;
    }
  }
  // --token, then --token-file, then the environment.
  if (parser.isSet(token) && parser.isSet(token_file)) {
    *error = "give --token or --token-file, not both";
    return false;
  }
  if (parser.isSet(token)) {
    c.token = parser.value(token);
  } else if (parser.isSet(token_file)) {
    if (!ReadTokenFile(parser.value(token_file), &c.token, error)) return false;
  } else {
    c.token = env.value(kAdminTokenVariable);
  }
  bool ok = false;
  c.interval_ms = parser.value(interval).toInt(&ok);
  if (!ok || c.interval_ms < 50 || c.interval_ms > 60000) {
    *error = "--interval: must be 50 to 60000 milliseconds, got '" + parser.value(interval) + "'";
    return false;
  }
  c.screenshot = parser.value(screenshot);
  c.screenshot_after = parser.value(after).toDouble(&ok);
  if (!ok || c.screenshot_after < 0) {
    *error = "--screenshot-after: must be a number of seconds, got '" + parser.value(after) + "'";
    return false;
  }
  if (parser.isSet(size)) {
    static const QRegularExpression kSize(QStringLiteral("^(\\d{2,5})x(\\d{2,5})$"));
    const QRegularExpressionMatch m = kSize.match(parser.value(size));
    if (!m.hasMatch()) {
      *error =
          "--window-size: expected WIDTHxHEIGHT such as 1280x900, got '" + parser.value(size) + "'";
      return false;
    }
    c.window_size = QSize(m.captured(1).toInt(), m.captured(2).toInt());
  }
  *out = std::move(c);
  error->clear();
  return true;
}

}  // namespace sinkhost::dashboard
