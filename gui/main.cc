// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// sinkhost-dashboard: watch a running sinkhost from the desktop.
//
//   sinkhost-dashboard [--admin http://127.0.0.1:8081] [--token-file PATH]
//
// Without --admin it opens the last address it connected to (QSettings),
// or asks for one. The token comes from --token, --token-file or
// SINKHOST_ADMIN_TOKEN (gui/app/command_line.h).
#include <QApplication>
#include <QProcessEnvironment>
#include <QSettings>
#include <QTimer>
#include <cstdio>

#include "gui/app/command_line.h"
#include "gui/app/dashboard_controller.h"
#include "gui/app/screenshot.h"
#include "gui/model/admin_address.h"
#include "gui/widgets/dashboard_window.h"

using namespace sinkhost::dashboard;

namespace {

constexpr char kAddressKey[] = "admin/address";
constexpr char kDefaultAddress[] = "http://127.0.0.1:8081";

// Parses and handles --help and --version; returns false to exit with *code.
bool Parse(const QStringList& args, CommandLine* cl, int* code) {
  QString error;
  if (!ParseCommandLine(args, QProcessEnvironment::systemEnvironment(), cl, &error)) {
    std::fprintf(stderr, "sinkhost-dashboard: %s\n", qPrintable(error));
    *code = 2;
    return false;
  }
  *code = 0;
  if (cl->help) std::fputs(qPrintable(cl->help_text), stdout);
  if (cl->version) std::printf("sinkhost-dashboard %s\n", SINKHOST_VERSION);
  return !cl->help && !cl->version;
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine cl;
  int code = 0;
  // Help and version must work without a display, where QApplication
  // aborts (help2man runs them at package build time); everything else is
  // parsed after Qt took its own options out.
  QStringList raw;
  for (int i = 0; i < argc; ++i) raw << QString::fromLocal8Bit(argv[i]);
  for (const char* flag : {"-h", "--help", "-v", "--version"}) {
    if (!raw.contains(flag)) continue;
    if (!Parse(raw, &cl, &code)) return code;
    break;  // the flag was an option's value, as in --token -v
  }

  QApplication app(argc, argv);
  QApplication::setOrganizationName("sinkhost");
  QApplication::setApplicationName("sinkhost-dashboard");
  QApplication::setApplicationVersion(SINKHOST_VERSION);
  if (!Parse(QApplication::arguments(), &cl, &code)) return code;

  QSettings settings;
  QUrl address = cl.admin;
  const bool ask = address.isEmpty() && !settings.contains(kAddressKey);
  if (address.isEmpty()) {
    QString ignored;
    address =
        NormalizeAdminAddress(settings.value(kAddressKey, kDefaultAddress).toString(), &ignored);
    if (!address.isValid()) address = QUrl(kDefaultAddress);
  }

  DashboardController controller;
  controller.set_poll_interval_ms(cl.interval_ms);
  // Remember an address once it proved to be a sinkhost, not a typo; a
  // scripted screenshot is not a choice the user made.
  if (cl.screenshot.isEmpty()) {
    // Through the long-lived QSettings: it writes the file later, not here.
    QObject::connect(&controller, &DashboardController::Connected, [&settings](const QUrl& url) {
      settings.setValue(kAddressKey, url.toString());
    });
  }
  DashboardWindow window(&controller);
  if (cl.window_size.isValid()) window.resize(cl.window_size);
  controller.SetAddress(address, cl.token);
  window.show();
  if (!cl.screenshot.isEmpty()) {
    ScheduleScreenshot(&window, &controller, cl.screenshot, cl.screenshot_after);
  } else if (ask) {
    QTimer::singleShot(0, &window, &DashboardWindow::AskForAddress);
  }
  return app.exec();
}
