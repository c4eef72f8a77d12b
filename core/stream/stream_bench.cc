// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// What the write-ahead log costs Stream::Accept: events per second through
// Accept (rows already parsed, a sink that discards them) without a log and
// under each fsync policy, for 1,000-event bulk requests and single events,
// from 1 and from 4 threads (group commit). The log goes to a temporary
// directory under $TMPDIR (default /tmp), so the disk there is what is measured.
// Not a test; run by hand:
//   ninja -C build sinkhost_stream_bench && build/bin/sinkhost_stream_bench [filter]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/ingest/ingest.h"
#include "core/stream/stream.h"

using namespace sinkhost;

namespace {

using Clock = std::chrono::steady_clock;

struct Case {
  const char* log;  // "none" or a policy name
  int threads;
  int rows_per_request;
};

double Measure(const Case& c, const RowBatch& bulk, const RowBatch& single,
               const std::string& tmp) {
  std::shared_ptr<PluginLibrary> lib;
  if (!PluginLibrary::Load(SINKHOST_BENCH_TEST_SINK, &lib).ok()) std::abort();
  std::vector<StreamSinkSpec> sinks(1);
  sinks[0].name = "discard";
  if (!SinkInstance::Create(lib, {}, &sinks[0].instance).ok()) std::abort();
  StreamOptions o;
  if (std::strcmp(c.log, "none") != 0) {
    o.wal_dir = tmp + "/" + c.log + "-" + std::to_string(c.threads) + "-" +
                std::to_string(c.rows_per_request);
    if (!ParseFsyncPolicy(c.log, &o.wal.fsync)) std::abort();
  }
  std::unique_ptr<Stream> stream;
  if (!Stream::Create("bench", Schema::Plausible(), o, std::move(sinks), &stream).ok())
    std::abort();
  stream->Start();
  const RowBatch& rows = c.rows_per_request == 1 ? single : bulk;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> events{0};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < c.threads; ++t)
    threads.emplace_back([&] {
      int64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        Status st = stream->Accept(rows);
        if (st.ok()) n += rows.num_rows();
        else if (!st.IsBusy()) std::abort();
      }
      events += n;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop = true;
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  stream->Shutdown(std::chrono::seconds(30));
  return double(events.load()) / secs;
}

}  // namespace

int main(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : nullptr;
  const char* tmpdir = std::getenv("TMPDIR");
  std::string tmp = std::string(tmpdir != nullptr ? tmpdir : "/tmp") + "/sinkhost_stream_bench." +
                    std::to_string(::getpid());
  std::filesystem::create_directories(tmp);

  std::string ndjson;
  const std::string event =
      R"({"name":"pageview","url":"https://www.example.com/blog/post-1?utm_source=x",)"
      R"("domain":"example.com","referrer":"https://news.ycombinator.com/","screen_width":1440})";
  for (int i = 0; i < 1000; ++i) ndjson += event + "\n";
  RequestContext ctx{1714564800000000, "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0"};
  IngestError error;
  BulkParser parser;
  RowBatch bulk(Schema::Plausible()), single(Schema::Plausible());
  if (!parser.Parse(ndjson, ctx, false, &bulk, &error)) std::abort();
  if (!parser.Parse(event, ctx, false, &single, &error)) std::abort();

  std::printf("%-10s %7s %14s %14s\n", "log", "threads", "rows/request", "events/s");
  for (int rows : {1000, 1})
    for (int threads : {1, 4})
      for (const char* log : {"none", "never", "interval", "always"}) {
        const Case c{log, threads, rows};
        char name[64];
        std::snprintf(name, sizeof(name), "%s/%d/%d", log, threads, rows);
        if (filter != nullptr && std::strstr(name, filter) == nullptr) continue;
        std::printf("%-10s %7d %14d %14.0f\n", log, threads, rows, Measure(c, bulk, single, tmp));
        std::fflush(stdout);
      }
  std::filesystem::remove_all(tmp);
  return 0;
}
