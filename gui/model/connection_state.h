// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// ConnectionState: whether the dashboard can reach the host's admin API,
// since when, why not, and how soon to try again. Fed with the outcome of
// every stats poll; the poll timer asks it for the next delay, so polling
// slows down (up to a cap) while the host is away and resumes at full speed
// as soon as it answers.
//
// Thread safety: none; one owner.
#ifndef SINKHOST_GUI_MODEL_CONNECTION_STATE_H_
#define SINKHOST_GUI_MODEL_CONNECTION_STATE_H_

#include <QString>

namespace sinkhost::dashboard {

enum class Link {
  kConnecting,    // no answer yet from this address
  kConnected,     // the last poll was answered
  kDisconnected,  // the last poll failed
};
const char* LinkName(Link link);  // "connecting", "connected", "disconnected"

class ConnectionState {
 public:
  ConnectionState(int interval_ms = 1000, int max_retry_ms = 5000);

  // A new address: forget everything about the old one.
  void Reset(const QString& address);
  void OnSuccess(double now, const QString& version, double uptime_seconds);
  void OnFailure(double now, const QString& error);

  Link link() const { return link_; }
  const QString& address() const { return address_; }
  const QString& error() const { return error_; }
  int failures() const { return failures_; }

  // Delay before the next poll: the interval while connected, then doubling
  // from it up to max_retry_ms while the host does not answer.
  int NextPollDelayMs() const;

  // One line for the status bar, e.g. "Connected to http://127.0.0.1:8081 ·
  // sinkhost 0.1.0 · up 3 min", "Disconnected for 12 s: Connection refused ·
  // retrying every 4 s".
  QString Describe(double now) const;

  void set_interval_ms(int ms) { interval_ms_ = ms; }
  void set_max_retry_ms(int ms) { max_retry_ms_ = ms; }

 private:
  int interval_ms_;
  int max_retry_ms_;
  QString address_;
  Link link_ = Link::kConnecting;
  QString error_;
  int failures_ = 0;
  double down_since_ = 0;
  bool ever_connected_ = false;
  QString version_;
  double uptime_ = 0;
  double answered_at_ = 0;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_CONNECTION_STATE_H_
