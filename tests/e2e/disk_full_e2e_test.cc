// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Disk full: the real host with its write-ahead log on a small tmpfs that
// the test mounts itself (it must run as root; a mount that fails fails the
// test). When the disk is full, or the log is at its `wal.max_size` cap,
// ingest answers 503 with Retry-After and nothing else (no 500, no crash);
// once space returns ingest resumes; every event answered 2xx is delivered
// in the end and the log verifies clean.
//
// Three ways to run out of room:
//   * a filler file takes the tmpfs's last bytes while a SQLite sink keeps
//     up (ENOSPC on a segment write or when starting the next segment; each
//     segment the sink frees lets a few requests in, so 503s and 202s
//     alternate until the filler goes);
//   * a stalled sink (the test sink's `gate`) lets the log itself grow
//     until the tmpfs is full (ENOSPC), then is let go;
//   * the same stalled sink with the log on an ordinary disk and a 1 MiB
//     `wal.max_size` (the cap, answered before any write is tried).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "tests/support/admin_api.h"
#include "tests/support/host_process.h"
#include "tests/support/numbered_load.h"
#include "tests/support/qtest_printers.h"
#include "tests/support/test_env.h"
#include "tests/support/wal_status.h"

using namespace sinkhost::testing;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kTmpfsSize = "8m";

// A tmpfs mounted on a fresh temporary folder, unmounted (lazily if it is
// still busy) when this goes away. Declare it before the HostProcess so
// that the host is killed first.
class Tmpfs {
 public:
  Tmpfs() = default;
  ~Tmpfs() { Unmount(); }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;

  bool Mount(const std::string& size, std::string* error) {
    if (!dir_.isValid()) {
      *error = "cannot create a temporary folder";
      return false;
    }
    const std::string options = "size=" + size + ",mode=755";
    if (::mount("tmpfs", path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
      *error = "mount -t tmpfs -o " + options + " tmpfs " + path() + ": " + std::strerror(errno) +
               " (the disk-full tests mount their own tmpfs and must run as root)";
      return false;
    }
    mounted_ = true;
    return true;
  }
  void Unmount() {
    if (!mounted_) return;
    if (::umount2(path().c_str(), 0) != 0) ::umount2(path().c_str(), MNT_DETACH);
    mounted_ = false;
  }
  std::string path() const { return dir_.path().toStdString(); }
  uint64_t free_bytes() const {
    struct statvfs s {};
    return ::statvfs(path().c_str(), &s) == 0 ? uint64_t{s.f_bavail} * s.f_frsize : 0;
  }

 private:
  QTemporaryDir dir_;
  bool mounted_ = false;
};

// Writes `path` until the file system refuses: the disk is then full.
// Returns the bytes written, or -1 with *error set on an error other
// than ENOSPC.
int64_t FillDisk(const std::string& path, std::string* error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "open " + path + ": " + std::strerror(errno);
    return -1;
  }
  std::string chunk(1 << 20, 'f');
  int64_t total = 0;
  for (size_t size = chunk.size(); size >= 512;) {
    const ssize_t n = ::write(fd, chunk.data(), size);
    if (n > 0) {
      total += n;
      continue;
    }
    if (n < 0 && errno != ENOSPC) {
      *error = "write " + path + ": " + std::strerror(errno);
      ::close(fd);
      return -1;
    }
    size /= 2;
  }
  ::close(fd);
  return total;
}

// The custom stream `items` (id, label) with its log in `data_dir`; the
// real plugins and the test sink can both be loaded.
std::string Config(const std::string& data_dir, const std::string& wal,
                   const std::string& buffer, const std::string& sink) {
  return "ingest: {listen: \"{ingest}\"}\n"
         "admin: {listen: \"{admin}\"}\n"
         "data_dir: \"" + data_dir + "\"\n"
         "plugin_dirs: [\"{plugins}\", \"" + EnvOrDie("SINKHOST_TEST_PLUGIN_DIR") + "\"]\n"
         "shutdown_timeout: 20s\n"
         "streams:\n"
         "  items:\n"
         "    columns:\n"
         "      - {name: id, type: int64}\n"
         "      - {name: label, type: string, nullable: true}\n"
         "    buffer: " + buffer + "\n"
         "    wal: " + wal + "\n"
         "    retry: {initial_delay: 50ms, max_delay: 500ms}\n"
         "    sinks:\n"
         "      - " + sink + "\n";
}

std::multiset<int64_t> StoredIds(const std::string& db) {
  return SqliteIds(db, "SELECT id FROM items");
}

// The ids the test sink wrote to its `record` file, one per line.
std::multiset<int64_t> RecordedIds(const std::string& path) {
  std::multiset<int64_t> ids;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) ids.insert(std::stoll(line));
  return ids;
}

bool WaitUntil(const std::function<bool()>& done, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    QTest::qWait(50);
  }
  return true;
}

// Acknowledged ids missing from `stored`, as "N missing, the first X".
std::string Missing(const std::set<int64_t>& acked, const std::multiset<int64_t>& stored) {
  int64_t n = 0, first = -1;
  for (int64_t id : acked)
    if (stored.count(id) == 0 && n++ == 0) first = id;
  return n == 0 ? "" : std::to_string(n) + " acknowledged events missing, the first " +
                           std::to_string(first);
}

size_t Duplicates(const std::multiset<int64_t>& stored) {
  return stored.size() - std::set<int64_t>(stored.begin(), stored.end()).size();
}

// Every answer was 202 or 503, and every 503 had a Retry-After.
std::string CheckOnly202And503(const NumberedLoad& load) {
  for (const auto& [code, n] : load.statuses())
    if (code != 202 && code != 503)
      return "unexpected HTTP " + std::to_string(code) + " (" + std::to_string(n) +
             " requests): " + load.first_bodies()[code];
  if (load.busy_without_retry_after() != 0)
    return std::to_string(load.busy_without_retry_after()) + " 503s without Retry-After";
  return "";
}

// The log's figures in /api/stats: no damage, not read-only, nothing
// undecodable. Returns "" when all is well.
std::string CheckLogIntact(const WalStatus& w) {
  if (!w.damage.empty()) return "damage reported: " + w.json;
  if (w.read_only || !w.error.empty()) return "the log turned read-only: " + w.json;
  if (w.unreadable_records != 0) return "unreadable records: " + w.json;
  return "";
}

}  // namespace

class DiskFullE2ETest : public QObject {
  Q_OBJECT

  // The stalled-sink cases: fills the log (on a tmpfs, or up to its cap)
  // until ingest refuses, lets the sink go, and checks that everything
  // acknowledged arrives and ingest resumes. `refusal` is a piece of the
  // 503's message.
  void RunStalledSink(const std::string& data_dir, const std::string& wal, bool cap,
                      const std::string& refusal, const std::string& label) {
    HostProcess host;
    const std::string gate = host.dir() + "/gate";
    const std::string record = host.dir() + "/ids.txt";
    std::ofstream(gate) << "closed\n";
    // A buffer that never fills first: the log is what runs out.
    const std::string buffer =
        "{max_events: 2000, max_bytes: 1GiB, flush_interval: 100ms, max_pending_batches: 100000}";
    const std::string sink = "{plugin: test_sink, options: {gate: \"" + gate + "\", record: \"" +
                             record + "\"}}";
    QVERIFY2(host.Start(Config(data_dir, wal, buffer, sink)), host.output().c_str());
    const auto started = Clock::now();

    NumberedLoad::Options o;
    o.port = host.ingest_port();
    o.clients = 2;
    o.events_per_request = 100;
    o.pad = 200;  // about 25 KiB per request in the log
    o.pause_after_refusal_ms = 50;
    NumberedLoad load(o);
    load.Start();
    // Full once refusals come in a row (both clients refused 10 times each).
    const bool full = WaitUntil([&] { return load.consecutive_busy() >= 20; }, 40000);
    const auto full_at = Clock::now();
    QTest::qWait(1000);  // stay full a while: still only 503s, the host stays up
    load.Stop();
    QVERIFY2(full, ("never refused: " + NumberedLoad::Describe(load.statuses()) + "\n" +
                    host.output())
                       .c_str());
    const std::string bad = CheckOnly202And503(load);
    QVERIFY2(bad.empty(), (bad + "\n" + host.output()).c_str());
    const std::string busy_body = load.first_bodies()[503];
    qInfo("%s: full after %.1f s; first 503: %s", label.c_str(),
          std::chrono::duration<double>(full_at - started).count(), busy_body.c_str());
    QVERIFY2(busy_body.find(refusal) != std::string::npos, busy_body.c_str());
    QCOMPARE(host.Admin("GET", "/healthz").status, 200);
    const std::set<int64_t> acked_full = load.acked();
    QVERIFY2(acked_full.size() > 1000, NumberedLoad::Describe(load.statuses()).c_str());
    WalStatus wal_full;
    std::string error;
    QVERIFY2(GetWalStatus(host, "items", &wal_full, &error), error.c_str());
    qInfo("%s: /api/stats wal while full: %s", label.c_str(), wal_full.json.c_str());
    QVERIFY2(CheckLogIntact(wal_full).empty(), CheckLogIntact(wal_full).c_str());
    QVERIFY2((cap ? wal_full.rejected_full : wal_full.rejected_no_space) > 0,
             wal_full.json.c_str());

    // Let the sink go: it catches up, the log's segments are deleted, and
    // ingest is answered 202 again.
    std::filesystem::remove(gate);
    const bool caught_up = WaitUntil(
        [&] { return Missing(acked_full, RecordedIds(record)).empty(); }, 30000);
    QVERIFY2(caught_up, (Missing(acked_full, RecordedIds(record)) + "\n" + host.output()).c_str());
    HttpResult again;
    const bool resumed = WaitUntil(
        [&] {
          again = host.Ingest("POST", "/v1/streams/items/events", NumberedItems(900000000, 10),
                              "application/x-ndjson");
          return again.status == 202;
        },
        10000);
    QVERIFY2(resumed, (std::to_string(again.status) + " " + again.body).c_str());
    // A second, lighter load against the emptied log: no refusal.
    NumberedLoad::Options o2 = o;
    o2.first_id = 50000000;
    o2.events_per_request = 20;
    o2.pad = 0;
    o2.pause_ms = 5;
    NumberedLoad load2(o2);
    load2.Start();
    QTest::qWait(1000);
    load2.Stop();
    QCOMPARE(NumberedLoad::Describe(load2.statuses()).find("503"), std::string::npos);
    QVERIFY2(CheckOnly202And503(load2).empty(), CheckOnly202And503(load2).c_str());
    QVERIFY(!load2.acked().empty());

    QVERIFY2(FlushHost(host, 30, &error), error.c_str());
    SinkStatus status;
    QVERIFY2(GetSinkStatus(host, "items", "test_sink", &status, &error), error.c_str());
    QCOMPARE(status.state, std::string("ok"));
    QCOMPARE(status.failed_rows, int64_t{0});
    WalStatus wal_end;
    QVERIFY2(GetWalStatus(host, "items", &wal_end, &error), error.c_str());
    QVERIFY2(CheckLogIntact(wal_end).empty(), CheckLogIntact(wal_end).c_str());
    QCOMPARE(host.Terminate(), 0);

    std::set<int64_t> acked = load.acked();
    for (int64_t id : load2.acked()) acked.insert(id);
    for (int64_t id = 900000000; id < 900000010; ++id) acked.insert(id);
    const std::multiset<int64_t> stored = RecordedIds(record);
    const std::string missing = Missing(acked, stored);
    QVERIFY2(missing.empty(), (missing + "\n" + host.output()).c_str());
    std::string verify;
    const std::string wal_dir = data_dir + "/wal/items";
    QVERIFY2(RunSinkhostCli({"wal", "verify", QString::fromStdString(wal_dir)}, &verify) == 0,
             verify.c_str());
    qInfo("%s: events sent %lld, acknowledged %zu (%zu before the sink was let go), 503s %lld, "
          "answers %s; delivered rows %zu, duplicates %zu; %.1f s",
          label.c_str(), static_cast<long long>(load.sent_events() + load2.sent_events()),
          acked.size(),
          acked_full.size(), static_cast<long long>(load.status_count(503)),
          NumberedLoad::Describe(load.statuses()).c_str(), stored.size(), Duplicates(stored),
          std::chrono::duration<double>(Clock::now() - started).count());
  }

 private slots:
  // A filler file takes the last free bytes of the tmpfs under the log
  // while a SQLite sink (on another disk) keeps up: 503 + Retry-After until
  // the filler is removed, then 202 again; nothing acknowledged is lost.
  void aFullDiskAnswers503UntilSpaceReturns() {
    Tmpfs tmpfs;
    std::string error;
    QVERIFY2(tmpfs.Mount(kTmpfsSize, &error), error.c_str());
    HostProcess host;
    const std::string data_dir = tmpfs.path() + "/data";
    QVERIFY2(host.Start(Config(data_dir, "{segment_size: 64KiB}",
                               "{max_events: 500, flush_interval: 100ms}",
                               "{plugin: sqlite, options: {path: \"{dir}/items.db\", table: items}}")),
             host.output().c_str());
    const auto started = Clock::now();

    NumberedLoad::Options o;
    o.port = host.ingest_port();
    o.clients = 2;
    o.events_per_request = 20;
    o.pause_ms = 2;
    NumberedLoad load(o);
    load.Start();
    QTest::qWait(1000);
    QCOMPARE(load.status_count(503), int64_t{0});

    const std::string filler = tmpfs.path() + "/filler";
    const int64_t filled = FillDisk(filler, &error);
    QVERIFY2(filled >= 0, error.c_str());
    const size_t acked_at_fill = load.acked().size();
    // The sink keeps confirming, and each segment it frees lets a few more
    // requests in before the disk is full again: 503s come in bursts.
    const bool refused = WaitUntil([&] { return load.status_count(503) >= 50; }, 10000);
    QTest::qWait(2000);  // full for a while: 503s, no other error, and the host stays up
    const int64_t busy_full = load.status_count(503);
    const size_t acked_full = load.acked().size();
    QVERIFY2(refused, ("no 503 with the disk full: " + NumberedLoad::Describe(load.statuses()) +
                       "\n" + host.output())
                          .c_str());
    QCOMPARE(host.Admin("GET", "/healthz").status, 200);
    std::string bad = CheckOnly202And503(load);
    QVERIFY2(bad.empty(), (bad + "\n" + host.output()).c_str());
    const std::string busy_body = load.first_bodies()[503];
    qInfo("filler of %lld bytes; %zu events acknowledged and %lld requests refused while the "
          "disk was full; first 503: %s",
          static_cast<long long>(filled), acked_full - acked_at_fill,
          static_cast<long long>(busy_full), busy_body.c_str());
    QVERIFY2(busy_body.find("No space left on device") != std::string::npos, busy_body.c_str());
    WalStatus wal_full;
    QVERIFY2(GetWalStatus(host, "items", &wal_full, &error), error.c_str());
    qInfo("/api/stats wal while full: %s", wal_full.json.c_str());
    QVERIFY2(CheckLogIntact(wal_full).empty(), CheckLogIntact(wal_full).c_str());
    QVERIFY2(wal_full.rejected_no_space > 0, wal_full.json.c_str());

    // Space returns: requests are answered 202 again, under the same load.
    std::filesystem::remove(filler);
    const bool resumed = WaitUntil([&] { return load.acked().size() > acked_full + 1000; }, 10000);
    QVERIFY2(resumed, ("no 202 after the filler went: " +
                       NumberedLoad::Describe(load.statuses()) + "\n" + host.output())
                          .c_str());
    const int64_t busy_after_free = load.status_count(503);
    QTest::qWait(1000);
    load.Stop();
    // Requests already on their way may still have met the full disk, none
    // after the first 202s had come back.
    QCOMPARE(load.status_count(503), busy_after_free);
    bad = CheckOnly202And503(load);
    QVERIFY2(bad.empty(), (bad + "\n" + host.output()).c_str());

    QVERIFY2(FlushHost(host, 30, &error), error.c_str());
    SinkStatus status;
    QVERIFY2(GetSinkStatus(host, "items", "sqlite", &status, &error), error.c_str());
    QCOMPARE(status.state, std::string("ok"));
    QCOMPARE(status.failed_rows, int64_t{0});
    WalStatus wal_end;
    QVERIFY2(GetWalStatus(host, "items", &wal_end, &error), error.c_str());
    QVERIFY2(CheckLogIntact(wal_end).empty(), CheckLogIntact(wal_end).c_str());
    QCOMPARE(host.Terminate(), 0);

    const std::set<int64_t> acked = load.acked();
    const std::multiset<int64_t> stored = StoredIds(host.dir() + "/items.db");
    const std::string missing = Missing(acked, stored);
    QVERIFY2(missing.empty(), (missing + "\n" + host.output()).c_str());
    std::string verify;
    QVERIFY2(RunSinkhostCli({"wal", "verify", QString::fromStdString(data_dir + "/wal/items")},
                            &verify) == 0,
             verify.c_str());
    qInfo("filler: events sent %lld, acknowledged %zu, 503s %lld (%lld while full), answers %s; "
          "stored rows %zu, duplicates %zu; %.1f s",
          static_cast<long long>(load.sent_events()), acked.size(),
          static_cast<long long>(load.status_count(503)), static_cast<long long>(busy_full),
          NumberedLoad::Describe(load.statuses()).c_str(), stored.size(), Duplicates(stored),
          std::chrono::duration<double>(Clock::now() - started).count());
  }

  // A stalled sink lets the log grow until the tmpfs is full (ENOSPC, the
  // cap of 1 GiB is far away).
  void aStalledSinkFillsTheDiskAndIngestResumesWhenItCatchesUp() {
    Tmpfs tmpfs;
    std::string error;
    QVERIFY2(tmpfs.Mount(kTmpfsSize, &error), error.c_str());
    RunStalledSink(tmpfs.path() + "/data", "{segment_size: 256KiB}", false, "No space left on device",
                   "tmpfs full");
  }

  // The same on an ordinary disk with `wal.max_size: 1MiB`: refused at the
  // cap before anything is written.
  void aStalledSinkFillsTheLogToItsCap() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    RunStalledSink(dir.path().toStdString() + "/data", "{segment_size: 64KiB, max_size: 1MiB}",
                   true, "is full", "max_size cap");
  }
};

QTEST_GUILESS_MAIN(DiskFullE2ETest)
#include "disk_full_e2e_test.moc"
