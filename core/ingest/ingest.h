// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Ingest parsing: request bodies to typed rows, with simdjson.
//
// Every event is validated and converted to a row of the stream's schema
// here, at the door, so a bad event gets a 4xx naming what was wrong and a
// batch can never fail to convert at flush time. On any error nothing is
// appended to `rows` (requests are all-or-nothing).
//
// Thread safety: a parser object holds simdjson's reusable buffers and is
// used by one thread at a time (the HTTP layer keeps one per thread).
// Distinct parser objects may run concurrently.
#ifndef SINKHOST_CORE_INGEST_INGEST_H_
#define SINKHOST_CORE_INGEST_INGEST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/ingest/plausible_enrichment.h"
#include "core/schema/schema.h"

namespace sinkhost {

// What the server adds to each event.
struct RequestContext {
  RequestContext() = default;
  RequestContext(int64_t now, std::string_view ua) : now_us(now), user_agent(ua) {}

  int64_t now_us = 0;             // server time, microseconds since the epoch
  std::string_view user_agent;    // empty when the header is absent
  // The client's address in canonical text (IPv4 dotted, IPv6 compressed,
  // IPv4-mapped as IPv4: the peer, or what trusted proxies said; hashed into
  // the visitor id, never stored) and this thread's enrichment stage of the
  // stream, or null when the stream is not enriched (plausible_enrichment.h).
  std::string_view client_address;
  PlausibleEnrichment* enrichment = nullptr;
};

// One or more problems with a request. For /api/event the body is
// Plausible's shape, {"errors": {"field": ["message", ...]}}; for bulk
// requests {"error": {"line": N, "field": "...", "message": "..."}}.
struct IngestError {
  int http_status = 400;
  int64_t line = 0;  // 1-based line (bulk NDJSON) or element (bulk array); 0 if none
  // (field, message) pairs; field is "request" for body-level problems.
  std::vector<std::pair<std::string, std::string>> errors;

  std::string PlausibleJson() const;  // {"errors": {...}}
  std::string BulkJson() const;       // {"error": {"line":..,"field":..,"message":..}}
  std::string ToString() const;       // for logs: "line 3: url: must be a string"
};

// POST /api/event, Plausible-compatible. Holds reusable parse buffers.
class PlausibleEventParser {
 public:
  PlausibleEventParser();
  ~PlausibleEventParser();
  // Parses one event body (JSON object, tracker or long field names) and
  // appends one row per domain to `rows`, whose schema must be
  // Schema::Plausible(). Returns false and fills `error` on bad input. A
  // valid event the enrichment stage drops (a bot) appends no rows and
  // returns true: the request is accepted, as Plausible accepts it.
  bool Parse(std::string_view body, const RequestContext& ctx, RowBatch* rows, IngestError* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// POST /v1/streams/{stream}/events: NDJSON (one object per line; blank
// lines ignored) or one JSON array of objects. On a plausible-schema stream
// each object is a Plausible event with the long field names; otherwise its
// fields are matched to columns by name and converted to the column type.
class BulkParser {
 public:
  BulkParser();
  ~BulkParser();
  // `ignore_unknown_fields`: skip fields that are not columns instead of
  // refusing the request. Returns false and fills `error` on bad input.
  bool Parse(std::string_view body, const RequestContext& ctx, bool ignore_unknown_fields,
             RowBatch* rows, IngestError* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True when `text` is valid UTF-8 (used before any parsing).
bool IsValidUtf8(std::string_view text);

}  // namespace sinkhost

#endif  // SINKHOST_CORE_INGEST_INGEST_H_
