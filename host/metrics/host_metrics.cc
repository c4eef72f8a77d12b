#include "host/metrics/host_metrics.h"

#include <chrono>
#include <functional>

#include "host/metrics/prometheus_text.h"

namespace sinkhost {

namespace {

double Seconds(WallClock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Writes one family with one sample per stream.
void PerStream(PrometheusText* t, const HostSnapshot& s, const char* name, const char* type,
               const char* help, const std::function<double(const StreamStats&)>& value) {
  t->Family(name, type, help);
  for (const StreamStats& st : s.streams) t->Sample({{"stream", st.name}}, value(st));
}

// Writes one family with one sample per sink (when `has` says so).
void PerSink(PrometheusText* t, const HostSnapshot& s, const char* name, const char* type,
             const char* help, const std::function<double(const SinkStats&)>& value,
             const std::function<bool(const SinkStats&)>& has = nullptr) {
  t->Family(name, type, help);
  for (const StreamStats& st : s.streams) {
    for (const SinkStats& k : st.sinks) {
      if (has && !has(k)) continue;
      t->Sample({{"stream", st.name}, {"sink", k.name}}, value(k));
    }
  }
}

}  // namespace

std::string RenderPrometheusMetrics(const HostSnapshot& s) {
  PrometheusText t;
  t.Family("sinkhost_build_info", "gauge", "Version of the running sinkhost; always 1.");
  t.Sample({{"version", s.version}}, 1);
  t.Family("sinkhost_start_time_seconds", "gauge", "When the host started, Unix seconds.");
  t.Sample({}, static_cast<double>(s.started_at_us) / 1e6);
  t.Family("sinkhost_uptime_seconds", "gauge", "Seconds since the host started.");
  t.Sample({}, s.uptime_seconds);

  // Buffers.
  PerStream(&t, s, "sinkhost_buffer_events", "gauge",
            "Events in the stream's open (not yet sealed) batch.",
            [](const StreamStats& st) { return double(st.buffer.buffered_events); });
  PerStream(&t, s, "sinkhost_buffer_bytes", "gauge", "Bytes in the stream's open batch.",
            [](const StreamStats& st) { return double(st.buffer.buffered_bytes); });
  PerStream(&t, s, "sinkhost_buffer_max_events", "gauge",
            "Events at which the open batch is sealed (buffer.max_events).",
            [](const StreamStats& st) { return double(st.buffer_options.max_events); });
  PerStream(&t, s, "sinkhost_buffer_max_bytes", "gauge",
            "Bytes at which the open batch is sealed (buffer.max_bytes).",
            [](const StreamStats& st) { return double(st.buffer_options.max_bytes); });
  PerStream(&t, s, "sinkhost_buffer_pending_batches", "gauge",
            "Sealed batches some sink has not finished yet.",
            [](const StreamStats& st) { return double(st.buffer.pending_batches); });
  PerStream(&t, s, "sinkhost_buffer_max_pending_batches", "gauge",
            "Limit on pending batches (buffer.max_pending_batches).",
            [](const StreamStats& st) { return double(st.buffer_options.max_pending_batches); });
  PerStream(&t, s, "sinkhost_events_accepted_total", "counter",
            "Events acknowledged to clients (HTTP 202).",
            [](const StreamStats& st) { return double(st.buffer.accepted_events); });
  PerStream(&t, s, "sinkhost_events_dropped_total", "counter",
            "Events refused with 503 because the buffer was full (when_full: drop_newest).",
            [](const StreamStats& st) { return double(st.buffer.dropped_events); });
  PerStream(&t, s, "sinkhost_requests_rejected_busy_total", "counter",
            "Requests refused with 503 after waiting block_timeout (when_full: block).",
            [](const StreamStats& st) { return double(st.buffer.rejected_busy); });
  PerStream(&t, s, "sinkhost_batches_sealed_total", "counter",
            "Batches sealed and handed to the stream's sinks.",
            [](const StreamStats& st) { return double(st.buffer.sealed_batches); });

  // Sinks.
  t.Family("sinkhost_sink_info", "gauge", "The plugin each sink runs; always 1.");
  for (const StreamStats& st : s.streams)
    for (const SinkStats& k : st.sinks)
      t.Sample({{"stream", st.name}, {"sink", k.name}, {"plugin", k.plugin}}, 1);
  t.Family("sinkhost_sink_state", "gauge",
           "1 for the sink's current state (ok, retrying, failing), 0 for the others.");
  for (const StreamStats& st : s.streams) {
    for (const SinkStats& k : st.sinks) {
      for (SinkState state : {SinkState::kOk, SinkState::kRetrying, SinkState::kFailing}) {
        t.Sample({{"stream", st.name}, {"sink", k.name}, {"state", SinkStateName(state)}},
                 k.state == state ? 1 : 0);
      }
    }
  }
  PerSink(&t, s, "sinkhost_sink_rows_delivered_total", "counter", "Rows the sink wrote.",
          [](const SinkStats& k) { return double(k.delivered_rows); });
  PerSink(&t, s, "sinkhost_sink_batches_delivered_total", "counter", "Batches the sink wrote.",
          [](const SinkStats& k) { return double(k.delivered_batches); });
  PerSink(&t, s, "sinkhost_sink_rows_failed_total", "counter",
          "Rows in batches that failed permanently (or were abandoned at shutdown).",
          [](const SinkStats& k) { return double(k.failed_rows); });
  PerSink(&t, s, "sinkhost_sink_batches_failed_total", "counter",
          "Batches that failed permanently (or were abandoned at shutdown).",
          [](const SinkStats& k) { return double(k.failed_batches); });
  PerSink(&t, s, "sinkhost_sink_rows_quarantined_total", "counter",
          "Rows the sink refused permanently, put in its quarantine file.",
          [](const SinkStats& k) { return double(k.quarantined_rows); });
  PerSink(&t, s, "sinkhost_sink_quarantine_rows", "gauge",
          "Rows in the sink's quarantine file now, waiting for a replay.",
          [](const SinkStats& k) { return double(k.quarantine_rows); });
  PerSink(&t, s, "sinkhost_sink_retries_total", "counter",
          "Retried open or write calls after retryable errors.",
          [](const SinkStats& k) { return double(k.retries); });
  PerSink(&t, s, "sinkhost_sink_queued_batches", "gauge",
          "Batches waiting for the sink, including the one in progress.",
          [](const SinkStats& k) { return double(k.queued_batches); });
  PerSink(&t, s, "sinkhost_sink_queued_rows", "gauge", "Rows in the sink's queued batches.",
          [](const SinkStats& k) { return double(k.queued_rows); });
  PerSink(&t, s, "sinkhost_sink_attempt", "gauge",
          "Attempts so far on the batch in progress (0 when idle).",
          [](const SinkStats& k) { return double(k.attempt); });
  auto has_flush = [](const SinkStats& k) { return k.has_last_flush; };
  PerSink(&t, s, "sinkhost_sink_last_flush_duration_seconds", "gauge",
          "Duration of the sink's last write call.",
          [](const SinkStats& k) { return k.last_flush.duration_ms / 1000.0; }, has_flush);
  PerSink(&t, s, "sinkhost_sink_last_flush_rows", "gauge", "Rows in the sink's last batch.",
          [](const SinkStats& k) { return double(k.last_flush.rows); }, has_flush);
  PerSink(&t, s, "sinkhost_sink_last_flush_timestamp_seconds", "gauge",
          "When the sink's last batch finished, Unix seconds.",
          [](const SinkStats& k) { return Seconds(k.last_flush.finished_at); }, has_flush);
  PerSink(&t, s, "sinkhost_sink_last_flush_success", "gauge",
          "1 when the sink's last batch was delivered, 0 when it failed.",
          [](const SinkStats& k) { return k.last_flush.ok ? 1.0 : 0.0; }, has_flush);

  // HTTP.
  t.Family("sinkhost_http_requests_total", "counter",
           "HTTP requests answered, by listener and status code.");
  for (const ListenerSnapshot& l : s.listeners) {
    for (const auto& [code, count] : l.requests_by_code) {
      const std::string code_text = std::to_string(code);
      t.Sample({{"listener", l.name}, {"code", code_text}}, count);
    }
  }
  return t.Take();
}

}  // namespace sinkhost
