// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Appends per second into a write-ahead log under each fsync policy, with 1
// and 8 appending threads, on the file system of the given directory.
//
//   sinkhost_wal_bench [DIR] [SECONDS_PER_RUN] [PAYLOAD_BYTES]
//
// DIR defaults to $TMPDIR or /tmp; each run uses a fresh log under it and
// removes it afterwards.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/wal/write_ahead_log.h"

using namespace sinkhost;

namespace {

struct Result {
  uint64_t appends = 0;
  double seconds = 0;
  uint64_t fsyncs = 0;
};

Result Run(const std::string& dir, FsyncPolicy policy, int threads, double seconds,
           size_t payload_bytes) {
  WalOptions o;
  o.fsync = policy;
  o.fsync_interval_ms = 100;
  o.max_total_bytes = 0;
  std::unique_ptr<WriteAheadLog> log;
  Status st = WriteAheadLog::Open(dir, o, &log);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    std::exit(1);
  }
  const std::string payload(payload_bytes, 'x');
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> appends{0};
  std::vector<std::thread> ts;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!log->Append(payload).ok()) std::abort();
        ++n;
      }
      appends += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : ts) t.join();
  Result r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.appends = appends.load();
  r.fsyncs = log->Stats().fsyncs;
  log.reset();
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string base = argc > 1 ? argv[1] : (tmp != nullptr ? tmp : "/tmp");
  const double seconds = argc > 2 ? std::atof(argv[2]) : 1.0;
  const size_t payload = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 256;
  std::printf("write-ahead log, %zu-byte records, %.1f s a run, under %s\n", payload, seconds,
              base.c_str());
  std::printf("%-9s %7s %12s %9s %10s %14s\n", "policy", "threads", "appends/s", "MB/s", "fsyncs",
              "appends/fsync");
  int run = 0;
  for (FsyncPolicy p : {FsyncPolicy::kAlways, FsyncPolicy::kInterval, FsyncPolicy::kNever}) {
    for (int threads : {1, 8}) {
      const std::string dir = base + "/sinkhost_wal_bench." + std::to_string(::getpid()) + "." +
                              std::to_string(run++);
      Result r = Run(dir, p, threads, seconds, payload);
      const double rate = r.appends / r.seconds;
      std::printf("%-9s %7d %12.0f %9.1f %10llu %14s\n", FsyncPolicyName(p), threads, rate,
                  rate * (payload + 24) / 1e6, (unsigned long long)r.fsyncs,
                  r.fsyncs ? std::to_string(r.appends / r.fsyncs).c_str() : "-");
    }
  }
  return 0;
}
