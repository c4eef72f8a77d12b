// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// RateLimiter: a token bucket per client, so that one client sending too
// fast is answered 429 while every other client goes on as before.
//
// Each client may make `burst` requests at once, refilled at `per_second`.
// Buckets of clients that went quiet are dropped once there are many, so
// memory stays bounded however many addresses appear.
//
// Thread safety: Allow may be called from any thread. Clients are spread
// over shards, each with its own mutex, so server threads rarely wait on
// each other.
#ifndef SINKHOST_HOST_HTTP_RATE_LIMITER_H_
#define SINKHOST_HOST_HTTP_RATE_LIMITER_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sinkhost {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double per_second, double burst);

  // Takes one token from `client`'s bucket. When it is empty returns false
  // and sets *retry_after_ms to when the next token is there.
  bool Allow(std::string_view client, Clock::time_point now, int64_t* retry_after_ms);

  // Clients tracked now (for tests and stats).
  size_t clients() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  // Lets find() take a string_view: no allocation per request.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket, Hash, std::equal_to<>> buckets;  // guarded by mu
  };
  static constexpr size_t kShards = 16;
  // Past this many clients in a shard, full buckets are forgotten.
  static constexpr size_t kPruneAbove = 4096;

  void PruneLocked(Shard& shard, Clock::time_point now);

  const double per_second_;
  const double burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_RATE_LIMITER_H_
