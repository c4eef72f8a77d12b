// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/connection_state.h"

#include <algorithm>

#include "gui/model/format.h"

namespace sinkhost::dashboard {

const char* LinkName(Link link) {
  switch (link) {
    case Link::kConnecting: return "connecting";
    case Link::kConnected: return "connected";
    case Link::kDisconnected: return "disconnected";
  }
  return "?";
}

ConnectionState::ConnectionState(int interval_ms, int max_retry_ms)
    : interval_ms_(interval_ms), max_retry_ms_(max_retry_ms) {}

void ConnectionState::Reset(const QString& address) {
  *this = ConnectionState(interval_ms_, max_retry_ms_);
  address_ = address;
}

void ConnectionState::OnSuccess(double now, const QString& version, double uptime_seconds) {
  link_ = Link::kConnected;
  ever_connected_ = true;
  failures_ = 0;
  error_.clear();
  version_ = version;
  uptime_ = uptime_seconds;
  answered_at_ = now;
}

void ConnectionState::OnFailure(double now, const QString& error) {
  if (link_ != Link::kDisconnected) down_since_ = now;
  link_ = Link::kDisconnected;
  error_ = error;
  ++failures_;
}

int ConnectionState::NextPollDelayMs() const {
  if (link_ != Link::kDisconnected) return interval_ms_;
  int delay = interval_ms_;
  for (int i = 1; i < failures_ && delay < max_retry_ms_; ++i) delay *= 2;
  return std::min(delay, std::max(max_retry_ms_, interval_ms_));
}

QString ConnectionState::Describe(double now) const {
  switch (link_) {
    case Link::kConnecting: return "Connecting to " + address_ + "…";
    case Link::kConnected:
      return "Connected to " + address_ + " · sinkhost " + version_ + " · up " +
             FormatSeconds(uptime_ + (now - answered_at_));
    case Link::kDisconnected: {
      const QString what = ever_connected_ ? "Disconnected from " : "Cannot reach ";
      return what + address_ + " for " + FormatSeconds(now - down_since_) + ": " + error_ +
             " · retrying every " + FormatSeconds(NextPollDelayMs() / 1000.0);
    }
  }
  return {};
}

}  // namespace sinkhost::dashboard
