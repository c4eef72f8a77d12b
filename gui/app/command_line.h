// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The dashboard's command line:
//
//   sinkhost-dashboard [--admin URL] [--token TOKEN | --token-file PATH]
//
// with SINKHOST_ADMIN_TOKEN in the environment as the token when neither
// --token nor --token-file is given (both at once is an error). --token is
// visible to every user through ps; the other two are not. Hidden from
// --help, what scripts/dashboard-screenshot.sh uses: --screenshot PATH
// --screenshot-after SECONDS [--window-size WxH].
//
// Thread safety: ParseCommandLine may run concurrently. It reads the
// environment only through the `env` it is given, and touches nothing else
// outside its arguments but the --token-file it reads.
#ifndef SINKHOST_GUI_APP_COMMAND_LINE_H_
#define SINKHOST_GUI_APP_COMMAND_LINE_H_

#include <QProcessEnvironment>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace sinkhost::dashboard {

// The environment variable that holds the admin token.
inline constexpr char kAdminTokenVariable[] = "SINKHOST_ADMIN_TOKEN";

struct CommandLine {
  QUrl admin;  // empty: not given
  QString token;  // from --token, --token-file or the environment; empty: none
  int interval_ms = 1000;
  QString screenshot;  // empty: run normally
  double screenshot_after = 10;
  QSize window_size;  // invalid: the default size
  // With help or version set, only help_text is filled in: the other
  // options are not checked and the --token-file is not read.
  bool help = false;
  bool version = false;
  QString help_text;
};

// `args` includes the program name, as QCoreApplication::arguments(); `env`
// is where SINKHOST_ADMIN_TOKEN is looked up (QProcessEnvironment::
// systemEnvironment() in the program). On a bad argument, or a --token-file
// that cannot be read or holds no token, returns false and sets *error to
// one line for stderr.
bool ParseCommandLine(const QStringList& args, const QProcessEnvironment& env, CommandLine* out,
                      QString* error);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_APP_COMMAND_LINE_H_
