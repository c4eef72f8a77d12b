// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/dashboard_model.h"

namespace sinkhost::dashboard {

bool DashboardModel::Apply(double now, StatsSnapshot snapshot) {
  QStringList layout;
  for (const StreamSnapshot& s : snapshot.streams) {
    layout << s.name;
    for (const SinkSnapshot& k : s.sinks) layout << s.name + "/" + k.name;
  }
  const bool changed = !has_data_ || layout != layout_;
  if (changed) {
    // Forget what is gone, keep what is still there: a host restarted with
    // one more sink should not wipe the other charts.
    std::map<QString, StreamHistory> histories;
    std::map<std::pair<QString, QString>, FlushHistory> flushes;
    for (const StreamSnapshot& s : snapshot.streams) {
      if (auto it = histories_.find(s.name); it != histories_.end())
        histories.emplace(s.name, std::move(it->second));
      for (const SinkSnapshot& k : s.sinks) {
        if (auto it = flushes_.find({s.name, k.name}); it != flushes_.end())
          flushes.emplace(it->first, std::move(it->second));
      }
    }
    histories_ = std::move(histories);
    flushes_ = std::move(flushes);
    layout_ = layout;
  }
  for (const StreamSnapshot& s : snapshot.streams) {
    histories_.try_emplace(s.name).first->second.Add(now, snapshot.uptime_seconds, s.events,
                                                     s.bytes, s.accepted);
    for (const SinkSnapshot& k : s.sinks) {
      FlushHistory& h = flushes_.try_emplace({s.name, k.name}).first->second;
      h.Merge(k.recent);
    }
  }
  latest_ = std::move(snapshot);
  has_data_ = true;
  return changed;
}

void DashboardModel::Clear() { *this = DashboardModel(); }

const StreamSnapshot* DashboardModel::stream(const QString& name) const {
  for (const StreamSnapshot& s : latest_.streams)
    if (s.name == name) return &s;
  return nullptr;
}

const StreamHistory* DashboardModel::history(const QString& stream) const {
  auto it = histories_.find(stream);
  return it == histories_.end() ? nullptr : &it->second;
}

const FlushHistory* DashboardModel::flushes(const QString& stream, const QString& sink) const {
  auto it = flushes_.find({stream, sink});
  return it == flushes_.end() ? nullptr : &it->second;
}

}  // namespace sinkhost::dashboard
