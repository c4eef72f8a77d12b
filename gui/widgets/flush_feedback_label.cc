// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/widgets/flush_feedback_label.h"

#include <QLabel>

#include "gui/widgets/chart_style.h"

namespace sinkhost::dashboard {

void ShowFlushFeedback(const FlushFeedback& feedback, QLabel* label) {
  QColor color = colors::kMuted;
  switch (feedback.phase()) {
    case FlushFeedback::Phase::kIdle:
    case FlushFeedback::Phase::kRunning: break;
    case FlushFeedback::Phase::kDone: color = colors::kOk; break;
    case FlushFeedback::Phase::kPartial: color = colors::kRetrying.darker(115); break;
    case FlushFeedback::Phase::kFailed: color = colors::kFailing; break;
  }
  label->setText(feedback.text());
  label->setToolTip(feedback.text());
  SetStyleSheetIfChanged(label, "color: " + color.name() + ";");
}

}  // namespace sinkhost::dashboard
