// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WriteBuffer: the bounded in-memory buffer of one stream.
//
// Ingest threads append parsed rows (Append) under a short lock; the open
// batch is sealed when it reaches max_events or max_bytes, when the flush
// interval has passed since the last seal, on a manual flush and at
// shutdown. A sealed batch is handed, in order, to the dispatch callback
// (the stream's sinks), which must not block. Sealed batches that some sink
// has not finished with are "pending"; at most max_pending_batches exist.
// When the open batch is full and no pending slot is free, `when_full`
// decides: `block` waits up to block_timeout for a slot, then refuses with
// Status::Busy (HTTP 503 + Retry-After); `drop_newest` refuses at once and
// counts the rows as dropped. A refused request is never acknowledged, so
// nothing acknowledged is ever dropped. A stream with a write-ahead log
// never lets Append wait or refuse: it checks for room first and, when
// there is none, keeps the rows in the log until there is (a spill; see
// core/stream/stream.h), so `when_full` applies to streams without a log.
//
// A request's rows are appended all together into one batch, never split:
// one request larger than max_events forms a batch of its own.
//
// Thread safety: every public method may be called from any thread. The
// dispatch callback runs with the buffer's mutex held, so it must only
// enqueue. Lock order: buffer mutex, then a sink runner's mutex; a sealed
// batch's last reference must be dropped with neither held.
#ifndef SINKHOST_CORE_BUFFER_WRITE_BUFFER_H_
#define SINKHOST_CORE_BUFFER_WRITE_BUFFER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/schema/schema.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

enum class FlushReason { kSize, kBytes, kInterval, kManual, kShutdown };
const char* FlushReasonName(FlushReason reason);

struct BufferOptions {
  enum class WhenFull { kBlock, kDropNewest };
  int64_t max_events = 10000;
  uint64_t max_bytes = 16u << 20;
  int64_t flush_interval_ms = 5000;
  WhenFull when_full = WhenFull::kBlock;
  int64_t block_timeout_ms = 5000;
  int max_pending_batches = 4;
};

using Clock = std::chrono::steady_clock;
using WallClock = std::chrono::system_clock;

struct SealedBatch {
  uint64_t batch_seq = 0;      // 1, 2, 3... within the stream
  uint64_t first_row_seq = 0;  // stream-wide number of the batch's first row
  // first_row_seq.. are positions that survive restarts (the stream's
  // write-ahead log numbers rows); set by the stream, not by the buffer.
  bool stable_positions = false;
  std::shared_ptr<const RowBatch> rows;
  FlushReason reason = FlushReason::kManual;
  WallClock::time_point sealed_at;
};

struct BufferStats {
  int64_t buffered_events = 0;
  uint64_t buffered_bytes = 0;
  int pending_batches = 0;
  uint64_t accepted_events = 0;   // acknowledged (appended) in total
  uint64_t dropped_events = 0;    // refused under drop_newest
  uint64_t rejected_busy = 0;     // requests refused after block_timeout
  uint64_t sealed_batches = 0;
  uint64_t last_sealed_seq = 0;
};

class WriteBuffer {
 public:
  // Receives each sealed batch with mu held. It must move the batch into its
  // consumers' queues and keep no reference of its own: the batch's deleter
  // takes mu, so a reference dropped here would deadlock.
  using Dispatch = std::function<void(SealedBatch&&)>;

  WriteBuffer(const Schema& schema, BufferOptions options, Dispatch dispatch);
  ~WriteBuffer();  // stops the timer; does not seal (call Close first)
  WriteBuffer(const WriteBuffer&) = delete;
  WriteBuffer& operator=(const WriteBuffer&) = delete;

  // Starts the interval timer thread.
  void Start();

  // Appends every row of `rows` or none. Returns Busy when the buffer is full
  // (see above), InvalidArgument after Close.
  Status Append(const RowBatch& rows);

  // Seals the open batch now (if it has rows). Returns the sequence number
  // of the last batch dispatched so far (this one, or an earlier one when
  // the open batch was empty; 0 when nothing was ever dispatched), and the
  // rows this call sealed in *rows_sealed when given.
  uint64_t Seal(FlushReason reason, int64_t* rows_sealed = nullptr);

  // Refuses further appends, seals the rest (kShutdown) and stops the timer.
  // Returns the last dispatched batch sequence.
  uint64_t Close();

  BufferStats Stats() const;
  const BufferOptions& options() const { return options_; }

 private:
  struct Shared;  // outlives the buffer while batches are in flight

  // Seals open_ (when non-empty), dispatches it, restarts the interval.
  void SealLocked(FlushReason reason);
  bool OpenAtCapLocked() const;
  bool SlotFreeLocked() const;
  void TimerLoop();

  // Constant after construction.
  const Schema& schema_;
  const BufferOptions options_;
  const Dispatch dispatch_;
  const std::shared_ptr<Shared> shared_;

  // Guarded by shared_->mu.
  std::unique_ptr<RowBatch> open_;
  uint64_t open_bytes_ = 0;
  Clock::time_point next_interval_flush_;
  bool closed_ = false;
  bool timer_stop_ = false;
  uint64_t next_batch_seq_ = 1;
  uint64_t next_row_seq_ = 0;
  BufferStats counters_;

  std::thread timer_;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_BUFFER_WRITE_BUFFER_H_
