// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/delivery/sink_runner.h"

#include <algorithm>
#include <random>

#include "core/util/log.h"

namespace sinkhost {

const char* SinkStateName(SinkState state) {
  switch (state) {
    case SinkState::kOk: return "ok";
    case SinkState::kRetrying: return "retrying";
    case SinkState::kFailing: return "failing";
    case SinkState::kStuck: return "stuck";
  }
  return "unknown";
}

namespace {

// Full jitter on the upper half: spreads retries of many hosts without ever
// retrying sooner than half the computed delay.
int64_t BackoffDelayMs(const RetryPolicy& policy, uint32_t attempt, int64_t retry_after_ms) {
  double d = static_cast<double>(policy.initial_delay_ms);
  for (uint32_t i = 1; i < attempt && d < static_cast<double>(policy.max_delay_ms); ++i) d *= 2;
  int64_t capped = std::min<int64_t>(static_cast<int64_t>(d), policy.max_delay_ms);
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> dist(capped / 2, std::max<int64_t>(capped, 1));
  return std::max(dist(rng), retry_after_ms);
}

}  // namespace

SinkRunner::SinkRunner(std::string stream, std::string name,
                       std::unique_ptr<SinkInstance> instance, const Schema& schema,
                       RetryPolicy retry, std::function<void(uint64_t)> done)
    : stream_(std::move(stream)),
      name_(std::move(name)),
      schema_(schema),
      retry_(retry),
      done_(std::move(done)),
      instance_(std::move(instance)) {
  schema_.ExportToArrow(arrow_schema_.get());
  stats_.name = name_;
  stats_.plugin = instance_->info().name;
  stats_.isolation = instance_->isolation();
  transactional_ = instance_->info().transactional();
}

template <typename Fn>
Status SinkRunner::Timed(const char* call, const std::string& batch_id, Fn&& fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    call_ = call;
    call_batch_id_ = batch_id;
    call_since_ = Clock::now();
  }
  Status st = fn();
  std::lock_guard<std::mutex> lock(mu_);
  call_ = nullptr;
  call_batch_id_.clear();
  return st;
}

SinkRunner::~SinkRunner() { Stop(Clock::now()); }

Status SinkRunner::OpenNow() {
  Status st = Timed("open", "", [&] { return instance_->Open(stream_, schema_); });
  if (st.ok()) return st;
  if (st.IsRetryable()) {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.state = SinkState::kRetrying;
    stats_.last_error = st.message();
    Log(LogLevel::kWarning, "sink",
        "stream '" + stream_ + "', sink '" + name_ + "': cannot open yet, will retry: " +
            st.message());
    return Status::OK();
  }
  return st.WithContext("stream '" + stream_ + "', sink '" + name_ + "'");
}

void SinkRunner::SetQuarantine(std::unique_ptr<Quarantine> quarantine) {
  quarantine_ = std::move(quarantine);
}

Status SinkRunner::ReplayQuarantine(int64_t* rows) {
  *rows = 0;
  if (quarantine_ == nullptr)
    return Status::InvalidArgument("sink '" + name_ + "' of stream '" + stream_ +
                                   "' has no quarantine");
  std::shared_ptr<RowBatch> taken;
  SINKHOST_RETURN_NOT_OK(quarantine_->Take(&taken));
  *rows = taken->num_rows();
  if (*rows == 0) {
    quarantine_->FinishReplay();
    return Status::OK();
  }
  SealedBatch replay;
  replay.batch_seq = 0;
  // Row numbers of their own, so batch ids differ from the stream's.
  replay.first_row_seq = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(WallClock::now().time_since_epoch())
          .count());
  replay.rows = std::move(taken);
  replay.reason = FlushReason::kManual;
  replay.sealed_at = WallClock::now();
  Log(LogLevel::kInfo, "sink",
      "stream '" + stream_ + "', sink '" + name_ + "': replaying " + std::to_string(*rows) +
          " quarantined rows from '" + quarantine_->path() + "'");
  Enqueue(std::move(replay));
  return Status::OK();
}

void SinkRunner::Start() {
  if (!thread_.joinable()) thread_ = std::thread(&SinkRunner::Run, this);
}

void SinkRunner::Enqueue(SealedBatch&& batch) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(batch));
  }
  cv_.notify_all();
}

bool SinkRunner::WaitFor(uint64_t batch_seq, Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_until(lock, deadline, [&] { return stats_.completed_seq >= batch_seq; });
}

void SinkRunner::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  struct Done {
    SinkRunner* r;
    std::unique_lock<std::mutex>* lock;
    ~Done() {
      if (!lock->owns_lock()) lock->lock();
      r->thread_done_ = true;
      r->cv_.notify_all();
    }
  } done_flag{this, &lock};
  while (true) {
    cv_.wait(lock, [&] { return abandon_ || stopping_ || !queue_.empty(); });
    if (abandon_ || queue_.empty()) break;  // stopping with nothing left
    // A copy, so the batch stays queued (and counted) while it is written.
    SealedBatch batch = queue_.front();
    lock.unlock();
    const bool finished = Deliver(batch);
    const uint64_t seq = batch.batch_seq;
    batch = SealedBatch();  // drop our reference with no lock held
    lock.lock();
    if (!finished) break;
    SealedBatch done = std::move(queue_.front());
    queue_.pop_front();
    if (seq != 0) stats_.completed_seq = seq;
    lock.unlock();
    done = SealedBatch();  // likewise
    cv_.notify_all();
    if (seq == 0) quarantine_->FinishReplay();
    else if (done_) done_(seq);
    lock.lock();
  }
}

Status SinkRunner::EnsureOpen() {
  if (instance_->is_open()) return Status::OK();
  return Timed("open", "", [&] { return instance_->Open(stream_, schema_); });
}

void SinkRunner::RecordLocked(const FlushRecord& record) {
  stats_.has_last_flush = true;
  stats_.last_flush = record;
  recent_.push_back(record);
  if (recent_.size() > kHistory) recent_.pop_front();
}

SinkRunner::WriteOutcome SinkRunner::WriteRetrying(const std::shared_ptr<const RowBatch>& rows,
                                                  uint64_t first_row_seq, uint64_t batch_seq,
                                                  bool stable, WriteResult* result) {
  const int64_t n = rows->num_rows();
  // Deterministic: the same rows get the same id after a retry or restart.
  const std::string batch_id = stream_ + ":" + name_ + ":" + std::to_string(first_row_seq) + "-" +
                               std::to_string(first_row_seq + static_cast<uint64_t>(n));
  sinkhost_batch_info info{};
  info.struct_size = sizeof(info);
  info.batch_id = batch_id.c_str();
  info.first_sequence = first_row_seq;
  info.row_count = static_cast<uint64_t>(n);
  info.flags = stable ? SINKHOST_BATCH_STABLE_POSITIONS : 0;

  for (uint32_t attempt = 1;; ++attempt) {
    info.attempt = attempt - 1;
    const Clock::time_point start = Clock::now();
    // Open failures after startup (database down, table being migrated)
    // pause and retry; they never discard the batch.
    Status st = stable && before_stable_write_ ? before_stable_write_() : Status::OK();
    if (st.ok()) st = EnsureOpen();
    bool open_failed = !st.ok();
    if (st.ok()) {
      UniqueArray array;
      RowBatch::ExportToArrow(rows, array.get());
      st = Timed("write", batch_id, [&] {
        return instance_->Write(arrow_schema_.get(), std::move(array), info);
      });
      if (st.ok()) st = Timed("flush", batch_id, [&] { return instance_->Flush(); });
    }
    result->attempts = attempt;
    result->duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    result->batch_id = batch_id;
    if (st.ok()) return WriteOutcome::kDelivered;
    if (!open_failed && !st.IsRetryable() && !st.IsBusy()) {
      result->error = st.message();
      return WriteOutcome::kRefused;  // retrying the same rows cannot help
    }
    std::unique_lock<std::mutex> lock(mu_);
    stats_.state = SinkState::kRetrying;
    stats_.attempt = attempt;
    stats_.last_error = st.message();
    ++stats_.retries;
    const int64_t delay = BackoffDelayMs(retry_, attempt, st.retry_after_ms());
    if (attempt == 1 || attempt % 10 == 0) {
      Log(LogLevel::kWarning, "sink",
          "stream '" + stream_ + "', sink '" + name_ + "': batch " + std::to_string(batch_seq) +
              " (" + std::to_string(n) + " rows) failed, attempt " + std::to_string(attempt) +
              ", retrying in " + std::to_string(delay) + " ms: " + st.message());
    }
    BackoffLocked(lock, delay);
    if (abandon_) return WriteOutcome::kAbandoned;
  }
}

bool SinkRunner::QuarantineRetrying(const SealedBatch& batch, int64_t row,
                                    const WriteResult& refused) {
  for (uint32_t attempt = 1;; ++attempt) {
    Status st = quarantine_->Add(*batch.rows, row, row + 1, refused.batch_id, refused.error);
    if (st.ok()) return true;
    // The quarantine file is the last place the row can go: keep trying
    // (a full disk) rather than drop it.
    std::unique_lock<std::mutex> lock(mu_);
    stats_.state = SinkState::kRetrying;
    stats_.last_error = st.message();
    const int64_t delay = BackoffDelayMs(retry_, attempt, 0);
    if (attempt == 1 || attempt % 10 == 0)
      Log(LogLevel::kError, "sink", "stream '" + stream_ + "', sink '" + name_ +
                                        "': cannot quarantine a refused row, retrying: " +
                                        st.message());
    BackoffLocked(lock, delay);
    if (abandon_) return false;
  }
}

bool SinkRunner::Isolate(const SealedBatch& batch, int64_t begin, int64_t end,
                         const WriteResult& refused, Isolation* out) {
  if (end - begin == 1) {
    if (!QuarantineRetrying(batch, begin, refused)) return false;
    ++out->quarantined;
    if (out->first_error.empty()) out->first_error = refused.error;
    return true;
  }
  // Halving finds k refused rows among n in about 2k·log2(n) writes; a
  // transactional sink stored nothing of a refused write, so no row of a
  // refused half is written twice.
  const int64_t mid = begin + (end - begin) / 2;
  for (auto [a, b] : {std::pair{begin, mid}, std::pair{mid, end}}) {
    auto half = std::make_shared<RowBatch>(schema_);
    half->AppendRows(*batch.rows, a, b);
    WriteResult result;
    const WriteOutcome outcome =
        WriteRetrying(half, batch.first_row_seq + static_cast<uint64_t>(a), batch.batch_seq,
                      batch.stable_positions, &result);
    half.reset();
    if (outcome == WriteOutcome::kAbandoned) return false;
    if (outcome == WriteOutcome::kDelivered) out->delivered += b - a;
    else if (!Isolate(batch, a, b, result, out)) return false;
  }
  return true;
}

bool SinkRunner::Deliver(const SealedBatch& batch) {
  const int64_t rows = batch.rows->num_rows();
  const Clock::time_point start = Clock::now();
  WriteResult result;
  const WriteOutcome outcome = WriteRetrying(batch.rows, batch.first_row_seq, batch.batch_seq,
                                             batch.stable_positions, &result);
  if (outcome == WriteOutcome::kAbandoned) return false;
  if (outcome == WriteOutcome::kDelivered) {
    std::lock_guard<std::mutex> lock(mu_);
    // last_error describes the current trouble; the flush history keeps
    // past errors.
    stats_.state = SinkState::kOk;
    stats_.attempt = 0;
    stats_.last_error.clear();
    ++stats_.delivered_batches;
    stats_.delivered_rows += static_cast<uint64_t>(rows);
    RecordLocked({batch.batch_seq, WallClock::now(), result.duration_ms, rows, result.attempts,
                  true, ""});
    return true;
  }
  if (quarantine_ == nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.state = SinkState::kFailing;
    stats_.attempt = 0;
    stats_.last_error = result.error;
    ++stats_.failed_batches;
    stats_.failed_rows += static_cast<uint64_t>(rows);
    RecordLocked({batch.batch_seq, WallClock::now(), result.duration_ms, rows, result.attempts,
                  false, result.error});
    Log(LogLevel::kError, "sink",
        "stream '" + stream_ + "', sink '" + name_ + "': batch " +
            std::to_string(batch.batch_seq) + " (" + std::to_string(rows) +
            " rows) failed permanently and was not delivered: " + result.error);
    return true;
  }
  Isolation isolation;
  if (!Isolate(batch, 0, rows, result, &isolation)) return false;
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  const std::string summary = std::to_string(isolation.quarantined) + " of " +
                              std::to_string(rows) + " rows refused and quarantined in '" +
                              quarantine_->path() + "': " + isolation.first_error;
  std::lock_guard<std::mutex> lock(mu_);
  stats_.state = SinkState::kFailing;
  stats_.attempt = 0;
  stats_.last_error = summary;
  ++stats_.failed_batches;
  stats_.delivered_rows += static_cast<uint64_t>(isolation.delivered);
  stats_.quarantined_rows += static_cast<uint64_t>(isolation.quarantined);
  RecordLocked({batch.batch_seq, WallClock::now(), ms, rows, result.attempts, false, summary});
  Log(LogLevel::kError, "sink",
      "stream '" + stream_ + "', sink '" + name_ + "': batch " + std::to_string(batch.batch_seq) +
          ": " + summary + "; the other " + std::to_string(isolation.delivered) +
          " rows were delivered");
  return true;
}

void SinkRunner::BackoffLocked(std::unique_lock<std::mutex>& lock, int64_t ms) {
  Clock::time_point until = Clock::now() + std::chrono::milliseconds(ms);
  if (stopping_ && stop_deadline_ < until) until = stop_deadline_;
  cv_.wait_until(lock, until, [&] { return abandon_; });
  if (stopping_ && Clock::now() >= stop_deadline_) abandon_ = true;
}

int64_t SinkRunner::Stop(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!thread_.joinable() && instance_ == nullptr) return 0;
  stopping_ = true;
  stop_deadline_ = deadline;
  cv_.notify_all();
  if (thread_.joinable()) {
    if (!cv_.wait_until(lock, deadline, [&] { return queue_.empty(); })) abandon_ = true;
    cv_.notify_all();
    // A backoff ends at once; a call in progress may take a moment more.
    constexpr auto kGrace = std::chrono::seconds(1);
    if (!cv_.wait_until(lock, std::max(deadline, Clock::now()) + kGrace,
                        [&] { return thread_done_; })) {
      const std::string call = call_ != nullptr ? call_ : "a call";
      const std::string batch = call_batch_id_;
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - call_since_).count();
      if (instance_->isolation() == sinkhost::Isolation::kProcess) {
        // Its worker can be stopped: the call fails and the thread ends.
        lock.unlock();
        instance_->Interrupt();
        lock.lock();
        cv_.wait(lock, [&] { return thread_done_; });
      } else {
        // A call into the plugin in this process cannot be taken back: the
        // thread stays where it is, with the instance it uses.
        stuck_at_stop_ = true;
        Log(LogLevel::kError, "sink",
            "stream '" + stream_ + "', sink '" + name_ + "': its " + call +
                (batch.empty() ? "" : " of batch " + batch) + " has not returned after " +
                std::to_string(static_cast<int64_t>(ms)) +
                " ms, past shutdown_timeout; leaving it (the write-ahead log keeps the rows "
                "it had not confirmed)");
        thread_.detach();
        (void)instance_.release();
        int64_t undelivered = 0;
        for (const SealedBatch& b : queue_) undelivered += b.rows->num_rows();
        return undelivered;
      }
    }
    lock.unlock();
    thread_.join();
    lock.lock();
  }
  int64_t undelivered = 0;
  for (const SealedBatch& b : queue_) undelivered += b.rows->num_rows();
  std::deque<SealedBatch> left = std::move(queue_);
  queue_.clear();
  lock.unlock();
  left.clear();  // release batches with no lock held
  if (undelivered > 0) {
    Log(LogLevel::kError, "sink",
        "stream '" + stream_ + "', sink '" + name_ + "': stopped with " +
            std::to_string(undelivered) + " rows undelivered");
  }
  if (instance_ != nullptr && instance_->is_open()) {
    Status st = Timed("close", "", [&] { return instance_->Close(); });
    if (!st.ok())
      Log(LogLevel::kWarning, "sink", "stream '" + stream_ + "', sink '" + name_ + "': " +
                                          st.message());
  }
  return undelivered;
}

bool SinkRunner::stuck_at_stop() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stuck_at_stop_;
}

SinkStats SinkRunner::Stats() const {
  std::unique_lock<std::mutex> lock(mu_);
  SinkStats s = stats_;
  if (call_ != nullptr) {
    const double ms =
        std::chrono::duration<double, std::milli>(Clock::now() - call_since_).count();
    if (ms > static_cast<double>(timeouts_.ForCall(call_))) {
      s.state = SinkState::kStuck;
      s.stuck_call = call_;
      s.stuck_batch_id = call_batch_id_;
      s.stuck_for_ms = ms;
    }
  }
  s.queued_batches = static_cast<int>(queue_.size());
  for (const SealedBatch& b : queue_) s.queued_rows += b.rows->num_rows();
  s.recent.assign(recent_.begin(), recent_.end());
  if (quarantine_ != nullptr) s.quarantine_rows = quarantine_->rows();
  const SinkInstance* instance = instance_.get();
  lock.unlock();
  // Its own lock; the instance lives as long as this runner.
  if (instance != nullptr) s.worker = instance->worker_stats();
  return s;
}

}  // namespace sinkhost
