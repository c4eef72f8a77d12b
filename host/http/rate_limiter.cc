// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace sinkhost {

RateLimiter::RateLimiter(double per_second, double burst)
    : per_second_(per_second), burst_(std::max(burst, 1.0)) {}

bool RateLimiter::Allow(std::string_view client, Clock::time_point now, int64_t* retry_after_ms) {
  Shard& shard = shards_[std::hash<std::string_view>{}(client) % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(client);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kPruneAbove) PruneLocked(shard, now);
    it = shard.buckets.emplace(std::string(client), Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(burst_, b.tokens + std::max(elapsed, 0.0) * per_second_);
  b.updated = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  *retry_after_ms = static_cast<int64_t>(std::ceil((1.0 - b.tokens) / per_second_ * 1000.0));
  return false;
}

void RateLimiter::PruneLocked(Shard& shard, Clock::time_point now) {
  // A bucket that would be full again carries no state worth keeping.
  const double refill_seconds = burst_ / per_second_;
  std::erase_if(shard.buckets, [&](const auto& entry) {
    const double idle = std::chrono::duration<double>(now - entry.second.updated).count();
    return idle >= refill_seconds;
  });
}

size_t RateLimiter::clients() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace sinkhost
