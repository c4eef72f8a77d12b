// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// FlushChart: a sink's recent flush durations over time, failed ones in
// red, with horizontal lines at p50, p95 and max of what is shown.
//
// Thread safety: UI thread only.
#ifndef SINKHOST_GUI_WIDGETS_FLUSH_CHART_H_
#define SINKHOST_GUI_WIDGETS_FLUSH_CHART_H_

#include <QChartView>

#include "gui/model/flush_history.h"

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace sinkhost::dashboard {

class FlushChart : public QChartView {
  Q_OBJECT

 public:
  explicit FlushChart(QWidget* parent = nullptr);

  // `host_now_us`: the host's wall clock at the last poll, so the x axis
  // ("seconds ago") does not depend on this machine's clock.
  void Update(const FlushHistory& history, qint64 host_now_us);
  // Flushes plotted, ok or not.
  int points() const;

 private:
  QLineSeries* durations_;
  QScatterSeries* failed_;
  QLineSeries* p50_;
  QLineSeries* p95_;
  QLineSeries* max_;
  QValueAxis* x_;
  QValueAxis* y_;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_WIDGETS_FLUSH_CHART_H_
