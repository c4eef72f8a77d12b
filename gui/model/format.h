// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// How the dashboard writes numbers: one place, so every panel agrees and the
// tests can state the exact text. English digit grouping regardless of the
// desktop's locale, because figures are compared with logs and curl output.
//
// Thread safety: pure functions.
#ifndef SINKHOST_GUI_MODEL_FORMAT_H_
#define SINKHOST_GUI_MODEL_FORMAT_H_

#include <QString>
#include <QtGlobal>

namespace sinkhost::dashboard {

QString FormatCount(qint64 n);                     // "1,234,567"
QString FormatBytes(qint64 bytes);                 // "512 B", "1.5 KiB", "16 MiB"
QString FormatMs(double ms);                       // "0.08 ms", "3.5 ms", "35 ms", "1.23 s"
QString FormatSeconds(double seconds);             // "0.5 s", "12 s", "3 min 5 s", "2 h 3 min"
QString FormatRate(double per_second);             // "—" (unknown), "3.4/s", "1,234/s"
QString FormatPercent(qint64 part, qint64 whole);  // "46%", "" when whole <= 0

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_FORMAT_H_
