// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// StreamHistory: the depth samples behind a stream's chart (bounded by age
// and count) and the ingest rate measured on the host's clock.
#include "gui/model/stream_history.h"

#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;

class StreamHistoryTest : public QObject {
  Q_OBJECT

 private slots:
  void keepsOnlyTheWindow() {
    StreamHistory h(10, 1000);
    for (int t = 0; t <= 30; ++t) h.Add(t, t, t, t * 100, 0);
    QCOMPARE(h.samples().front().t, 20.0);
    QCOMPARE(h.samples().back().events, 30);
    QCOMPARE(h.samples().back().bytes, 3000);
    QCOMPARE(h.samples().size(), size_t{11});
  }

  void keepsAtMostMaxSamples() {
    StreamHistory h(1e9, 5);
    for (int t = 0; t < 50; ++t) h.Add(t * 0.01, t * 0.01, 1, 1, 0);
    QCOMPARE(h.samples().size(), size_t{5});
    QCOMPARE(h.samples().back().t, 0.49);
  }

  void rateIsAcceptedPerHostSecond() {
    StreamHistory h;
    h.Add(0, 100, 0, 0, 1000);
    QCOMPARE(h.rate(), -1.0);  // one point is no rate
    // The dashboard's polls are late and uneven; the host's uptime is not.
    h.Add(1.7, 101, 0, 0, 1200);
    QCOMPARE(h.rate(), 200.0);
    h.Add(2.1, 102, 0, 0, 1400);
    QCOMPARE(h.rate(), 200.0);
  }

  void rateAveragesOverTheLastFewSeconds() {
    StreamHistory h;
    quint64 accepted = 0;
    for (int s = 0; s <= 20; ++s) {
      accepted += s < 10 ? 1000 : 100;  // a burst, then quiet
      h.Add(s, s, 0, 0, accepted);
    }
    QCOMPARE(h.rate(), 100.0);
  }

  void restartedHostStartsTheRateOver() {
    StreamHistory h;
    h.Add(0, 50, 0, 0, 5000);
    h.Add(1, 51, 0, 0, 5100);
    h.Add(2, 0.2, 0, 0, 10);  // new process: uptime and counter went back
    QCOMPARE(h.rate(), -1.0);
    h.Add(3, 1.2, 0, 0, 60);
    QCOMPARE(h.rate(), 50.0);
    QCOMPARE(h.samples().size(), size_t{4});  // the depth line goes on
  }
};

QTEST_GUILESS_MAIN(StreamHistoryTest)
#include "stream_history_test.moc"
