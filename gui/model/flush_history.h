// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// FlushHistory: one sink's recent deliveries, merged from successive stats
// polls (each poll repeats the host's last 120), with the duration summary
// the dashboard shows: p50, p95 and max. Bounded by count.
//
// Thread safety: none; one owner.
#ifndef SINKHOST_GUI_MODEL_FLUSH_HISTORY_H_
#define SINKHOST_GUI_MODEL_FLUSH_HISTORY_H_

#include <cstddef>
#include <deque>
#include <vector>

#include "gui/model/stats_snapshot.h"

namespace sinkhost::dashboard {

struct FlushSummary {
  int count = 0;
  int failed = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double max_ms = 0;
};

class FlushHistory {
 public:
  static constexpr size_t kDefaultCapacity = 240;

  explicit FlushHistory(size_t capacity = kDefaultCapacity);

  // Appends the records newer than the newest one kept (by finish time,
  // then batch), so polls that overlap add nothing twice. A restarted host
  // keeps working: its clock goes on, its batch numbers start over.
  // Returns how many records were new.
  int Merge(const std::vector<FlushRecord>& recent);

  const std::deque<FlushRecord>& records() const { return records_; }
  // Over every record kept, failed ones included: a failure's duration is
  // time the sink spent too.
  FlushSummary Summarize() const;

 private:
  const size_t capacity_;
  std::deque<FlushRecord> records_;  // oldest first
};

// Nearest-rank percentile (p in 0..100) of `values`; 0 when empty.
double Percentile(std::vector<double> values, double p);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_FLUSH_HISTORY_H_
