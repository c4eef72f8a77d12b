// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/stats/stats_json.h"

#include <Poco/JSON/Array.h>

#include <sstream>

#include "sinkhost/format.hpp"

namespace sinkhost {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr NewObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

const char* WhenFullName(BufferOptions::WhenFull w) {
  return w == BufferOptions::WhenFull::kBlock ? "block" : "drop_newest";
}

Object::Ptr FlushRecordToJson(const FlushRecord& r) {
  Object::Ptr o = NewObject();
  o->set("at", IsoTimestamp(r.finished_at));
  o->set("duration_ms", r.duration_ms);
  o->set("rows", r.rows);
  o->set("batch", r.batch_seq);
  o->set("attempts", r.attempts);
  o->set("ok", r.ok);
  o->set("error", r.error);
  return o;
}

Object::Ptr SinkToJson(const SinkStats& k) {
  Object::Ptr o = NewObject();
  o->set("plugin", k.plugin);
  o->set("state", std::string(SinkStateName(k.state)));
  o->set("last_error", k.last_error);
  o->set("attempt", k.attempt);
  o->set("queued_batches", k.queued_batches);
  o->set("queued_rows", k.queued_rows);
  o->set("delivered_rows", k.delivered_rows);
  o->set("delivered_batches", k.delivered_batches);
  o->set("failed_rows", k.failed_rows);
  o->set("failed_batches", k.failed_batches);
  o->set("quarantined_rows", k.quarantined_rows);
  o->set("quarantine_rows", k.quarantine_rows);
  o->set("retries", k.retries);
  o->set("completed_batch", k.completed_seq);
  if (k.has_last_flush) {
    o->set("last_flush", FlushRecordToJson(k.last_flush));
  } else {
    o->set("last_flush", Poco::Dynamic::Var());  // null: nothing written yet
  }
  Array::Ptr recent = new Array();
  for (const FlushRecord& r : k.recent) recent->add(FlushRecordToJson(r));
  o->set("recent", recent);
  o->set("isolation", std::string(IsolationName(k.isolation)));
  if (k.state == SinkState::kStuck) {
    Object::Ptr stuck = NewObject();
    stuck->set("call", k.stuck_call);
    stuck->set("batch_id", k.stuck_batch_id);
    stuck->set("for_ms", k.stuck_for_ms);
    o->set("stuck", stuck);
  } else {
    o->set("stuck", Poco::Dynamic::Var());
  }
  if (k.isolation == Isolation::kProcess) {
    const WorkerStats& w = k.worker;
    Object::Ptr worker = NewObject();
    worker->set("pid", w.pid);
    worker->set("restarts", w.restarts);
    Object::Ptr reasons = NewObject();
    for (const auto& [reason, n] : w.restarts_by_reason) reasons->set(reason, n);
    worker->set("restarts_by_reason", reasons);
    worker->set("last_crash", w.last_crash);
    if (w.last_crash_at_us != 0) {
      char at[kTimestampBufferSize];
      worker->set("last_crash_at", std::string(at, FormatTimestampMicros(w.last_crash_at_us, at)));
    } else {
      worker->set("last_crash_at", Poco::Dynamic::Var());
    }
    Array::Ptr recoveries = new Array();
    for (double ms : w.recoveries_ms) recoveries->add(ms);
    worker->set("recoveries_ms", recoveries);
    o->set("worker", worker);
  } else {
    o->set("worker", Poco::Dynamic::Var());
  }
  return o;
}

// The stream's write-ahead log: {"enabled": false} without one.
Object::Ptr WalToJson(const StreamWalStats& w) {
  Object::Ptr o = NewObject();
  o->set("enabled", w.enabled);
  if (!w.enabled) return o;
  const WalStats& l = w.log;
  o->set("dir", l.dir);
  o->set("fsync", std::string(FsyncPolicyName(l.fsync)));
  o->set("segments", l.segments);
  o->set("bytes", l.total_bytes);
  o->set("max_bytes", l.max_total_bytes);
  o->set("first_seq", l.first_seq);
  o->set("last_seq", l.last_seq);
  o->set("durable_seq", l.durable_seq);
  o->set("appends", l.appends);
  o->set("appended_bytes", l.appended_bytes);
  o->set("fsyncs", l.fsyncs);
  o->set("rejected_full", l.rejected_full);
  o->set("rejected_no_space", l.rejected_no_space);
  o->set("segments_deleted", l.segments_deleted);
  Object::Ptr consumers = NewObject();
  for (const WalConsumerPosition& c : l.consumers) {
    Object::Ptr k = NewObject();
    k->set("confirmed_seq", c.confirmed_seq);
    k->set("pending_records", l.last_seq > c.confirmed_seq ? l.last_seq - c.confirmed_seq : 0);
    consumers->set(c.name, k);
  }
  o->set("consumers", consumers);
  uint64_t lost_records = 0, damaged_bytes = 0;
  Array::Ptr damage = new Array();
  for (const WalDamage& d : l.damage) {
    lost_records += d.lost_records();
    damaged_bytes += d.bytes;
    Object::Ptr k = NewObject();
    k->set("kind", std::string(WalDamageKindName(d.kind)));
    k->set("file", d.file);
    k->set("offset", d.offset);
    k->set("bytes", d.bytes);
    k->set("first_lost_seq", d.first_lost_seq);
    k->set("last_lost_seq", d.last_lost_seq);
    k->set("lost_records", d.lost_records());
    k->set("repaired", d.repaired);
    k->set("description", d.ToString());
    damage->add(k);
  }
  o->set("damage", damage);
  o->set("damage_lost_records", lost_records);
  o->set("damage_bytes", damaged_bytes);
  o->set("read_only", !l.error.empty());
  o->set("error", l.error);
  o->set("replaying", w.replaying);
  o->set("replay_from_seq", w.replay_from_seq);
  o->set("replay_to_seq", w.replay_to_seq);
  o->set("replayed_records", w.replayed_records);
  o->set("replayed_rows", w.replayed_rows);
  o->set("unreadable_records", w.unreadable_records);
  o->set("confirm_errors", w.confirm_errors);
  o->set("spilling", w.spilling);
  o->set("spills", w.spills);
  o->set("spilled_records", w.spilled_records);
  return o;
}

// What the enrichment stage dropped and the sessions it holds.
Object::Ptr EnrichmentToJson(const enrich::EnrichStats& e) {
  Object::Ptr o = NewObject();
  Object::Ptr dropped = NewObject();
  for (int r = 0; r < static_cast<int>(enrich::DropReason::kCount); ++r)
    dropped->set(std::string(enrich::DropReasonName(static_cast<enrich::DropReason>(r))),
                 e.dropped[r]);
  o->set("dropped", dropped);
  Object::Ptr sessions = NewObject();
  sessions->set("live", e.sessions_live);
  sessions->set("started", e.sessions_started);
  sessions->set("expired", e.sessions_expired);
  sessions->set("evicted", e.sessions_evicted);
  o->set("sessions", sessions);
  Object::Ptr ua = NewObject();
  ua->set("rules", static_cast<uint64_t>(e.user_agent_rules));
  ua->set("cache_hits", e.user_agent_cache_hits);
  ua->set("cache_misses", e.user_agent_cache_misses);
  o->set("user_agents", ua);
  o->set("referrer_sources", static_cast<uint64_t>(e.referrer_sources));
  o->set("geo_database", e.geo_database_type);
  return o;
}

Object::Ptr StreamToJson(const StreamStats& st, bool plausible) {
  Object::Ptr o = NewObject();
  o->set("schema", st.schema_kind);
  o->set("plausible_endpoint", plausible);
  Object::Ptr b = NewObject();
  b->set("events", st.buffer.buffered_events);
  b->set("bytes", st.buffer.buffered_bytes);
  b->set("max_events", st.buffer_options.max_events);
  b->set("max_bytes", st.buffer_options.max_bytes);
  b->set("flush_interval_ms", st.buffer_options.flush_interval_ms);
  b->set("when_full", std::string(WhenFullName(st.buffer_options.when_full)));
  b->set("block_timeout_ms", st.buffer_options.block_timeout_ms);
  b->set("pending_batches", st.buffer.pending_batches);
  b->set("max_pending_batches", st.buffer_options.max_pending_batches);
  o->set("buffer", b);
  o->set("accepted", st.buffer.accepted_events);
  o->set("dropped", st.buffer.dropped_events);
  o->set("rejected_busy", st.buffer.rejected_busy);
  o->set("sealed_batches", st.buffer.sealed_batches);
  o->set("last_sealed_batch", st.buffer.last_sealed_seq);
  Object::Ptr sinks = NewObject();
  for (const SinkStats& k : st.sinks) sinks->set(k.name, SinkToJson(k));
  o->set("sinks", sinks);
  o->set("wal", WalToJson(st.wal));
  return o;
}

}  // namespace

void KeepRecentAfter(int64_t since_us, HostSnapshot* snapshot) {
  // In microseconds, as clients read `at`: the clock's nanoseconds would
  // make a flush look newer than its own `at`.
  auto micros = [](WallClock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  };
  for (StreamStats& st : snapshot->streams) {
    for (SinkStats& k : st.sinks) {
      std::erase_if(k.recent,
                    [&](const FlushRecord& r) { return micros(r.finished_at) <= since_us; });
    }
  }
}

std::string IsoTimestamp(WallClock::time_point t) {
  const int64_t us =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  char buf[kTimestampBufferSize];
  const size_t n = FormatTimestampMicros(us, buf);
  return std::string(buf, n);
}

Object::Ptr StatsToJson(const HostSnapshot& s) {
  Object::Ptr o = NewObject();
  o->set("version", s.version);
  char started[kTimestampBufferSize];
  o->set("started_at", std::string(started, FormatTimestampMicros(s.started_at_us, started)));
  o->set("uptime_seconds", s.uptime_seconds);
  Object::Ptr streams = NewObject();
  for (const StreamStats& st : s.streams) {
    Object::Ptr so = StreamToJson(st, st.name == s.plausible_stream);
    for (const auto& [name, e] : s.enrichment)
      if (name == st.name) so->set("enrichment", EnrichmentToJson(e));
    streams->set(st.name, so);
  }
  o->set("streams", streams);
  Object::Ptr http = NewObject();
  for (const ListenerSnapshot& l : s.listeners) {
    Object::Ptr codes = NewObject();
    for (const auto& [code, count] : l.requests_by_code) codes->set(std::to_string(code), count);
    http->set(l.name, codes);
  }
  o->set("http_requests", http);
  return o;
}

Object::Ptr FlushToJson(const std::vector<FlushOutcome>& outcomes, int64_t timeout_ms,
                        double elapsed_ms) {
  bool completed = true;
  for (const FlushOutcome& f : outcomes) completed = completed && f.completed;
  Object::Ptr o = NewObject();
  o->set("completed", completed);
  o->set("timeout_ms", timeout_ms);
  o->set("elapsed_ms", elapsed_ms);
  Object::Ptr streams = NewObject();
  for (const FlushOutcome& f : outcomes) {
    Object::Ptr so = NewObject();
    so->set("completed", f.completed);
    so->set("rows_sealed", f.rows_sealed);
    so->set("batch", f.batch_seq);
    Object::Ptr sinks = NewObject();
    for (const FlushOutcome::PerSink& ps : f.sinks) {
      Object::Ptr k = NewObject();
      k->set("done", ps.done);
      k->set("state", std::string(SinkStateName(ps.state)));
      k->set("error", ps.last_error);
      sinks->set(ps.name, k);
    }
    so->set("sinks", sinks);
    streams->set(f.stream, so);
  }
  o->set("streams", streams);
  return o;
}

std::string JsonText(const Object::Ptr& object, unsigned indent) {
  std::ostringstream out;
  object->stringify(out, indent);
  return out.str();
}

}  // namespace sinkhost
