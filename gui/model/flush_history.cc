// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/flush_history.h"

#include <algorithm>
#include <cmath>

namespace sinkhost::dashboard {

namespace {

bool Newer(const FlushRecord& a, const FlushRecord& b) {
  return a.at_us != b.at_us ? a.at_us > b.at_us : a.batch > b.batch;
}

}  // namespace

FlushHistory::FlushHistory(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

int FlushHistory::Merge(const std::vector<FlushRecord>& recent) {
  int added = 0;
  for (const FlushRecord& r : recent) {
    if (!records_.empty() && !Newer(r, records_.back())) continue;
    records_.push_back(r);
    ++added;
  }
  while (records_.size() > capacity_) records_.pop_front();
  return added;
}

FlushSummary FlushHistory::Summarize() const {
  FlushSummary s;
  std::vector<double> durations;
  durations.reserve(records_.size());
  for (const FlushRecord& r : records_) {
    durations.push_back(r.duration_ms);
    if (!r.ok) ++s.failed;
    s.max_ms = std::max(s.max_ms, r.duration_ms);
  }
  s.count = static_cast<int>(records_.size());
  s.p50_ms = Percentile(durations, 50);
  s.p95_ms = Percentile(durations, 95);
  return s;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * values.size());
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return values[std::min(index, values.size() - 1)];
}

}  // namespace sinkhost::dashboard
