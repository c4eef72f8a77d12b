// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// DepthChart: a stream's buffered events and bytes over the last few
// minutes as a share of their caps (the top of the chart is "full"), with
// the ingest rate on a second axis.
//
// Thread safety: UI thread only.
#ifndef SINKHOST_GUI_WIDGETS_DEPTH_CHART_H_
#define SINKHOST_GUI_WIDGETS_DEPTH_CHART_H_

#include <QChartView>

#include "gui/model/stats_snapshot.h"
#include "gui/model/stream_history.h"

class QLineSeries;
class QValueAxis;

namespace sinkhost::dashboard {

class DepthChart : public QChartView {
  Q_OBJECT

 public:
  explicit DepthChart(QWidget* parent = nullptr);

  void Update(const StreamHistory& history, const StreamSnapshot& latest, double now);

 private:
  QLineSeries* events_;
  QLineSeries* bytes_;
  QLineSeries* rate_;
  QValueAxis* x_;
  QValueAxis* share_;
  QValueAxis* rate_axis_;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_WIDGETS_DEPTH_CHART_H_
