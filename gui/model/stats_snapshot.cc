// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/stats_snapshot.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include "gui/model/json_key_order.h"

namespace sinkhost::dashboard {

namespace {

// Reads members of one JSON object and remembers the first problem, named
// by its path, so a parse is a list of reads followed by one check.
class Reader {
 public:
  Reader(QJsonObject object, QString path, QString* error)
      : o_(std::move(object)), path_(std::move(path)), error_(error) {}

  // Missing numbers read as 0 so that a host with fewer counters still shows.
  double Number(const char* key) {
    const QJsonValue v = o_.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) return 0;
    if (!v.isDouble()) Fail(key, "expected a number");
    return v.toDouble();
  }
  qint64 Int(const char* key) { return static_cast<qint64>(Number(key)); }
  quint64 Count(const char* key) {
    const double d = Number(key);
    return d > 0 ? static_cast<quint64>(d) : 0;
  }
  std::optional<quint64> OptionalCount(const char* key) {
    if (!o_.contains(QLatin1String(key))) return std::nullopt;
    return Count(key);
  }
  QString Text(const char* key) {
    const QJsonValue v = o_.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) return {};
    if (!v.isString()) Fail(key, "expected a string");
    return v.toString();
  }
  bool Bool(const char* key) {
    const QJsonValue v = o_.value(QLatin1String(key));
    if (v.isUndefined()) return false;
    if (!v.isBool()) Fail(key, "expected true or false");
    return v.toBool();
  }
  QJsonObject Object(const char* key) {
    const QJsonValue v = o_.value(QLatin1String(key));
    if (!v.isObject()) Fail(key, "expected an object");
    return v.toObject();
  }
  QString Child(const QString& key) const { return path_.isEmpty() ? key : path_ + "." + key; }
  bool ok() const { return error_->isEmpty(); }
  const QJsonObject& object() const { return o_; }

  void Fail(const QString& key, const QString& what) {
    if (error_->isEmpty()) *error_ = Child(key) + ": " + what;
  }

 private:
  QJsonObject o_;
  QString path_;
  QString* error_;
};

FlushRecord ReadFlush(Reader r) {
  FlushRecord f;
  f.at = r.Text("at");
  f.at_us = ParseIsoMicros(f.at).value_or(0);
  f.duration_ms = r.Number("duration_ms");
  f.rows = r.Int("rows");
  f.batch = r.Count("batch");
  f.attempts = static_cast<int>(r.Int("attempts"));
  f.ok = r.object().value("ok").toBool(true);
  f.error = r.Text("error");
  return f;
}

SinkSnapshot ReadSink(const QString& name, Reader r, QString* error) {
  SinkSnapshot k;
  k.name = name;
  k.plugin = r.Text("plugin");
  k.state = r.Text("state");
  k.last_error = r.Text("last_error");
  k.attempt = static_cast<int>(r.Int("attempt"));
  k.queued_batches = r.Int("queued_batches");
  k.queued_rows = r.Int("queued_rows");
  k.delivered_rows = r.Count("delivered_rows");
  k.delivered_batches = r.Count("delivered_batches");
  k.failed_rows = r.Count("failed_rows");
  k.failed_batches = r.Count("failed_batches");
  k.retries = r.Count("retries");
  k.quarantined_rows = r.OptionalCount("quarantined_rows");
  k.isolation = r.Text("isolation");
  const QJsonValue worker = r.object().value("worker");
  if (worker.isObject()) {
    Reader w(worker.toObject(), r.Child("worker"), error);
    k.worker = SinkSnapshot::Worker{w.Int("pid"), w.Count("restarts"), w.Text("last_crash")};
  } else if (!worker.isNull() && !worker.isUndefined()) {
    r.Fail("worker", "expected an object or null");
  }
  const QJsonValue stuck = r.object().value("stuck");
  if (stuck.isObject()) {
    Reader st(stuck.toObject(), r.Child("stuck"), error);
    k.stuck = SinkSnapshot::Stuck{st.Text("call"), st.Text("batch_id"), st.Number("for_ms")};
  } else if (!stuck.isNull() && !stuck.isUndefined()) {
    r.Fail("stuck", "expected an object or null");
  }
  const QJsonValue last = r.object().value("last_flush");
  if (last.isObject()) {
    k.last_flush = ReadFlush(Reader(last.toObject(), r.Child("last_flush"), error));
  } else if (!last.isNull() && !last.isUndefined()) {
    r.Fail("last_flush", "expected an object or null");
  }
  const QJsonValue recent = r.object().value("recent");
  if (recent.isArray()) {
    const QJsonArray items = recent.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
      const QString path = r.Child("recent[" + QString::number(i) + "]");
      if (!items[i].isObject()) {
        r.Fail("recent[" + QString::number(i) + "]", "expected an object");
        break;
      }
      k.recent.push_back(ReadFlush(Reader(items[i].toObject(), path, error)));
    }
  } else if (!recent.isUndefined()) {
    r.Fail("recent", "expected an array");
  }
  return k;
}

StreamSnapshot ReadStream(const QByteArray& json, const QString& name, Reader r, QString* error) {
  StreamSnapshot s;
  s.name = name;
  s.schema = r.Text("schema");
  s.plausible_endpoint = r.Bool("plausible_endpoint");
  Reader b(r.Object("buffer"), r.Child("buffer"), error);
  s.events = b.Int("events");
  s.bytes = b.Int("bytes");
  s.max_events = b.Int("max_events");
  s.max_bytes = b.Int("max_bytes");
  s.flush_interval_ms = b.Int("flush_interval_ms");
  s.when_full = b.Text("when_full");
  s.pending_batches = b.Int("pending_batches");
  s.max_pending_batches = b.Int("max_pending_batches");
  s.accepted = r.Count("accepted");
  s.dropped = r.Count("dropped");
  s.rejected_busy = r.Count("rejected_busy");
  s.sealed_batches = r.Count("sealed_batches");
  const QJsonObject sinks = r.Object("sinks");
  QStringList order = ObjectKeysInOrder(json, {"streams", name, "sinks"});
  if (order.size() != sinks.size()) order = sinks.keys();
  for (const QString& sink : order) {
    if (!sinks.value(sink).isObject()) {
      r.Fail("sinks." + sink, "expected an object");
      break;
    }
    s.sinks.push_back(ReadSink(
        sink, Reader(sinks.value(sink).toObject(), r.Child("sinks." + sink), error), error));
  }
  return s;
}

}  // namespace

std::optional<qint64> ParseIsoMicros(const QString& text) {
  // QDateTime stops at milliseconds; the host sends microseconds, and two
  // flushes may finish within the same millisecond.
  static const QRegularExpression kIso(
      QStringLiteral("^(\\d{4}-\\d\\d-\\d\\d)T(\\d\\d:\\d\\d:\\d\\d)(?:\\.(\\d{1,6}))?Z$"));
  const QRegularExpressionMatch m = kIso.match(text);
  if (!m.hasMatch()) return std::nullopt;
  const QDateTime t(QDate::fromString(m.captured(1), Qt::ISODate),
                    QTime::fromString(m.captured(2), Qt::ISODate), Qt::UTC);
  if (!t.isValid()) return std::nullopt;
  const QString fraction = m.captured(3).leftJustified(6, '0');
  return t.toSecsSinceEpoch() * 1000000 + fraction.toLongLong();
}

QString FormatIsoMicros(qint64 us) {
  const qint64 seconds = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
  const QString fraction = QString::number(us - seconds * 1000000).rightJustified(6, '0');
  return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString("yyyy-MM-ddTHH:mm:ss") + "." +
         fraction + "Z";
}

qint64 HostNowMicros(const StatsSnapshot& snapshot) {
  const std::optional<qint64> started = ParseIsoMicros(snapshot.started_at);
  return started ? *started + static_cast<qint64>(snapshot.uptime_seconds * 1e6) : 0;
}

bool ParseStats(const QByteArray& json, StatsSnapshot* out, QString* error) {
  error->clear();
  QJsonParseError parse_error;
  const QJsonDocument doc = QJsonDocument::fromJson(json, &parse_error);
  if (parse_error.error != QJsonParseError::NoError) {
    *error = "not JSON: " + parse_error.errorString() + " at offset " +
             QString::number(parse_error.offset);
    return false;
  }
  if (!doc.isObject()) {
    *error = "expected a JSON object";
    return false;
  }
  StatsSnapshot s;
  Reader top(doc.object(), QString(), error);
  s.version = top.Text("version");
  s.started_at = top.Text("started_at");
  s.uptime_seconds = top.Number("uptime_seconds");
  const QJsonObject streams = top.Object("streams");
  QStringList order = ObjectKeysInOrder(json, {"streams"});
  if (order.size() != streams.size()) order = streams.keys();
  for (const QString& name : order) {
    if (!error->isEmpty()) break;
    if (!streams.value(name).isObject()) {
      top.Fail("streams." + name, "expected an object");
      break;
    }
    s.streams.push_back(ReadStream(
        json, name, Reader(streams.value(name).toObject(), "streams." + name, error), error));
  }
  if (!error->isEmpty()) return false;
  *out = std::move(s);
  return true;
}

}  // namespace sinkhost::dashboard
