// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/flush_result.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "gui/model/json_key_order.h"

namespace sinkhost::dashboard {

namespace {

QStringList OrderedKeys(const QByteArray& json, const QStringList& path, const QJsonObject& o) {
  QStringList order = ObjectKeysInOrder(json, path);
  return order.size() == o.size() ? order : o.keys();
}

}  // namespace

bool ParseFlushResult(const QByteArray& json, FlushResult* out, QString* error) {
  error->clear();
  QJsonParseError parse_error;
  const QJsonDocument doc = QJsonDocument::fromJson(json, &parse_error);
  if (parse_error.error != QJsonParseError::NoError || !doc.isObject()) {
    *error = "not a flush result: " + (parse_error.error != QJsonParseError::NoError
                                           ? parse_error.errorString()
                                           : QStringLiteral("expected a JSON object"));
    return false;
  }
  const QJsonObject top = doc.object();
  if (!top.value("completed").isBool() || !top.value("streams").isObject()) {
    *error = "not a flush result: expected 'completed' (true or false) and 'streams' (an object)";
    return false;
  }
  FlushResult r;
  r.completed = top.value("completed").toBool();
  r.timeout_ms = static_cast<qint64>(top.value("timeout_ms").toDouble());
  r.elapsed_ms = top.value("elapsed_ms").toDouble();
  const QJsonObject streams = top.value("streams").toObject();
  for (const QString& name : OrderedKeys(json, {"streams"}, streams)) {
    const QJsonObject so = streams.value(name).toObject();
    FlushResult::Stream s;
    s.name = name;
    s.completed = so.value("completed").toBool();
    s.rows_sealed = static_cast<qint64>(so.value("rows_sealed").toDouble());
    s.batch = static_cast<quint64>(so.value("batch").toDouble());
    const QJsonObject sinks = so.value("sinks").toObject();
    for (const QString& sink : OrderedKeys(json, {"streams", name, "sinks"}, sinks)) {
      const QJsonObject ko = sinks.value(sink).toObject();
      s.sinks.push_back({sink, ko.value("done").toBool(), ko.value("state").toString(),
                         ko.value("error").toString()});
    }
    r.streams.push_back(std::move(s));
  }
  *out = std::move(r);
  return true;
}

}  // namespace sinkhost::dashboard
