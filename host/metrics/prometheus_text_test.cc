// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/metrics/prometheus_text.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "host/metrics/host_metrics.h"
#include "tests/support/sample_wal_stats.h"

using namespace sinkhost;

namespace {

// Checks the exposition format 0.0.4 rules the host relies on: every sample
// line is `name{labels} value`, its family was announced by # HELP and
// # TYPE just before, and a family's samples are contiguous.
std::string FormatProblems(const std::string& text) {
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? ([-+]?[0-9.eE+-]+|NaN|[+-]Inf)$)");
  static const std::regex kHelp(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$)");
  static const std::regex kType(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|untyped)$)");
  std::istringstream in(text);
  std::string line, current, helped;
  std::set<std::string> finished;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    const std::string where = "line " + std::to_string(n) + ": " + line;
    if (std::regex_match(line, m, kHelp)) {
      if (finished.count(m[1])) return where + " (family announced twice)";
      helped = m[1];
    } else if (std::regex_match(line, m, kType)) {
      if (m[1] != helped) return where + " (TYPE without HELP)";
      if (!current.empty()) finished.insert(current);
      current = m[1];
    } else if (std::regex_match(line, m, kSample)) {
      if (m[1] != current) return where + " (sample outside its family)";
    } else {
      return where + " (not a valid line)";
    }
  }
  if (!text.empty() && text.back() != '\n') return "no final newline";
  return "";
}

HostSnapshot SampleSnapshot() {
  HostSnapshot s;
  s.version = "9.9.9";
  s.started_at_us = 1700000000000000;
  s.uptime_seconds = 12.5;
  StreamStats st;
  st.name = "events";
  st.schema_kind = "plausible";
  st.buffer.buffered_events = 4;
  st.buffer.buffered_bytes = 1234;
  st.buffer.accepted_events = 104;
  st.buffer.dropped_events = 3;
  st.buffer.rejected_busy = 2;
  st.buffer.pending_batches = 1;
  st.buffer_options.max_events = 10000;
  SinkStats k;
  k.name = "main";
  k.plugin = "sqlite";
  k.state = SinkState::kRetrying;
  k.delivered_rows = 100;
  k.delivered_batches = 5;
  k.failed_rows = 7;
  k.retries = 9;
  k.quarantined_rows = 11;
  k.quarantine_rows = 2;
  k.queued_batches = 1;
  k.has_last_flush = true;
  k.last_flush.rows = 20;
  k.last_flush.duration_ms = 12.5;
  k.last_flush.finished_at = WallClock::time_point(std::chrono::seconds(1700000100));
  st.sinks.push_back(k);
  SinkStats idle;
  idle.name = "we\"ird\\na\nme";  // escaping is the writer's job, whatever the name
  idle.plugin = "file";
  st.sinks.push_back(idle);
  s.streams.push_back(st);
  s.listeners.push_back({"ingest", {{202, 104}, {400, 2}, {503, 5}}});
  s.listeners.push_back({"admin", {}});
  return s;
}

// SampleSnapshot with a write-ahead log on `events`.
HostSnapshot WalSnapshot() {
  HostSnapshot s = SampleSnapshot();
  StreamStats& st = s.streams[0];
  st.wal = testing::SampleWalStats();
  return s;
}

double Value(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

class PrometheusTextTest : public QObject {
  Q_OBJECT
 private slots:
  void writesHelpTypeAndSamples() {
    PrometheusText t;
    t.Family("x_total", "counter", "Things.");
    t.Sample({{"a", "1"}, {"b", "2"}}, uint64_t(18446744073709551615u));
    t.Sample({}, int64_t(-5));
    t.Family("y", "gauge", "Why.");
    t.Sample({{"s", "e"}}, 0.25);
    QCOMPARE(t.text(), std::string("# HELP x_total Things.\n"
                                   "# TYPE x_total counter\n"
                                   "x_total{a=\"1\",b=\"2\"} 18446744073709551615\n"
                                   "x_total -5\n"
                                   "# HELP y Why.\n"
                                   "# TYPE y gauge\n"
                                   "y{s=\"e\"} 0.25\n"));
  }

  void escapesLabelValuesAndHelp() {
    PrometheusText t;
    t.Family("m", "gauge", "back\\slash and\nnewline \"quotes stay\"");
    t.Sample({{"l", "a\\b\"c\nd"}}, 1.0);
    QCOMPARE(t.text(), std::string("# HELP m back\\\\slash and\\nnewline \"quotes stay\"\n"
                                   "# TYPE m gauge\n"
                                   "m{l=\"a\\\\b\\\"c\\nd\"} 1\n"));
  }

  void formatsSpecialValues() {
    std::string s;
    PrometheusText::AppendValue(&s, std::numeric_limits<double>::quiet_NaN());
    s += ' ';
    PrometheusText::AppendValue(&s, std::numeric_limits<double>::infinity());
    s += ' ';
    PrometheusText::AppendValue(&s, -std::numeric_limits<double>::infinity());
    s += ' ';
    PrometheusText::AppendValue(&s, 1e21);
    s += ' ';
    PrometheusText::AppendValue(&s, 3.0);
    QCOMPARE(s, std::string("NaN +Inf -Inf 1e+21 3"));
  }

  void hostMetricsAreWellFormed() {
    const std::string text = RenderPrometheusMetrics(SampleSnapshot());
    const std::string problem = FormatProblems(text);
    QVERIFY2(problem.empty(), (problem + "\n" + text).c_str());
  }

  void hostMetricsCarryTheSnapshot() {
    const std::string m = RenderPrometheusMetrics(SampleSnapshot());
    QCOMPARE(Value(m, "sinkhost_buffer_events{stream=\"events\"}"), 4.0);
    QCOMPARE(Value(m, "sinkhost_buffer_bytes{stream=\"events\"}"), 1234.0);
    QCOMPARE(Value(m, "sinkhost_buffer_max_events{stream=\"events\"}"), 10000.0);
    QCOMPARE(Value(m, "sinkhost_buffer_pending_batches{stream=\"events\"}"), 1.0);
    QCOMPARE(Value(m, "sinkhost_events_accepted_total{stream=\"events\"}"), 104.0);
    QCOMPARE(Value(m, "sinkhost_events_dropped_total{stream=\"events\"}"), 3.0);
    QCOMPARE(Value(m, "sinkhost_requests_rejected_busy_total{stream=\"events\"}"), 2.0);
    QCOMPARE(Value(m, "sinkhost_sink_rows_delivered_total{stream=\"events\",sink=\"main\"}"), 100.0);
    QCOMPARE(Value(m, "sinkhost_sink_batches_delivered_total{stream=\"events\",sink=\"main\"}"), 5.0);
    QCOMPARE(Value(m, "sinkhost_sink_rows_failed_total{stream=\"events\",sink=\"main\"}"), 7.0);
    QCOMPARE(Value(m, "sinkhost_sink_retries_total{stream=\"events\",sink=\"main\"}"), 9.0);
    QCOMPARE(Value(m, "sinkhost_sink_rows_quarantined_total{stream=\"events\",sink=\"main\"}"), 11.0);
    QCOMPARE(Value(m, "sinkhost_sink_quarantine_rows{stream=\"events\",sink=\"main\"}"), 2.0);
    QCOMPARE(Value(m, "sinkhost_sink_queued_batches{stream=\"events\",sink=\"main\"}"), 1.0);
    QCOMPARE(Value(m, "sinkhost_sink_state{stream=\"events\",sink=\"main\",state=\"ok\"}"), 0.0);
    QCOMPARE(Value(m, "sinkhost_sink_state{stream=\"events\",sink=\"main\",state=\"retrying\"}"), 1.0);
    QCOMPARE(Value(m, "sinkhost_sink_state{stream=\"events\",sink=\"main\",state=\"failing\"}"), 0.0);
    QCOMPARE(Value(m, "sinkhost_sink_last_flush_duration_seconds{stream=\"events\",sink=\"main\"}"),
             0.0125);
    QCOMPARE(Value(m, "sinkhost_sink_last_flush_rows{stream=\"events\",sink=\"main\"}"), 20.0);
    QCOMPARE(Value(m, "sinkhost_sink_last_flush_timestamp_seconds{stream=\"events\",sink=\"main\"}"),
             1700000100.0);
    QCOMPARE(Value(m, "sinkhost_http_requests_total{listener=\"ingest\",code=\"503\"}"), 5.0);
    QCOMPARE(Value(m, "sinkhost_build_info{version=\"9.9.9\"}"), 1.0);
    QCOMPARE(Value(m, "sinkhost_uptime_seconds"), 12.5);
    // A sink that never flushed has no last-flush samples, and its odd name
    // is escaped.
    QVERIFY(m.find("sink=\"we\\\"ird\\\\na\\nme\"") != std::string::npos);
    QVERIFY(m.find("sinkhost_sink_last_flush_rows{stream=\"events\",sink=\"we") ==
            std::string::npos);
  }

  void walMetricsCarryTheLog() {
    QVERIFY(RenderPrometheusMetrics(SampleSnapshot()).find("\nsinkhost_wal_") == std::string::npos);
    const std::string m = RenderPrometheusMetrics(WalSnapshot());
    const std::string problem = FormatProblems(m);
    QVERIFY2(problem.empty(), (problem + "\n" + m).c_str());
    const std::map<std::string, double> want = {
        {"sinkhost_wal_info{stream=\"events\",fsync=\"always\"}", 1},
        {"sinkhost_wal_segments{stream=\"events\"}", 3},
        {"sinkhost_wal_bytes{stream=\"events\"}", 5000},
        {"sinkhost_wal_max_bytes{stream=\"events\"}", 8192},
        {"sinkhost_wal_first_seq{stream=\"events\"}", 4},
        {"sinkhost_wal_last_seq{stream=\"events\"}", 20},
        {"sinkhost_wal_durable_seq{stream=\"events\"}", 19},
        {"sinkhost_wal_appends_total{stream=\"events\"}", 17},
        {"sinkhost_wal_appended_bytes_total{stream=\"events\"}", 4000},
        {"sinkhost_wal_fsyncs_total{stream=\"events\"}", 6},
        {"sinkhost_wal_appends_rejected_total{stream=\"events\",reason=\"full\"}", 2},
        {"sinkhost_wal_appends_rejected_total{stream=\"events\",reason=\"no_space\"}", 1},
        {"sinkhost_wal_segments_deleted_total{stream=\"events\"}", 5},
        {"sinkhost_wal_sink_confirmed_seq{stream=\"events\",sink=\"main\"}", 12},
        {"sinkhost_wal_sink_pending_records{stream=\"events\",sink=\"main\"}", 8},
        {"sinkhost_wal_sink_pending_records{stream=\"events\",sink=\"archive\"}", 0},
        {"sinkhost_wal_damaged_regions{stream=\"events\"}", 1},
        {"sinkhost_wal_damage_lost_records{stream=\"events\"}", 2},
        {"sinkhost_wal_damage_bytes{stream=\"events\"}", 120},
        {"sinkhost_wal_read_only{stream=\"events\"}", 1},
        {"sinkhost_wal_replaying{stream=\"events\"}", 1},
        {"sinkhost_wal_replay_from_seq{stream=\"events\"}", 5},
        {"sinkhost_wal_replay_to_seq{stream=\"events\"}", 18},
        {"sinkhost_wal_replayed_records_total{stream=\"events\"}", 7},
        {"sinkhost_wal_replayed_rows_total{stream=\"events\"}", 70},
        {"sinkhost_wal_unreadable_records_total{stream=\"events\"}", 1},
        {"sinkhost_wal_confirm_errors_total{stream=\"events\"}", 3},
        {"sinkhost_wal_spilling{stream=\"events\"}", 1},
        {"sinkhost_wal_spills_total{stream=\"events\"}", 4},
        {"sinkhost_wal_spilled_records_total{stream=\"events\"}", 40}};
    for (const auto& [series, value] : want)
      QVERIFY2(Value(m, series) == value, (series + " in\n" + m).c_str());
  }
};

QTEST_GUILESS_MAIN(PrometheusTextTest)
#include "prometheus_text_test.moc"
