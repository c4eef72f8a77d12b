// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// 10,000 idle keep-alive connections against the real binary, as a site
// with thousands of open tabs holds them: they cost memory, not threads
// (the host's thread count does not move, its RSS grows by less than
// 64 MiB), new clients are served as before, and every idle connection is
// still usable afterwards.
#include <sys/resource.h>

#include <QtTest>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/host_process.h"
#include "tests/support/raw_http.h"

using namespace sinkhost::testing;

namespace {

constexpr int kIdle = 10000;

const char* kConfig = R"(ingest: {listen: "{ingest}"}
admin: {listen: "{admin}"}
data_dir: "{dir}/data"
plugin_dirs: ["{plugins}"]
streams:
  events:
    schema: plausible
    sinks:
      - {plugin: sqlite, options: {path: "{dir}/events.db", table: events}}
)";

const std::string kRequest = RawRequest(
    "POST", "/api/event",
    R"({"n":"pageview","u":"https://example.com/idle","d":"example.com"})",
    "Content-Type: text/plain\r\n");

// A field of /proc/PID/status ("VmRSS" in kB, "Threads").
int64_t ProcStatus(int64_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

}  // namespace

class IdleConnectionsTest : public QObject {
  Q_OBJECT

 private slots:
  void tenThousandIdleConnectionsCostMemoryNotThreads() {
    // This test holds 10,000 sockets itself.
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    QVERIFY2(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= kIdle + 256,
             ("needs an open-files limit of at least 10,256 (ulimit -Hn is " +
              std::to_string(rl.rlim_cur) + ")").c_str());

    HostProcess host;
    QVERIFY2(host.Start(kConfig), host.output().c_str());
    // Warm: every loop and the stream have served requests.
    {
      RawHttpClient c;
      QVERIFY(c.Connect(host.ingest_port()));
      for (int i = 0; i < 200; ++i) {
        QVERIFY(c.Send(kRequest));
        QCOMPARE(c.Read().status, 202);
      }
    }
    const int64_t rss_before = ProcStatus(host.pid(), "VmRSS");
    const int64_t threads_before = ProcStatus(host.pid(), "Threads");
    QVERIFY(rss_before > 0 && threads_before > 0);

    std::vector<RawHttpClient> idle(kIdle);
    QElapsedTimer opening;
    opening.start();
    for (int i = 0; i < kIdle; ++i) {
      QVERIFY2(idle[i].Connect(host.ingest_port()), idle[i].error().c_str());
      QVERIFY(idle[i].Send(kRequest));
      const RawResponse r = idle[i].Read();
      QVERIFY2(r.status == 202, (std::to_string(i) + ": " + r.error).c_str());
    }
    const qint64 opened_ms = opening.elapsed();

    const int64_t rss_after = ProcStatus(host.pid(), "VmRSS");
    const int64_t threads_after = ProcStatus(host.pid(), "Threads");
    qInfo("10,000 connections opened and used in %lld ms; host RSS %lld -> %lld kB (+%lld kB, "
          "%.0f bytes a connection); threads %lld -> %lld",
          static_cast<long long>(opened_ms), static_cast<long long>(rss_before),
          static_cast<long long>(rss_after), static_cast<long long>(rss_after - rss_before),
          (rss_after - rss_before) * 1024.0 / kIdle, static_cast<long long>(threads_before),
          static_cast<long long>(threads_after));
    QCOMPARE(threads_after, threads_before);
    QVERIFY2(rss_after - rss_before <= 64 * 1024, std::to_string(rss_after - rss_before).c_str());

    // New clients are served while they are all open.
    for (int i = 0; i < 100; ++i) {
      QElapsedTimer t;
      t.start();
      RawHttpClient c;
      QVERIFY(c.Connect(host.ingest_port()));
      QVERIFY(c.Send(kRequest));
      QCOMPARE(c.Read(2000).status, 202);
      QVERIFY2(t.elapsed() < 1000, std::to_string(t.elapsed()).c_str());
    }
    // And every one of them is still open and usable.
    for (int i = 0; i < kIdle; i += 97) {
      QVERIFY(idle[i].Send(kRequest));
      QCOMPARE(idle[i].Read().status, 202);
    }
    QCOMPARE(host.Admin("GET", "/healthz").status, 200);
    idle.clear();
    QCOMPARE(host.Terminate(), 0);
    QCOMPARE(SqliteScalar(host.dir() + "/events.db", "SELECT count(*) FROM events"),
             std::to_string(200 + kIdle + 100 + (kIdle + 96) / 97));
  }
};

QTEST_GUILESS_MAIN(IdleConnectionsTest)
#include "idle_connections_e2e_test.moc"
