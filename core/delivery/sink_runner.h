// SinkRunner: drives one sink instance on its own thread. It takes sealed
// batches from its queue in order and writes each to the sink, so a slow
// sink never delays ingest or the stream's other sinks (until the buffer's
// pending-batch limit is reached).
//
// Retryable failures (of open or write) are retried with exponential backoff
// and jitter, honouring the plugin's retry-after hint; the batch stays at the
// head of the queue meanwhile. A permanent failure counts the batch as
// failed, logs it with the sink's message and moves on.
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
#include "core/plugin/plugin_library.h"
#include "core/schema/schema.h"

namespace sinkhost {

struct RetryPolicy {
  int64_t initial_delay_ms = 100;
  int64_t max_delay_ms = 30000;
};

enum class SinkState { kOk, kRetrying, kFailing };
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
  uint64_t failed_rows = 0;
  uint64_t retries = 0;
  uint64_t completed_seq = 0;      // last batch finished (delivered or failed)
  bool has_last_flush = false;
  FlushRecord last_flush;
  std::vector<FlushRecord> recent;  // oldest first, bounded
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
  // the sink. Returns the number of rows left undelivered.
  int64_t Stop(Clock::time_point deadline);

  SinkStats Stats() const;

 private:
  void Run();
  // Sleeps up to `ms`, returning early when asked to stop.
  void BackoffLocked(std::unique_lock<std::mutex>& lock, int64_t ms);
  // Writes one batch, retrying retryable failures. Returns false when told
  // to abandon it (shutdown deadline passed).
  bool Deliver(const SealedBatch& batch);
  void RecordLocked(const FlushRecord& record);
  Status EnsureOpen();

  // Constant after construction.
  const std::string stream_;
  const std::string name_;
  const Schema& schema_;
  const RetryPolicy retry_;
  const std::function<void(uint64_t)> done_;
  UniqueSchema arrow_schema_;  // exported once, passed to every write

  // Used only by the runner thread (and Stop after join).
  std::unique_ptr<SinkInstance> instance_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // queue changes, progress, stop requests
  // Guarded by mu_.
  std::deque<SealedBatch> queue_;
  bool stopping_ = false;       // drain then exit
  bool abandon_ = false;        // exit now, even with batches queued
  Clock::time_point stop_deadline_;
  SinkStats stats_;             // `recent` kept empty; history lives in recent_
  std::deque<FlushRecord> recent_;

  std::thread thread_;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_DELIVERY_SINK_RUNNER_H_
