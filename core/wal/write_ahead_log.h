// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WriteAheadLog: the durable, append-only log of one stream. Every accepted
// request is appended as one record before it is acknowledged; at start the
// records that some sink has not confirmed are read back (NewReader) and
// delivered again. Records are numbered 1, 2, 3... (seq) over the whole life
// of the log; a sink's position is the highest seq it has confirmed, and a
// batch is identified by its stream, its sink and its seq range.
//
// Segments. Records go into segment files of about options.segment_bytes
// (format: wal_format.h). A segment is deleted once every registered
// consumer has confirmed all of it; the segment being appended to is never
// deleted, so a log always has at least one.
//
// Durability, per FsyncPolicy: Append returns OK once the record is
//   always    fsynced. Appenders that arrive while an fsync runs wait for
//             the next one, which covers all of them (group commit): one
//             fsync per group, not per record;
//   interval  written to the OS; a background thread fsyncs every
//             fsync_interval_ms, so a power failure loses at most about
//             that much; a process crash loses nothing;
//   never     written to the OS, which writes back when it likes; a process
//             crash loses nothing, a power failure what was not yet written.
// Segment rolls fsync the finished segment (except under never).
//
// Disk cap. The segment files together stay within max_total_bytes: an
// append that would pass the cap returns Status::Busy ("full", with a
// retry-after hint) and leaves the log unchanged; once consumers confirm
// and segments are deleted, appends succeed again. ENOSPC or EDQUOT from
// the file system is reported as Busy too, after the partial write is cut
// off again, so the log stays intact. A record that could never fit under
// the cap is refused with InvalidArgument.
//
// Failed fsync. After an fsync fails the kernel may have dropped the dirty
// pages, and a retried fsync may report success for data that is gone, so
// the log turns read-only: every later append returns IoError (stats show
// the error). Restarting re-reads what is really on disk.
//
// Recovery (Open). The last segment is scanned; a damaged tail — a torn
// write, a zero-filled or garbage end — is reported (stats().damage) and cut
// off, and appending resumes after the last intact record. Damage elsewhere
// is found by readers, which keep every intact record before and after it
// and report what is lost (see wal_damage.h and segment_scanner.h). The
// next seq is one past the highest of: the last intact record, any sound
// record header seen in the tail, and every consumer's confirmed position,
// so a number some sink may have seen is never handed out twice; when that
// skips numbers, a new segment starts. A consumer file that does not check
// out is reported and reset to "nothing confirmed", so the sink gets every
// retained record again (at least once rather than lost).
//
// Consumers. A consumer (one per sink) is registered by name; its position
// lives in its own small file, replaced atomically on each Confirm.
// Registrations persist: consumers found on disk at Open are registered, so
// a sink dropped from the configuration keeps segments alive until
// RemoveConsumer. A new consumer starts before the oldest retained record.
// With no consumer registered, no segment is ever deleted.
//
// Integration notes. (1) The stream can keep its log and its buffer in the
// same order by calling Write (cheap, ordered, under its own lock) and then
// WaitDurable outside that lock, instead of Append. (2) Under interval, a
// record can reach a sink before it is fsynced; if a power loss then takes
// it, and its header, before any consumer confirmed it, its number is
// handed out again after restart. A sink that deduplicates by seq range
// (a ledger) would then skip the new records: before giving such a sink a
// batch, make its last seq durable (durable_seq(), or Sync(), which shares
// fsyncs like group commit). A process crash alone never causes this.
//
// Thread safety: Append, Write, WaitDurable, Sync, Confirm, RegisterConsumer,
// RemoveConsumer, NewReader and Stats may be called concurrently from any
// threads. Close must not race with the others (stop ingest first); the
// destructor closes. Only one WriteAheadLog may have a directory open at a
// time, in any process (enforced with a lock file).
#ifndef SINKHOST_CORE_WAL_WRITE_AHEAD_LOG_H_
#define SINKHOST_CORE_WAL_WRITE_AHEAD_LOG_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/wal/wal_damage.h"
#include "core/wal/wal_files.h"
#include "core/wal/wal_options.h"
#include "core/wal/wal_reader.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

struct WalConsumerPosition {
  std::string name;
  uint64_t confirmed_seq = 0;  // every record up to and including this one
};

struct WalStats {
  std::string dir;
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  uint64_t segments = 0;
  uint64_t total_bytes = 0;      // all segment files
  uint64_t max_total_bytes = 0;  // the cap (0: none)
  uint64_t first_seq = 0;        // first seq the oldest segment may hold
  uint64_t last_seq = 0;         // last record appended (0: none yet)
  uint64_t durable_seq = 0;      // last record known fsynced
  uint64_t appends = 0;          // since Open
  uint64_t appended_bytes = 0;   // payload bytes since Open
  uint64_t fsyncs = 0;           // fsyncs of segment data since Open
  uint64_t rejected_full = 0;    // appends refused at the cap
  uint64_t rejected_no_space = 0;  // appends refused on ENOSPC/EDQUOT
  uint64_t segments_deleted = 0;
  std::vector<WalConsumerPosition> consumers;  // by name
  // Damage found since Open, by recovery and by this log's readers; at most
  // kMaxDamageReports entries, the first ones found.
  std::vector<WalDamage> damage;
  std::string error;  // set once the log refuses appends after a failed fsync
};

class WriteAheadLog {
 public:
  static constexpr size_t kMaxParts = 15;
  static constexpr size_t kMaxDamageReports = 64;

  // Opens (creating it if needed) the log in directory `dir` and recovers
  // it; see above. Fails when another process or object has it open.
  static Status Open(std::string dir, WalOptions options, std::unique_ptr<WriteAheadLog>* out);
  ~WriteAheadLog();
  WriteAheadLog(const WriteAheadLog&) = delete;
  WriteAheadLog& operator=(const WriteAheadLog&) = delete;

  // Appends one record whose payload is the concatenation of `parts` (at
  // most kMaxParts), tagged with `type` (opaque to the log, e.g. "parsed
  // rows" or "raw body"), and returns once it is as durable as the policy
  // promises. Its number goes to *seq when given. Busy: full (cap or disk).
  Status Append(std::span<const std::string_view> parts, uint8_t type, uint64_t* seq);
  Status Append(std::string_view payload, uint8_t type = 0, uint64_t* seq = nullptr) {
    return Append(std::span<const std::string_view>(&payload, 1), type, seq);
  }
  // The two halves of Append: Write appends in order without waiting for
  // an fsync; WaitDurable(seq) then waits as Append would (for an fsync of
  // `seq` under always, sharing it with concurrent callers; not at all
  // under interval and never).
  Status Write(std::span<const std::string_view> parts, uint8_t type, uint64_t* seq);
  Status WaitDurable(uint64_t seq);
  // Fsyncs everything written so far, whatever the policy.
  Status Sync();

  // Registers consumer `name` (see above); its confirmed position goes to
  // *confirmed_seq when given. Registering an existing consumer only reads it.
  Status RegisterConsumer(const std::string& name, uint64_t* confirmed_seq = nullptr);
  // Forgets a consumer (its file too), so that it no longer holds segments.
  Status RemoveConsumer(const std::string& name);
  // Records, durably, that consumer `name` has every record up to `seq`,
  // then deletes the segments every consumer has confirmed. Positions only
  // move forward: an older `seq` is ignored. `seq` beyond the last record
  // appended is InvalidArgument. On a full disk the position takes effect
  // in memory, frees what it can, and Busy says it is not yet on disk; the
  // next Confirm (even with the same seq) writes it.
  Status Confirm(const std::string& name, uint64_t seq);
  Status ConsumerPosition(const std::string& name, uint64_t* confirmed_seq) const;

  // A reader of the records appended so far, from `from_seq` on.
  Status NewReader(uint64_t from_seq, std::unique_ptr<WalReader>* out);

  uint64_t last_seq() const;
  uint64_t durable_seq() const;
  WalStats Stats() const;
  const std::string& dir() const { return dir_; }
  const WalOptions& options() const { return options_; }

  // Stops the interval thread, fsyncs (except under never) and closes the
  // files; appends fail afterwards. Returns the final fsync's outcome.
  Status Close();

 private:
  struct Segment {
    uint64_t first_seq = 0;
    uint64_t bytes = 0;  // file size (the live one: bytes of complete records)
  };

  WriteAheadLog(std::string dir, WalOptions options);

  // Recovery, in wal_recovery.cc.
  Status Recover();
  Status RecoverLastSegment(uint64_t first_seq, uint64_t max_confirmed, uint64_t* next_seq,
                            bool* reusable);
  Status LoadConsumers(const std::vector<std::string>& names, std::vector<std::string>* bad);

  // Appending, in write_ahead_log.cc. Locked: called with mu_ held.
  Status MakeRoomLocked(uint64_t record_bytes);
  Status RollLocked();
  Status CreateSegmentLocked(uint64_t first_seq);
  Status SyncUpToLocked(std::unique_lock<std::mutex>& lock, uint64_t seq);
  void SyncerLoop();
  std::string SegmentPath(uint64_t first_seq) const;
  Status FullStatusLocked(uint64_t record_bytes) const;

  // Consumers, in wal_consumers.cc.
  uint64_t MinConfirmedLocked() const;
  uint64_t MaxConfirmedLocked() const;
  // Drops from segments_ those every consumer has confirmed; returns their paths.
  std::vector<std::string> TakeConfirmedSegmentsLocked();
  void DeleteFiles(const std::vector<std::string>& paths);
  void NoteDamageLocked(const WalDamage& d);
  void NoteDamage(const WalDamage& d);

  // Constant after construction.
  const std::string dir_;
  const WalOptions options_;
  WalIo* const io_;
  wal_internal::UniqueFd lock_fd_;

  // Serialises consumer file writes (Register, Confirm, Remove), so that a
  // position file is never written by two threads at once and positions
  // reach disk in the order they reach consumers_. Taken before mu_, and
  // never while an appender waits.
  std::mutex consumers_mu_;
  // Guarded by consumers_mu_: the position last written to each consumer's
  // file (behind consumers_ only while a full disk keeps it from being written).
  std::map<std::string, uint64_t> persisted_;

  mutable std::mutex mu_;
  std::condition_variable sync_cv_;  // an fsync finished, or stop_syncer_ was set
  // Guarded by mu_.
  std::deque<Segment> segments_;  // ascending; back() is appended to
  // The live segment's descriptor, shared with an fsync running unlocked so
  // that a roll may close it meanwhile.
  std::shared_ptr<wal_internal::UniqueFd> active_fd_;
  uint64_t total_bytes_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t written_seq_ = 0;
  uint64_t durable_seq_ = 0;
  bool sync_running_ = false;  // one thread fsyncs; the others wait on sync_cv_
  bool closed_ = false;
  bool stop_syncer_ = false;
  Status error_;  // sticky after a failed fsync or an undoable partial write
  std::map<std::string, uint64_t> consumers_;  // name -> confirmed seq
  WalStats counters_;  // appends, fsyncs, rejections, deletions, damage

  std::thread syncer_;  // only under FsyncPolicy::kInterval
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_WAL_WRITE_AHEAD_LOG_H_
