// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// DashboardWindow: the connection bar on top and a scrollable column of
// stream panels, kept in step with a DashboardController (not owned). The
// panels are rebuilt only when the host's streams or sinks change; every
// poll otherwise just updates figures and charts.
//
// Thread safety: UI thread only.
#ifndef SINKHOST_GUI_WIDGETS_DASHBOARD_WINDOW_H_
#define SINKHOST_GUI_WIDGETS_DASHBOARD_WINDOW_H_

#include <QMainWindow>
#include <QString>
#include <map>

class QLabel;
class QVBoxLayout;

namespace sinkhost::dashboard {

class ConnectionBar;
class DashboardController;
class StreamPanel;

class DashboardWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit DashboardWindow(DashboardController* controller, QWidget* parent = nullptr);

  // Opens the connect dialog; on Connect, points the controller elsewhere.
  void AskForAddress();
  // The stream panels' size, so a screenshot can fit the window to them.
  QSize ContentSizeHint() const;

 private:
  void Rebuild();
  void Refresh();
  void ShowFlush(const QString& stream);

  DashboardController* const controller_;
  ConnectionBar* bar_;
  QWidget* streams_box_;
  QVBoxLayout* streams_;
  QLabel* placeholder_;
  std::map<QString, StreamPanel*> panels_;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_WIDGETS_DASHBOARD_WINDOW_H_
