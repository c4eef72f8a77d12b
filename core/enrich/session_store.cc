// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/session_store.h"

#include <sodium.h>

#include <algorithm>

namespace sinkhost::enrich {
namespace {
constexpr size_t kShards = 64;
}  // namespace

struct SessionStore::Session {
  uint64_t user_id = 0;
  uint64_t session_id = 0;
  int64_t last_seen_us = 0;
  std::string entry;
};

struct SessionStore::Shard {
  std::mutex mu;
  // Most recently active first, so the back is the first to expire.
  std::list<Session> lru;                                          // guarded by mu
  std::unordered_map<uint64_t, std::list<Session>::iterator> by_user;  // guarded by mu
  size_t live = 0;                                                 // guarded by mu
};

SessionStore::SessionStore(int64_t timeout_us, size_t max_sessions)
    : timeout_us_(timeout_us),
      max_per_shard_(std::max<size_t>(1, (max_sessions + kShards - 1) / kShards)),
      shards_(new Shard[kShards]) {
  (void)sodium_init();  // for randombytes_buf; safe to repeat
}

SessionStore::~SessionStore() = default;

SessionStore::Shard& SessionStore::ShardOf(uint64_t user_id) {
  // user ids are SipHash output: any bits are as good as a hash.
  return shards_[(user_id >> 58) % kShards];
}

// Requires shard.mu. The live session of `user_id`, or nullptr; one that
// has expired is dropped here.
SessionStore::Session* SessionStore::FindLive(Shard& shard, uint64_t user_id,
                                                     int64_t now_us) {
  auto it = shard.by_user.find(user_id);
  if (it == shard.by_user.end()) return nullptr;
  if (now_us - it->second->last_seen_us <= timeout_us_) {
    if (it->second != shard.lru.begin()) shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
    return &*it->second;
  }
  shard.lru.erase(it->second);
  shard.by_user.erase(it);
  --shard.live;
  expired_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void SessionStore::Use(Session* s, int64_t now_us, Result* out) {
  s->last_seen_us = std::max(s->last_seen_us, now_us);
  out->session_id = s->session_id;
  out->user_id = s->user_id;
  out->entry.assign(s->entry);
}

bool SessionStore::Find(uint64_t user_id, int64_t now_us, Result* out) {
  Shard& shard = ShardOf(user_id);
  std::lock_guard<std::mutex> lock(shard.mu);
  Session* s = FindLive(shard, user_id, now_us);
  if (s == nullptr) return false;
  Use(s, now_us, out);
  return true;
}

void SessionStore::Start(uint64_t user_id, int64_t now_us, std::string_view entry, Result* out) {
  Shard& shard = ShardOf(user_id);
  std::lock_guard<std::mutex> lock(shard.mu);
  // Another thread may have started it since the caller's Find.
  if (Session* s = FindLive(shard, user_id, now_us)) {
    Use(s, now_us, out);
    return;
  }
  // Drop what has expired from the cold end, then make room.
  while (!shard.lru.empty() && (shard.live >= max_per_shard_ ||
                                now_us - shard.lru.back().last_seen_us > timeout_us_)) {
    const bool expired = now_us - shard.lru.back().last_seen_us > timeout_us_;
    (expired ? expired_ : evicted_).fetch_add(1, std::memory_order_relaxed);
    shard.by_user.erase(shard.lru.back().user_id);
    shard.lru.pop_back();
    --shard.live;
  }
  Session s;
  s.user_id = user_id;
  randombytes_buf(&s.session_id, sizeof s.session_id);
  s.entry.assign(entry);
  shard.lru.push_front(std::move(s));
  shard.by_user.emplace(user_id, shard.lru.begin());
  ++shard.live;
  started_.fetch_add(1, std::memory_order_relaxed);
  Use(&shard.lru.front(), now_us, out);
}

bool SessionStore::Touch(const Visit& visit, std::string_view entry, Result* out) {
  if (Find(visit.user_id, visit.now_us, out)) return true;
  // A session that began under the previous salt continues, and stays
  // under the id it began with (one shard lock at a time: never two).
  if (visit.has_previous_user_id && Find(visit.previous_user_id, visit.now_us, out)) return true;
  if (!visit.may_start) return false;
  Start(visit.user_id, visit.now_us, entry, out);
  return true;
}

SessionStore::Counters SessionStore::counters() const {
  Counters c;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    c.live += shards_[i].live;
  }
  c.started = started_.load(std::memory_order_relaxed);
  c.expired = expired_.load(std::memory_order_relaxed);
  c.evicted = evicted_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace sinkhost::enrich
