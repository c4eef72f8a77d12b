// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/timestamp.h"

#include <QtTest>

#include <string>

using namespace sinkhost::ingest;

namespace {
constexpr int64_t k20240501 = 1714521600;  // 2024-05-01T00:00:00Z in seconds
constexpr int64_t kUs = 1000000;
}  // namespace

class TimestampTest : public QObject {
  Q_OBJECT
 private slots:
  void daysFromCivil() {
    QCOMPARE(DaysFromCivil(1970, 1, 1), int64_t{0});
    QCOMPARE(DaysFromCivil(2000, 3, 1), int64_t{11017});
    QCOMPARE(DaysFromCivil(1969, 12, 31), int64_t{-1});
    QCOMPARE(DaysFromCivil(2024, 5, 1) * 86400, k20240501);
    QCOMPARE(DaysFromCivil(1, 1, 1) * 86400, kMinEpochSeconds);
    QCOMPARE(DaysFromCivil(9999, 12, 31) * 86400 + 86399, kMaxEpochSeconds);
  }

  void accepted_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("micros");
    const qint64 base = qint64(k20240501 * kUs + 12 * 3600 * kUs);  // 12:00:00Z
    QTest::newRow("Z") << "2024-05-01T12:00:00Z" << base;
    QTest::newRow("lower case") << "2024-05-01t12:00:00z" << base;
    QTest::newRow("space") << "2024-05-01 12:00:00Z" << base;
    QTest::newRow("no offset is UTC") << "2024-05-01T12:00:00" << base;
    QTest::newRow("+00:00") << "2024-05-01T12:00:00+00:00" << base;
    QTest::newRow("+02:00") << "2024-05-01T14:00:00+02:00" << base;
    QTest::newRow("-05:30") << "2024-05-01T06:30:00-05:30" << base;
    QTest::newRow("+0200") << "2024-05-01T14:00:00+0200" << base;
    QTest::newRow("millis") << "2024-05-01T12:00:00.123Z" << base + 123000;
    QTest::newRow("micros") << "2024-05-01T12:00:00.123456Z" << base + 123456;
    QTest::newRow("one digit") << "2024-05-01T12:00:00.5Z" << base + 500000;
    QTest::newRow("nanos truncated") << "2024-05-01T12:00:00.123456789Z" << base + 123456;
    QTest::newRow("fraction and offset") << "2024-05-01T13:00:00.25+01:00" << base + 250000;
    QTest::newRow("leap day") << "2024-02-29T00:00:00Z"
                              << qint64((k20240501 - (31 + 30 + 1) * 86400) * kUs);
    QTest::newRow("before epoch") << "1969-12-31T23:59:59Z" << qint64(-1 * kUs);
    QTest::newRow("offset crosses midnight") << "2024-05-01T00:30:00+01:00"
                                             << qint64((k20240501 - 1800) * kUs);
  }
  void accepted() {
    QFETCH(QString, text);
    QFETCH(qint64, micros);
    int64_t us = 0;
    QVERIFY2(ParseRfc3339(text.toStdString(), &us), qPrintable(text));
    QCOMPARE(qint64(us), micros);
  }

  void rejected_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("date only") << "2024-05-01";
    QTest::newRow("no seconds") << "2024-05-01T12:00Z";
    QTest::newRow("month 13") << "2024-13-01T00:00:00Z";
    QTest::newRow("day 0") << "2024-05-00T00:00:00Z";
    QTest::newRow("not a leap year") << "2023-02-29T00:00:00Z";
    QTest::newRow("1900 not leap") << "1900-02-29T00:00:00Z";
    QTest::newRow("april 31") << "2024-04-31T00:00:00Z";
    QTest::newRow("hour 24") << "2024-05-01T24:00:00Z";
    QTest::newRow("minute 60") << "2024-05-01T12:60:00Z";
    QTest::newRow("leap second") << "2024-06-30T23:59:60Z";
    QTest::newRow("empty fraction") << "2024-05-01T12:00:00.Z";
    QTest::newRow("ten digits") << "2024-05-01T12:00:00.1234567891Z";
    QTest::newRow("bad offset") << "2024-05-01T12:00:00+2";
    QTest::newRow("offset hour 24") << "2024-05-01T12:00:00+24:00";
    QTest::newRow("trailing text") << "2024-05-01T12:00:00Z tomorrow";
    QTest::newRow("slashes") << "2024/05/01T12:00:00Z";
    QTest::newRow("two-digit year") << "24-05-01T12:00:00Z";
    QTest::newRow("words") << "yesterday";
    QTest::newRow("leading space") << " 2024-05-01T12:00:00Z";
    QTest::newRow("epoch digits") << "1714521600";
  }
  void rejected() {
    QFETCH(QString, text);
    int64_t us = 0;
    QVERIFY2(!ParseRfc3339(text.toStdString(), &us), qPrintable(text));
  }

  void epochNumbers() {
    int64_t us = 0;
    QVERIFY(EpochSecondsToMicros(int64_t{k20240501}, &us));
    QCOMPARE(us, k20240501 * kUs);
    QVERIFY(EpochSecondsToMicros(1714521600.5, &us));
    QCOMPARE(us, k20240501 * kUs + 500000);
    QVERIFY(EpochSecondsToMicros(1714521600.123456, &us));
    QCOMPARE(us, k20240501 * kUs + 123456);
    QVERIFY(EpochSecondsToMicros(-1.5, &us));
    QCOMPARE(us, int64_t{-1500000});
    QVERIFY(EpochSecondsToMicros(kMinEpochSeconds, &us));
    QVERIFY(EpochSecondsToMicros(kMaxEpochSeconds, &us));
    QVERIFY(!EpochSecondsToMicros(kMaxEpochSeconds + 1, &us));
    QVERIFY(!EpochSecondsToMicros(kMinEpochSeconds - 1, &us));
    QVERIFY(!EpochSecondsToMicros(1e12, &us));
    QVERIFY(!EpochSecondsToMicros(-1e300, &us));
  }
};

QTEST_GUILESS_MAIN(TimestampTest)
#include "timestamp_test.moc"
