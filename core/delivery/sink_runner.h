// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// SinkRunner: drives one sink instance on its own thread. It takes sealed
// batches from its queue in order and writes each to the sink, so a slow
// sink never delays ingest or the stream's other sinks (until the buffer's
// pending-batch limit is reached).
//
// Retryable failures (of open or write) are retried with exponential backoff
// and jitter, honouring the plugin's retry-after hint; the batch stays at the
// head of the queue meanwhile. When the sink refuses a batch permanently and
// a quarantine is set, the batch is split in halves, recursively, until the
// rows the sink refuses are isolated: those go to the quarantine file with
// the sink's message, the others are delivered. Without a quarantine the
// batch is counted as failed, logged with the sink's message, and dropped.
//
// Thread safety: Enqueue, Stats, WaitFor and Stop may be called from any
// thread; the SinkInstance is touched only by the runner's thread (and by
// Stop after that thread has ended).
#ifndef SINKHOST_CORE_DELIVERY_SINK_RUNNER_H_
#define SINKHOST_CORE_DELIVERY_SINK_RUNNER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/buffer/write_buffer.h"
#include "core/delivery/quarantine.h"
#include "core/plugin/plugin_library.h"
#include "core/schema/schema.h"

namespace sinkhost {

struct RetryPolicy {
  int64_t initial_delay_ms = 100;
  int64_t max_delay_ms = 30000;
};

// kStuck: a call of the sink's has run past its timeout (CallTimeouts) and
// not returned yet; it overrides the others while it lasts.
enum class SinkState { kOk, kRetrying, kFailing, kStuck };
const char* SinkStateName(SinkState state);

// One completed (or failed) delivery, kept in a short history for the
// admin API and the dashboard.
struct FlushRecord {
  uint64_t batch_seq = 0;
  WallClock::time_point finished_at;
  double duration_ms = 0;  // the successful (or final) write call
  int64_t rows = 0;
  uint32_t attempts = 0;
  bool ok = true;
  std::string error;  // empty when ok
};

struct SinkStats {
  std::string name;
  std::string plugin;
  SinkState state = SinkState::kOk;
  std::string last_error;          // of the current failure; empty once a write succeeds
  uint32_t attempt = 0;            // attempts so far on the current batch
  int queued_batches = 0;          // waiting, including the one in progress
  int64_t queued_rows = 0;
  uint64_t delivered_batches = 0;
  uint64_t delivered_rows = 0;
  uint64_t failed_batches = 0;
  uint64_t failed_rows = 0;        // refused and dropped (no quarantine)
  uint64_t quarantined_rows = 0;   // refused and put in quarantine since start
  int64_t quarantine_rows = 0;     // rows in the quarantine file now
  uint64_t retries = 0;
  uint64_t completed_seq = 0;      // last batch finished (delivered or failed)
  bool has_last_flush = false;
  FlushRecord last_flush;
  std::vector<FlushRecord> recent;  // oldest first, bounded
  // While state is kStuck: the call ("open", "write", "flush", "close"),
  // its batch id (writes) and how long it has run.
  std::string stuck_call;
  std::string stuck_batch_id;
  double stuck_for_ms = 0;
  Isolation isolation = Isolation::kInProcess;
  WorkerStats worker;  // process isolation
};

class SinkRunner {
 public:
  static constexpr size_t kHistory = 120;

  // `name` is the sink's name in its stream; `done` is called (from the
  // runner's thread, without locks held) after each batch finishes.
  SinkRunner(std::string stream, std::string name, std::unique_ptr<SinkInstance> instance,
             const Schema& schema, RetryPolicy retry,
             std::function<void(uint64_t batch_seq)> done = nullptr);
  ~SinkRunner();  // Stop(0) if still running

  const std::string& name() const { return name_; }
  // Whether the plugin declares SINKHOST_CAP_TRANSACTIONAL.
  bool transactional() const { return transactional_; }

  // Called before each write of a batch with stable positions, until it
  // returns OK (failures back off like a failed write). The stream uses it
  // to make the batch's log records durable first, so that no position a
  // sink may record in its ledger can be handed out again after a power
  // loss. Set before Start.
  void SetBeforeStableWrite(std::function<Status()> hook) { before_stable_write_ = std::move(hook); }

  // Where refused rows go; set before Start. Without one they are dropped.
  void SetQuarantine(std::unique_ptr<Quarantine> quarantine);
  // Past these, a call makes the sink's state kStuck; set before Start.
  void SetCallTimeouts(const CallTimeouts& timeouts) { timeouts_ = timeouts; }

  // Sends every quarantined row to the sink again, after the batches
  // already queued (an operator fixed the cause). Rows it still refuses are
  // quarantined again. *rows is how many were taken; Busy while a replay
  // is under way.
  Status ReplayQuarantine(int64_t* rows);

  // Opens the sink now, on the calling thread. Retryable failures are left
  // to the runner to retry; others are returned (bad config or schema).
  Status OpenNow();
  void Start();
  // Called with the buffer's mutex held (see write_buffer.h).
  void Enqueue(SealedBatch&& batch);

  // Waits until the batch with `batch_seq` (and all before it) finished, or
  // until `deadline`. Returns false on timeout.
  bool WaitFor(uint64_t batch_seq, Clock::time_point deadline);

  // Lets the queue drain until `deadline`, then stops the thread and closes
  // the sink. Returns the number of rows left undelivered. A call still
  // running by then is ended when the sink runs in a worker (the worker is
  // killed); in process it cannot be, so the runner leaves its thread in
  // the plugin, logs which call held it, and stuck_at_stop() turns true:
  // the process must then exit without destroying this runner.
  int64_t Stop(Clock::time_point deadline);
  bool stuck_at_stop() const;

  SinkStats Stats() const;

 private:
  void Run();
  // Sleeps up to `ms`, returning early when asked to stop.
  void BackoffLocked(std::unique_lock<std::mutex>& lock, int64_t ms);
  enum class WriteOutcome { kDelivered, kRefused, kAbandoned };
  struct WriteResult {
    uint32_t attempts = 0;
    double duration_ms = 0;  // of the last call
    std::string batch_id;
    std::string error;       // the refusal's message
  };
  struct Isolation {
    int64_t delivered = 0;
    int64_t quarantined = 0;
    std::string first_error;
  };
  // Writes one batch, retrying retryable failures. Returns false when told
  // to abandon it (shutdown deadline passed).
  bool Deliver(const SealedBatch& batch);
  // Writes `rows` until delivered or refused permanently, or until told to
  // abandon; retryable failures back off and retry.
  // `stable` sets SINKHOST_BATCH_STABLE_POSITIONS.
  WriteOutcome WriteRetrying(const std::shared_ptr<const RowBatch>& rows, uint64_t first_row_seq,
                             uint64_t batch_seq, bool stable, WriteResult* result);
  // Rows [begin, end) of `batch` were refused with `refused`: delivers what
  // the sink accepts and quarantines the rest. False when abandoned.
  bool Isolate(const SealedBatch& batch, int64_t begin, int64_t end, const WriteResult& refused,
               Isolation* out);
  bool QuarantineRetrying(const SealedBatch& batch, int64_t row, const WriteResult& refused);
  void RecordLocked(const FlushRecord& record);
  Status EnsureOpen();
  // Runs `call` ("open", "write", ...) on the instance with it recorded as
  // the call in progress, for the stuck state.
  template <typename Fn>
  Status Timed(const char* call, const std::string& batch_id, Fn&& fn);

  // Constant after construction.
  const std::string stream_;
  const std::string name_;
  const Schema& schema_;
  const RetryPolicy retry_;
  const std::function<void(uint64_t)> done_;
  bool transactional_ = false;
  UniqueSchema arrow_schema_;  // exported once, passed to every write
  CallTimeouts timeouts_;      // set before Start

  // Used only by the runner thread (and Stop after join).
  std::unique_ptr<SinkInstance> instance_;
  // Set before Start; itself thread-safe.
  std::unique_ptr<Quarantine> quarantine_;
  std::function<Status()> before_stable_write_;  // set before Start

  mutable std::mutex mu_;
  std::condition_variable cv_;  // queue changes, progress, stop requests
  // Guarded by mu_.
  // Replayed quarantine rows travel as batch_seq 0 (stream batches start
  // at 1); they do not move completed_seq.
  std::deque<SealedBatch> queue_;
  bool stopping_ = false;       // drain then exit
  bool abandon_ = false;        // exit now, even with batches queued
  Clock::time_point stop_deadline_;
  SinkStats stats_;             // `recent` kept empty; history lives in recent_
  std::deque<FlushRecord> recent_;
  // The call in progress on the instance, if any.
  const char* call_ = nullptr;
  std::string call_batch_id_;
  Clock::time_point call_since_;
  bool thread_done_ = false;    // Run has returned
  bool stuck_at_stop_ = false;

  std::thread thread_;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_DELIVERY_SINK_RUNNER_H_
