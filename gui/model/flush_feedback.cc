// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/flush_feedback.h"

#include <QStringList>

#include "gui/model/format.h"

namespace sinkhost::dashboard {

void FlushFeedback::Start() {
  phase_ = Phase::kRunning;
  text_ = QStringLiteral("Flushing…");
}

void FlushFeedback::Finish(const FlushResult& result) {
  qint64 rows = 0;
  QStringList late;
  for (const FlushResult::Stream& s : result.streams) {
    rows += s.rows_sealed;
    for (const FlushResult::Sink& k : s.sinks) {
      if (k.done) continue;
      QString line = s.name + "/" + k.name + " " + k.state;
      if (!k.error.isEmpty()) line += ": " + k.error;
      late << line;
    }
  }
  const QString sealed = FormatCount(rows) + (rows == 1 ? " row" : " rows");
  if (result.completed) {
    phase_ = Phase::kDone;
    text_ = "Flushed " + sealed + " in " + FormatMs(result.elapsed_ms);
    return;
  }
  phase_ = Phase::kPartial;
  text_ = "Sealed " + sealed + "; not delivered within " +
          FormatSeconds(result.timeout_ms / 1000.0) + ": " + late.join("; ");
}

void FlushFeedback::Fail(const QString& error) {
  phase_ = Phase::kFailed;
  text_ = "Flush failed: " + error;
}

}  // namespace sinkhost::dashboard
