// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/widgets/depth_chart.h"

#include <QChart>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#include <algorithm>

#include "gui/model/format.h"
#include "gui/widgets/chart_style.h"

namespace sinkhost::dashboard {

DepthChart::DepthChart(QWidget* parent)
    : QChartView(new QChart(), parent),
      events_(NewLineSeries("events", colors::kEvents, 2.2, Qt::SolidLine)),
      bytes_(NewLineSeries("bytes", colors::kBytes, 1.6, Qt::SolidLine)),
      rate_(NewLineSeries("ingest rate", colors::kRate, 1.4, Qt::DashLine)),
      x_(new QValueAxis()),
      share_(new QValueAxis()),
      rate_axis_(new QValueAxis()) {
  QChart* chart = this->chart();
  for (QLineSeries* s : {events_, bytes_, rate_}) chart->addSeries(s);
  StyleAxis(x_, "%.0f s");
  StyleAxis(share_, "%.0f%%");
  StyleAxis(rate_axis_, "%.0f/s");
  share_->setRange(0, 100);
  share_->setTickCount(6);
  rate_axis_->setGridLineVisible(false);
  chart->addAxis(x_, Qt::AlignBottom);
  chart->addAxis(share_, Qt::AlignLeft);
  chart->addAxis(rate_axis_, Qt::AlignRight);
  for (QLineSeries* s : {events_, bytes_}) {
    s->attachAxis(x_);
    s->attachAxis(share_);
  }
  rate_->attachAxis(x_);
  rate_->attachAxis(rate_axis_);
  StyleChartView(this);
  SetTimeRange(x_, kMinChartSpanSeconds);
  SetNiceRange(rate_axis_, 0, 10, "/s");
}

void DepthChart::Update(const StreamHistory& history, const StreamSnapshot& latest, double now) {
  QList<QPointF> events, bytes, rate;
  double max_rate = 0;
  double oldest = now;
  for (const DepthSample& s : history.samples()) {
    const double x = s.t - now;
    oldest = std::min(oldest, s.t);
    if (latest.max_events > 0) events.append({x, 100.0 * s.events / latest.max_events});
    if (latest.max_bytes > 0) bytes.append({x, 100.0 * s.bytes / latest.max_bytes});
    if (s.rate >= 0) {
      rate.append({x, s.rate});
      max_rate = std::max(max_rate, s.rate);
    }
  }
  events_->replace(events);
  bytes_->replace(bytes);
  rate_->replace(rate);
  events_->setName("events (cap " + FormatCount(latest.max_events) + ")");
  bytes_->setName("bytes (cap " + FormatBytes(latest.max_bytes) + ")");
  const double span = std::clamp(now - oldest, kMinChartSpanSeconds, history.window_seconds());
  SetTimeRange(x_, span);
  SetNiceRange(rate_axis_, max_rate * 1.1, 10, "/s");
}

}  // namespace sinkhost::dashboard
