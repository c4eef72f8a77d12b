// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/widgets/connection_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

#include "gui/widgets/chart_style.h"
#include "gui/widgets/flush_feedback_label.h"

namespace sinkhost::dashboard {

ConnectionBar::ConnectionBar(QWidget* parent)
    : QFrame(parent),
      dot_(new QLabel(QStringLiteral("●"), this)),
      status_(new QLabel(this)),
      feedback_(new QLabel(this)),
      connect_(new QPushButton("Connect…", this)),
      flush_all_(new QPushButton("Flush all", this)) {
  setObjectName("connectionBar");
  QFont big = dot_->font();
  big.setPointSizeF(big.pointSizeF() * 1.4);
  dot_->setFont(big);
  status_->setObjectName("connectionStatus");
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont bold = status_->font();
  bold.setBold(true);
  status_->setFont(bold);
  feedback_->setObjectName("flushAllFeedback");
  feedback_->setWordWrap(true);
  feedback_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  connect_->setObjectName("connect");
  connect_->setToolTip("Watch another host");
  flush_all_->setObjectName("flushAll");
  flush_all_->setToolTip("Seal every stream's buffer now and wait for all sinks (POST /api/flush)");
  connect(connect_, &QPushButton::clicked, this, &ConnectionBar::ConnectRequested);
  connect(flush_all_, &QPushButton::clicked, this, &ConnectionBar::FlushAllRequested);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(12, 6, 12, 6);
  layout->addWidget(dot_);
  layout->addWidget(status_);
  layout->addWidget(feedback_, 1);
  layout->addWidget(flush_all_);
  layout->addWidget(connect_);
}

void ConnectionBar::ShowConnection(const ConnectionState& state, double now) {
  QColor color = colors::kUnknown;
  if (state.link() == Link::kConnected) color = colors::kOk;
  if (state.link() == Link::kDisconnected) color = colors::kFailing;
  SetStyleSheetIfChanged(dot_, "color: " + color.name() + ";");
  status_->setText(state.Describe(now));
  status_->setProperty("link", QString(LinkName(state.link())));
  flush_all_->setEnabled(state.link() == Link::kConnected && !flush_all_running_);
}

void ConnectionBar::ShowFlushAll(const FlushFeedback& feedback) {
  ShowFlushFeedback(feedback, feedback_);
  flush_all_running_ = feedback.running();
  flush_all_->setEnabled(!flush_all_running_);
}

}  // namespace sinkhost::dashboard
