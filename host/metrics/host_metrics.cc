// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/metrics/host_metrics.h"

#include <chrono>
#include <functional>

#include "host/metrics/prometheus_text.h"

namespace sinkhost {

namespace {

double Seconds(WallClock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Writes one family with one sample per stream (when `has` says so).
void PerStream(PrometheusText* t, const HostSnapshot& s, const char* name, const char* type,
               const char* help, const std::function<double(const StreamStats&)>& value,
               const std::function<bool(const StreamStats&)>& has = nullptr) {
  t->Family(name, type, help);
  for (const StreamStats& st : s.streams) {
    if (has && !has(st)) continue;
    t->Sample({{"stream", st.name}}, value(st));
  }
}

// Writes one family with one sample per stream that has a write-ahead log.
void PerWal(PrometheusText* t, const HostSnapshot& s, const char* name, const char* type,
            const char* help, const std::function<double(const StreamWalStats&)>& value) {
  PerStream(t, s, name, type, help, [&](const StreamStats& st) { return value(st.wal); },
            [](const StreamStats& st) { return st.wal.enabled; });
}

// Writes one family with one sample per sink position in a write-ahead log.
void PerWalConsumer(PrometheusText* t, const HostSnapshot& s, const char* name, const char* help,
                    const std::function<double(const WalStats&, const WalConsumerPosition&)>& value) {
  t->Family(name, "gauge", help);
  for (const StreamStats& st : s.streams) {
    if (!st.wal.enabled) continue;
    for (const WalConsumerPosition& c : st.wal.log.consumers)
      t->Sample({{"stream", st.name}, {"sink", c.name}}, value(st.wal.log, c));
  }
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
  t.Family("sinkhost_sink_isolation", "gauge",
           "Where each sink's plugin runs (in_process, or process: a worker); always 1.");
  for (const StreamStats& st : s.streams)
    for (const SinkStats& k : st.sinks)
      t.Sample({{"stream", st.name}, {"sink", k.name}, {"isolation", IsolationName(k.isolation)}},
               1);
  t.Family("sinkhost_sink_state", "gauge",
           "1 for the sink's current state (ok, retrying, failing, stuck), 0 for the others.");
  for (const StreamStats& st : s.streams) {
    for (const SinkStats& k : st.sinks) {
      for (SinkState state :
           {SinkState::kOk, SinkState::kRetrying, SinkState::kFailing, SinkState::kStuck}) {
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
  PerSink(&t, s, "sinkhost_sink_stuck_seconds", "gauge",
          "While the sink is stuck (a call past its timeout), how long that call has run; 0 "
          "otherwise.",
          [](const SinkStats& k) { return k.state == SinkState::kStuck ? k.stuck_for_ms / 1000.0 : 0.0; });
  auto in_worker = [](const SinkStats& k) { return k.isolation == Isolation::kProcess; };
  PerSink(&t, s, "sinkhost_sink_worker_up", "gauge",
          "1 while the sink's worker process runs (process isolation).",
          [](const SinkStats& k) { return k.worker.pid > 0 ? 1.0 : 0.0; }, in_worker);
  t.Family("sinkhost_sink_worker_restarts_total", "counter",
           "Worker processes lost, and so restarted, by what ended them (SIGSEGV, SIGABRT, "
           "timeout, memory, cpu, exit N, stopped).");
  for (const StreamStats& st : s.streams)
    for (const SinkStats& k : st.sinks)
      for (const auto& [reason, n] : k.worker.restarts_by_reason)
        t.Sample({{"stream", st.name}, {"sink", k.name}, {"reason", reason}}, double(n));
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

  // Write-ahead logs (streams without one have no samples).
  t.Family("sinkhost_wal_info", "gauge", "The stream's write-ahead log and its wal.fsync; always 1.");
  for (const StreamStats& st : s.streams)
    if (st.wal.enabled)
      t.Sample({{"stream", st.name}, {"fsync", FsyncPolicyName(st.wal.log.fsync)}}, 1);
  PerWal(&t, s, "sinkhost_wal_segments", "gauge", "Segment files in the log.",
         [](const StreamWalStats& w) { return double(w.log.segments); });
  PerWal(&t, s, "sinkhost_wal_bytes", "gauge", "Bytes of all segment files together.",
         [](const StreamWalStats& w) { return double(w.log.total_bytes); });
  PerWal(&t, s, "sinkhost_wal_max_bytes", "gauge",
         "Cap on the segment files together (wal.max_size); 0: none.",
         [](const StreamWalStats& w) { return double(w.log.max_total_bytes); });
  PerWal(&t, s, "sinkhost_wal_first_seq", "gauge", "First record the oldest segment may hold.",
         [](const StreamWalStats& w) { return double(w.log.first_seq); });
  PerWal(&t, s, "sinkhost_wal_last_seq", "gauge", "Last record appended (0: none yet).",
         [](const StreamWalStats& w) { return double(w.log.last_seq); });
  PerWal(&t, s, "sinkhost_wal_durable_seq", "gauge", "Last record known to be fsynced.",
         [](const StreamWalStats& w) { return double(w.log.durable_seq); });
  PerWal(&t, s, "sinkhost_wal_appends_total", "counter", "Records appended since start.",
         [](const StreamWalStats& w) { return double(w.log.appends); });
  PerWal(&t, s, "sinkhost_wal_appended_bytes_total", "counter",
         "Payload bytes appended since start.",
         [](const StreamWalStats& w) { return double(w.log.appended_bytes); });
  PerWal(&t, s, "sinkhost_wal_fsyncs_total", "counter", "Fsyncs of segment data since start.",
         [](const StreamWalStats& w) { return double(w.log.fsyncs); });
  t.Family("sinkhost_wal_appends_rejected_total", "counter",
           "Appends refused (503) because the log was at wal.max_size (full) or the disk was "
           "full (no_space).");
  for (const StreamStats& st : s.streams) {
    if (!st.wal.enabled) continue;
    t.Sample({{"stream", st.name}, {"reason", "full"}}, double(st.wal.log.rejected_full));
    t.Sample({{"stream", st.name}, {"reason", "no_space"}}, double(st.wal.log.rejected_no_space));
  }
  PerWal(&t, s, "sinkhost_wal_segments_deleted_total", "counter",
         "Segments deleted once every sink had confirmed them.",
         [](const StreamWalStats& w) { return double(w.log.segments_deleted); });
  PerWalConsumer(&t, s, "sinkhost_wal_sink_confirmed_seq",
                 "Last record the sink has confirmed (delivered or refused for good).",
                 [](const WalStats&, const WalConsumerPosition& c) {
                   return double(c.confirmed_seq);
                 });
  PerWalConsumer(&t, s, "sinkhost_wal_sink_pending_records",
                 "Records in the log the sink has not confirmed yet.",
                 [](const WalStats& l, const WalConsumerPosition& c) {
                   return l.last_seq > c.confirmed_seq ? double(l.last_seq - c.confirmed_seq) : 0;
                 });
  PerWal(&t, s, "sinkhost_wal_damaged_regions", "gauge",
         "Damaged regions found since start (at open and during replay).",
         [](const StreamWalStats& w) { return double(w.log.damage.size()); });
  PerWal(&t, s, "sinkhost_wal_damage_lost_records", "gauge",
         "Records known lost in damaged regions found since start.",
         [](const StreamWalStats& w) {
           double n = 0;
           for (const WalDamage& d : w.log.damage) n += double(d.lost_records());
           return n;
         });
  PerWal(&t, s, "sinkhost_wal_damage_bytes", "gauge",
         "Damaged bytes skipped or cut off in regions found since start.",
         [](const StreamWalStats& w) {
           double n = 0;
           for (const WalDamage& d : w.log.damage) n += double(d.bytes);
           return n;
         });
  PerWal(&t, s, "sinkhost_wal_read_only", "gauge",
         "1 once a failed fsync turned the log read-only (ingest answers 503 until a restart).",
         [](const StreamWalStats& w) { return w.log.error.empty() ? 0.0 : 1.0; });
  PerWal(&t, s, "sinkhost_wal_replaying", "gauge",
         "1 while the records some sink had not confirmed at start are buffered again.",
         [](const StreamWalStats& w) { return w.replaying ? 1.0 : 0.0; });
  PerWal(&t, s, "sinkhost_wal_replay_from_seq", "gauge",
         "First record of the startup replay (0: nothing to replay).",
         [](const StreamWalStats& w) { return double(w.replay_from_seq); });
  PerWal(&t, s, "sinkhost_wal_replay_to_seq", "gauge",
         "Last record in the log when it was opened (end of the startup replay).",
         [](const StreamWalStats& w) { return double(w.replay_to_seq); });
  PerWal(&t, s, "sinkhost_wal_replayed_records_total", "counter",
         "Records buffered again by the startup replay, with those accepted meanwhile.",
         [](const StreamWalStats& w) { return double(w.replayed_records); });
  PerWal(&t, s, "sinkhost_wal_replayed_rows_total", "counter",
         "Rows buffered again by the startup replay.",
         [](const StreamWalStats& w) { return double(w.replayed_rows); });
  PerWal(&t, s, "sinkhost_wal_spilling", "gauge",
         "1 while requests go to the log only because the buffer is full (sinks behind).",
         [](const StreamWalStats& w) { return w.spilling ? 1.0 : 0.0; });
  PerWal(&t, s, "sinkhost_wal_spills_total", "counter",
         "Times the buffer was full and requests went to the log only.",
         [](const StreamWalStats& w) { return double(w.spills); });
  PerWal(&t, s, "sinkhost_wal_spilled_records_total", "counter",
         "Records buffered from the log after a spill.",
         [](const StreamWalStats& w) { return double(w.spilled_records); });
  PerWal(&t, s, "sinkhost_wal_unreadable_records_total", "counter",
         "Records whose payload could not be decoded (logged, not delivered).",
         [](const StreamWalStats& w) { return double(w.unreadable_records); });
  PerWal(&t, s, "sinkhost_wal_confirm_errors_total", "counter",
         "Sink positions that could not be written to the log.",
         [](const StreamWalStats& w) { return double(w.confirm_errors); });

  // Enrichment.
  t.Family("sinkhost_enrich_dropped_total", "counter",
           "Valid events the enrichment stage did not store (answered 202), by reason.");
  for (const auto& [stream, e] : s.enrichment)
    for (int r = 0; r < static_cast<int>(enrich::DropReason::kCount); ++r)
      t.Sample({{"stream", stream},
                {"reason", std::string(enrich::DropReasonName(static_cast<enrich::DropReason>(r)))}},
               double(e.dropped[r]));
  auto per_enricher = [&](const char* name, const char* type, const char* help,
                          uint64_t enrich::EnrichStats::*field) {
    t.Family(name, type, help);
    for (const auto& [stream, e] : s.enrichment) t.Sample({{"stream", stream}}, double(e.*field));
  };
  per_enricher("sinkhost_enrich_sessions", "gauge", "Visitor sessions held in memory.",
               &enrich::EnrichStats::sessions_live);
  per_enricher("sinkhost_enrich_sessions_started_total", "counter", "Visitor sessions started.",
               &enrich::EnrichStats::sessions_started);
  per_enricher("sinkhost_enrich_sessions_expired_total", "counter",
               "Visitor sessions ended by inactivity (enrich.session_timeout).",
               &enrich::EnrichStats::sessions_expired);
  per_enricher("sinkhost_enrich_sessions_evicted_total", "counter",
               "Visitor sessions ended early to stay within enrich.max_sessions.",
               &enrich::EnrichStats::sessions_evicted);
  per_enricher("sinkhost_enrich_user_agent_cache_hits_total", "counter",
               "User-Agent parses answered from the per-thread cache.",
               &enrich::EnrichStats::user_agent_cache_hits);
  per_enricher("sinkhost_enrich_user_agent_cache_misses_total", "counter",
               "User-Agents parsed with uap-core's rules (cache misses).",
               &enrich::EnrichStats::user_agent_cache_misses);

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
