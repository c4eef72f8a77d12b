// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/app/command_line.h"

#include <QCommandLineParser>
#include <QRegularExpression>

#include "gui/model/admin_address.h"

namespace sinkhost::dashboard {

namespace {

QCommandLineOption Hidden(QCommandLineOption option) {
  option.setFlags(QCommandLineOption::HiddenFromHelp);
  return option;
}

}  // namespace

bool ParseCommandLine(const QStringList& args, CommandLine* out, QString* error) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      "Watch a running sinkhost: buffer depth, flush timings, sink health, manual flush.");
  const QCommandLineOption help = parser.addHelpOption();
  const QCommandLineOption version = parser.addVersionOption();
  const QCommandLineOption admin(
      "admin", "The host's admin API, e.g. http://127.0.0.1:8081 (default: the last one used).",
      "URL");
  const QCommandLineOption token(
      "token", "Sent as 'Authorization: Bearer TOKEN', for a proxy in front of the admin API.",
      "TOKEN");
  const QCommandLineOption interval("interval", "Milliseconds between polls (default 1000).", "MS",
                                    "1000");
  const QCommandLineOption screenshot =
      Hidden(QCommandLineOption("screenshot", "Save a screenshot and quit.", "PATH"));
  const QCommandLineOption after =
      Hidden(QCommandLineOption("screenshot-after", "Seconds to wait first.", "SECONDS", "10"));
  const QCommandLineOption size =
      Hidden(QCommandLineOption("window-size", "Window size, WIDTHxHEIGHT.", "WxH"));
  parser.addOptions({admin, token, interval, screenshot, after, size});

  if (!parser.parse(args)) {
    *error = parser.errorText();
    return false;
  }
  CommandLine c;
  c.help = parser.isSet(help);
  c.version = parser.isSet(version);
  // Without a QCoreApplication (help works without a display) Qt cannot
  // know the program's name.
  c.help_text = parser.helpText().replace("<executable_name>", "sinkhost-dashboard");
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
  c.token = parser.value(token);
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
