// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// StreamHistory: one stream's buffer depth over the last few minutes and its
// ingest rate, built from successive stats polls. It keeps a bounded window
// (by age and by count), so a dashboard left open for days stays small.
//
// Thread safety: none; one owner.
#ifndef SINKHOST_GUI_MODEL_STREAM_HISTORY_H_
#define SINKHOST_GUI_MODEL_STREAM_HISTORY_H_

#include <QtGlobal>
#include <cstddef>
#include <deque>

namespace sinkhost::dashboard {

struct DepthSample {
  double t = 0;  // seconds on the dashboard's monotonic clock
  qint64 events = 0;
  qint64 bytes = 0;
  double rate = -1;  // events/s accepted around t; negative while unknown
};

class StreamHistory {
 public:
  static constexpr double kDefaultWindowSeconds = 300;
  static constexpr size_t kDefaultMaxSamples = 3000;
  // The rate is averaged over this much host time, smoothing bursts.
  static constexpr double kRateSpanSeconds = 5;

  explicit StreamHistory(double window_seconds = kDefaultWindowSeconds,
                         size_t max_samples = kDefaultMaxSamples);

  // `host_uptime` comes from the same poll: the rate is measured on the
  // host's clock, so late polls do not show up as rate swings. A host that
  // restarted (uptime or counter went back) starts the rate over.
  void Add(double now, double host_uptime, qint64 events, qint64 bytes, quint64 accepted);

  const std::deque<DepthSample>& samples() const { return samples_; }
  double rate() const { return samples_.empty() ? -1 : samples_.back().rate; }
  double window_seconds() const { return window_; }

 private:
  struct Mark {
    double uptime;
    quint64 accepted;
  };

  const double window_;
  const size_t max_samples_;
  std::deque<DepthSample> samples_;  // oldest first
  std::deque<Mark> marks_;           // the last kRateSpanSeconds of host time
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_STREAM_HISTORY_H_
