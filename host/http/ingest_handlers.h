// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The ingest listener's endpoints:
//
//   POST    /api/event                    Plausible-compatible event (202 "ok")
//   POST    /v1/streams/{stream}/events   NDJSON or JSON array (202 {"accepted":N})
//   OPTIONS both                          CORS preflight (204)
//
// Every answer carries Access-Control-Allow-Origin: * (the server's fixed
// headers), so the official Plausible tracker works from any site. Bad
// input is answered 4xx with a JSON body naming the problem and never
// reaches a stream; a full log is 503 with Retry-After; a client over its
// rate limit (when one is set) is 429 with Retry-After, before its body is
// read. Bodies may be sent with Content-Encoding: gzip or deflate. Status
// codes and bodies: docs/configuration.md.
//
// Hot path (/api/event): parsed straight from the connection's buffer by a
// per-thread parser into per-thread scratch rows, the target stream
// resolved once at startup. The events of every request an event loop
// reads together are accepted together at the end of its batch
// (FinishBatch): one write-ahead-log record, one lock, one write for all of
// them, and only then is each answered 202. A stream whose Accept can wait
// (wal.fsync: always waits for its fsync; a stream without a log waits for
// buffer room) is handled on the server's blocking threads instead of an
// event loop (MayBlock).
//
// Thread safety: one handler serves every server thread; it only reads
// IngestEndpoints, which must outlive the server.
#ifndef SINKHOST_HOST_HTTP_INGEST_HANDLERS_H_
#define SINKHOST_HOST_HTTP_INGEST_HANDLERS_H_

#include <cstdint>

#include "host/app/stream_set.h"
#include "host/http/http_handler.h"
#include "host/http/rate_limiter.h"

namespace sinkhost {

struct IngestEndpoints {
  const StreamSet* streams = nullptr;
  uint64_t max_body = 10u << 20;
  // Per-client limit on POSTs (429 with Retry-After); null: none.
  RateLimiter* rate_limiter = nullptr;
  bool trust_forwarded_for = false;  // client = first X-Forwarded-For address
  // Proxies whose X-Forwarded-For / X-Real-IP name the client (enrichment,
  // and the rate limit when set).
  int trusted_proxy_hops = 0;
};

class IngestHandler final : public HttpHandler {
 public:
  explicit IngestHandler(IngestEndpoints endpoints) : e_(endpoints) {}

  bool OnHead(const HttpRequest& request, HttpResponse* response) override;
  bool MayBlock(const HttpRequest& request) const override;
  void Handle(const HttpRequest& request, HttpResponse* response) override;
  void FinishBatch(const std::vector<HttpResponse*>& deferred) override;

 private:
  void PostEvent(const HttpRequest& request, HttpResponse* response);
  void PostBulk(const HttpRequest& request, const StreamSet::Entry& entry, HttpResponse* response);
  bool WithinRateLimit(const HttpRequest& request, HttpResponse* response);

  const IngestEndpoints e_;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_INGEST_HANDLERS_H_
