// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/widgets/dashboard_window.h"

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include "gui/app/dashboard_controller.h"
#include "gui/widgets/connect_dialog.h"
#include "gui/widgets/connection_bar.h"
#include "gui/widgets/stream_panel.h"

namespace sinkhost::dashboard {

namespace {

const char* kStyle =
    "QMainWindow, QScrollArea, #streams { background: #eef1f4; }"
    "QFrame[card=\"true\"] { background: white; border: 1px solid #d7dce1;"
    " border-radius: 8px; }"
    "QFrame[card=\"true\"] QFrame[card=\"true\"] { background: #fbfcfd; }"
    "#connectionBar { background: white; border-bottom: 1px solid #d7dce1; }";

}  // namespace

DashboardWindow::DashboardWindow(DashboardController* controller, QWidget* parent)
    : QMainWindow(parent), controller_(controller) {
  setStyleSheet(kStyle);
  bar_ = new ConnectionBar(this);
  connect(bar_, &ConnectionBar::ConnectRequested, this, &DashboardWindow::AskForAddress);
  connect(bar_, &ConnectionBar::FlushAllRequested, this, [this] { controller_->Flush(""); });

  streams_box_ = new QWidget();
  streams_box_->setObjectName("streams");
  streams_ = new QVBoxLayout(streams_box_);
  streams_->setContentsMargins(12, 12, 12, 12);
  streams_->setSpacing(12);
  placeholder_ = new QLabel(streams_box_);
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setStyleSheet("color: #757575; font-size: large;");
  streams_->addWidget(placeholder_);
  streams_->addStretch();
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidget(streams_box_);

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(bar_);
  layout->addWidget(scroll, 1);
  setCentralWidget(central);
  resize(1280, 860);

  connect(controller_, &DashboardController::LayoutChanged, this, &DashboardWindow::Rebuild);
  connect(controller_, &DashboardController::Updated, this, &DashboardWindow::Refresh);
  connect(controller_, &DashboardController::FlushChanged, this, &DashboardWindow::ShowFlush);
  Rebuild();
  Refresh();
}

void DashboardWindow::AskForAddress() {
  // The token in use, from whichever source (command line, file,
  // environment, an earlier dialog), so that OK keeps it.
  auto* dialog = new ConnectDialog(controller_->address(), controller_->token(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  // Non-modal open(): polling and repainting go on behind the dialog.
  connect(dialog, &QDialog::accepted, this, [this, dialog] {
    controller_->SetAddress(dialog->address(), dialog->token());
  });
  dialog->open();
}

QSize DashboardWindow::ContentSizeHint() const {
  return QSize(streams_box_->sizeHint().width(),
               streams_box_->sizeHint().height() + bar_->sizeHint().height());
}

void DashboardWindow::Rebuild() {
  for (auto& [name, panel] : panels_) delete panel;
  panels_.clear();
  const DashboardModel& model = controller_->model();
  int at = 0;
  for (const StreamSnapshot& s : model.latest().streams) {
    auto* panel = new StreamPanel(s, streams_box_);
    connect(panel, &StreamPanel::FlushRequested, controller_, &DashboardController::Flush);
    streams_->insertWidget(at++, panel);
    panels_[s.name] = panel;
    panel->ShowFlush(controller_->flush_feedback(s.name));
  }
  placeholder_->setVisible(panels_.empty());
}

void DashboardWindow::Refresh() {
  const double now = controller_->Now();
  const ConnectionState& connection = controller_->connection();
  const DashboardModel& model = controller_->model();
  setWindowTitle("sinkhost dashboard — " + controller_->address().toString());
  bar_->ShowConnection(connection, now);
  if (!model.has_data()) {
    placeholder_->setText(connection.link() == Link::kDisconnected
                              ? "No answer from the host yet. The dashboard keeps trying."
                              : "Waiting for the host's first answer…");
  }
  // Old figures stay readable but greyed while the host is away.
  streams_box_->setEnabled(connection.link() == Link::kConnected);
  const qint64 host_now_us = HostNowMicros(model.latest());
  for (auto& [name, panel] : panels_) panel->Update(model, now, host_now_us);
}

void DashboardWindow::ShowFlush(const QString& stream) {
  const FlushFeedback& feedback = controller_->flush_feedback(stream);
  if (stream.isEmpty()) {
    bar_->ShowFlushAll(feedback);
    return;
  }
  if (auto it = panels_.find(stream); it != panels_.end()) it->second->ShowFlush(feedback);
}

}  // namespace sinkhost::dashboard
