// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Live visitor sessions, as Plausible's Session.CacheStore keeps them: a
// session is found by the visitor id and lasts until the visitor has been
// inactive for the session timeout (30 minutes by default). A new session
// gets a random 64-bit id and remembers the entry attributes of the event
// that started it (an opaque blob here; the enricher decides what is in
// it), which later events of the session take over.
//
// Memory is bounded: past `max_sessions` the least recently active
// session is evicted (and counted) before its time. Sessions live in
// memory only, as in Plausible: a restart starts new ones.
//
// Thread safety: thread-safe. Sessions are spread over shards, each with
// its own mutex, so parsing threads rarely wait on each other.
#ifndef SINKHOST_CORE_ENRICH_SESSION_STORE_H_
#define SINKHOST_CORE_ENRICH_SESSION_STORE_H_

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sinkhost::enrich {

class SessionStore {
 public:
  SessionStore(int64_t timeout_us, size_t max_sessions);
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  struct Visit {
    uint64_t user_id = 0;
    // The visitor's id under the previous day's salt: a session that began
    // before the salt rotated continues, under the id it began with.
    bool has_previous_user_id = false;
    uint64_t previous_user_id = 0;
    int64_t now_us = 0;
    // False for events that must not start a session (engagement).
    bool may_start = true;
  };
  struct Result {
    uint64_t session_id = 0;
    uint64_t user_id = 0;  // the session's: differs from Visit::user_id after a salt rotation
    std::string entry;     // the session's entry attributes
  };
  // Finds the live session of `user_id` and marks it active at `now_us`.
  bool Find(uint64_t user_id, int64_t now_us, Result* out);
  // Starts a session of `user_id` with `entry` as its entry attributes (or
  // joins the one another thread started since the caller's Find).
  void Start(uint64_t user_id, int64_t now_us, std::string_view entry, Result* out);
  // Find by user_id, then by previous_user_id, then Start if may_start.
  // Returns false (and leaves *out alone) when there is no live session and
  // !visit.may_start.
  bool Touch(const Visit& visit, std::string_view entry, Result* out);

  struct Counters {
    uint64_t live = 0;     // sessions held now (some may have expired unseen)
    uint64_t started = 0;  // since start
    uint64_t expired = 0;  // ended by inactivity
    uint64_t evicted = 0;  // ended early because max_sessions was reached
  };
  Counters counters() const;
  int64_t timeout_us() const { return timeout_us_; }

 private:
  struct Shard;
  struct Session;
  Shard& ShardOf(uint64_t user_id);
  Session* FindLive(Shard& shard, uint64_t user_id, int64_t now_us);  // requires shard.mu
  static void Use(Session* s, int64_t now_us, Result* out);           // requires its shard's mu

  const int64_t timeout_us_;
  const size_t max_per_shard_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<uint64_t> started_{0}, expired_{0}, evicted_{0};
};

}  // namespace sinkhost::enrich

#endif  // SINKHOST_CORE_ENRICH_SESSION_STORE_H_
