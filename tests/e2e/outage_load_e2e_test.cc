// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// A backend outage under steady load: clients post numbered Plausible
// events to the host without pause while its only sink's server
// (PostgreSQL, then ClickHouse, each started by the test on loopback; one
// that cannot start fails the test) is stopped for 20 s and started again
// on the same port and data. The sink goes `retrying` in /api/stats during
// the outage and back to `ok` after it; no request is refused (503) with the
// default buffer, as the stream spills to its log; every event answered 2xx
// is stored.
// PostgreSQL writes each batch in one transaction, so it must hold no
// duplicates either; for ClickHouse duplicates are counted and reported
// (at-least-once delivery).
#include <chrono>
#include <functional>
#include <set>

#include "tests/support/admin_api.h"
#include "tests/support/clickhouse_server.h"
#include "tests/support/host_process.h"
#include "tests/support/numbered_load.h"
#include "tests/support/postgres_server.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost::testing;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kBeforeMs = 4000;
constexpr int kOutageMs = 20000;
constexpr int kAfterMs = 4000;

// Batches every 200 ms and the default buffer (4 pending batches): the
// load rides the outage out in the write-ahead log, which the stream spills
// to once the buffer is full, so no request is refused.
std::string Config(const std::string& sink_line) {
  return "ingest: {listen: \"{ingest}\"}\n"
         "admin: {listen: \"{admin}\"}\n"
         "data_dir: \"{dir}/data\"\n"
         "plugin_dirs: [\"{plugins}\"]\n"
         "shutdown_timeout: 30s\n"
         "streams:\n"
         "  events:\n"
         "    schema: plausible\n"
         "    buffer: {max_events: 10000, flush_interval: 200ms}\n"
         "    retry: {initial_delay: 50ms, max_delay: 500ms}\n"
         "    sinks:\n"
         "      - " + sink_line + "\n";
}

struct Backend {
  std::string sink;  // its name in stats (the plugin's name)
  std::string sink_line;
  std::function<bool()> start, stop;
  std::function<std::string()> error;
  // The stored pathnames, one per line.
  std::function<bool(std::string*)> pathnames;
  bool duplicates_allowed = false;
};

// Event numbers from "/n/N" lines; anything else counts as -1.
std::multiset<int64_t> Numbers(const std::string& text) {
  std::multiset<int64_t> out;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    if (!line.empty()) out.insert(line.rfind("/n/", 0) == 0 ? std::stoll(line.substr(3)) : -1);
    begin = end + 1;
  }
  return out;
}

// Sink states seen while polling /api/stats every 100 ms for `ms`.
std::multiset<std::string> WatchStates(HostProcess& host, const std::string& sink, int ms,
                                       std::string* last_error) {
  std::multiset<std::string> seen;
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < until) {
    SinkStatus s;
    std::string error;
    if (GetSinkStatus(host, "events", sink, &s, &error)) {
      seen.insert(s.state);
      if (!s.last_error.empty()) *last_error = s.last_error;
    } else {
      seen.insert("stats error: " + error.substr(0, 200));
    }
    QTest::qWait(100);
  }
  return seen;
}

std::string Describe(const std::multiset<std::string>& states) {
  std::string s;
  for (auto it = states.begin(); it != states.end(); it = states.upper_bound(*it))
    s += (s.empty() ? "" : ", ") + *it + " x" + std::to_string(states.count(*it));
  return s;
}

}  // namespace

class OutageLoadE2ETest : public QObject {
  Q_OBJECT

  void Run(const Backend& b) {
    const auto started = Clock::now();
    HostProcess host;
    QVERIFY2(host.Start(Config(b.sink_line)), host.output().c_str());
    NumberedLoad::Options o;
    o.port = host.ingest_port();
    o.path = "/v1/streams/events/events";
    o.pageviews = true;
    o.clients = 2;
    o.events_per_request = 50;
    o.pause_ms = 10;
    NumberedLoad load(o);
    load.Start();

    std::string last_error;
    const auto before = WatchStates(host, b.sink, kBeforeMs, &last_error);
    const size_t acked_before = load.acked().size();
    QVERIFY2(b.stop(), b.error().c_str());
    const auto during = WatchStates(host, b.sink, kOutageMs, &last_error);
    const size_t acked_during = load.acked().size() - acked_before;
    QVERIFY2(b.start(), b.error().c_str());
    const auto after = WatchStates(host, b.sink, kAfterMs, &last_error);
    load.Stop();
    qInfo("%s: states before the outage {%s}, during {%s}, after {%s}; last error seen: %s",
          b.sink.c_str(), Describe(before).c_str(), Describe(during).c_str(),
          Describe(after).c_str(), last_error.c_str());
    QVERIFY2(during.count("retrying") > 0, Describe(during).c_str());
    QCOMPARE(during.count("failing"), size_t{0});
    QCOMPARE(before.count("failing") + after.count("failing"), size_t{0});
    const std::map<int, int64_t> statuses = load.statuses();
    for (const auto& [code, n] : statuses)
      QVERIFY2(code == 202,  // no 503: a full buffer spills to the log
               ("HTTP " + std::to_string(code) + ": " + load.first_bodies()[code]).c_str());
    QCOMPARE(load.busy_without_retry_after(), int64_t{0});

    std::string error;
    QVERIFY2(FlushHost(host, 60, &error), error.c_str());
    SinkStatus status;
    QVERIFY2(GetSinkStatus(host, "events", b.sink, &status, &error), error.c_str());
    QCOMPARE(status.state, std::string("ok"));
    QCOMPARE(status.last_error, std::string());
    QCOMPARE(status.failed_rows, int64_t{0});
    QVERIFY(status.retries > 0);

    const std::set<int64_t> acked = load.acked();
    std::string text;
    QVERIFY2(b.pathnames(&text), text.c_str());
    const std::multiset<int64_t> stored = Numbers(text);
    const std::set<int64_t> distinct(stored.begin(), stored.end());
    int64_t missing = 0, first_missing = -1;
    for (int64_t id : acked)
      if (distinct.count(id) == 0 && missing++ == 0) first_missing = id;
    const size_t duplicates = stored.size() - distinct.size();
    qInfo("%s: events sent %lld, acknowledged %zu (%zu during the %d s outage), answers %s; "
          "stored rows %zu, distinct %zu, duplicates %zu, acknowledged and missing %lld; "
          "%lld retries; %.1f s",
          b.sink.c_str(), static_cast<long long>(load.sent_events()), acked.size(), acked_during,
          kOutageMs / 1000, NumberedLoad::Describe(statuses).c_str(), stored.size(),
          distinct.size(), duplicates, static_cast<long long>(missing),
          static_cast<long long>(status.retries),
          std::chrono::duration<double>(Clock::now() - started).count());
    QVERIFY2(acked_during > 1000, "the load hardly got through during the outage");
    QVERIFY2(missing == 0, (std::to_string(missing) + " acknowledged events missing, the first " +
                            std::to_string(first_missing))
                               .c_str());
    QCOMPARE(distinct.count(-1), size_t{0});
    if (!b.duplicates_allowed) QCOMPARE(duplicates, size_t{0});
    QCOMPARE(host.Terminate(), 0);
  }

 private slots:
  void postgresOutageUnderLoad() {
    PostgresServer server;
    QVERIFY2(server.Start(), server.error().c_str());
    Run({"postgres",
         "{plugin: postgres, options: {connection: \"" + server.ConnectionString() +
             "\", table: events, connect_timeout: 2s}}",
         [&] { return server.Start(); }, [&] { return server.Stop(); },
         [&] { return server.error(); },
         [&](std::string* out) { return server.Psql("SELECT pathname FROM events", out); },
         /*duplicates_allowed=*/false});
  }

  void clickhouseOutageUnderLoad() {
    ClickHouseServer server;
    QVERIFY2(server.Start(), server.error().c_str());
    Run({"clickhouse",
         "{plugin: clickhouse, options: {url: \"" + server.HttpUrl() +
             "\", table: events, connect_timeout: 2s, timeout: 10s}}",
         [&] { return server.Start(); }, [&] { return server.Stop(); },
         [&] { return server.error(); },
         [&](std::string* out) {
           return server.Exec("SELECT pathname FROM `default`.`events` FORMAT TabSeparated", out);
         },
         /*duplicates_allowed=*/true});
  }
};

QTEST_GUILESS_MAIN(OutageLoadE2ETest)
#include "outage_load_e2e_test.moc"
