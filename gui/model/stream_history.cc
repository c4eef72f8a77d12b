// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/stream_history.h"

namespace sinkhost::dashboard {

namespace {

// Shorter spans give a rate dominated by when the last batch happened to land.
constexpr double kMinRateSpanSeconds = 0.5;

}  // namespace

StreamHistory::StreamHistory(double window_seconds, size_t max_samples)
    : window_(window_seconds), max_samples_(max_samples < 2 ? 2 : max_samples) {}

void StreamHistory::Add(double now, double host_uptime, qint64 events, qint64 bytes,
                        quint64 accepted) {
  if (!marks_.empty() &&
      (host_uptime < marks_.back().uptime || accepted < marks_.back().accepted)) {
    marks_.clear();
  }
  marks_.push_back({host_uptime, accepted});
  while (marks_.size() > 2 && host_uptime - marks_[1].uptime >= kRateSpanSeconds)
    marks_.pop_front();

  DepthSample s{now, events, bytes, -1};
  const double span = marks_.back().uptime - marks_.front().uptime;
  if (span >= kMinRateSpanSeconds)
    s.rate = static_cast<double>(marks_.back().accepted - marks_.front().accepted) / span;
  samples_.push_back(s);

  while (!samples_.empty() && samples_.front().t < now - window_) samples_.pop_front();
  while (samples_.size() > max_samples_) samples_.pop_front();
}

}  // namespace sinkhost::dashboard
