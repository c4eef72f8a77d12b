// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// End to end: poison rows. The real host with two sinks on one stream: the
// real SQLite sink, and the C test sink told to refuse some ids for good.
// Every other row reaches both; the refused ones land in the test sink's
// quarantine file with its reason, survive a restart, and reach it after
// POST /api/quarantine/replay once it accepts them.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/host_process.h"
#include "tests/support/test_env.h"

using namespace sinkhost::testing;

namespace {

constexpr int kEvents = 60;
constexpr int kPerRequest = 10;
const std::set<int64_t> kRejected = {7, 23, 42};

std::string Config() {
  return "ingest: {listen: \"{ingest}\"}\n"
         "admin: {listen: \"{admin}\"}\n"
         "data_dir: \"{dir}/data\"\n"
         "plugin_dirs: [\"{plugins}\", \"" + EnvOrDie("SINKHOST_TEST_PLUGIN_DIR") + "\"]\n"
         "log: {level: information}\n"
         "shutdown_timeout: 20s\n"
         "streams:\n"
         "  items:\n"
         "    columns:\n"
         "      - {name: id, type: int64}\n"
         "      - {name: label, type: string, nullable: true}\n"
         "    buffer: {max_events: 10000, flush_interval: 1h}\n"
         "    retry: {initial_delay: 50ms, max_delay: 500ms}\n"
         "    sinks:\n"
         "      - {plugin: sqlite, name: db, options: {path: \"{dir}/items.db\", table: items}}\n"
         "      - {plugin: test_sink, name: picky, options: {record: \"{dir}/picky.txt\", "
         "reject: \"{dir}/reject\"}}\n";
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

std::multiset<int64_t> Ids(const std::vector<std::string>& lines) {
  std::multiset<int64_t> out;
  for (const std::string& l : lines) out.insert(std::stoll(l));
  return out;
}

}  // namespace

class PoisonE2ETest : public QObject {
  Q_OBJECT
 private slots:
  void refusedRowsAreQuarantinedAndReplayed() {
    HostProcess host;
    const std::string dir = host.dir();
    {
      std::ofstream reject(dir + "/reject");
      for (int64_t id : kRejected) reject << id << "\n";
    }
    QVERIFY2(host.Start(Config()), host.output().c_str());

    for (int first = 1; first <= kEvents; first += kPerRequest) {
      std::string body;
      for (int id = first; id < first + kPerRequest; ++id)
        body += "{\"id\":" + std::to_string(id) + ",\"label\":\"event " + std::to_string(id) +
                "\"}\n";
      HttpResult r = host.Ingest("POST", "/v1/streams/items/events", body);
      QVERIFY2(r.status == 202, r.body.c_str());
    }
    HttpResult f = host.Admin("POST", "/api/flush");
    QVERIFY2(f.status == 200, f.body.c_str());

    // SQLite has every row; the picky sink every row but the refused ones.
    std::multiset<int64_t> all, accepted;
    for (int64_t id = 1; id <= kEvents; ++id) {
      all.insert(id);
      if (kRejected.count(id) == 0) accepted.insert(id);
    }
    std::multiset<int64_t> stored;
    for (const std::string& v : SqliteColumn(dir + "/items.db", "SELECT id FROM items"))
      stored.insert(std::stoll(v));
    QCOMPARE(stored, all);
    QCOMPARE(Ids(Lines(dir + "/picky.txt")), accepted);

    // The refused rows are in the quarantine file, with the sink's reason and the time.
    const std::string file = dir + "/data/quarantine/items/picky.ndjson";
    std::vector<std::string> lines = Lines(file);
    QCOMPARE(lines.size(), kRejected.size());
    std::set<int64_t> quarantined;
    const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
    for (const std::string& line : lines) {
      QJsonObject o = JsonObject(line);
      QVERIFY2(!o.isEmpty(), line.c_str());
      QCOMPARE(o["stream"].toString(), QString("items"));
      QCOMPARE(o["sink"].toString(), QString("picky"));
      QVERIFY2(std::regex_match(o["time"].toString().toStdString(), iso), line.c_str());
      const int64_t id = o["row"].toObject()["id"].toInteger();
      QCOMPARE(o["row"].toObject()["label"].toString().toStdString(),
               "event " + std::to_string(id));
      const std::string reason = o["error"].toString().toStdString();  // the sink's message
      QVERIFY2(reason.find("row with id " + std::to_string(id) + " refused") != std::string::npos,
               reason.c_str());
      quarantined.insert(id);
    }
    QCOMPARE(quarantined, kRejected);

    // /api/stats counts them; nothing is counted as lost.
    QJsonObject picky = host.SinkStats("items", "picky");
    QCOMPARE(picky["quarantined_rows"].toInteger(), qint64(kRejected.size()));
    QCOMPARE(picky["quarantine_rows"].toInteger(), qint64(kRejected.size()));
    QCOMPARE(picky["failed_rows"].toInteger(), qint64(0));
    QCOMPARE(picky["delivered_rows"].toInteger(), qint64(kEvents - kRejected.size()));
    QCOMPARE(host.SinkStats("items", "db")["delivered_rows"].toInteger(), qint64(kEvents));
    HttpResult m = host.Admin("GET", "/metrics");
    QVERIFY2(m.body.find("\nsinkhost_sink_quarantine_rows{stream=\"items\",sink=\"picky\"} 3\n") !=
                 std::string::npos,
             m.body.c_str());

    // The cause is fixed and the host restarted: the quarantine is still there.
    QCOMPARE(host.Terminate(), 0);
    { std::ofstream reject(dir + "/reject", std::ios::trunc); }
    QVERIFY2(host.Restart(), host.output().c_str());
    QCOMPARE(host.SinkStats("items", "picky")["quarantine_rows"].toInteger(),
             qint64(kRejected.size()));

    // Replay: without ?stream, as only `items` has a sink named picky.
    HttpResult r = host.Admin("POST", "/api/quarantine/replay?sink=picky");
    QVERIFY2(r.status == 200, r.body.c_str());
    QJsonObject answer = JsonObject(r.body);
    QCOMPARE(answer["stream"].toString(), QString("items"));
    QCOMPARE(answer["rows"].toInteger(), qint64(kRejected.size()));
    QTRY_COMPARE_WITH_TIMEOUT(Ids(Lines(dir + "/picky.txt")), all, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(!std::filesystem::exists(file + ".replaying"), 15000);
    QCOMPARE(Lines(file).size(), size_t(0));
    picky = host.SinkStats("items", "picky");
    QCOMPARE(picky["quarantine_rows"].toInteger(), qint64(0));
    QCOMPARE(picky["delivered_rows"].toInteger(), qint64(kRejected.size()));  // since the restart
    // SQLite was not sent them again.
    QCOMPARE(SqliteScalar(dir + "/items.db", "SELECT count(*) FROM items"),
             std::to_string(kEvents));
    r = host.Admin("POST", "/api/quarantine/replay?sink=picky");
    QVERIFY2(r.status == 200, r.body.c_str());
    QCOMPARE(JsonObject(r.body)["rows"].toInteger(), qint64(0));
    QCOMPARE(host.Terminate(), 0);
  }
};

QTEST_GUILESS_MAIN(PoisonE2ETest)
#include "poison_e2e_test.moc"
