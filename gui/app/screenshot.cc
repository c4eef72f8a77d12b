// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/app/screenshot.h"

#include <QApplication>
#include <QPixmap>
#include <QTimer>
#include <QWidget>
#include <cstdio>

#include "gui/app/dashboard_controller.h"
#include "gui/widgets/dashboard_window.h"

namespace sinkhost::dashboard {

namespace {

// After the requested wait, how long to keep waiting for data before giving up.
constexpr int kGraceMs = 30000;
constexpr int kCheckMs = 250;
// Lets the window system and the layouts settle after a resize.
constexpr int kSettleMs = 700;

bool HasChartData(const DashboardController& c) {
  if (c.connection().link() != Link::kConnected || !c.model().has_data()) return false;
  for (const StreamSnapshot& s : c.model().latest().streams) {
    for (const SinkSnapshot& k : s.sinks) {
      const FlushHistory* h = c.model().flushes(s.name, k.name);
      if (h != nullptr && !h->records().empty()) return true;
    }
  }
  return false;
}

void Grab(QWidget* window, const DashboardController* controller, const QString& path) {
  const QPixmap shot = window->grab();
  const bool saved = shot.save(path, "PNG");
  if (saved) {
    std::fprintf(stderr, "sinkhost-dashboard: saved %s (%dx%d)\n", qPrintable(path), shot.width(),
                 shot.height());
  } else {
    std::fprintf(stderr, "sinkhost-dashboard: cannot write %s\n", qPrintable(path));
  }
  QApplication::exit(saved && HasChartData(*controller) ? 0 : 1);
}

void Check(DashboardWindow* window, const DashboardController* controller, const QString& path,
           int waited_ms) {
  if (!HasChartData(*controller) && waited_ms < kGraceMs) {
    QTimer::singleShot(kCheckMs, window,
                       [=] { Check(window, controller, path, waited_ms + kCheckMs); });
    return;
  }
  if (!HasChartData(*controller))
    std::fprintf(stderr, "sinkhost-dashboard: no chart data after waiting; saving anyway\n");
  // No scroll bar and no empty space below the last panel.
  window->resize(window->width(), window->ContentSizeHint().height());
  QTimer::singleShot(kSettleMs, window, [=] { Grab(window, controller, path); });
}

}  // namespace

void ScheduleScreenshot(DashboardWindow* window, const DashboardController* controller,
                        const QString& path, double after_seconds) {
  QTimer::singleShot(static_cast<int>(after_seconds * 1000), window,
                     [=] { Check(window, controller, path, 0); });
}

}  // namespace sinkhost::dashboard
