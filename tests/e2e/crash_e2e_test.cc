// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Crash tests: the real host under load, killed with SIGKILL at random
// moments and started again on the same data_dir, loses no acknowledged
// event; a log whose tail was torn still starts and delivers every intact
// record, and says so in its log.
//
// The SIGKILL test writes one stream to SQLite, PostgreSQL and ClickHouse
// (real servers on loopback). The transactional sinks keep a ledger of the
// positions they committed, so they must hold every acknowledged event
// exactly once; ClickHouse is at-least-once: every acknowledged event, with
// duplicates counted and reported.
#include <QProcess>
#include <QRandomGenerator>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/clickhouse_server.h"
#include "tests/support/host_process.h"
#include "tests/support/postgres_server.h"
#include "tests/support/qtest_printers.h"
#include "tests/support/test_env.h"

using namespace sinkhost::testing;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kClients = 3;
constexpr int kEventsPerRequest = 20;

// `flush` is the buffer's flush interval; small segments so that the log
// rolls and deletes segments while it is being killed.
std::string Config(const std::string& flush, const std::string& fsync = "always",
                   const std::string& more_sinks = "", int max_events = 500) {
  return "ingest: {listen: \"{ingest}\"}\n"
         "admin: {listen: \"{admin}\"}\n"
         "data_dir: \"{dir}/data\"\n"
         "plugin_dirs: [\"{plugins}\"]\n"
         "shutdown_timeout: 20s\n"
         "streams:\n"
         "  items:\n"
         "    columns:\n"
         "      - {name: id, type: int64}\n"
         "      - {name: label, type: string, nullable: true}\n"
         "    buffer: {max_events: " + std::to_string(max_events) + ", flush_interval: " + flush +
         "}\n"
         "    wal: {fsync: " + fsync + ", segment_size: 64KiB}\n"
         "    sinks:\n"
         "      - {plugin: sqlite, options: {path: \"{dir}/items.db\", table: items}}\n" +
         more_sinks;
}

std::string Body(int64_t first, int count) {
  std::string body;
  for (int64_t id = first; id < first + count; ++id)
    body += "{\"id\":" + std::to_string(id) + ",\"label\":\"event " + std::to_string(id) + "\"}\n";
  return body;
}

// Every id stored, with repeats.
std::multiset<int64_t> StoredIds(const std::string& db) {
  return SqliteIds(db, "SELECT id FROM items");
}

// Ids from query output, one per line; false (with the text) on an error.
bool ParseIds(const std::string& text, std::multiset<int64_t>* ids, std::string* error) {
  if (text.rfind("ERROR", 0) == 0) {
    *error = text;
    return false;
  }
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    if (nl > at) ids->insert(std::stoll(text.substr(at, nl - at)));
    at = nl + 1;
  }
  return true;
}

// What one sink holds, against the acknowledged ids.
struct SinkFigures {
  size_t rows = 0, distinct = 0, duplicates = 0, missing = 0;
  int64_t first_missing = -1;
};
SinkFigures Compare(const std::multiset<int64_t>& stored, const std::set<int64_t>& acked) {
  SinkFigures f;
  const std::set<int64_t> distinct(stored.begin(), stored.end());
  f.rows = stored.size();
  f.distinct = distinct.size();
  f.duplicates = stored.size() - distinct.size();
  for (int64_t id : acked)
    if (distinct.count(id) == 0 && f.missing++ == 0) f.first_missing = id;
  return f;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Runs `sinkhost ARGS...`; returns the exit code and fills *out with
// stdout and stderr.
int RunSinkhost(const QStringList& args, std::string* out) {
  QProcess p;
  p.setProcessChannelMode(QProcess::MergedChannels);
  p.start(QString::fromStdString(BuildDir() + "/bin/sinkhost"), args);
  if (!p.waitForFinished(30000)) {
    p.kill();
    p.waitForFinished();
    return -1;
  }
  *out = p.readAll().toStdString();
  return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

std::string LastSegment(const std::string& dir) {
  std::string last;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".seg") && name > last) last = name;
  }
  return dir + "/" + last;
}

// Clients that post numbered events until told to stop, whether or not the
// host is up, and remember which ids were acknowledged.
class Load {
 public:
  explicit Load(int port) : port_(port) {}
  ~Load() { Stop(); }

  void Start() {
    for (int c = 0; c < kClients; ++c) threads_.emplace_back([this, c] { Run(c); });
  }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  std::set<int64_t> acked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }
  int64_t sent() const { return sent_; }
  int64_t refused() const { return refused_; }  // answered, but not 2xx
  int64_t unanswered() const { return unanswered_; }

 private:
  void Run(int client) {
    // Disjoint id ranges per client.
    int64_t next = int64_t{client} * 100000000;
    while (!stop_) {
      const int64_t first = next;
      next += kEventsPerRequest;
      sent_ += kEventsPerRequest;
      const HttpResult r = Http(port_, "POST", "/v1/streams/items/events",
                                Body(first, kEventsPerRequest), "application/x-ndjson", {}, 5000);
      if (r.status == 202) {
        std::lock_guard<std::mutex> lock(mu_);
        for (int64_t id = first; id < first + kEventsPerRequest; ++id) acked_.insert(id);
      } else if (r.status == 0) {
        unanswered_ += kEventsPerRequest;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // host down
      } else {
        refused_ += kEventsPerRequest;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }

  const int port_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  mutable std::mutex mu_;
  std::set<int64_t> acked_;  // guarded by mu_
  std::atomic<int64_t> sent_{0}, refused_{0}, unanswered_{0};
};

}  // namespace

class CrashE2ETest : public QObject {
  Q_OBJECT
 private slots:
  // 3-5 SIGKILLs at random moments under steady load into SQLite,
  // PostgreSQL and ClickHouse: every event that got a 202 is in each at the
  // end, exactly once in SQLite and PostgreSQL.
  void sigkillUnderLoadLosesNoAcknowledgedEvent() {
    PostgresServer postgres;
    QVERIFY2(postgres.Start(), postgres.error().c_str());
    ClickHouseServer clickhouse;
    QVERIFY2(clickhouse.Start(), clickhouse.error().c_str());
    const std::string more_sinks =
        "      - {name: pg, plugin: postgres, options: {connection: \"" +
        postgres.ConnectionString() + "\", table: items}}\n"
        "      - {name: ch, plugin: clickhouse, options: {url: \"" + clickhouse.HttpUrl() +
        "\", table: items}}\n";

    const quint32 seed = QRandomGenerator::global()->generate();
    QRandomGenerator rng(seed);
    const auto started = Clock::now();
    HostProcess host;
    // Larger batches than the SQLite-only runs: ClickHouse makes a part of
    // every insert.
    QVERIFY2(host.Start(Config("200ms", "always", more_sinks, 2000)), host.output().c_str());
    Load load(host.ingest_port());
    load.Start();
    const int kills = 3 + static_cast<int>(rng.bounded(3));
    for (int k = 0; k < kills; ++k) {
      QTest::qWait(500 + static_cast<int>(rng.bounded(2000)));
      host.Kill();  // SIGKILL
      if (!host.Restart()) {
        load.Stop();
        QFAIL(("restart " + std::to_string(k + 1) + " failed:\n" + host.output()).c_str());
      }
    }
    QTest::qWait(1000);
    load.Stop();
    HttpResult flush = host.Admin("POST", "/api/flush");
    QVERIFY2(flush.status == 200, flush.body.c_str());
    const int code = host.Terminate();
    QVERIFY2(code == 0, host.output().c_str());

    const std::set<int64_t> acked = load.acked();
    std::string error;
    const std::multiset<int64_t> in_sqlite = StoredIds(host.dir() + "/items.db");
    std::multiset<int64_t> in_postgres, in_clickhouse;
    QVERIFY2(ParseIds(postgres.Query("SELECT id FROM items"), &in_postgres, &error),
             error.c_str());
    QVERIFY2(ParseIds(clickhouse.Query("SELECT id FROM items FORMAT TabSeparated"),
                      &in_clickhouse, &error),
             error.c_str());
    const SinkFigures sq = Compare(in_sqlite, acked);
    const SinkFigures pg = Compare(in_postgres, acked);
    const SinkFigures ch = Compare(in_clickhouse, acked);
    const std::string out = host.output();
    const double secs = std::chrono::duration<double>(Clock::now() - started).count();
    qInfo("seed %u: %d SIGKILLs in %.1f s; events sent %lld, acknowledged %zu, refused %lld, "
          "unanswered %lld; replays %zu",
          seed, kills, secs, static_cast<long long>(load.sent()), acked.size(),
          static_cast<long long>(load.refused()), static_cast<long long>(load.unanswered()),
          Count(out, "replaying records"));
    for (const auto& [name, f] : {std::pair<const char*, SinkFigures>{"sqlite", sq},
                                  {"postgres", pg}, {"clickhouse", ch}})
      qInfo("  %-10s stored rows %zu, distinct %zu, duplicates %zu, acknowledged and missing %zu, "
            "delivered without acknowledgement %zu",
            name, f.rows, f.distinct, f.duplicates, f.missing, f.distinct - (acked.size() - f.missing));
    QVERIFY2(acked.size() > 1000, "the load hardly got through");
    for (const auto& [name, f] : {std::pair<const char*, SinkFigures>{"sqlite", sq},
                                  {"postgres", pg}, {"clickhouse", ch}})
      if (f.missing > 0)
        QFAIL(("seed " + std::to_string(seed) + ": " + name + ": " + std::to_string(f.missing) +
               " acknowledged events are missing, the first " + std::to_string(f.first_missing) +
               "\n" + out.substr(out.size() > 20000 ? out.size() - 20000 : 0))
                  .c_str());
    // Exactly once where the sink keeps a ledger in its transaction.
    QVERIFY2(sq.duplicates == 0, ("seed " + std::to_string(seed) + ": SQLite holds " +
                                  std::to_string(sq.duplicates) + " duplicates").c_str());
    QVERIFY2(pg.duplicates == 0, ("seed " + std::to_string(seed) + ": PostgreSQL holds " +
                                  std::to_string(pg.duplicates) + " duplicates").c_str());
    QVERIFY(secs < 90);
  }

  // A SIGKILL, then the last segment cut short by a few bytes: `wal verify`
  // names the damage, the host still starts, says so in its log and
  // delivers every intact record.
  void aTornTailStillStartsAndDeliversEveryIntactRecord() {
    HostProcess host;
    QVERIFY2(host.Start(Config("1h")), host.output().c_str());
    constexpr int kRequests = 20, kPer = 10;
    for (int r = 0; r < kRequests; ++r) {
      HttpResult res = host.Ingest("POST", "/v1/streams/items/events", Body(r * kPer, kPer),
                                   "application/x-ndjson");
      QVERIFY2(res.status == 202, res.body.c_str());
    }
    host.Kill();
    const std::string wal = host.dir() + "/data/wal/items";
    const std::string seg = LastSegment(wal);
    std::filesystem::resize_file(seg, std::filesystem::file_size(seg) - 5);

    std::string verify;
    QCOMPARE(RunSinkhost({"wal", "verify", QString::fromStdString(wal)}, &verify), 1);
    QVERIFY2(verify.find("truncated record") != std::string::npos, verify.c_str());
    QVERIFY2(verify.find("records 20..20 lost") != std::string::npos, verify.c_str());

    const size_t before = host.output().size();
    QVERIFY2(host.Restart(), host.output().c_str());
    HttpResult flush = host.Admin("POST", "/api/flush");
    QVERIFY2(flush.status == 200, flush.body.c_str());

    // Every request but the torn last one, each exactly once.
    const std::multiset<int64_t> stored = StoredIds(host.dir() + "/items.db");
    std::multiset<int64_t> want;
    for (int64_t id = 0; id < (kRequests - 1) * kPer; ++id) want.insert(id);
    QCOMPARE(stored, want);

    // New events after the repair are accepted and delivered.
    HttpResult more = host.Ingest("POST", "/v1/streams/items/events", Body(1000, 5),
                                  "application/x-ndjson");
    QCOMPARE(more.status, 202);
    flush = host.Admin("POST", "/api/flush");
    QVERIFY2(flush.status == 200, flush.body.c_str());
    QCOMPARE(StoredIds(host.dir() + "/items.db").size(), size_t{(kRequests - 1) * kPer + 5});
    QCOMPARE(host.Terminate(), 0);
    // The restarted host's log (complete once it has exited) names the damage.
    const std::string log = host.output().substr(before);
    QVERIFY2(log.find("damage: ") != std::string::npos, log.c_str());
    QVERIFY2(log.find("truncated record") != std::string::npos, log.c_str());
    QVERIFY2(log.find("records 20..20 lost (repaired)") != std::string::npos, log.c_str());
    QVERIFY2(log.find("replaying records 1..20") != std::string::npos, log.c_str());
    // Every sink is past the damaged segment, so it is gone.
    QCOMPARE(RunSinkhost({"wal", "verify", QString::fromStdString(wal)}, &verify), 0);
  }
};

QTEST_GUILESS_MAIN(CrashE2ETest)
#include "crash_e2e_test.moc"
