// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// How a FlushFeedback looks in a label: grey while running, green when
// done, amber when some sink did not finish, red on failure.
//
// Thread safety: UI thread only.
#ifndef SINKHOST_GUI_WIDGETS_FLUSH_FEEDBACK_LABEL_H_
#define SINKHOST_GUI_WIDGETS_FLUSH_FEEDBACK_LABEL_H_

#include "gui/model/flush_feedback.h"

class QLabel;

namespace sinkhost::dashboard {

void ShowFlushFeedback(const FlushFeedback& feedback, QLabel* label);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_WIDGETS_FLUSH_FEEDBACK_LABEL_H_
