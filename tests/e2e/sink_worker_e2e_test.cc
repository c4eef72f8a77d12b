// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// End to end: sinks whose plugin crashes or hangs, against the real host.
//
// One stream, four sinks: the real SQLite sink in process (the healthy
// one), and broken_sink (tests/plugins) three times in worker processes,
// the default for a plugin found outside the host's own plugin directory:
// one segfaults in every 3rd write of each worker, one hangs in its first
// write until the worker is killed at its write deadline, and one
// segfaults on every batch holding a poison row. Under continuous ingest,
// every request is answered 202, the healthy sink flushes as fast as it does
// alone, every acknowledged event reaches every sink (exactly once in
// SQLite), the poison row lands in quarantine with the crash as its reason,
// and the stats and /metrics count the restarts.
//
// In process, a hung call cannot be taken back: the sink shows as stuck,
// and shutdown still ends in time, exit 3 naming the sink, with the rows
// kept in the write-ahead log for the next start.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/host_process.h"
#include "tests/support/test_env.h"

using namespace sinkhost::testing;

namespace {

constexpr int64_t kPoisonId = 421;
constexpr int kRequests = 120;  // of kPerRequest events, one every 25 ms: 3 s of ingest
constexpr int kPerRequest = 10;

std::string Head(const std::string& flush_interval) {
  return "ingest: {listen: \"{ingest}\"}\n"
         "admin: {listen: \"{admin}\"}\n"
         "data_dir: \"{dir}/data\"\n"
         "plugin_dirs: [\"{plugins}\", \"" + EnvOrDie("SINKHOST_TEST_PLUGIN_DIR") + "\"]\n"
         "log: {level: information}\n"
         "shutdown_timeout: 3s\n"
         "streams:\n"
         "  items:\n"
         "    columns:\n"
         "      - {name: id, type: int64}\n"
         "      - {name: label, type: string, nullable: true}\n"
         "    buffer: {max_events: 10000, flush_interval: " + flush_interval + "}\n"
         "    retry: {initial_delay: 20ms, max_delay: 200ms}\n"
         "    sinks:\n"
         "      - {plugin: sqlite, name: db, options: {path: \"{dir}/items.db\", table: items}}\n";
}

std::string FaultyConfig() {
  return Head("200ms") +
         "      - {plugin: broken_sink, name: crashy, options: {path: \"{dir}/crashy.ndjson\", "
         "flaw: crash_in_write, every: 3}}\n"
         "      - {plugin: broken_sink, name: hangy, timeouts: {write: 1s}, options: "
         "{path: \"{dir}/hangy.ndjson\", flaw: hang_in_write, marker: \"{dir}/hung\"}}\n"
         "      - {plugin: broken_sink, name: poison, worker: {crash_limit: 2}, options: "
         "{path: \"{dir}/poison.ndjson\", flaw: crash_on_id, id: " + std::to_string(kPoisonId) +
         "}}\n";
}

// The ids in a broken_sink's NDJSON file, repeats kept.
std::multiset<int64_t> FileIds(const std::string& path) {
  std::multiset<int64_t> out;
  static const std::regex id(R"re("id":(-?\d+))re");
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, id)) out.insert(std::stoll(m[1]));
  }
  return out;
}

// Posts kRequests requests of kPerRequest events (ids from 1), paced, and
// returns every status that was not 202 (empty: all accepted).
std::vector<int> IngestSteadily(HostProcess& host) {
  std::vector<int> unexpected;
  int64_t id = 1;
  for (int r = 0; r < kRequests; ++r) {
    std::string body;
    for (int k = 0; k < kPerRequest; ++k, ++id)
      body += "{\"id\":" + std::to_string(id) + ",\"label\":\"event " + std::to_string(id) +
              "\"}\n";
    const HttpResult res = host.Ingest("POST", "/v1/streams/items/events", body);
    if (res.status != 202) unexpected.push_back(res.status);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return unexpected;
}

std::multiset<int64_t> AllIds() {
  std::multiset<int64_t> all;
  for (int64_t id = 1; id <= int64_t{kRequests} * kPerRequest; ++id) all.insert(id);
  return all;
}

// The median of the healthy sink's recent flush durations, milliseconds.
double MedianFlushMs(HostProcess& host) {
  std::vector<double> ms;
  for (const QJsonValue& r : host.SinkStats("items", "db")["recent"].toArray())
    if (r.toObject()["ok"].toBool()) ms.push_back(r.toObject()["duration_ms"].toDouble());
  if (ms.empty()) return -1;
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// /metrics' sample for `series` (the whole name with labels), or -1.
double Metric(HostProcess& host, const std::string& series) {
  const std::string body = host.Admin("GET", "/metrics").body;
  const size_t at = body.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + series.size() + 2));
}

}  // namespace

class SinkWorkerE2ETest : public QObject {
  Q_OBJECT
 private slots:
  void crashingAndHangingSinksCostNoEvent() {
    const std::multiset<int64_t> all = AllIds();

    // The healthy sink alone, for its flush times without faults beside it.
    double alone_ms = 0;
    {
      HostProcess host;
      QVERIFY2(host.Start(Head("200ms")), host.output().c_str());
      QVERIFY(IngestSteadily(host).empty());
      QVERIFY(host.Admin("POST", "/api/flush").status == 200);
      QCOMPARE(SqliteIds(host.dir() + "/items.db", "SELECT id FROM items"), all);
      alone_ms = MedianFlushMs(host);
      QCOMPARE(host.Terminate(), 0);
    }

    HostProcess host;
    const std::string dir = host.dir();
    QVERIFY2(host.Start(FaultyConfig()), host.output().c_str());
    const std::vector<int> unexpected = IngestSteadily(host);
    QVERIFY2(unexpected.empty(),
             qPrintable(QString("not 202: %1 answers, first %2")
                            .arg(unexpected.size())
                            .arg(unexpected.empty() ? 0 : unexpected.front())));

    // The healthy sink has everything at once, exactly once.
    QTRY_COMPARE_WITH_TIMEOUT(SqliteIds(dir + "/items.db", "SELECT id FROM items"), all, 5000);
    // The others catch up through their crashes and restarts.
    std::multiset<int64_t> but_poison = all;
    but_poison.erase(kPoisonId);
    auto distinct = [](const std::multiset<int64_t>& ids) {
      return std::set<int64_t>(ids.begin(), ids.end());
    };
    QTRY_COMPARE_WITH_TIMEOUT(distinct(FileIds(dir + "/crashy.ndjson")), distinct(all), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(distinct(FileIds(dir + "/hangy.ndjson")), distinct(all), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(distinct(FileIds(dir + "/poison.ndjson")), distinct(but_poison),
                              60000);

    // The poison row, and only it, is in quarantine with the crash as reason.
    const std::string quarantine = dir + "/data/quarantine/items/poison.ndjson";
    QTRY_VERIFY_WITH_TIMEOUT(!ReadFile(quarantine).empty(), 10000);
    std::istringstream lines(ReadFile(quarantine));
    int quarantined = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      ++quarantined;
      const QJsonObject o = JsonObject(line);
      QCOMPARE(o["row"].toObject()["id"].toInteger(), qint64(kPoisonId));
      const std::string reason = o["error"].toString().toStdString();
      QVERIFY2(reason.find("worker crashed (SIGSEGV)") != std::string::npos, reason.c_str());
    }
    QCOMPARE(quarantined, 1);

    // The healthy sink's flushes took what they take alone (noise aside:
    // a few milliseconds for a local SQLite file).
    const double faulty_ms = MedianFlushMs(host);
    qInfo("healthy sink's median flush: %.2f ms alone, %.2f ms beside the faulty sinks",
          alone_ms, faulty_ms);
    QVERIFY2(faulty_ms >= 0 && faulty_ms <= 2 * alone_ms + 10,
             qPrintable(QString("median flush: %1 ms alone, %2 ms beside the faulty sinks")
                            .arg(alone_ms)
                            .arg(faulty_ms)));

    // Stats: each sink's isolation, its worker and what ended the lost ones.
    QCOMPARE(host.SinkStats("items", "db")["isolation"].toString(), QString("in_process"));
    QVERIFY(host.SinkStats("items", "db")["worker"].isNull());
    const QJsonObject crashy = host.SinkStats("items", "crashy");
    QCOMPARE(crashy["isolation"].toString(), QString("process"));
    const QJsonObject worker = crashy["worker"].toObject();
    QVERIFY2(worker["restarts"].toInteger() >= 1, qPrintable(QJsonDocument(crashy).toJson()));
    QVERIFY2(worker["restarts_by_reason"].toObject()["SIGSEGV"].toInteger() >= 1,
             qPrintable(QJsonDocument(crashy).toJson()));
    QVERIFY2(worker["last_crash"].toString().contains("died of SIGSEGV during write of batch"),
             qPrintable(QJsonDocument(crashy).toJson()));
    QVERIFY(!worker["recoveries_ms"].toArray().isEmpty());
    qInfo("crashy: %lld workers lost; poison: %lld; recoveries (ms): %s",
          static_cast<long long>(worker["restarts"].toInteger()),
          static_cast<long long>(
              host.SinkStats("items", "poison")["worker"].toObject()["restarts"].toInteger()),
          QJsonDocument(worker["recoveries_ms"].toArray()).toJson(QJsonDocument::Compact)
              .constData());
    const QJsonObject hangy = host.SinkStats("items", "hangy")["worker"].toObject();
    QCOMPARE(hangy["restarts_by_reason"].toObject()["timeout"].toInteger(), qint64(1));

    // /metrics counts the restarts by reason.
    QVERIFY(Metric(host, "sinkhost_sink_worker_restarts_total{stream=\"items\",sink=\"crashy\","
                         "reason=\"SIGSEGV\"}") >= 1);
    QCOMPARE(Metric(host, "sinkhost_sink_worker_restarts_total{stream=\"items\",sink=\"hangy\","
                          "reason=\"timeout\"}"),
             1.0);
    QVERIFY(Metric(host, "sinkhost_sink_worker_restarts_total{stream=\"items\",sink=\"poison\","
                         "reason=\"SIGSEGV\"}") >= 2);
    QCOMPARE(Metric(host, "sinkhost_sink_worker_up{stream=\"items\",sink=\"crashy\"}"), 1.0);

    // The host's log names the sink and the signal. (Polled: the test reads
    // the host's output only as the event loop delivers it, and on a busy
    // machine the line can still be in the pipe.)
    auto logged = [&] {
      const std::string log = host.output();
      return log.find("stream 'items', sink 'crashy'") != std::string::npos &&
             log.find("died of SIGSEGV") != std::string::npos;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(logged(), host.output().c_str(), 10000);
    QCOMPARE(host.Terminate(), 0);
    // Exactly once into SQLite held throughout.
    QCOMPARE(SqliteIds(dir + "/items.db", "SELECT id FROM items"), all);
  }

  void stuckInProcessCallIsShownAndShutdownStillEndsInTime() {
    HostProcess host;
    const std::string dir = host.dir();
    const std::string sinks =
        "      - {plugin: broken_sink, name: stuck, isolation: in_process, timeouts: "
        "{write: 500ms}, options: {path: \"{dir}/stuck.ndjson\", flaw: hang_in_write, "
        "marker: \"{dir}/hung\"}}\n";
    QVERIFY2(host.Start(Head("100ms") + sinks), host.output().c_str());
    HttpResult r = host.Ingest("POST", "/v1/streams/items/events",
                               "{\"id\":1,\"label\":\"a\"}\n{\"id\":2,\"label\":\"b\"}\n");
    QCOMPARE(r.status, 202);

    // Past its deadline the write shows as stuck, with the call, batch and time.
    QTRY_COMPARE_WITH_TIMEOUT(host.SinkStats("items", "stuck")["state"].toString(), QString("stuck"),
                              10000);
    const QJsonObject stuck = host.SinkStats("items", "stuck")["stuck"].toObject();
    QCOMPARE(stuck["call"].toString(), QString("write"));
    QVERIFY(!stuck["batch_id"].toString().isEmpty());
    QVERIFY(stuck["for_ms"].toDouble() >= 500);
    QCOMPARE(host.SinkStats("items", "stuck")["isolation"].toString(), QString("in_process"));
    QVERIFY(Metric(host, "sinkhost_sink_stuck_seconds{stream=\"items\",sink=\"stuck\"}") >= 0.5);
    QCOMPARE(Metric(host, "sinkhost_sink_state{stream=\"items\",sink=\"stuck\",state=\"stuck\"}"),
             1.0);
    // The other sink is not held up.
    QTRY_COMPARE_WITH_TIMEOUT(SqliteIds(dir + "/items.db", "SELECT id FROM items"),
                              (std::multiset<int64_t>{1, 2}), 5000);

    // shutdown_timeout (3 s) holds: exit 3, naming the sink that held it.
    const auto start = std::chrono::steady_clock::now();
    const int code = host.Terminate(20000);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    QCOMPARE(code, 3);
    QVERIFY2(seconds < 8, qPrintable(QString::number(seconds)));
    const std::string log = host.output();
    QVERIFY2(log.find("'stuck'") != std::string::npos, log.c_str());

    // The log kept the rows: the next start (the marker exists now, so the
    // write returns) delivers them.
    QVERIFY2(host.Restart(), host.output().c_str());
    QTRY_COMPARE_WITH_TIMEOUT(FileIds(dir + "/stuck.ndjson"), (std::multiset<int64_t>{1, 2}),
                              10000);
    QCOMPARE(host.Terminate(), 0);
  }
};

QTEST_GUILESS_MAIN(SinkWorkerE2ETest)
#include "sink_worker_e2e_test.moc"
