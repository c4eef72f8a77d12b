// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// ParseStats against documents shaped like the host's GET /api/stats, and
// the key-order scan it relies on to keep the host's config order.
#include "gui/model/stats_snapshot.h"

#include "gui/model/json_key_order.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;

namespace {

// Two streams, the second's sinks not in alphabetical order, one sink
// retrying before its first flush (last_flush null, recent empty).
const char* kStats =
    "{\n"
    "  \"version\": \"0.1.0\",\n"
    "  \"started_at\": \"2026-11-24T20:09:30.074161Z\",\n"
    "  \"uptime_seconds\": 4.5,\n"
    "  \"streams\": {\n"
    "    \"zeta\": {\n"
    "      \"schema\": \"plausible\", \"plausible_endpoint\": true,\n"
    "      \"buffer\": {\"events\": 4, \"bytes\": 1234, \"max_events\": 10000,\n"
    "                 \"max_bytes\": 16777216, \"flush_interval_ms\": 5000,\n"
    "                 \"when_full\": \"block\", \"block_timeout_ms\": 5000,\n"
    "                 \"pending_batches\": 1, \"max_pending_batches\": 4},\n"
    "      \"accepted\": 104, \"dropped\": 2, \"rejected_busy\": 3,\n"
    "      \"sealed_batches\": 10, \"last_sealed_batch\": 10,\n"
    "      \"sinks\": {\n"
    "        \"sqlite\": {\"plugin\": \"sqlite\", \"state\": \"ok\", \"last_error\": \"\",\n"
    "          \"attempt\": 0, \"queued_batches\": 0, \"queued_rows\": 0,\n"
    "          \"delivered_rows\": 100, \"delivered_batches\": 10, \"failed_rows\": 0,\n"
    "          \"failed_batches\": 0, \"retries\": 0, \"completed_batch\": 10,\n"
    "          \"last_flush\": {\"at\": \"2026-11-24T20:09:32.074708Z\", \"duration_ms\": 1.5,\n"
    "            \"rows\": 6, \"batch\": 10, \"attempts\": 1, \"ok\": true, \"error\": \"\"},\n"
    "          \"recent\": [\n"
    "            {\"at\": \"2026-11-24T20:09:31.000001Z\", \"duration_ms\": 0.5, \"rows\": 94,\n"
    "             \"batch\": 9, \"attempts\": 1, \"ok\": true, \"error\": \"\"},\n"
    "            {\"at\": \"2026-11-24T20:09:32.074708Z\", \"duration_ms\": 1.5, \"rows\": 6,\n"
    "             \"batch\": 10, \"attempts\": 1, \"ok\": true, \"error\": \"\"}]}\n"
    "      }\n"
    "    },\n"
    "    \"alpha\": {\n"
    "      \"schema\": \"custom\", \"plausible_endpoint\": false,\n"
    "      \"buffer\": {\"events\": 0, \"bytes\": 0, \"max_events\": 500, \"max_bytes\": 1024},\n"
    "      \"accepted\": 0, \"dropped\": 0, \"rejected_busy\": 0,\n"
    "      \"sinks\": {\n"
    "        \"warehouse\": {\"plugin\": \"postgres\", \"state\": \"retrying\",\n"
    "          \"last_error\": \"open: postgres: cannot connect \\\"x\\\"\", \"attempt\": 6,\n"
    "          \"queued_batches\": 1, \"queued_rows\": 6, \"retries\": 6,\n"
    "          \"last_flush\": null, \"recent\": [ ]},\n"
    "        \"archive\": {\"plugin\": \"file\", \"state\": \"failing\", \"last_error\": \"disk "
    "full\",\n"
    "          \"quarantined_rows\": 7, \"last_flush\": null, \"recent\": []}\n"
    "      }\n"
    "    }\n"
    "  },\n"
    "  \"http_requests\": {\"ingest\": {\"202\": 3}, \"admin\": {}}\n"
    "}\n";

StatsSnapshot MustParse(const QByteArray& json) {
  StatsSnapshot s;
  QString error;
  if (!ParseStats(json, &s, &error)) qFatal("ParseStats: %s", qPrintable(error));
  return s;
}

QString ParseError(const QByteArray& json) {
  StatsSnapshot s;
  QString error;
  if (ParseStats(json, &s, &error)) return "(parsed)";
  return error;
}

}  // namespace

class StatsSnapshotTest : public QObject {
  Q_OBJECT

 private slots:
  void readsEveryFigureTheDashboardShows() {
    const StatsSnapshot s = MustParse(kStats);
    QCOMPARE(s.version, "0.1.0");
    QCOMPARE(s.uptime_seconds, 4.5);
    QCOMPARE(s.streams.size(), size_t{2});
    const StreamSnapshot& z = s.streams[0];
    QCOMPARE(z.name, "zeta");
    QVERIFY(z.plausible_endpoint);
    QCOMPARE(z.events, 4);
    QCOMPARE(z.bytes, 1234);
    QCOMPARE(z.max_events, 10000);
    QCOMPARE(z.max_bytes, 16777216);
    QCOMPARE(z.flush_interval_ms, 5000);
    QCOMPARE(z.when_full, "block");
    QCOMPARE(z.pending_batches, 1);
    QCOMPARE(z.max_pending_batches, 4);
    QCOMPARE(z.accepted, 104u);
    QCOMPARE(z.dropped, 2u);
    QCOMPARE(z.rejected_busy, 3u);
    QCOMPARE(z.sinks.size(), size_t{1});
    const SinkSnapshot& k = z.sinks[0];
    QCOMPARE(k.state, "ok");
    QCOMPARE(k.delivered_rows, 100u);
    QCOMPARE(k.delivered_batches, 10u);
    QVERIFY(!k.quarantined_rows.has_value());
    QVERIFY(k.last_flush.has_value());
    QCOMPARE(k.last_flush->rows, 6);
    QCOMPARE(k.last_flush->batch, 10u);
    QCOMPARE(k.last_flush->duration_ms, 1.5);
    QCOMPARE(k.recent.size(), size_t{2});
    QCOMPARE(k.recent[0].batch, 9u);
    QCOMPARE(k.recent[0].at_us, *ParseIsoMicros("2026-11-24T20:09:31.000001Z"));
  }

  void sinkWithoutFlushesAndWithAnError() {
    const StatsSnapshot s = MustParse(kStats);
    const SinkSnapshot& w = s.streams[1].sinks[0];
    QCOMPARE(w.name, "warehouse");
    QCOMPARE(w.state, "retrying");
    QCOMPARE(w.last_error, "open: postgres: cannot connect \"x\"");
    QCOMPARE(w.attempt, 6);
    QCOMPARE(w.queued_rows, 6);
    QVERIFY(!w.last_flush.has_value());
    QVERIFY(w.recent.empty());
    // Counters a host does not send read as 0; the optional one stays unset
    // unless sent.
    QCOMPARE(w.delivered_rows, 0u);
    QCOMPARE(s.streams[1].sinks[1].quarantined_rows, std::optional<quint64>(7));
  }

  // A host with process isolation: where each sink runs, its worker, and a
  // call stuck past its timeout.
  void readsIsolationWorkerAndStuckCall() {
    QByteArray json(kStats);
    json.replace("\"last_flush\": null, \"recent\": [ ]},",
                 "\"last_flush\": null, \"recent\": [ ], \"isolation\": \"process\",\n"
                 "  \"worker\": {\"pid\": 4242, \"restarts\": 3, \"restarts_by_reason\": "
                 "{\"SIGSEGV\": 3},\n"
                 "    \"last_crash\": \"died of SIGSEGV during write of batch b:1-7\", "
                 "\"last_crash_at\": null, \"recoveries_ms\": [20.5]},\n"
                 "  \"stuck\": {\"call\": \"write\", \"batch_id\": \"b:1-7\", "
                 "\"for_ms\": 61000.5}},");
    const StatsSnapshot s = MustParse(json);
    const SinkSnapshot& w = s.streams[1].sinks[0];
    QCOMPARE(w.isolation, "process");
    QVERIFY(w.worker.has_value());
    QCOMPARE(w.worker->pid, qint64(4242));
    QCOMPARE(w.worker->restarts, quint64(3));
    QCOMPARE(w.worker->last_crash, "died of SIGSEGV during write of batch b:1-7");
    QVERIFY(w.stuck.has_value());
    QCOMPARE(w.stuck->call, "write");
    QCOMPARE(w.stuck->batch_id, "b:1-7");
    QCOMPARE(w.stuck->for_ms, 61000.5);
    // A host without isolation sends none of it.
    const SinkSnapshot& archive = s.streams[1].sinks[1];
    QVERIFY(archive.isolation.isEmpty());
    QVERIFY(!archive.worker.has_value());
    QVERIFY(!archive.stuck.has_value());
  }

  void keepsTheHostsOrderNotAlphabetical() {
    const StatsSnapshot s = MustParse(kStats);
    QCOMPARE(s.streams[0].name, "zeta");
    QCOMPARE(s.streams[1].name, "alpha");
    QCOMPARE(s.streams[1].sinks[0].name, "warehouse");
    QCOMPARE(s.streams[1].sinks[1].name, "archive");
  }

  void keyOrderScanFollowsPathsAndEscapes() {
    const QByteArray json =
        "{\"a\": [1, {\"x\": 2}], \"b\": {\"z\\u0041\": {}, \"y\\\"q\": \"}\", \"a\": null},"
        " \"c\": 1.5e3}";
    QCOMPARE(ObjectKeysInOrder(json, {}), QStringList({"a", "b", "c"}));
    QCOMPARE(ObjectKeysInOrder(json, {"b"}), QStringList({"zA", "y\"q", "a"}));
    QCOMPARE(ObjectKeysInOrder(json, {"a"}), QStringList());  // an array
    QCOMPARE(ObjectKeysInOrder(json, {"nope"}), QStringList());
    QCOMPARE(ObjectKeysInOrder("{\"a\": {\"b\": 1", {"a"}), QStringList());  // cut short
  }

  void hostClockIsStartPlusUptime() {
    StatsSnapshot s = MustParse(kStats);
    QCOMPARE(HostNowMicros(s), *ParseIsoMicros("2026-11-24T20:09:34.574161Z"));
    s.started_at = "garbage";
    QCOMPARE(HostNowMicros(s), 0);
  }

  void malformedDocumentsSayWhatAndWhere() {
    QVERIFY(ParseError("").startsWith("not JSON"));
    QVERIFY(ParseError("<html>502 Bad Gateway</html>").startsWith("not JSON"));
    QCOMPARE(ParseError("[1]"), "expected a JSON object");
    QCOMPARE(ParseError("{\"version\": \"1\"}"), "streams: expected an object");
    QCOMPARE(ParseError("{\"streams\": {\"s\": {\"sinks\": {}}}}"),
             "streams.s.buffer: expected an object");
    QCOMPARE(ParseError("{\"streams\": {\"s\": {\"buffer\": {\"events\": \"4\"}, \"sinks\": {}}}}"),
             "streams.s.buffer.events: expected a number");
    QCOMPARE(ParseError("{\"streams\": {\"s\": {\"buffer\": {}, \"sinks\": {\"k\": {\"recent\": "
                        "[{\"rows\": true}]}}}}}"),
             "streams.s.sinks.k.recent[0].rows: expected a number");
  }

  void isoTimesKeepMicroseconds() {
    QCOMPARE(ParseIsoMicros("1970-01-01T00:00:01.000002Z"), std::optional<qint64>(1000002));
    QCOMPARE(ParseIsoMicros("1970-01-01T00:00:01.5Z"), std::optional<qint64>(1500000));
    QCOMPARE(ParseIsoMicros("1970-01-01T00:00:01Z"), std::optional<qint64>(1000000));
    QCOMPARE(ParseIsoMicros("2026-11-24T20:09:32.074708Z"),
             std::optional<qint64>(1795550972074708));
    QCOMPARE(FormatIsoMicros(1795550972074708), "2026-11-24T20:09:32.074708Z");
    QCOMPARE(FormatIsoMicros(1000002), "1970-01-01T00:00:01.000002Z");
    QVERIFY(!ParseIsoMicros("2026-11-24 20:09:32Z").has_value());
    QVERIFY(!ParseIsoMicros("2026-13-24T20:09:32Z").has_value());
  }
};

QTEST_GUILESS_MAIN(StatsSnapshotTest)
#include "stats_snapshot_test.moc"
