// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// ConnectionBar: the strip along the top that is always visible — whether
// the host answers (a coloured dot and one line of text), a Connect button
// for another address, and Flush all with its feedback.
//
// Child object names: "connectionStatus" (its "link" property is
// connecting, connected or disconnected), "connect", "flushAll",
// "flushAllFeedback".
//
// Thread safety: UI thread only.
#ifndef SINKHOST_GUI_WIDGETS_CONNECTION_BAR_H_
#define SINKHOST_GUI_WIDGETS_CONNECTION_BAR_H_

#include <QFrame>

#include "gui/model/connection_state.h"
#include "gui/model/flush_feedback.h"

class QLabel;
class QPushButton;

namespace sinkhost::dashboard {

class ConnectionBar : public QFrame {
  Q_OBJECT

 public:
  explicit ConnectionBar(QWidget* parent = nullptr);

  void ShowConnection(const ConnectionState& state, double now);
  void ShowFlushAll(const FlushFeedback& feedback);

 signals:
  void ConnectRequested();
  void FlushAllRequested();

 private:
  QLabel* dot_;
  QLabel* status_;
  QLabel* feedback_;
  QPushButton* connect_;
  QPushButton* flush_all_;
  bool flush_all_running_ = false;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_WIDGETS_CONNECTION_BAR_H_
