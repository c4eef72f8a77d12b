// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/widgets/stream_panel.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "gui/model/format.h"
#include "gui/widgets/chart_style.h"
#include "gui/widgets/depth_chart.h"
#include "gui/widgets/flush_feedback_label.h"
#include "gui/widgets/sink_panel.h"

namespace sinkhost::dashboard {

namespace {

// Sink cards per row; more would squeeze their charts.
constexpr int kSinkColumns = 2;

QLabel* Caption(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text.toUpper(), parent);
  QFont f = label->font();
  f.setPointSizeF(f.pointSizeF() * 0.8);
  f.setBold(true);
  f.setLetterSpacing(QFont::PercentageSpacing, 106);
  label->setFont(f);
  label->setStyleSheet("color: #757575;");
  return label;
}

QLabel* Figure(const QString& name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  QFont f = label->font();
  f.setPointSizeF(f.pointSizeF() * 1.7);
  f.setBold(true);
  label->setFont(f);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QLabel* Muted(const QString& name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setStyleSheet("color: #616161;");
  return label;
}

}  // namespace

StreamPanel::StreamPanel(const StreamSnapshot& stream, QWidget* parent)
    : QFrame(parent), name_(stream.name) {
  setObjectName("stream/" + name_);
  setProperty("card", true);

  auto* title = new QLabel(this);
  title->setTextFormat(Qt::RichText);
  QString subtitle = stream.schema + " schema";
  if (stream.plausible_endpoint) subtitle += " · fed by POST /api/event";
  title->setText("<span style='font-size:large'><b>" + name_.toHtmlEscaped() +
                 "</b></span> <span style='color:#757575'>· stream · " + subtitle.toHtmlEscaped() +
                 "</span>");
  feedback_ = Muted("flushFeedback/" + name_, this);
  feedback_->setWordWrap(true);
  feedback_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  flush_ = new QPushButton("Flush", this);
  flush_->setObjectName("flush/" + name_);
  flush_->setToolTip(
      "Seal this stream's buffer now and wait for its sinks (POST /api/flush?stream=" + name_ +
      ")");
  connect(flush_, &QPushButton::clicked, this, [this] { emit FlushRequested(name_); });
  auto* header = new QHBoxLayout();
  header->addWidget(title);
  header->addWidget(feedback_, 1);
  header->addWidget(flush_);

  events_ = Figure("depthEvents/" + name_, this);
  events_cap_ = Muted("eventsCap/" + name_, this);
  bytes_ = Figure("depthBytes/" + name_, this);
  bytes_cap_ = Muted("bytesCap/" + name_, this);
  rate_ = Figure("ingestRate/" + name_, this);
  counters_ = Muted("counters/" + name_, this);
  counters_->setWordWrap(true);
  auto* figures = new QVBoxLayout();
  figures->setSpacing(1);
  figures->addWidget(Caption("Buffered events", this));
  figures->addWidget(events_);
  figures->addWidget(events_cap_);
  figures->addSpacing(6);
  figures->addWidget(Caption("Buffered bytes", this));
  figures->addWidget(bytes_);
  figures->addWidget(bytes_cap_);
  figures->addSpacing(6);
  figures->addWidget(Caption("Ingest rate", this));
  figures->addWidget(rate_);
  figures->addSpacing(6);
  figures->addWidget(counters_);
  figures->addStretch();
  auto* figures_box = new QWidget(this);
  figures_box->setLayout(figures);
  figures_box->setFixedWidth(230);

  chart_ = new DepthChart(this);
  chart_->setObjectName("depthChart/" + name_);
  auto* top = new QHBoxLayout();
  top->addWidget(figures_box);
  top->addWidget(chart_, 1);

  auto* sinks = new QGridLayout();
  sinks->setSpacing(8);
  int i = 0;
  for (const SinkSnapshot& k : stream.sinks) {
    auto* panel = new SinkPanel(name_, k, this);
    sinks_[k.name] = panel;
    sinks->addWidget(panel, i / kSinkColumns, i % kSinkColumns);
    ++i;
  }
  for (int c = 0; c < kSinkColumns; ++c) sinks->setColumnStretch(c, 1);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(12, 10, 12, 12);
  layout->setSpacing(6);
  layout->addLayout(header);
  layout->addLayout(top);
  layout->addLayout(sinks);
}

void StreamPanel::Update(const DashboardModel& model, double now, qint64 host_now_us) {
  const StreamSnapshot* s = model.stream(name_);
  if (s == nullptr) return;
  events_->setText(FormatCount(s->events));
  events_cap_->setText("of " + FormatCount(s->max_events) + " (" +
                       FormatPercent(s->events, s->max_events) + ")");
  bytes_->setText(FormatBytes(s->bytes));
  bytes_cap_->setText("of " + FormatBytes(s->max_bytes) + " (" +
                      FormatPercent(s->bytes, s->max_bytes) + ")");
  const StreamHistory* history = model.history(name_);
  rate_->setText(FormatRate(history != nullptr ? history->rate() : -1));
  counters_->setText("Accepted " + FormatCount(static_cast<qint64>(s->accepted)) + "\nDropped " +
                     FormatCount(static_cast<qint64>(s->dropped)) + " · refused busy " +
                     FormatCount(static_cast<qint64>(s->rejected_busy)) + "\nPending batches " +
                     FormatCount(s->pending_batches) + " of " +
                     FormatCount(s->max_pending_batches) + "\nFlush every " +
                     FormatSeconds(s->flush_interval_ms / 1000.0) +
                     " · when full: " + s->when_full);
  if (history != nullptr) chart_->Update(*history, *s, now);
  for (const SinkSnapshot& k : s->sinks) {
    auto it = sinks_.find(k.name);
    if (it != sinks_.end()) it->second->Update(k, model.flushes(name_, k.name), host_now_us);
  }
}

void StreamPanel::ShowFlush(const FlushFeedback& feedback) {
  ShowFlushFeedback(feedback, feedback_);
  flush_->setEnabled(!feedback.running());
}

}  // namespace sinkhost::dashboard
