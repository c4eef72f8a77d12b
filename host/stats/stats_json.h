// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The admin API's JSON documents, built with Poco::JSON: GET /api/stats
// (StatsToJson) and POST /api/flush (FlushToJson). Streams and sinks are
// objects keyed by name, in config order. Times are ISO-8601 UTC with
// microseconds. The shapes are documented in docs/configuration.md.
//
// Thread safety: pure functions.
#ifndef SINKHOST_HOST_STATS_STATS_JSON_H_
#define SINKHOST_HOST_STATS_STATS_JSON_H_

#include <Poco/JSON/Object.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/stream/stream.h"
#include "host/stats/host_snapshot.h"

namespace sinkhost {

Poco::JSON::Object::Ptr StatsToJson(const HostSnapshot& snapshot);

// GET /api/stats?recent_since=TIME: keeps in each sink's `recent` only the
// flushes that finished after `since_us` (microseconds since the epoch), so
// a client polling every second fetches what is new, not the whole history
// each time. `last_flush` is not affected.
void KeepRecentAfter(int64_t since_us, HostSnapshot* snapshot);

// `completed` is false when some sink did not finish before the deadline.
Poco::JSON::Object::Ptr FlushToJson(const std::vector<FlushOutcome>& outcomes,
                                    int64_t timeout_ms, double elapsed_ms);

// Compact (indent 0) or indented text of a JSON object.
std::string JsonText(const Poco::JSON::Object::Ptr& object, unsigned indent = 0);

// "2026-11-24T16:18:54.123456Z".
std::string IsoTimestamp(WallClock::time_point t);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_STATS_STATS_JSON_H_
