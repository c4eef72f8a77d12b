// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// DashboardModel: everything the dashboard shows, without any widget — the
// latest stats snapshot, each stream's depth history and each sink's flush
// history. Widgets read it after every poll.
//
// Thread safety: none; lives on the UI thread.
#ifndef SINKHOST_GUI_MODEL_DASHBOARD_MODEL_H_
#define SINKHOST_GUI_MODEL_DASHBOARD_MODEL_H_

#include <QString>
#include <QStringList>
#include <map>
#include <utility>

#include "gui/model/flush_history.h"
#include "gui/model/stats_snapshot.h"
#include "gui/model/stream_history.h"

namespace sinkhost::dashboard {

class DashboardModel {
 public:
  // Takes one answered poll at `now` (seconds, monotonic). Returns true when
  // the set or order of streams and sinks changed, so panels are rebuilt.
  bool Apply(double now, StatsSnapshot snapshot);
  // Another host: drop all history.
  void Clear();

  bool has_data() const { return has_data_; }
  const StatsSnapshot& latest() const { return latest_; }
  const StreamSnapshot* stream(const QString& name) const;
  const StreamHistory* history(const QString& stream) const;
  const FlushHistory* flushes(const QString& stream, const QString& sink) const;
  // "events", "events/sqlite", ... in the host's order.
  const QStringList& layout() const { return layout_; }

 private:
  bool has_data_ = false;
  StatsSnapshot latest_;
  QStringList layout_;
  std::map<QString, StreamHistory> histories_;
  std::map<std::pair<QString, QString>, FlushHistory> flushes_;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_DASHBOARD_MODEL_H_
