// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HostSnapshot: one consistent-enough picture of the running host, taken
// for the admin API (/api/stats as JSON, /metrics as Prometheus text). Each
// stream's numbers come from one Stream::Stats() call; streams and HTTP
// counters are read one after another, not atomically together.
//
// Thread safety: a plain value.
#ifndef SINKHOST_HOST_STATS_HOST_SNAPSHOT_H_
#define SINKHOST_HOST_STATS_HOST_SNAPSHOT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/enrich/plausible_enricher.h"
#include "core/stream/stream.h"

namespace sinkhost {

struct ListenerSnapshot {
  std::string name;  // "ingest" or "admin"
  std::vector<std::pair<int, uint64_t>> requests_by_code;  // codes with a count > 0
};

struct HostSnapshot {
  std::string version;
  int64_t started_at_us = 0;  // wall clock, microseconds since the epoch
  double uptime_seconds = 0;
  std::string plausible_stream;  // stream fed by POST /api/event, or empty
  std::vector<StreamStats> streams;
  // The enrichment stage of each stream that has one, by stream name.
  std::vector<std::pair<std::string, enrich::EnrichStats>> enrichment;
  std::vector<ListenerSnapshot> listeners;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_STATS_HOST_SNAPSHOT_H_
