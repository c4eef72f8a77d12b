// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// RequestCounters: HTTP responses of one listener counted by status code,
// for sinkhost_http_requests_total{listener,code}. Counting is one relaxed
// atomic increment, so the ingest hot path takes no lock.
//
// Thread safety: Count and Snapshot may run concurrently from any thread.
#ifndef SINKHOST_HOST_HTTP_REQUEST_COUNTERS_H_
#define SINKHOST_HOST_HTTP_REQUEST_COUNTERS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host/stats/host_snapshot.h"

namespace sinkhost {

class RequestCounters {
 public:
  explicit RequestCounters(std::string listener) : listener_(std::move(listener)) {
    for (auto& c : by_code_) c.store(0, std::memory_order_relaxed);
  }
  RequestCounters(const RequestCounters&) = delete;
  RequestCounters& operator=(const RequestCounters&) = delete;

  const std::string& listener() const { return listener_; }

  // Codes outside 100-599 count as 0 (never sent by this host).
  void Count(int status) {
    const size_t i = status >= 100 && status < 600 ? static_cast<size_t>(status) : 0;
    by_code_[i].fetch_add(1, std::memory_order_relaxed);
  }

  ListenerSnapshot Snapshot() const {
    ListenerSnapshot s;
    s.name = listener_;
    for (size_t i = 0; i < by_code_.size(); ++i) {
      const uint64_t n = by_code_[i].load(std::memory_order_relaxed);
      if (n > 0) s.requests_by_code.emplace_back(static_cast<int>(i), n);
    }
    return s;
  }

 private:
  const std::string listener_;
  std::array<std::atomic<uint64_t>, 600> by_code_;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_REQUEST_COUNTERS_H_
