// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The answer of POST /api/flush (docs/configuration.md) as plain values,
// and its parser. The host answers 200 when every sink finished in time and
// 504 with the same document when some did not.
//
// Thread safety: plain values and a pure function.
#ifndef SINKHOST_GUI_MODEL_FLUSH_RESULT_H_
#define SINKHOST_GUI_MODEL_FLUSH_RESULT_H_

#include <QByteArray>
#include <QString>
#include <QtGlobal>
#include <vector>

namespace sinkhost::dashboard {

struct FlushResult {
  struct Sink {
    QString name;
    bool done = false;  // finished (delivered or failed for good) in time
    QString state;
    QString error;
  };
  struct Stream {
    QString name;
    bool completed = false;
    qint64 rows_sealed = 0;  // rows this flush moved out of the open batch
    quint64 batch = 0;
    std::vector<Sink> sinks;  // config order
  };
  bool completed = false;
  qint64 timeout_ms = 0;
  double elapsed_ms = 0;
  std::vector<Stream> streams;  // config order
};

bool ParseFlushResult(const QByteArray& json, FlushResult* out, QString* error);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_FLUSH_RESULT_H_
