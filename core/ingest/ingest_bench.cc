// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// In-process throughput of the ingest parsers (no HTTP): events per second
// for 1,000-event bulk requests on a custom and on the plausible schema, and
// for single /api/event bodies. Not a test; run by hand:
//   ninja -C build sinkhost_ingest_bench && build/bin/sinkhost_ingest_bench [filter]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/batch/row_batch.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"

using namespace sinkhost;

namespace {

using Clock = std::chrono::steady_clock;

const char* g_filter = nullptr;  // argv[1]: run only cases whose name contains it

template <typename Fn>
void Run(const char* what, int64_t events_per_call, Fn&& fn) {
  if (g_filter != nullptr && std::strstr(what, g_filter) == nullptr) return;
  for (int i = 0; i < 20; ++i) fn();  // warm-up: buffers reach their size
  int64_t calls = 0;
  const auto start = Clock::now();
  double secs = 0;
  do {
    for (int i = 0; i < 50; ++i) fn();
    calls += 50;
    secs = std::chrono::duration<double>(Clock::now() - start).count();
  } while (secs < 1.0);
  std::printf("%-44s %10.0f events/s\n", what, double(calls * events_per_call) / secs);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) g_filter = argv[1];
  Schema custom;
  Status st = Schema::Make(Schema::Kind::kCustom,
                           {{"ts", ColumnType::kTimestamp, false, NowDefault{}},
                            {"user_id", ColumnType::kInt64, false, {}},
                            {"action", ColumnType::kString, false, {}},
                            {"path", ColumnType::kString, true, {}},
                            {"amount", ColumnType::kFloat64, true, {}},
                            {"ok", ColumnType::kBool, false, true}},
                           &custom);
  if (!st.ok()) return 1;
  std::string ndjson, array = "[";
  for (int i = 0; i < 1000; ++i) {
    std::string line = R"({"ts":"2024-05-01T12:00:00.123Z","user_id":)" + std::to_string(i) +
                       R"(,"action":"click","path":"/products/)" + std::to_string(i) +
                       R"(","amount":12.5,"ok":true})";
    ndjson += line + "\n";
    array += (i ? "," : "") + line;
  }
  array += "]";
  std::string plausible_ndjson;
  const std::string event =
      R"({"n":"pageview","u":"https://www.example.com/blog/post-1?utm_source=x","d":"example.com",)"
      R"("r":"https://news.ycombinator.com/","w":1440})";
  for (int i = 0; i < 1000; ++i) plausible_ndjson += event + "\n";

  RequestContext ctx{1714564800000000, "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0"};
  IngestError error;
  BulkParser bulk;
  PlausibleEventParser api;
  RowBatch custom_rows(custom), plausible_rows(Schema::Plausible());

  Run("bulk NDJSON, custom schema (1000/request)", 1000, [&] {
    custom_rows.Clear();
    if (!bulk.Parse(ndjson, ctx, false, &custom_rows, &error)) std::abort();
  });
  Run("bulk array, custom schema (1000/request)", 1000, [&] {
    custom_rows.Clear();
    if (!bulk.Parse(array, ctx, false, &custom_rows, &error)) std::abort();
  });
  Run("bulk NDJSON, plausible schema (1000/request)", 1000, [&] {
    plausible_rows.Clear();
    if (!bulk.Parse(plausible_ndjson, ctx, false, &plausible_rows, &error)) std::abort();
  });
  Run("/api/event, one event per body", 1, [&] {
    if (plausible_rows.num_rows() > 10000) plausible_rows.Clear();
    if (!api.Parse(event, ctx, &plausible_rows, &error)) std::abort();
  });
  return 0;
}
