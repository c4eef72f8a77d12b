// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// In-process ingest: producer threads hand already-parsed one-event rows to
// sinkhost's Stream::Accept (the acknowledgement point the HTTP handlers
// call: the write buffer, sealing at 10,000 events, hand-over to a sink
// thread) and, for comparison, the same loop pushing the same events into a
// plain std::vector behind a std::mutex, swapped out to a consumer thread
// at 10,000 events.
//
//   bench_ingest stream|stream-wal|vector THREADS SECONDS PLUGIN_DIR [EVENTS]
//
// Prints one line: "<events/s>". With EVENTS, each thread pushes exactly
// that many events and SECONDS is ignored: for valgrind --tool=callgrind,
// whose instruction counts are then per a known number of events. Parsing is not part of the loop (it is
// measured by bench_parse and by the HTTP figures); this is the cost of
// getting a parsed event into the buffer, which every request pays under
// the stream's locks. Each producer cycles through its own kPool events,
// which stay in its cache, as the HTTP handler's per-thread row batch does
// (a pool larger than the cache measures cache misses instead).
//
// In mode `stream` the stream has no write-ahead log (StreamOptions::wal_dir
// empty): the buffer's own cost, the figure the target is about.
// Mode `stream-wal` gives it one in a temporary folder, with the host's
// default policy (fsync: interval), as every host stream has: what
// POST /api/event pays per event below HTTP (with THREADS 64, as many
// producers as the host's ingest threads).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_events.h"
#include "core/plugin/plugin_library.h"
#include "core/stream/stream.h"

using namespace sinkhost;

namespace {

constexpr int kBatchEvents = 10000;
constexpr int kPool = 8;  // events per producer thread

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_ingest: %s\n", what.c_str());
  std::exit(1);
}

// The vector loop's event: what a straightforward collector would keep.
struct PlainEvent {
  int64_t timestamp = 0;
  std::string name, domain, url, hostname, pathname, referrer, props, user_agent;
  int64_t screen_width = 0;
};

PlainEvent ToPlain(const RowBatch& rows, int64_t r) {
  namespace pc = plausible_columns;
  auto str = [&](int c) {
    return rows.column(c).IsNull(r) ? std::string() : std::string(rows.column(c).String(r));
  };
  PlainEvent e;
  e.timestamp = rows.column(pc::kTimestamp).Int64(r);
  e.name = str(pc::kName);
  e.domain = str(pc::kDomain);
  e.url = str(pc::kUrl);
  e.hostname = str(pc::kHostname);
  e.pathname = str(pc::kPathname);
  e.referrer = str(pc::kReferrer);
  e.props = str(pc::kProps);
  e.user_agent = str(pc::kUserAgent);
  e.screen_width = rows.column(pc::kScreenWidth).IsNull(r) ? 0 : rows.column(pc::kScreenWidth).Int64(r);
  return e;
}

// Runs `threads` producers calling push(thread, i) until `seconds` pass;
// returns events per second.
uint64_t g_fixed_events = 0;  // > 0: each thread pushes exactly this many

template <typename Push>
double Produce(int threads, double seconds, Push&& push) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> ts;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      uint64_t n = 0;
      if (g_fixed_events > 0) {
        while (n < g_fixed_events) push(t, n++);
      } else {
        while (!stop.load(std::memory_order_relaxed)) {
          for (int k = 0; k < 64; ++k) push(t, n++);
        }
      }
      total += n;
    });
  }
  if (g_fixed_events == 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : ts) t.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return double(total.load()) / secs;
}

// Each thread's own events, made on that thread's behalf up front.
using Pools = std::vector<std::vector<std::unique_ptr<RowBatch>>>;
Pools MakePools(int threads) {
  Pools pools(threads);
  for (int t = 0; t < threads; ++t)
    for (int i = 0; i < kPool; ++i) pools[t].push_back(bench::Rows(t * kPool + i, 1));
  return pools;
}

double RunStream(int threads, double seconds, const std::string& plugin_dir, bool wal) {
  const Pools pools = MakePools(threads);
  std::shared_ptr<PluginLibrary> lib;
  if (Status st = PluginLibrary::Find("discard", {plugin_dir}, &lib); !st.ok()) Die(st.ToString());
  std::unique_ptr<SinkInstance> sink;
  if (Status st = SinkInstance::Create(lib, {}, &sink); !st.ok()) Die(st.ToString());
  std::vector<StreamSinkSpec> sinks;
  sinks.push_back({"discard", std::move(sink)});
  StreamOptions options;  // the host's defaults: 10,000 events, 16 MiB, 5 s, block
  options.buffer.max_events = kBatchEvents;
  std::string wal_dir;
  if (wal) {
    char tmpl[] = "/tmp/bench_ingest_wal.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
    wal_dir = tmpl;
    options.wal_dir = wal_dir + "/events";
  }
  std::unique_ptr<Stream> stream;
  if (Status st = Stream::Create("events", Schema::Plausible(), std::move(options),
                                 std::move(sinks), &stream);
      !st.ok())
    Die(st.ToString());
  stream->Start();
  const double rate = Produce(threads, seconds, [&](int t, uint64_t i) {
    if (Status st = stream->Accept(*pools[t][i % kPool]); !st.ok()) Die(st.ToString());
  });
  stream->Shutdown(std::chrono::seconds(30));
  stream.reset();
  if (!wal_dir.empty()) std::filesystem::remove_all(wal_dir);
  return rate;
}

double RunVector(int threads, double seconds) {
  const Pools pools = MakePools(threads);
  std::vector<std::vector<PlainEvent>> plain(threads);
  for (int t = 0; t < threads; ++t)
    for (const auto& e : pools[t]) plain[t].push_back(ToPlain(*e, 0));
  std::mutex mu;
  std::vector<PlainEvent> open;  // guarded by mu
  open.reserve(kBatchEvents);
  // Full vectors go to a consumer thread that drops them, as a sink would.
  std::mutex q_mu;
  std::condition_variable q_cv;
  std::deque<std::vector<PlainEvent>> queue;  // guarded by q_mu
  bool done = false;                          // guarded by q_mu
  std::thread consumer([&] {
    std::unique_lock<std::mutex> lock(q_mu);
    for (;;) {
      q_cv.wait(lock, [&] { return done || !queue.empty(); });
      if (queue.empty()) return;
      std::vector<PlainEvent> batch = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      batch.clear();  // frees the strings here, not under a producer's lock
      lock.lock();
    }
  });
  const double rate = Produce(threads, seconds, [&](int t, uint64_t i) {
    std::vector<PlainEvent> full;
    {
      std::lock_guard<std::mutex> lock(mu);
      open.push_back(plain[t][i % kPool]);
      if (open.size() < size_t(kBatchEvents)) return;
      full.swap(open);
      open.reserve(kBatchEvents);
    }
    std::lock_guard<std::mutex> lock(q_mu);
    queue.push_back(std::move(full));
    q_cv.notify_one();
  });
  {
    std::lock_guard<std::mutex> lock(q_mu);
    done = true;
  }
  q_cv.notify_one();
  consumer.join();
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6)
    Die("usage: bench_ingest stream|stream-wal|vector THREADS SECONDS PLUGIN_DIR [EVENTS]");
  if (argc == 6) g_fixed_events = std::strtoull(argv[5], nullptr, 10);
  const std::string mode = argv[1];
  const int threads = std::atoi(argv[2]);
  const double seconds = std::atof(argv[3]);
  double rate = 0;
  if (mode == "stream") rate = RunStream(threads, seconds, argv[4], false);
  else if (mode == "stream-wal") rate = RunStream(threads, seconds, argv[4], true);
  else if (mode == "vector") rate = RunVector(threads, seconds);
  else Die("unknown mode " + mode);
  std::printf("%.0f\n", rate);
  return 0;
}
