// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/widgets/chart_style.h"

#include <QChart>
#include <QChartView>
#include <QFont>
#include <QGraphicsLayout>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace sinkhost::dashboard {

QColor StateColor(const QString& state) {
  if (state == "ok") return colors::kOk;
  if (state == "retrying") return colors::kRetrying;
  if (state == "failing") return colors::kFailing;
  if (state == "stuck") return colors::kStuck;
  return colors::kUnknown;
}

void SetStyleSheetIfChanged(QWidget* widget, const QString& sheet) {
  if (widget->styleSheet() != sheet) widget->setStyleSheet(sheet);
}

QLineSeries* NewLineSeries(const QString& name, const QColor& color, qreal width,
                           Qt::PenStyle style) {
  auto* s = new QLineSeries();
  s->setName(name);
  QPen pen(color, width);
  pen.setStyle(style);
  s->setPen(pen);
  return s;
}

void StyleChartView(QChartView* view) {
  QChart* chart = view->chart();
  chart->setMargins(QMargins(2, 0, 2, 0));
  chart->layout()->setContentsMargins(0, 0, 0, 0);
  // The card behind the chart is its background.
  chart->setBackgroundVisible(false);
  chart->setPlotAreaBackgroundVisible(false);
  view->setStyleSheet("background: transparent;");
  // Data arrive once a second; animating each change would only blur them.
  chart->setAnimationOptions(QChart::NoAnimation);
  chart->legend()->setAlignment(Qt::AlignTop);
  QFont small = chart->legend()->font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  chart->legend()->setFont(small);
  chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(180);
  view->setFrameShape(QFrame::NoFrame);
}

void StyleAxis(QValueAxis* axis, const QString& label_format) {
  QFont small = axis->labelsFont();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  axis->setLabelsFont(small);
  axis->setLabelFormat(label_format);
  axis->setGridLineColor(QColor(0xe0, 0xe0, 0xe0));
  axis->setLinePenColor(QColor(0xbd, 0xbd, 0xbd));
  axis->setLabelsColor(colors::kMuted);
}

void SetNiceRange(QValueAxis* axis, double v, double floor, const QString& unit) {
  v = std::max(v, floor);
  const double magnitude = std::pow(10.0, std::floor(std::log10(v)));
  double top = 10 * magnitude;
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * magnitude >= v * (1 - 1e-9)) {
      top = m * magnitude;
      break;
    }
  }
  // Five steps on every axis, so a second axis lines up with the grid.
  constexpr int steps = 5;
  axis->setRange(0, top);
  axis->setTickCount(steps + 1);
  const double step = top / steps;
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  axis->setLabelFormat("%." + QString::number(decimals) + "f" + unit);
}

void SetTimeRange(QValueAxis* axis, double span_seconds) {
  // At most seven intervals keep the labels apart on a half-width chart.
  double interval = 600;
  for (double candidate : {10.0, 15.0, 30.0, 60.0, 120.0, 300.0}) {
    if (span_seconds / candidate <= 7) {
      interval = candidate;
      break;
    }
  }
  axis->setRange(-span_seconds, 0);
  axis->setTickType(QValueAxis::TicksDynamic);
  axis->setTickAnchor(0);
  axis->setTickInterval(interval);
}

}  // namespace sinkhost::dashboard
