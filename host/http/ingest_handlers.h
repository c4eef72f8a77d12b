// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The ingest listener's endpoints:
//
//   POST    /api/event                    Plausible-compatible event (202 "ok")
//   POST    /v1/streams/{stream}/events   NDJSON or JSON array (202 {"accepted":N})
//   OPTIONS both                          CORS preflight (204)
//
// Every answer carries Access-Control-Allow-Origin: *, so the official
// Plausible tracker works from any site. Bad input is answered 4xx with a
// JSON body naming the problem and never reaches a stream; a full buffer is
// 503 with Retry-After; a client over its rate limit (when one is set) is
// 429 with Retry-After. Status codes and bodies: docs/configuration.md.
//
// Hot path (/api/event): the body buffer, the parser and the scratch
// RowBatch are per thread and reused, the target stream is resolved once at
// startup, and the only lock taken is the stream buffer's.
//
// Thread safety: the factory is shared by all server threads; it and the
// handlers only read IngestEndpoints, which must outlive the listener.
#ifndef SINKHOST_HOST_HTTP_INGEST_HANDLERS_H_
#define SINKHOST_HOST_HTTP_INGEST_HANDLERS_H_

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <cstdint>

#include "host/app/stream_set.h"
#include "host/http/rate_limiter.h"
#include "host/http/request_counters.h"

namespace sinkhost {

struct IngestEndpoints {
  const StreamSet* streams = nullptr;
  uint64_t max_body = 10u << 20;
  RequestCounters* counters = nullptr;
  // Per-client limit on POSTs (429 with Retry-After); null: none.
  RateLimiter* rate_limiter = nullptr;
  bool trust_forwarded_for = false;  // client = first X-Forwarded-For address
};

class IngestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit IngestHandlerFactory(IngestEndpoints endpoints);
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  const IngestEndpoints endpoints_;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_INGEST_HANDLERS_H_
