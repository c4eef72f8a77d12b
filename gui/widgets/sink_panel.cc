// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/widgets/sink_panel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "gui/model/format.h"
#include "gui/widgets/chart_style.h"
#include "gui/widgets/flush_chart.h"

namespace sinkhost::dashboard {

namespace {

QLabel* NewLabel(const QString& name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QString Plural(qint64 n, const char* one, const char* many) {
  return FormatCount(n) + " " + (n == 1 ? one : many);
}

QString LastFlushText(const std::optional<FlushRecord>& last, qint64 host_now_us) {
  if (!last) return QStringLiteral("No batch finished yet");
  const QString when =
      QDateTime::fromMSecsSinceEpoch(last->at_us / 1000).toLocalTime().toString("HH:mm:ss");
  const double age = static_cast<double>(host_now_us - last->at_us) / 1e6;
  QString text = "Last flush " + when + " (" + FormatSeconds(age) + " ago) · " +
                 Plural(last->rows, "row", "rows") + " · " + FormatMs(last->duration_ms);
  if (last->attempts > 1) text += " · " + Plural(last->attempts, "attempt", "attempts");
  if (!last->ok) text += " · FAILED";
  return text;
}

// Where the plugin runs and, in a worker, how that worker is doing.
QString IsolationText(const SinkSnapshot& sink) {
  if (!sink.worker) return QStringLiteral("Runs in the host's process");
  QString text = sink.worker->pid > 0
                     ? "Runs in worker pid " + QString::number(sink.worker->pid)
                     : QStringLiteral("Runs in a worker (none running now)");
  text += " · restarts " + FormatCount(static_cast<qint64>(sink.worker->restarts));
  if (!sink.worker->last_crash.isEmpty()) text += " · last: " + sink.worker->last_crash;
  return text;
}

}  // namespace

SinkPanel::SinkPanel(const QString& stream, const SinkSnapshot& sink, QWidget* parent)
    : QFrame(parent) {
  const QString key = stream + "/" + sink.name;
  setObjectName("sink/" + key);
  setProperty("card", true);  // styled by the window's style sheet

  auto* title = new QLabel(this);
  title->setTextFormat(Qt::RichText);
  title->setText("<b>" + sink.name.toHtmlEscaped() + "</b> <span style='color:#757575'>· " +
                 sink.plugin.toHtmlEscaped() + " sink</span>");
  state_ = NewLabel("sinkState/" + key, this);
  state_->setAlignment(Qt::AlignCenter);
  state_->setMinimumWidth(84);
  auto* header = new QHBoxLayout();
  header->addWidget(title);
  header->addStretch();
  header->addWidget(state_);

  error_ = NewLabel("sinkError/" + key, this);
  error_->setWordWrap(true);
  isolation_ = NewLabel("sinkIsolation/" + key, this);
  isolation_->setWordWrap(true);
  last_flush_ = NewLabel("lastFlush/" + key, this);
  totals_ = NewLabel("totals/" + key, this);
  totals_->setWordWrap(true);
  summary_ = NewLabel("flushSummary/" + key, this);
  chart_ = new FlushChart(this);
  chart_->setObjectName("flushChart/" + key);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(10, 8, 10, 6);
  layout->setSpacing(3);
  layout->addLayout(header);
  layout->addWidget(error_);
  layout->addWidget(isolation_);
  layout->addWidget(last_flush_);
  layout->addWidget(totals_);
  layout->addWidget(summary_);
  layout->addWidget(chart_, 1);
}

void SinkPanel::Update(const SinkSnapshot& sink, const FlushHistory* history, qint64 host_now_us) {
  const QColor color = StateColor(sink.state);
  state_->setText(sink.state);
  state_->setProperty("state", sink.state);
  SetStyleSheetIfChanged(state_,
                         QString("QLabel { background: %1; color: white; font-weight: bold; "
                                 "border-radius: 9px; padding: 2px 10px; }")
                             .arg(color.name()));

  if (sink.stuck) {
    error_->setText("Stuck: " + sink.stuck->call +
                    (sink.stuck->batch_id.isEmpty() ? "" : " of batch " + sink.stuck->batch_id) +
                    " has run " + FormatSeconds(sink.stuck->for_ms / 1000.0) +
                    ", past its timeout");
    SetStyleSheetIfChanged(error_, "color: " + color.darker(120).name() + ";");
  } else if (sink.last_error.isEmpty()) {
    error_->setText("No errors");
    SetStyleSheetIfChanged(error_, "color: #757575;");
  } else if (sink.state == "ok") {
    error_->setText("Recovered from: " + sink.last_error);
    SetStyleSheetIfChanged(error_, "color: #757575;");
  } else {
    QString text = sink.last_error;
    if (sink.attempt > 0) text = "Attempt " + QString::number(sink.attempt) + ": " + text;
    error_->setText(text);
    SetStyleSheetIfChanged(error_, "color: " + color.darker(120).name() + ";");
  }

  isolation_->setText(IsolationText(sink));
  isolation_->setVisible(!sink.isolation.isEmpty());
  last_flush_->setText(LastFlushText(sink.last_flush, host_now_us));

  QString totals = "Delivered " + Plural(static_cast<qint64>(sink.delivered_rows), "row", "rows") +
                   " in " +
                   Plural(static_cast<qint64>(sink.delivered_batches), "batch", "batches") +
                   " · failed " + Plural(static_cast<qint64>(sink.failed_rows), "row", "rows");
  if (sink.quarantined_rows)
    totals += " · quarantined " + FormatCount(static_cast<qint64>(*sink.quarantined_rows));
  totals += " · retries " + FormatCount(static_cast<qint64>(sink.retries)) + " · queued " +
            Plural(sink.queued_batches, "batch", "batches");
  totals_->setText(totals);

  if (history == nullptr || history->records().empty()) {
    summary_->setText("Flush durations: none yet");
  } else {
    const FlushSummary s = history->Summarize();
    QString text = "Last " + Plural(s.count, "flush", "flushes") + ": p50 " + FormatMs(s.p50_ms) +
                   " · p95 " + FormatMs(s.p95_ms) + " · max " + FormatMs(s.max_ms);
    if (s.failed > 0) text += " · " + FormatCount(s.failed) + " failed";
    summary_->setText(text);
  }
  // An empty chart would only take room from the error text above it.
  chart_->setVisible(history != nullptr && !history->records().empty());
  if (history != nullptr) chart_->Update(*history, host_now_us);
}

}  // namespace sinkhost::dashboard
