// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// SinkPanel: one sink of a stream — its state in colour, the last error,
// the last flush, totals, and a chart of recent flush durations.
//
// Child object names (for tests and style sheets), with KEY = stream/sink:
// "sinkState/KEY", "sinkError/KEY", "lastFlush/KEY", "totals/KEY",
// "flushSummary/KEY", "flushChart/KEY".
//
// Thread safety: UI thread only.
#ifndef SINKHOST_GUI_WIDGETS_SINK_PANEL_H_
#define SINKHOST_GUI_WIDGETS_SINK_PANEL_H_

#include <QFrame>

#include "gui/model/flush_history.h"
#include "gui/model/stats_snapshot.h"

class QLabel;

namespace sinkhost::dashboard {

class FlushChart;

class SinkPanel : public QFrame {
  Q_OBJECT

 public:
  SinkPanel(const QString& stream, const SinkSnapshot& sink, QWidget* parent = nullptr);

  // `host_now_us`: the host's wall clock at the poll (for "3 s ago").
  void Update(const SinkSnapshot& sink, const FlushHistory* history, qint64 host_now_us);

 private:
  QLabel* state_;
  QLabel* error_;
  QLabel* isolation_;  // where the plugin runs; its worker's pid, restarts, last crash
  QLabel* last_flush_;
  QLabel* totals_;
  QLabel* summary_;
  FlushChart* chart_;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_WIDGETS_SINK_PANEL_H_
