// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/app/dashboard_controller.h"

#include <algorithm>

#include "gui/model/flush_result.h"

namespace sinkhost::dashboard {

namespace {

const FlushFeedback kNoFlush;

// Each poll asks again for flushes this much older than the last answer.
// FlushHistory drops the repeats; the overlap covers sinks whose records
// landed while the host was assembling the previous answer.
constexpr qint64 kRecentOverlapUs = 10'000'000;

}  // namespace

DashboardController::DashboardController(QObject* parent) : QObject(parent) {
  clock_.start();
  next_poll_.setSingleShot(true);
  connect(&next_poll_, &QTimer::timeout, this, &DashboardController::Poll);
}

void DashboardController::set_poll_interval_ms(int ms) {
  connection_.set_interval_ms(ms);
  // A poll must not outlive the interval by much, or a hung host would
  // look connected for long.
  stats_timeout_ms_ = std::max(3000, 3 * ms);
}

void DashboardController::SetAddress(const QUrl& base, const QString& token) {
  client_.SetAddress(base, token);
  connection_.Reset(base.toString());
  model_.Clear();
  flushes_.clear();
  poll_in_flight_ = false;
  poll_again_ = false;
  announced_ = false;
  recent_since_us_ = 0;
  emit LayoutChanged();
  emit Updated();
  next_poll_.stop();
  Poll();
}

const FlushFeedback& DashboardController::flush_feedback(const QString& stream) const {
  auto it = flushes_.find(stream);
  return it == flushes_.end() ? kNoFlush : it->second;
}

void DashboardController::Poll() {
  if (poll_in_flight_ || client_.base().isEmpty()) return;
  poll_in_flight_ = true;
  const QString since = recent_since_us_ > 0 ? FormatIsoMicros(recent_since_us_) : QString();
  client_.GetStats(since, stats_timeout_ms_, [this](const AdminReply& r) { OnStats(r); });
}

void DashboardController::OnStats(const AdminReply& reply) {
  poll_in_flight_ = false;
  const double now = Now();
  StatsSnapshot snapshot;
  QString error;
  if (!reply.ok()) {
    connection_.OnFailure(now, reply.ErrorText());
  } else if (!ParseStats(reply.body, &snapshot, &error)) {
    // Something answers, but it is not a sinkhost admin API.
    connection_.OnFailure(now, "unexpected /api/stats answer: " + error);
  } else {
    connection_.OnSuccess(now, snapshot.version, snapshot.uptime_seconds);
    const qint64 host_now_us = HostNowMicros(snapshot);
    recent_since_us_ = host_now_us > kRecentOverlapUs ? host_now_us - kRecentOverlapUs : 0;
    if (model_.Apply(now, std::move(snapshot))) emit LayoutChanged();
    if (!announced_) {
      announced_ = true;
      emit Connected(client_.base());
    }
  }
  emit Updated();
  ScheduleNextPoll();
}

void DashboardController::ScheduleNextPoll() {
  if (poll_again_) {
    poll_again_ = false;
    next_poll_.start(0);
    return;
  }
  next_poll_.start(connection_.NextPollDelayMs());
}

void DashboardController::Flush(const QString& stream) {
  FlushFeedback& feedback = flushes_[stream];
  if (feedback.running()) return;
  feedback.Start();
  emit FlushChanged(stream);
  client_.Flush(stream, flush_timeout_ms_, [this, stream](const AdminReply& r) {
    FlushFeedback& f = flushes_[stream];
    FlushResult result;
    QString error;
    // 504 carries the same document: which sinks did not finish in time.
    if ((r.ok() || r.http_status == 504) && ParseFlushResult(r.body, &result, &error)) {
      f.Finish(result);
    } else {
      f.Fail(r.ok() ? error : r.ErrorText());
    }
    emit FlushChanged(stream);
    // Show what the flush did (empty buffer, new flush record) right away.
    if (poll_in_flight_) {
      poll_again_ = true;
    } else {
      next_poll_.start(0);
    }
  });
}

}  // namespace sinkhost::dashboard
