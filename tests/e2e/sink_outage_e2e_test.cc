// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Stopping PostgreSQL or ClickHouse while the host runs produces retryable
// errors in /api/stats and in the log, and the events buffered meanwhile
// arrive once the server is back on the same port and data: none missing.
// Delivery is at-least-once, so duplicates are reported, not failed.
#include <chrono>
#include <functional>
#include <set>

#include "tests/support/admin_api.h"
#include "tests/support/clickhouse_server.h"
#include "tests/support/host_process.h"
#include "tests/support/plausible_rows.h"
#include "tests/support/postgres_server.h"
#include "tests/support/qtest_printers.h"

using namespace sinkhost::testing;

namespace {

constexpr int kBeforeOutage = 300;
constexpr int kDuringOutage = 300;
constexpr int kEventsPerRequest = 100;
constexpr int kArriveTimeoutMs = 20000;
constexpr int kStateTimeoutMs = 20000;
// A stopped server on loopback refuses connections; libpq and Poco both say so.
constexpr const char* kServerDown = "Connection refused";

// Short intervals and delays, so an outage is noticed and its end acted on
// within a second.
std::string Config(const std::string& sink_line) {
  return "ingest: {listen: \"{ingest}\"}\n"
         "admin: {listen: \"{admin}\"}\n"
         "data_dir: \"{dir}/data\"\n"
         "plugin_dirs: [\"{plugins}\"]\n"
         "shutdown_timeout: 20s\n"
         "streams:\n"
         "  events:\n"
         "    schema: plausible\n"
         "    buffer: {flush_interval: 100ms}\n"
         "    retry: {initial_delay: 50ms, max_delay: 500ms}\n"
         "    sinks:\n"
         "      - " + sink_line + "\n";
}

// What the test needs of a database server the host writes to.
struct Backend {
  std::string sink;  // the sink's name in stats and logs (its plugin name)
  std::string sink_line;
  std::function<bool()> start, stop;
  std::function<std::string()> error;
  std::function<bool(std::vector<PlausibleRow>*, std::string*)> read;
};

// Events first..first+count-1, numbered in their pathname "/n/N".
bool PostNumbered(HostProcess& host, int first, int count, std::string* error) {
  for (int at = first; at < first + count; at += kEventsPerRequest) {
    std::string body;
    for (int n = at; n < at + kEventsPerRequest && n < first + count; ++n)
      body += "{\"name\":\"pageview\",\"url\":\"https://example.com/n/" + std::to_string(n) +
              "\",\"domain\":\"example.com\"}\n";
    const HttpResult r =
        host.Ingest("POST", "/v1/streams/events/events", body, "application/x-ndjson");
    if (r.status != 202) {
      *error = "bulk request from event " + std::to_string(at) + ": HTTP " +
               std::to_string(r.status) + " " + r.body;
      return false;
    }
    QTest::qWait(150);  // several sealed batches, not one
  }
  return true;
}

// The event numbers stored, with repeats.
bool StoredNumbers(const Backend& b, std::multiset<int>* numbers, std::string* error) {
  std::vector<PlausibleRow> rows;
  numbers->clear();
  if (!b.read(&rows, error)) return false;
  for (const PlausibleRow& row : rows) {
    const std::string path = row[pcol::kPathname].value_or("");
    numbers->insert(path.rfind("/n/", 0) == 0 ? std::atoi(path.c_str() + 3) : -1);
  }
  return true;
}

std::string Describe(const std::multiset<int>& numbers) {
  const std::set<int> distinct(numbers.begin(), numbers.end());
  return std::to_string(numbers.size()) + " rows, " + std::to_string(distinct.size()) +
         " distinct events" +
         (distinct.empty() ? "" : ", " + std::to_string(*distinct.begin()) + ".." +
                                      std::to_string(*distinct.rbegin()));
}

// Polls `done` every 50 ms, running the event loop (which also collects the
// host's output), until it holds or `timeout_ms` passes.
bool WaitUntil(const std::function<bool()>& done, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    QTest::qWait(50);
  }
  return true;
}

// The log line of a sink's batch that failed and will be retried (the sink
// runner logs the first attempt of each batch), or "" if there is none yet.
std::string RetryLogLine(const std::string& output, const std::string& sink) {
  const size_t at = output.find("stream 'events', sink '" + sink + "': batch ");
  if (at == std::string::npos) return "";
  const size_t begin = output.rfind('\n', at) == std::string::npos ? 0 : output.rfind('\n', at) + 1;
  const size_t end = output.find('\n', at);
  if (end == std::string::npos) return "";  // not complete yet
  const std::string line = output.substr(begin, end - begin);
  return line.find("failed, attempt 1, retrying in") != std::string::npos ? line : "";
}

// True when exactly the events 0..count-1 are stored, each at least once.
bool AllArrived(const std::multiset<int>& numbers, int count) {
  const std::set<int> distinct(numbers.begin(), numbers.end());
  return static_cast<int>(distinct.size()) == count && *distinct.begin() == 0 &&
         *distinct.rbegin() == count - 1;
}

}  // namespace

class SinkOutageE2ETest : public QObject {
  Q_OBJECT

  // The server is running when this starts.
  void RunOutage(const Backend& b) {
    HostProcess host;
    QVERIFY2(host.Start(Config(b.sink_line)), host.output().c_str());
    std::string error;
    std::multiset<int> stored;
    SinkStatus status;

    QVERIFY2(PostNumbered(host, 0, kBeforeOutage, &error), error.c_str());
    const bool before_arrived = WaitUntil(
        [&] { return StoredNumbers(b, &stored, &error) && AllArrived(stored, kBeforeOutage); },
        kArriveTimeoutMs);
    QVERIFY2(before_arrived, (Describe(stored) + " " + error + "\n" + host.output()).c_str());

    QVERIFY2(b.stop(), b.error().c_str());
    QVERIFY2(PostNumbered(host, kBeforeOutage, kDuringOutage, &error), error.c_str());
    const bool retrying = WaitUntil(
        [&] {
          return GetSinkStatus(host, "events", b.sink, &status, &error) &&
                 status.state == "retrying" && !status.last_error.empty();
        },
        kStateTimeoutMs);
    QVERIFY2(retrying, ("state " + status.state + ", last_error " + status.last_error + " " +
                        error + "\n" + host.output())
                           .c_str());
    qInfo("%s down: last_error: %s", b.sink.c_str(), status.last_error.c_str());
    QVERIFY2(status.last_error.find(kServerDown) != std::string::npos, status.last_error.c_str());
    QCOMPARE(status.failed_rows, int64_t{0});
    std::string logged;
    const bool in_log =
        WaitUntil([&] { return !(logged = RetryLogLine(host.output(), b.sink)).empty(); }, 5000);
    QVERIFY2(in_log, host.output().c_str());
    qInfo("log: %s", logged.c_str());
    QVERIFY2(logged.find(kServerDown) != std::string::npos, logged.c_str());

    QVERIFY2(b.start(), b.error().c_str());
    const int total = kBeforeOutage + kDuringOutage;
    const bool all_arrived = WaitUntil(
        [&] { return StoredNumbers(b, &stored, &error) && AllArrived(stored, total); },
        kArriveTimeoutMs);
    QVERIFY2(all_arrived, (Describe(stored) + " " + error + "\n" + host.output()).c_str());
    QVERIFY2(FlushHost(host, 30, &error), error.c_str());
    QVERIFY2(GetSinkStatus(host, "events", b.sink, &status, &error), error.c_str());
    QCOMPARE(status.state, std::string("ok"));
    QCOMPARE(status.failed_rows, int64_t{0});
    QVERIFY(status.retries > 0);
    // last_error describes current trouble only; the flush history keeps
    // the outage's errors.
    QCOMPARE(status.last_error, std::string());
    qInfo("%s back: state ok, %lld retries", b.sink.c_str(),
          static_cast<long long>(status.retries));
    QVERIFY2(StoredNumbers(b, &stored, &error), error.c_str());
    QVERIFY2(AllArrived(stored, total), Describe(stored).c_str());
    if (static_cast<int>(stored.size()) != total)
      qWarning("%s: %zu rows for %d events: duplicates after the outage (at-least-once)",
               b.sink.c_str(), stored.size(), total);
    const int code = host.Terminate();
    QVERIFY2(code == 0, host.output().c_str());
  }

 private slots:
  void postgresOutage() {
    PostgresServer server;
    QVERIFY2(server.Start(), server.error().c_str());
    RunOutage({"postgres",
               "{plugin: postgres, options: {connection: \"" + server.ConnectionString() +
                   "\", table: events, connect_timeout: 2s}}",
               [&] { return server.Start(); }, [&] { return server.Stop(); },
               [&] { return server.error(); },
               [&](std::vector<PlausibleRow>* rows, std::string* error) {
                 return ReadPlausiblePostgres(server, "events", rows, error);
               }});
  }

  void clickhouseOutage() {
    ClickHouseServer server;
    QVERIFY2(server.Start(), server.error().c_str());
    RunOutage({"clickhouse",
               "{plugin: clickhouse, options: {url: \"" + server.HttpUrl() +
                   "\", table: events, connect_timeout: 2s, timeout: 10s}}",
               [&] { return server.Start(); }, [&] { return server.Stop(); },
               [&] { return server.error(); },
               [&](std::vector<PlausibleRow>* rows, std::string* error) {
                 return ReadPlausibleClickHouse(server, "events", rows, error);
               }});
  }
};

QTEST_GUILESS_MAIN(SinkOutageE2ETest)
#include "sink_outage_e2e_test.moc"
