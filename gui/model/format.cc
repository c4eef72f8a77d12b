// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/format.h"

#include <QLocale>
#include <cmath>

namespace sinkhost::dashboard {

namespace {

const QLocale& Numbers() {
  static const QLocale locale(QLocale::English, QLocale::UnitedStates);
  return locale;
}

// One decimal, dropped when it is zero: "1.5", "16".
QString OneDecimal(double v) {
  const double rounded = std::round(v * 10) / 10;
  return rounded == std::floor(rounded) ? QString::number(static_cast<qint64>(rounded))
                                        : QString::number(rounded, 'f', 1);
}

}  // namespace

QString FormatCount(qint64 n) { return Numbers().toString(n); }

QString FormatBytes(qint64 bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return QString::number(bytes) + " B";
  double v = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (v >= 1024 && unit < 3) {
    v /= 1024;
    ++unit;
  }
  return OneDecimal(v) + " " + kUnits[unit];
}

QString FormatMs(double ms) {
  if (ms < 1) return QString::number(ms, 'f', 2) + " ms";
  if (ms < 10) return QString::number(ms, 'f', 1) + " ms";
  if (ms < 1000) return QString::number(std::round(ms), 'f', 0) + " ms";
  return QString::number(ms / 1000, 'f', 2) + " s";
}

QString FormatSeconds(double seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 10) return OneDecimal(seconds) + " s";
  const qint64 s = static_cast<qint64>(std::floor(seconds));
  if (s < 60) return QString::number(s) + " s";
  if (s < 3600) return QString::number(s / 60) + " min " + QString::number(s % 60) + " s";
  if (s < 86400) return QString::number(s / 3600) + " h " + QString::number(s % 3600 / 60) + " min";
  return QString::number(s / 86400) + " d " + QString::number(s % 86400 / 3600) + " h";
}

QString FormatRate(double per_second) {
  if (per_second < 0) return QStringLiteral("—");
  if (per_second < 10) return OneDecimal(per_second) + "/s";
  return FormatCount(static_cast<qint64>(std::round(per_second))) + "/s";
}

QString FormatPercent(qint64 part, qint64 whole) {
  if (whole <= 0) return {};
  return QString::number(static_cast<qint64>(std::round(100.0 * part / whole))) + "%";
}

}  // namespace sinkhost::dashboard
