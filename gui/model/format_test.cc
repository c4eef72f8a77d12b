// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The exact text of every figure the dashboard writes.
#include "gui/model/format.h"

#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;

class FormatTest : public QObject {
  Q_OBJECT

 private slots:
  void counts() {
    QCOMPARE(FormatCount(0), "0");
    QCOMPARE(FormatCount(999), "999");
    QCOMPARE(FormatCount(1234567), "1,234,567");
  }

  void bytes() {
    QCOMPARE(FormatBytes(0), "0 B");
    QCOMPARE(FormatBytes(1023), "1023 B");
    QCOMPARE(FormatBytes(1536), "1.5 KiB");
    QCOMPARE(FormatBytes(16 * 1024 * 1024), "16 MiB");
    QCOMPARE(FormatBytes(qint64{3} << 30), "3 GiB");
  }

  void milliseconds() {
    QCOMPARE(FormatMs(0.0765), "0.08 ms");
    QCOMPARE(FormatMs(3.52), "3.5 ms");
    QCOMPARE(FormatMs(35.4), "35 ms");
    QCOMPARE(FormatMs(1234), "1.23 s");
  }

  void seconds() {
    QCOMPARE(FormatSeconds(-1), "0 s");
    QCOMPARE(FormatSeconds(0.5), "0.5 s");
    QCOMPARE(FormatSeconds(2), "2 s");
    QCOMPARE(FormatSeconds(12.9), "12 s");
    QCOMPARE(FormatSeconds(185), "3 min 5 s");
    QCOMPARE(FormatSeconds(7380), "2 h 3 min");
    QCOMPARE(FormatSeconds(2 * 86400 + 3600), "2 d 1 h");
  }

  void ratesAndPercent() {
    QCOMPARE(FormatRate(-1), "—");
    QCOMPARE(FormatRate(0), "0/s");
    QCOMPARE(FormatRate(3.44), "3.4/s");
    QCOMPARE(FormatRate(1950.4), "1,950/s");
    QCOMPARE(FormatPercent(46, 100), "46%");
    QCOMPARE(FormatPercent(1, 3), "33%");
    QCOMPARE(FormatPercent(1, 0), "");
  }
};

QTEST_GUILESS_MAIN(FormatTest)
#include "format_test.moc"
