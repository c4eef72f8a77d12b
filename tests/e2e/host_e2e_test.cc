// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// End to end: the real sinkhost process, real HTTP, the real SQLite sink.
#include <QtTest>
#include <fstream>
#include <regex>
#include <sstream>

#include "sinkhost/sink_abi.h"
#include "tests/support/host_process.h"
#include "tests/support/test_env.h"

using namespace sinkhost::testing;

namespace {

// `interval` is the events stream's flush interval.
std::string Config(const std::string& interval = "1h", const std::string& extra_stream = "") {
  return R"(ingest: {listen: "{ingest}"}
admin: {listen: "{admin}"}
data_dir: "{dir}/data"
plugin_dirs: ["{plugins}"]
log: {level: information}
streams:
  events:
    schema: plausible
    buffer: {max_events: 10000, flush_interval: )" +
         interval + R"(}
    sinks:
      - {plugin: sqlite, options: {path: "{dir}/events.db", table: events}}
  items:
    columns:
      - {name: id, type: int64}
      - {name: label, type: string, nullable: true}
    buffer: {max_events: 10000, flush_interval: 1h}
    sinks:
      - {plugin: sqlite, options: {path: "{dir}/items.db", table: items}}
)" + extra_stream;
}

const char* kTrackerEvent =
    R"({"n":"pageview","u":"https://example.com/a?x=1","d":"example.com","r":null,"w":1280})";

// Reads one sample, e.g. sinkhost_buffer_events{stream="events"} 10
double Metric(const std::string& text, const std::string& name_and_labels) {
  size_t at = text.find("\n" + name_and_labels + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name_and_labels.size() + 2));
}

}  // namespace

class HostE2ETest : public QObject {
  Q_OBJECT
 private slots:
  // The README's quick-start promise, step by step.
  void trackerEventLandsInSqliteAfterAManualFlush() {
    HostProcess host;
    QVERIFY2(host.Start(Config()), host.output().c_str());
    HttpResult r = host.Ingest("POST", "/api/event", kTrackerEvent, "text/plain",
                               {{"User-Agent", "e2e-test/1.0"}});
    QCOMPARE(r.status, 202);
    QCOMPARE(r.body, std::string("ok"));
    QCOMPARE(r.header("access-control-allow-origin"), std::string("*"));
    HttpResult f = host.Admin("POST", "/api/flush");
    QVERIFY2(f.status == 200, f.body.c_str());
    const std::string db = host.dir() + "/events.db";
    QCOMPARE(SqliteScalar(db, "SELECT count(*) FROM events"), std::string("1"));
    QCOMPARE(SqliteScalar(db, "SELECT name FROM events"), std::string("pageview"));
    QCOMPARE(SqliteScalar(db, "SELECT domain FROM events"), std::string("example.com"));
    QCOMPARE(SqliteScalar(db, "SELECT url FROM events"), std::string("https://example.com/a?x=1"));
    QCOMPARE(SqliteScalar(db, "SELECT hostname FROM events"), std::string("example.com"));
    QCOMPARE(SqliteScalar(db, "SELECT pathname FROM events"), std::string("/a"));
    QCOMPARE(SqliteScalar(db, "SELECT screen_width FROM events"), std::string("1280"));
    QCOMPARE(SqliteScalar(db, "SELECT referrer FROM events"), std::string("NULL"));
    QCOMPARE(SqliteScalar(db, "SELECT user_agent FROM events"), std::string("e2e-test/1.0"));
    QCOMPARE(SqliteScalar(db, "SELECT props FROM events"), std::string("{}"));
    { int code = host.Terminate(); QVERIFY2(code == 0, host.output().c_str()); }
  }

  void trackerEventArrivesWithinTheIntervalWithoutAFlush() {
    HostProcess host;
    QVERIFY2(host.Start(Config("1s")), host.output().c_str());
    QCOMPARE(host.Ingest("POST", "/api/event", kTrackerEvent, "text/plain").status, 202);
    const std::string db = host.dir() + "/events.db";
    bool arrived = false;
    for (int i = 0; i < 100 && !arrived; ++i) {  // up to 5 s
      arrived = SqliteScalar(db, "SELECT count(*) FROM events") == "1";
      if (!arrived) QTest::qWait(50);
    }
    QVERIFY2(arrived, host.output().c_str());
    { int code = host.Terminate(); QVERIFY2(code == 0, host.output().c_str()); }
  }

  void corsPreflightIsAnswered() {
    HostProcess host;
    QVERIFY2(host.Start(Config()), host.output().c_str());
    HttpResult r = host.Ingest("OPTIONS", "/api/event", "", "",
                               {{"Origin", "https://site.example"},
                                {"Access-Control-Request-Method", "POST"},
                                {"Access-Control-Request-Headers", "content-type"}});
    QVERIFY(r.status == 200 || r.status == 204);
    QCOMPARE(r.header("access-control-allow-origin"), std::string("*"));
    QVERIFY(r.header("access-control-allow-methods").find("POST") != std::string::npos);
    QVERIFY(r.header("access-control-allow-headers").find("ontent-") != std::string::npos);
    { int code = host.Terminate(); QVERIFY2(code == 0, host.output().c_str()); }
  }

  // 50,000 events in bulk, then SIGTERM: all of them, exactly once.
  void bulkThenSigtermDeliversEveryEventExactlyOnce() {
    HostProcess host;
    QVERIFY2(host.Start(Config()), host.output().c_str());
    int64_t id = 0;
    for (int req = 0; req < 50; ++req) {
      std::string body;
      for (int i = 0; i < 1000; ++i, ++id)
        body += "{\"id\":" + std::to_string(id) + ",\"label\":\"event " + std::to_string(id) + "\"}\n";
      HttpResult r = host.Ingest("POST", "/v1/streams/items/events", body, "application/x-ndjson");
      QVERIFY2(r.status == 202, r.body.c_str());
      QCOMPARE(r.body, std::string("{\"accepted\":1000}"));
    }
    { int code = host.Terminate(); QVERIFY2(code == 0, host.output().c_str()); }
    const std::string db = host.dir() + "/items.db";
    QCOMPARE(SqliteScalar(db, "SELECT count(*) FROM items"), std::string("50000"));
    QCOMPARE(SqliteScalar(db, "SELECT count(DISTINCT id) FROM items"), std::string("50000"));
    QCOMPARE(SqliteScalar(db, "SELECT min(id) || '-' || max(id) FROM items"), std::string("0-49999"));
    QCOMPARE(SqliteScalar(db, "SELECT label FROM items WHERE id = 31337"), std::string("event 31337"));
  }

  void statsAndMetricsShowDepthRisingAndFallingAndFlushTimings() {
    HostProcess host;
    QVERIFY2(host.Start(Config()), host.output().c_str());
    for (int i = 1; i <= 10; ++i) {
      QCOMPARE(host.Ingest("POST", "/api/event", kTrackerEvent, "text/plain").status, 202);
      if (i == 4) {
        std::string m = host.Admin("GET", "/metrics").body;
        QCOMPARE(Metric(m, "sinkhost_buffer_events{stream=\"events\"}"), 4.0);
      }
    }
    HttpResult stats = host.Admin("GET", "/api/stats");
    QCOMPARE(stats.status, 200);
    QVERIFY2(std::regex_search(stats.body, std::regex("\"events\"\\s*:\\s*10\\b")), stats.body.c_str());
    HttpResult metrics = host.Admin("GET", "/metrics");
    QCOMPARE(metrics.status, 200);
    QVERIFY(metrics.header("content-type").find("text/plain") == 0);
    QCOMPARE(Metric(metrics.body, "sinkhost_buffer_events{stream=\"events\"}"), 10.0);

    QCOMPARE(host.Admin("POST", "/api/flush?stream=events").status, 200);
    metrics = host.Admin("GET", "/metrics");
    QCOMPARE(Metric(metrics.body, "sinkhost_buffer_events{stream=\"events\"}"), 0.0);
    QCOMPARE(Metric(metrics.body, "sinkhost_sink_last_flush_rows{stream=\"events\",sink=\"sqlite\"}"), 10.0);
    QVERIFY(Metric(metrics.body,
                   "sinkhost_sink_last_flush_duration_seconds{stream=\"events\",sink=\"sqlite\"}") > 0);
    stats = host.Admin("GET", "/api/stats");
    QVERIFY2(std::regex_search(stats.body, std::regex("\"duration_ms\"\\s*:\\s*[0-9.]+")), stats.body.c_str());
    QVERIFY2(std::regex_search(stats.body, std::regex("\"events\"\\s*:\\s*0\\b")), stats.body.c_str());
    { int code = host.Terminate(); QVERIFY2(code == 0, host.output().c_str()); }
  }

  void healthzAnswers() {
    HostProcess host;
    QVERIFY2(host.Start(Config()), host.output().c_str());
    QCOMPARE(host.Admin("GET", "/healthz").status, 200);
    { int code = host.Terminate(); QVERIFY2(code == 0, host.output().c_str()); }
  }

  // A plugin built against another ABI major version: the host refuses it,
  // says which file and which versions, and does not start.
  void hostRefusesAPluginOfAnotherAbiMajorVersion() {
    QTemporaryDir plugins;
    QVERIFY(QFile::copy(QString::fromStdString(TestPluginPath("test_sink_major2")),
                        plugins.filePath("test_sink.so")));
    // Plain literals: Qt 6.4's moc misreads raw strings that end in a quote.
    std::string config =
        "ingest: {listen: \"{ingest}\"}\n"
        "admin: {listen: \"{admin}\"}\n"
        "data_dir: \"{dir}/data\"\n"
        "plugin_dirs: [\"" + plugins.path().toStdString() + "\"]\n"
        "streams:\n"
        "  items:\n"
        "    columns: [{name: id, type: int64}]\n"
        "    sinks: [{plugin: test_sink}]\n";
    for (bool check_only : {true, false}) {
      HostProcess host;
      std::vector<std::string> args;
      if (check_only) args.push_back("--check-config");
      int code = host.RunToExit(config, args);
      QVERIFY2(code != 0 && code != -1, host.output().c_str());
      const std::string out = host.output();
      QVERIFY2(out.find(plugins.filePath("test_sink.so").toStdString()) != std::string::npos, out.c_str());
      QVERIFY2(out.find(AbiText(2)) != std::string::npos,
               out.c_str());
      QVERIFY2(out.find(AbiText(1)) != std::string::npos,
               out.c_str());
      QVERIFY(Http(host.ingest_port(), "GET", "/healthz", "", "", {}, 500).status == 0);
    }
  }

  void checkConfigAcceptsTheDefaultConfig() {
    HostProcess host;
    // The shipped config, with its plugin dir left to the default (next to
    // the executable), must validate.
    std::ifstream in(SourceDir() + "/config/sinkhost.yaml");
    std::stringstream text;
    text << in.rdbuf();
    int code = host.RunToExit(text.str(), {"--check-config"});
    QVERIFY2(code == 0, host.output().c_str());
  }
};

QTEST_GUILESS_MAIN(HostE2ETest)
#include "host_e2e_test.moc"
