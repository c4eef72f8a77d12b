// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// FlushHistory: merging overlapping polls, staying bounded, surviving a
// host restart, and the p50/p95/max the sink chart shows.
#include "gui/model/flush_history.h"

#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;

namespace {

FlushRecord Record(qint64 at_us, quint64 batch, double ms, bool ok = true) {
  FlushRecord r;
  r.at_us = at_us;
  r.batch = batch;
  r.duration_ms = ms;
  r.rows = 10;
  r.ok = ok;
  return r;
}

std::vector<quint64> Batches(const FlushHistory& h) {
  std::vector<quint64> out;
  for (const FlushRecord& r : h.records()) out.push_back(r.batch);
  return out;
}

}  // namespace

class FlushHistoryTest : public QObject {
  Q_OBJECT

 private slots:
  void overlappingPollsAddEachFlushOnce() {
    FlushHistory h;
    QCOMPARE(h.Merge({Record(100, 1, 1), Record(200, 2, 2)}), 2);
    QCOMPARE(h.Merge({Record(100, 1, 1), Record(200, 2, 2), Record(300, 3, 3)}), 1);
    QCOMPARE(h.Merge({Record(200, 2, 2), Record(300, 3, 3)}), 0);
    QCOMPARE(Batches(h), (std::vector<quint64>{1, 2, 3}));
  }

  void sameMicrosecondIsToldApartByBatch() {
    FlushHistory h;
    h.Merge({Record(100, 1, 1)});
    QCOMPARE(h.Merge({Record(100, 1, 1), Record(100, 2, 1)}), 1);
    QCOMPARE(Batches(h), (std::vector<quint64>{1, 2}));
  }

  void restartedHostStartsBatchesOverButTimeGoesOn() {
    FlushHistory h;
    h.Merge({Record(100, 41, 1), Record(200, 42, 1)});
    QCOMPARE(h.Merge({Record(900, 1, 1)}), 1);
    QCOMPARE(Batches(h), (std::vector<quint64>{41, 42, 1}));
  }

  void boundedToCapacityDroppingTheOldest() {
    FlushHistory h(3);
    std::vector<FlushRecord> poll;
    for (quint64 i = 1; i <= 5; ++i) poll.push_back(Record(static_cast<qint64>(i), i, 1));
    QCOMPARE(h.Merge(poll), 5);
    QCOMPARE(Batches(h), (std::vector<quint64>{3, 4, 5}));
  }

  void summaryHasNearestRankPercentilesAndCountsFailures() {
    FlushHistory h;
    std::vector<FlushRecord> poll;
    for (int i = 1; i <= 100; ++i) poll.push_back(Record(i, static_cast<quint64>(i), i, i != 50));
    h.Merge(poll);
    const FlushSummary s = h.Summarize();
    QCOMPARE(s.count, 100);
    QCOMPARE(s.failed, 1);
    QCOMPARE(s.p50_ms, 50.0);
    QCOMPARE(s.p95_ms, 95.0);
    QCOMPARE(s.max_ms, 100.0);
  }

  void percentileEdges() {
    QCOMPARE(Percentile({}, 50), 0.0);
    QCOMPARE(Percentile({7}, 95), 7.0);
    QCOMPARE(Percentile({3, 1, 2}, 50), 2.0);
    QCOMPARE(Percentile({3, 1, 2}, 0), 1.0);
    QCOMPARE(Percentile({3, 1, 2}, 100), 3.0);
    QCOMPARE(Percentile({1, 2, 3, 4}, 95), 4.0);
  }

  void emptySummaryIsZero() {
    const FlushSummary s = FlushHistory().Summarize();
    QCOMPARE(s.count, 0);
    QCOMPARE(s.max_ms, 0.0);
  }
};

QTEST_GUILESS_MAIN(FlushHistoryTest)
#include "flush_history_test.moc"
