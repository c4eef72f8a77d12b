// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The admin listener's endpoints (loopback by default):
//
//   GET  /healthz      200 {"status":"ok"}
//   GET  /api/stats    buffers, counters and per-sink delivery state (JSON);
//                      ?recent_since=TIME leaves older flushes out of `recent`
//   POST /api/flush    seal buffers now and wait for the sinks
//                      (?stream=NAME, ?timeout=30s); 200, or 504 when a sink
//                      did not finish in time
//   GET  /metrics      Prometheus text format 0.0.4
//   POST /api/quarantine/replay?sink=NAME[&stream=S]
//                      queue a sink's quarantined rows for delivery again;
//                      404 unknown sink or stream, 409 while one runs
//
// Shapes: docs/configuration.md. Every endpoint but /healthz may take a
// while (a flush waits for the sinks), so they run on the server's
// blocking threads, never on its event loop. With a token set, every
// endpoint but /healthz answers 401 unless the request carries
// "Authorization: Bearer <token>"; the comparison takes the same time
// whatever the guess.
//
// Thread safety: one handler serves every server thread; AdminEndpoints
// is read-only and must outlive the server.
#ifndef SINKHOST_HOST_HTTP_ADMIN_HANDLERS_H_
#define SINKHOST_HOST_HTTP_ADMIN_HANDLERS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "host/app/stream_set.h"
#include "host/http/http_handler.h"
#include "host/stats/host_snapshot.h"

namespace sinkhost {

struct AdminEndpoints {
  const StreamSet* streams = nullptr;
  std::function<HostSnapshot()> snapshot;
  int64_t default_flush_timeout_ms = 30000;
  std::string token;  // empty: no authentication (loopback only)
};

// Whether the Authorization header value `header` is "Bearer <token>",
// compared in constant time (digests of both, so not even the length of
// the token leaks).
bool BearerTokenMatches(std::string_view header, std::string_view token);

class AdminHandler final : public HttpHandler {
 public:
  explicit AdminHandler(AdminEndpoints endpoints) : e_(std::move(endpoints)) {}

  bool OnHead(const HttpRequest& request, HttpResponse* response) override;
  bool MayBlock(const HttpRequest& request) const override;
  void Handle(const HttpRequest& request, HttpResponse* response) override;

 private:
  void Stats(const HttpRequest& request, HttpResponse* response);
  void Flush(const HttpRequest& request, HttpResponse* response);
  void ReplayQuarantine(const HttpRequest& request, HttpResponse* response);

  const AdminEndpoints e_;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_ADMIN_HANDLERS_H_
