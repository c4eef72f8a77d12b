// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// DashboardController: the dashboard without its widgets. It polls the
// host's stats (about once a second, never two polls at once, slower while
// the host is away), feeds the model and the connection state, and runs
// manual flushes. Widgets listen to its signals and read its state; tests
// drive it without a window.
//
// Thread safety: none; lives on the UI thread. Nothing in it blocks.
#ifndef SINKHOST_GUI_APP_DASHBOARD_CONTROLLER_H_
#define SINKHOST_GUI_APP_DASHBOARD_CONTROLLER_H_

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <map>

#include "gui/model/connection_state.h"
#include "gui/model/dashboard_model.h"
#include "gui/model/flush_feedback.h"
#include "gui/net/admin_client.h"

namespace sinkhost::dashboard {

class DashboardController : public QObject {
  Q_OBJECT

 public:
  explicit DashboardController(QObject* parent = nullptr);

  // Drops everything shown for the previous address and polls the new one
  // at once.
  void SetAddress(const QUrl& base, const QString& token);
  // POST /api/flush for one stream, or for all when `stream` is empty. A
  // flush already running for the same target is not started twice.
  void Flush(const QString& stream);

  const QUrl& address() const { return client_.base(); }
  const QString& token() const { return client_.token(); }
  const DashboardModel& model() const { return model_; }
  const ConnectionState& connection() const { return connection_; }
  // The feedback of Flush(stream); "" is Flush all.
  const FlushFeedback& flush_feedback(const QString& stream) const;
  // Seconds on the dashboard's monotonic clock, the x axis of the history.
  double Now() const { return clock_.elapsed() / 1000.0; }

  void set_poll_interval_ms(int ms);
  void set_max_retry_ms(int ms) { connection_.set_max_retry_ms(ms); }
  void set_flush_timeout_ms(int ms) { flush_timeout_ms_ = ms; }

 signals:
  // The streams or sinks changed (another host, a restart with another
  // config): panels must be rebuilt. Comes before the Updated of that poll.
  void LayoutChanged();
  // After every poll, answered or not.
  void Updated();
  void FlushChanged(const QString& stream);
  // The first answer from a new address, e.g. to remember it.
  void Connected(const QUrl& address);

 private:
  void Poll();
  void OnStats(const AdminReply& reply);
  void ScheduleNextPoll();

  AdminClient client_;
  DashboardModel model_;
  ConnectionState connection_;
  std::map<QString, FlushFeedback> flushes_;
  QTimer next_poll_;  // single shot: armed when the previous poll ended
  QElapsedTimer clock_;
  int stats_timeout_ms_ = 3000;
  int flush_timeout_ms_ = 10000;
  bool poll_in_flight_ = false;
  bool poll_again_ = false;  // a flush ended during a poll: show its effect soon
  bool announced_ = false;   // Connected() sent for this address
  // Host time of the last answer, less an overlap; 0: ask for everything.
  qint64 recent_since_us_ = 0;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_APP_DASHBOARD_CONTROLLER_H_
