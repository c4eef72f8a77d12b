// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The dashboard's look in one place: colours for sink states and chart
// series, and the setup every chart shares (compact margins, small fonts,
// legend on top), so panels stay consistent and readable in a screenshot.
//
// Thread safety: UI thread only, like all widgets.
#ifndef SINKHOST_GUI_WIDGETS_CHART_STYLE_H_
#define SINKHOST_GUI_WIDGETS_CHART_STYLE_H_

#include <QColor>
#include <QString>

class QChartView;
class QLineSeries;
class QValueAxis;
class QWidget;

namespace sinkhost::dashboard {

namespace colors {
inline const QColor kOk{0x2e, 0x7d, 0x32};
inline const QColor kRetrying{0xe6, 0x8a, 0x00};
inline const QColor kFailing{0xc6, 0x28, 0x28};
inline const QColor kStuck{0x6a, 0x1b, 0x9a};  // a call past its timeout
inline const QColor kUnknown{0x75, 0x75, 0x75};
inline const QColor kEvents{0x15, 0x65, 0xc0};
inline const QColor kBytes{0x8e, 0x24, 0xaa};
inline const QColor kRate{0x60, 0x7d, 0x8b};
inline const QColor kDuration{0x15, 0x65, 0xc0};
inline const QColor kP50{0x2e, 0x7d, 0x32};
inline const QColor kP95{0xe6, 0x8a, 0x00};
inline const QColor kMax{0xc6, 0x28, 0x28};
inline const QColor kMuted{0x61, 0x61, 0x61};
}  // namespace colors

// Colour of a sink state as the host names it ("ok", "retrying", "failing").
QColor StateColor(const QString& state);

// Panels restyle labels on every poll; an unchanged sheet is not set again,
// because setting one re-polishes the widget.
void SetStyleSheetIfChanged(QWidget* widget, const QString& sheet);

// Time charts never show less than this much history: fewer seconds would
// stretch a few samples across the whole width.
inline constexpr double kMinChartSpanSeconds = 60;

// A new line series with the given legend name and pen; the chart it is
// added to takes ownership.
QLineSeries* NewLineSeries(const QString& name, const QColor& color, qreal width,
                           Qt::PenStyle style);

// Gives a chart view and its chart the shared look.
void StyleChartView(QChartView* view);
void StyleAxis(QValueAxis* axis, const QString& label_format);

// Sets the axis to 0..top, with top the smallest of 1, 2 or 5 x 10^n that
// is >= max(v, floor), six ticks, and labels with just enough decimals for
// them, followed by `unit` (" ms", "/s").
void SetNiceRange(QValueAxis* axis, double v, double floor, const QString& unit);

// A "seconds ago" axis from -span to 0, with ticks at whole multiples of
// 10 s, 15 s, 30 s, 1 min, ... counted back from now.
void SetTimeRange(QValueAxis* axis, double span_seconds);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_WIDGETS_CHART_STYLE_H_
