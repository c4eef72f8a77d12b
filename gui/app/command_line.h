// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The dashboard's command line:
//
//   sinkhost-dashboard [--admin URL] [--token TOKEN]
//
// and, hidden from --help, what scripts/dashboard-screenshot.sh uses:
// --screenshot PATH --screenshot-after SECONDS [--window-size WxH].
//
// Thread safety: a pure function.
#ifndef SINKHOST_GUI_APP_COMMAND_LINE_H_
#define SINKHOST_GUI_APP_COMMAND_LINE_H_

#include <QSize>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace sinkhost::dashboard {

struct CommandLine {
  QUrl admin;  // empty: not given
  QString token;
  int interval_ms = 1000;
  QString screenshot;  // empty: run normally
  double screenshot_after = 10;
  QSize window_size;  // invalid: the default size
  bool help = false;
  bool version = false;
  QString help_text;
};

// `args` includes the program name, as QCoreApplication::arguments(). On a
// bad argument returns false and sets *error to one line for stderr.
bool ParseCommandLine(const QStringList& args, CommandLine* out, QString* error);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_APP_COMMAND_LINE_H_
