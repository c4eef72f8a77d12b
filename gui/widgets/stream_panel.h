// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// StreamPanel: one stream — buffered events and bytes against their caps,
// ingest rate and counters, a depth chart, a Flush button with its
// feedback, and a SinkPanel per sink.
//
// Child object names, with NAME = the stream: "depthEvents/NAME" (the
// buffered event count, digits only), "depthBytes/NAME", "ingestRate/NAME",
// "counters/NAME", "flush/NAME" (the button), "flushFeedback/NAME",
// "depthChart/NAME".
//
// Thread safety: UI thread only.
#ifndef SINKHOST_GUI_WIDGETS_STREAM_PANEL_H_
#define SINKHOST_GUI_WIDGETS_STREAM_PANEL_H_

#include <QFrame>
#include <map>

#include "gui/model/dashboard_model.h"
#include "gui/model/flush_feedback.h"

class QLabel;
class QPushButton;

namespace sinkhost::dashboard {

class DepthChart;
class SinkPanel;

class StreamPanel : public QFrame {
  Q_OBJECT

 public:
  StreamPanel(const StreamSnapshot& stream, QWidget* parent = nullptr);

  void Update(const DashboardModel& model, double now, qint64 host_now_us);
  void ShowFlush(const FlushFeedback& feedback);

 signals:
  void FlushRequested(const QString& stream);

 private:
  const QString name_;
  QLabel* events_;
  QLabel* events_cap_;
  QLabel* bytes_;
  QLabel* bytes_cap_;
  QLabel* rate_;
  QLabel* counters_;
  QLabel* feedback_;
  QPushButton* flush_;
  DepthChart* chart_;
  std::map<QString, SinkPanel*> sinks_;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_WIDGETS_STREAM_PANEL_H_
