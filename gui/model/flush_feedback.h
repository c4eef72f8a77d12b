// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// FlushFeedback: what one Flush button says — nothing yet, running, what the
// flush did, or why it failed. One per stream and one for "Flush all".
//
// Thread safety: none; one owner.
#ifndef SINKHOST_GUI_MODEL_FLUSH_FEEDBACK_H_
#define SINKHOST_GUI_MODEL_FLUSH_FEEDBACK_H_

#include <QString>

#include "gui/model/flush_result.h"

namespace sinkhost::dashboard {

class FlushFeedback {
 public:
  enum class Phase {
    kIdle,
    kRunning,
    kDone,     // every sink finished every batch in time
    kPartial,  // the host answered, but some sink did not finish in time
    kFailed,   // no usable answer: network error or an HTTP error
  };

  void Start();
  // The host's answer (200 or 504).
  void Finish(const FlushResult& result);
  void Fail(const QString& error);

  Phase phase() const { return phase_; }
  bool running() const { return phase_ == Phase::kRunning; }
  // "Flushing…", "Flushed 25 rows in 3.2 ms", "Sinks not done after 10 s:
  // events/pg retrying: connection refused", "Flush failed: …".
  const QString& text() const { return text_; }

 private:
  Phase phase_ = Phase::kIdle;
  QString text_;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_FLUSH_FEEDBACK_H_
