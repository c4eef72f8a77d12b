// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The admin API's GET /api/stats document (docs/configuration.md) as plain
// values, and its parser. Streams and sinks keep the host's config order,
// which QJsonObject would lose by sorting keys.
//
// Thread safety: plain values and a pure function.
#ifndef SINKHOST_GUI_MODEL_STATS_SNAPSHOT_H_
#define SINKHOST_GUI_MODEL_STATS_SNAPSHOT_H_

#include <QByteArray>
#include <QString>
#include <QtGlobal>
#include <optional>
#include <vector>

namespace sinkhost::dashboard {

// One finished delivery of a batch to a sink (delivered or failed for good).
struct FlushRecord {
  QString at;        // ISO-8601 UTC as the host sent it
  qint64 at_us = 0;  // the same, microseconds since the epoch (0 if unreadable)
  double duration_ms = 0;
  qint64 rows = 0;
  quint64 batch = 0;
  int attempts = 0;
  bool ok = true;
  QString error;
};

struct SinkSnapshot {
  QString name;
  QString plugin;
  QString state;  // "ok", "retrying", "failing" or "stuck"
  QString last_error;
  int attempt = 0;
  qint64 queued_batches = 0;
  qint64 queued_rows = 0;
  quint64 delivered_rows = 0;
  quint64 delivered_batches = 0;
  quint64 failed_rows = 0;
  quint64 failed_batches = 0;
  quint64 retries = 0;
  // Hosts with a dead-letter store report it; older ones do not.
  std::optional<quint64> quarantined_rows;
  std::optional<FlushRecord> last_flush;
  std::vector<FlushRecord> recent;  // oldest first
  // Hosts with process isolation report these; older ones do not.
  QString isolation;  // "in_process", "process" or empty
  struct Worker {
    qint64 pid = 0;  // 0: none running now
    quint64 restarts = 0;
    QString last_crash;
  };
  std::optional<Worker> worker;  // process isolation only
  struct Stuck {
    QString call;
    QString batch_id;
    double for_ms = 0;
  };
  std::optional<Stuck> stuck;  // while the state is "stuck"
};

struct StreamSnapshot {
  QString name;
  QString schema;
  bool plausible_endpoint = false;
  qint64 events = 0;  // in the open batch
  qint64 bytes = 0;
  qint64 max_events = 0;
  qint64 max_bytes = 0;
  qint64 flush_interval_ms = 0;
  QString when_full;
  qint64 pending_batches = 0;
  qint64 max_pending_batches = 0;
  quint64 accepted = 0;
  quint64 dropped = 0;
  quint64 rejected_busy = 0;
  quint64 sealed_batches = 0;
  std::vector<SinkSnapshot> sinks;  // config order
};

struct StatsSnapshot {
  QString version;
  QString started_at;
  double uptime_seconds = 0;
  std::vector<StreamSnapshot> streams;  // config order
};

// Parses the body of GET /api/stats. On failure returns false and says what
// was wrong and where ("streams.events.buffer: expected an object").
bool ParseStats(const QByteArray& json, StatsSnapshot* out, QString* error);

// "2026-11-24T16:18:54.123456Z" -> microseconds since the epoch, and back.
std::optional<qint64> ParseIsoMicros(const QString& text);
QString FormatIsoMicros(qint64 us);

// The host's wall clock when it answered (started_at + uptime): "seconds
// ago" and recent_since are measured on it, not on this machine's clock.
// 0 when started_at is unreadable.
qint64 HostNowMicros(const StatsSnapshot& snapshot);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_STATS_SNAPSHOT_H_
