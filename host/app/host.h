// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Host: the running sinkhost server — the streams built from a HostConfig
// and the two HTTP listeners in front of them.
//
//   Create:  data_dir, plugins, sinks opened, both sockets bound; nothing runs
//   Start:   sink threads and buffer timers, then the listeners serve
//   Stop:    ingest listener stops (requests in progress finish and answer),
//            every stream is shut down (each buffer flushed to every sink,
//            within shutdown_timeout), then the admin listener stops
//
// Any failure in Create leaves nothing running and an error naming what
// failed (stream, sink, plugin file, listen address).
//
// Thread safety: Create, Start and Stop from one controlling thread (main);
// Snapshot and the accessors from any thread while running.
#ifndef SINKHOST_HOST_APP_HOST_H_
#define SINKHOST_HOST_APP_HOST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/app/stream_set.h"
#include "host/config/host_config.h"
#include "host/http/admin_handlers.h"
#include "host/http/http_server.h"
#include "host/http/ingest_handlers.h"
#include "host/http/rate_limiter.h"
#include "host/http/request_counters.h"
#include "host/stats/host_snapshot.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

class Host {
 public:
  static Status Create(const HostConfig& config, std::unique_ptr<Host>* out);
  ~Host();  // Stop() if started

  void Start();
  // Returns the rows left undelivered at shutdown (0 on a clean stop).
  // Idempotent.
  int64_t Stop();
  // After Stop: a sink's call into its plugin in this process never
  // returned (its thread is still in the plugin). The host must then not
  // be destroyed: the process exits at once (main uses std::_Exit).
  bool stuck_at_stop() const;

  uint16_t ingest_port() const;
  uint16_t admin_port() const;  // 0 when the admin listener is disabled
  const StreamSet& streams() const { return *streams_; }
  HostSnapshot Snapshot() const;

 private:
  Host() = default;

  // Constant after Create.
  HostConfig config_;
  std::vector<std::string> plugin_dirs_;
  std::unique_ptr<StreamSet> streams_;
  std::unique_ptr<RequestCounters> ingest_counters_;
  std::unique_ptr<RateLimiter> rate_limiter_;  // null without ingest.rate_limit
  std::unique_ptr<RequestCounters> admin_counters_;
  std::unique_ptr<HttpServer> ingest_;
  std::unique_ptr<HttpServer> admin_;  // null when disabled
  // Set by Start; used by the servers' threads until they stop.
  std::unique_ptr<IngestHandler> ingest_handler_;
  std::unique_ptr<AdminHandler> admin_handler_;
  WallClock::time_point started_at_;
  Clock::time_point started_steady_;

  // Used by the controlling thread only.
  bool started_ = false;
  bool stopped_ = false;
  int64_t undelivered_ = 0;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_HOST_H_
