// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Screenshot: for scripts/dashboard-screenshot.sh. Waits the given time,
// then until the dashboard has drawn data (connected, with at least one
// flush in some sink's chart), fits the window's height to its panels,
// grabs it to a PNG and quits the application: exit code 0 when saved, 1
// when saving failed or the data never came.
//
// Thread safety: UI thread only.
#ifndef SINKHOST_GUI_APP_SCREENSHOT_H_
#define SINKHOST_GUI_APP_SCREENSHOT_H_

#include <QString>

namespace sinkhost::dashboard {

class DashboardController;
class DashboardWindow;

void ScheduleScreenshot(DashboardWindow* window, const DashboardController* controller,
                        const QString& path, double after_seconds);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_APP_SCREENSHOT_H_
