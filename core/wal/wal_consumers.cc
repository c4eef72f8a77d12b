// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WriteAheadLog's consumers: their persisted positions and the deletion of
// segments every consumer has confirmed.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/util/log.h"
#include "core/wal/wal_format.h"
#include "core/wal/write_ahead_log.h"

namespace sinkhost {

namespace {
std::string ConsumerFile(const std::string& name) {
  return name + std::string(wal_format::kConsumerSuffix);
}
}  // namespace

Status WriteAheadLog::RegisterConsumer(const std::string& name, uint64_t* confirmed_seq) {
  if (!wal_format::ValidConsumerName(name))
    return Status::InvalidArgument("wal: consumer name must be 1 to 100 of [A-Za-z0-9_.-], "
                                   "not starting with '.', got '" + name + "'");
  std::lock_guard<std::mutex> consumers_lock(consumers_mu_);
  uint64_t start = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return Status::IoError("wal " + dir_ + ": closed");
    auto it = consumers_.find(name);
    if (it != consumers_.end()) {
      if (confirmed_seq != nullptr) *confirmed_seq = it->second;
      return Status::OK();
    }
    start = segments_.front().first_seq - 1;
  }
  SINKHOST_RETURN_NOT_OK(
      wal_internal::WriteFileAtomically(io_, dir_, ConsumerFile(name),
                                        wal_format::EncodeConsumerFile(start))
          .WithContext("wal: register consumer '" + name + "'"));
  persisted_[name] = start;
  std::lock_guard<std::mutex> lock(mu_);
  consumers_[name] = start;
  if (confirmed_seq != nullptr) *confirmed_seq = start;
  return Status::OK();
}

Status WriteAheadLog::RemoveConsumer(const std::string& name) {
  std::lock_guard<std::mutex> consumers_lock(consumers_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (consumers_.find(name) == consumers_.end())
      return Status::InvalidArgument("wal " + dir_ + ": no consumer named '" + name + "'");
  }
  const std::string path = wal_internal::JoinPath(dir_, ConsumerFile(name));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return wal_internal::ErrnoStatus(errno, "wal: remove " + path);
  SINKHOST_RETURN_NOT_OK(wal_internal::SyncDirectory(io_, dir_));
  std::vector<std::string> doomed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    consumers_.erase(name);
    persisted_.erase(name);
    doomed = TakeConfirmedSegmentsLocked();
  }
  DeleteFiles(doomed);
  return Status::OK();
}

Status WriteAheadLog::Confirm(const std::string& name, uint64_t seq) {
  std::lock_guard<std::mutex> consumers_lock(consumers_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = consumers_.find(name);
    if (it == consumers_.end())
      return Status::InvalidArgument("wal " + dir_ + ": no consumer named '" + name + "'");
    if (seq <= it->second) {
      if (persisted_[name] >= it->second) return Status::OK();
      seq = it->second;  // a position a full disk kept from being written
    } else if (seq > written_seq_) {
      return Status::InvalidArgument("wal " + dir_ + ": consumer '" + name +
                                     "' cannot confirm record " + std::to_string(seq) +
                                     ", the last appended is " + std::to_string(written_seq_));
    }
  }
  auto persist = [&] {
    Status st = wal_internal::WriteFileAtomically(io_, dir_, ConsumerFile(name),
                                                  wal_format::EncodeConsumerFile(seq));
    if (st.ok()) persisted_[name] = seq;
    return st;
  };
  // Normally the position reaches disk before the segments it frees are
  // deleted. On a full disk that order would deadlock: the position file
  // cannot be written until something is deleted. Deleting first is safe
  // too (the consumer has the records; a crash before the position is
  // written replays from the oldest segment left), so then it goes first.
  Status st = persist();
  if (!st.ok() && !st.IsBusy()) return st.WithContext("wal: confirm for consumer '" + name + "'");
  std::vector<std::string> doomed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    consumers_[name] = std::max(consumers_[name], seq);
    doomed = TakeConfirmedSegmentsLocked();
  }
  DeleteFiles(doomed);
  if (!st.ok() && !doomed.empty()) st = persist();
  if (!st.ok())
    return st.WithContext("wal: confirm for consumer '" + name + "' (in effect, written later)");
  return Status::OK();
}

Status WriteAheadLog::ConsumerPosition(const std::string& name, uint64_t* confirmed_seq) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = consumers_.find(name);
  if (it == consumers_.end())
    return Status::InvalidArgument("wal " + dir_ + ": no consumer named '" + name + "'");
  *confirmed_seq = it->second;
  return Status::OK();
}

uint64_t WriteAheadLog::MinConfirmedLocked() const {
  if (consumers_.empty()) return 0;
  uint64_t min = UINT64_MAX;
  for (const auto& [name, seq] : consumers_) min = std::min(min, seq);
  return min;
}

uint64_t WriteAheadLog::MaxConfirmedLocked() const {
  uint64_t max = 0;
  for (const auto& [name, seq] : consumers_) max = std::max(max, seq);
  return max;
}

std::vector<std::string> WriteAheadLog::TakeConfirmedSegmentsLocked() {
  std::vector<std::string> paths;
  if (consumers_.empty()) return paths;
  const uint64_t min = MinConfirmedLocked();
  // A segment's records end where the next segment's begin; the live
  // segment (back) is never taken.
  while (segments_.size() > 1 && segments_[1].first_seq - 1 <= min) {
    paths.push_back(SegmentPath(segments_.front().first_seq));
    total_bytes_ -= segments_.front().bytes;
    segments_.pop_front();
    ++counters_.segments_deleted;
  }
  return paths;
}

void WriteAheadLog::DeleteFiles(const std::vector<std::string>& paths) {
  // The directory is not synced: a deletion lost in a crash is redone by
  // the next Open, from the consumer positions.
  for (const std::string& p : paths)
    if (::unlink(p.c_str()) != 0 && errno != ENOENT)
      Log(LogLevel::kWarning, "wal", "cannot remove " + p + ": " + std::strerror(errno));
}

void WriteAheadLog::NoteDamageLocked(const WalDamage& d) {
  for (const WalDamage& seen : counters_.damage)
    if (seen.SameRegion(d)) return;
  if (d.kind == WalDamageKind::kMissingRecords && d.lost_records() > 0) {
    // Recovery skips the number of a record it cut off a torn tail, so a
    // reader later finds that number missing before the next segment: the
    // same loss again, not new damage. Report a gap only when some of its
    // records were not already reported lost.
    uint64_t next = d.first_lost_seq;
    for (bool advanced = true; advanced && next <= d.last_lost_seq;) {
      advanced = false;
      for (const WalDamage& seen : counters_.damage)
        if (seen.lost_records() > 0 && seen.first_lost_seq <= next && next <= seen.last_lost_seq) {
          next = seen.last_lost_seq + 1;
          advanced = true;
        }
    }
    if (next > d.last_lost_seq) return;
  }
  if (counters_.damage.size() < kMaxDamageReports) counters_.damage.push_back(d);
  Log(LogLevel::kWarning, "wal", "wal " + dir_ + ": damage: " + d.ToString());
}

void WriteAheadLog::NoteDamage(const WalDamage& d) {
  std::lock_guard<std::mutex> lock(mu_);
  NoteDamageLocked(d);
}

}  // namespace sinkhost
