// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/buffer/write_buffer.h"

#include <string>

namespace sinkhost {

const char* FlushReasonName(FlushReason reason) {
  switch (reason) {
    case FlushReason::kSize: return "size";
    case FlushReason::kBytes: return "bytes";
    case FlushReason::kInterval: return "interval";
    case FlushReason::kManual: return "manual";
    case FlushReason::kShutdown: return "shutdown";
  }
  return "unknown";
}

// State that sealed batches reach back into when the last sink lets go of
// them. It lives as long as the buffer or any batch in flight, whichever is
// longer, so a sink finishing after the buffer is gone is harmless.
struct WriteBuffer::Shared {
  std::mutex mu;
  std::condition_variable space_cv;  // a pending slot was freed
  std::condition_variable timer_cv;  // wakes the timer: deadline moved or slot freed
  // Guarded by mu.
  int pending = 0;
  std::vector<std::unique_ptr<RowBatch>> pool;  // cleared batches kept for reuse

  static constexpr size_t kPoolSize = 2;
};

WriteBuffer::WriteBuffer(const Schema& schema, BufferOptions options, Dispatch dispatch)
    : schema_(schema),
      options_(options),
      dispatch_(std::move(dispatch)),
      shared_(std::make_shared<Shared>()),
      open_(std::make_unique<RowBatch>(schema)) {
  next_interval_flush_ = Clock::now() + std::chrono::milliseconds(options_.flush_interval_ms);
}

WriteBuffer::~WriteBuffer() {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    timer_stop_ = true;
    closed_ = true;
  }
  shared_->timer_cv.notify_all();
  shared_->space_cv.notify_all();
  if (timer_.joinable()) timer_.join();
}

void WriteBuffer::Start() { timer_ = std::thread(&WriteBuffer::TimerLoop, this); }

bool WriteBuffer::OpenAtCapLocked() const {
  return open_->num_rows() >= options_.max_events || open_bytes_ >= options_.max_bytes;
}

bool WriteBuffer::SlotFreeLocked() const {
  return shared_->pending < options_.max_pending_batches;
}

Status WriteBuffer::Append(const RowBatch& rows) {
  const int64_t n = rows.num_rows();
  if (n == 0) return Status::OK();
  const uint64_t bytes = rows.byte_size();
  std::unique_lock<std::mutex> lock(shared_->mu);
  // Read the clock only when the buffer is full: most appends never wait.
  Clock::time_point deadline{};
  bool have_deadline = false;
  while (true) {
    if (closed_) return Status::Busy("the stream is shutting down", 1000);
    const bool fits = open_->num_rows() == 0 ||
                      (open_->num_rows() + n <= options_.max_events &&
                       open_bytes_ + bytes <= options_.max_bytes);
    if (fits) break;
    if (SlotFreeLocked()) {
      SealLocked(open_->num_rows() + n > options_.max_events ? FlushReason::kSize
                                                             : FlushReason::kBytes);
      continue;
    }
    // Full, and every sink is still busy with earlier batches.
    if (options_.when_full == BufferOptions::WhenFull::kDropNewest) {
      counters_.dropped_events += static_cast<uint64_t>(n);
      return Status::Busy("buffer full and sinks behind; request dropped (when_full: drop_newest)",
                          1000);
    }
    if (!have_deadline) {
      deadline = Clock::now() + std::chrono::milliseconds(options_.block_timeout_ms);
      have_deadline = true;
    }
    if (shared_->space_cv.wait_until(lock, deadline) == std::cv_status::timeout &&
        !SlotFreeLocked()) {
      ++counters_.rejected_busy;
      return Status::Busy("buffer full for " + std::to_string(options_.block_timeout_ms) +
                              " ms because sinks are behind (when_full: block)",
                          1000);
    }
  }
  open_->Append(rows);
  open_bytes_ += bytes;
  counters_.accepted_events += static_cast<uint64_t>(n);
  if (OpenAtCapLocked() && SlotFreeLocked()) {
    SealLocked(open_->num_rows() >= options_.max_events ? FlushReason::kSize
                                                        : FlushReason::kBytes);
  }
  return Status::OK();
}

void WriteBuffer::SealLocked(FlushReason reason) {
  next_interval_flush_ = Clock::now() + std::chrono::milliseconds(options_.flush_interval_ms);
  shared_->timer_cv.notify_all();
  const int64_t rows = open_->num_rows();
  if (rows == 0) return;

  std::unique_ptr<RowBatch> next;
  if (!shared_->pool.empty()) {
    next = std::move(shared_->pool.back());
    shared_->pool.pop_back();
  } else {
    // Every pooled batch is still with a sink: a new one, sized like the
    // batch just sealed, so that filling it (row by row, under this mutex)
    // never reallocates and copies its columns.
    // (Not after one request larger than max_events: that size is rare.)
    next = std::make_unique<RowBatch>(schema_);
    for (size_t c = 0; rows <= options_.max_events && c < next->num_columns(); ++c) {
      const ColumnBuilder& col = open_->column(c);
      next->column(c).Reserve(rows, col.type() == ColumnType::kString ? col.byte_size() : 0);
    }
  }
  std::unique_ptr<RowBatch> sealed = std::move(open_);
  open_ = std::move(next);
  open_bytes_ = 0;
  ++shared_->pending;

  // The last sink to drop its reference frees the slot and returns the
  // batch to the pool, so the next open batch reuses its capacity. That
  // deleter takes mu, so no reference may be dropped while mu is held: the
  // batch is moved into dispatch_, never copied here.
  std::weak_ptr<Shared> weak = shared_;
  std::shared_ptr<const RowBatch> batch(sealed.release(), [weak](const RowBatch* b) {
    auto* mutable_batch = const_cast<RowBatch*>(b);
    std::shared_ptr<Shared> shared = weak.lock();
    if (!shared) {
      delete mutable_batch;
      return;
    }
    {
      std::lock_guard<std::mutex> lock(shared->mu);
      --shared->pending;
      if (shared->pool.size() < Shared::kPoolSize) {
        mutable_batch->Clear();
        shared->pool.emplace_back(mutable_batch);
        mutable_batch = nullptr;
      }
    }
    delete mutable_batch;
    shared->space_cv.notify_all();
    shared->timer_cv.notify_all();
  });

  SealedBatch sb;
  sb.batch_seq = next_batch_seq_++;
  sb.first_row_seq = next_row_seq_;
  next_row_seq_ += static_cast<uint64_t>(rows);
  sb.rows = std::move(batch);
  sb.reason = reason;
  sb.sealed_at = WallClock::now();
  ++counters_.sealed_batches;
  counters_.last_sealed_seq = sb.batch_seq;
  dispatch_(std::move(sb));
}

uint64_t WriteBuffer::Seal(FlushReason reason, int64_t* rows_sealed) {
  std::lock_guard<std::mutex> lock(shared_->mu);
  if (rows_sealed != nullptr) *rows_sealed = open_->num_rows();
  // A manual seal may exceed max_pending_batches by one: the operator asked.
  SealLocked(reason);
  return counters_.last_sealed_seq;
}

uint64_t WriteBuffer::Close() {
  uint64_t last;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    closed_ = true;
    SealLocked(FlushReason::kShutdown);
    timer_stop_ = true;
    last = counters_.last_sealed_seq;
  }
  shared_->timer_cv.notify_all();
  shared_->space_cv.notify_all();
  if (timer_.joinable()) timer_.join();
  return last;
}

void WriteBuffer::TimerLoop() {
  std::unique_lock<std::mutex> lock(shared_->mu);
  const bool interval_enabled = options_.flush_interval_ms > 0;
  while (!timer_stop_) {
    const bool has_rows = open_->num_rows() > 0;
    const bool interval_due = interval_enabled && Clock::now() >= next_interval_flush_;
    if (has_rows && SlotFreeLocked() && (OpenAtCapLocked() || interval_due)) {
      SealLocked(OpenAtCapLocked() ? FlushReason::kSize : FlushReason::kInterval);
      continue;
    }
    if (interval_due && !has_rows) {
      // Nothing to flush; the timer restarts, as after a flush.
      next_interval_flush_ = Clock::now() + std::chrono::milliseconds(options_.flush_interval_ms);
      continue;
    }
    if (interval_due || !interval_enabled || OpenAtCapLocked()) {
      // Waiting for a free slot (or for nothing): the batch completion wakes us.
      shared_->timer_cv.wait(lock);
    } else {
      shared_->timer_cv.wait_until(lock, next_interval_flush_);
    }
  }
}

BufferStats WriteBuffer::Stats() const {
  std::lock_guard<std::mutex> lock(shared_->mu);
  BufferStats s = counters_;
  s.buffered_events = open_->num_rows();
  s.buffered_bytes = open_bytes_;
  s.pending_batches = shared_->pending;
  return s;
}

}  // namespace sinkhost
