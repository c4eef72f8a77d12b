// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/widgets/flush_chart.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>

#include "gui/model/format.h"
#include "gui/widgets/chart_style.h"

namespace sinkhost::dashboard {

FlushChart::FlushChart(QWidget* parent)
    : QChartView(new QChart(), parent),
      durations_(NewLineSeries("duration", colors::kDuration, 1.4, Qt::SolidLine)),
      failed_(new QScatterSeries()),
      p50_(NewLineSeries("p50", colors::kP50, 1.2, Qt::DashLine)),
      p95_(NewLineSeries("p95", colors::kP95, 1.2, Qt::DashLine)),
      max_(NewLineSeries("max", colors::kMax, 1.0, Qt::DotLine)),
      x_(new QValueAxis()),
      y_(new QValueAxis()) {
  durations_->setObjectName("durations");
  durations_->setPointsVisible(true);
  durations_->setMarkerSize(5);
  failed_->setName("failed");
  failed_->setColor(colors::kFailing);
  failed_->setBorderColor(colors::kFailing);
  failed_->setMarkerSize(8);
  QChart* chart = this->chart();
  for (QAbstractSeries* s :
       std::initializer_list<QAbstractSeries*>{durations_, failed_, p50_, p95_, max_})
    chart->addSeries(s);
  StyleAxis(x_, "%.0f s");
  StyleAxis(y_, "%.1f ms");
  chart->addAxis(x_, Qt::AlignBottom);
  chart->addAxis(y_, Qt::AlignLeft);
  for (QAbstractSeries* s : chart->series()) {
    s->attachAxis(x_);
    s->attachAxis(y_);
  }
  SetTimeRange(x_, kMinChartSpanSeconds);
  SetNiceRange(y_, 0, 0.1, " ms");
  StyleChartView(this);
}

void FlushChart::Update(const FlushHistory& history, qint64 host_now_us) {
  QList<QPointF> points, failed_points;
  double oldest = 0;
  for (const FlushRecord& r : history.records()) {
    const double x = static_cast<double>(r.at_us - host_now_us) / 1e6;
    oldest = std::min(oldest, x);
    points.append({x, r.duration_ms});
    if (!r.ok) failed_points.append({x, r.duration_ms});
  }
  durations_->replace(points);
  failed_->replace(failed_points);
  const FlushSummary sum = history.Summarize();
  const double span = std::max(kMinChartSpanSeconds, -oldest);
  SetTimeRange(x_, span);
  SetNiceRange(y_, sum.max_ms * 1.1, 0.1, " ms");
  const bool any = sum.count > 0;
  p50_->replace(any ? QList<QPointF>{{-span, sum.p50_ms}, {0, sum.p50_ms}} : QList<QPointF>{});
  p95_->replace(any ? QList<QPointF>{{-span, sum.p95_ms}, {0, sum.p95_ms}} : QList<QPointF>{});
  max_->replace(any ? QList<QPointF>{{-span, sum.max_ms}, {0, sum.max_ms}} : QList<QPointF>{});
  p50_->setName("p50 " + (any ? FormatMs(sum.p50_ms) : QString("—")));
  p95_->setName("p95 " + (any ? FormatMs(sum.p95_ms) : QString("—")));
  max_->setName("max " + (any ? FormatMs(sum.max_ms) : QString("—")));
  // A legend entry for failures only when there are some.
  for (QLegendMarker* m : chart()->legend()->markers(failed_)) m->setVisible(sum.failed > 0);
}

int FlushChart::points() const { return static_cast<int>(durations_->count()); }

}  // namespace sinkhost::dashboard
