// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/stream/stream.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "core/batch/row_batch_codec.h"
#include "core/util/log.h"

namespace sinkhost {

namespace {

// The log's record type for a RowBatchCodec payload (the type byte is
// opaque to the log; it leaves room for other kinds of records later).
constexpr uint8_t kRowBatchRecord = 1;

// The per-thread encoding scratch keeps its capacity between requests,
// unless one request made it this large.
constexpr size_t kKeepScratchBytes = 1u << 20;

// Where row positions start when the log cannot say where the last run
// stopped: nanoseconds since the epoch (see next_position_ in stream.h).
uint64_t PositionFloor() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string Range(uint64_t first, uint64_t last) {
  if (first == last) return std::to_string(first);
  return std::to_string(first) + ".." + std::to_string(last);
}

}  // namespace

Status Stream::Create(std::string name, Schema schema, StreamOptions options,
                      std::vector<StreamSinkSpec> sinks, std::unique_ptr<Stream>* out) {
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier("stream name", name));
  if (sinks.empty()) return Status::InvalidArgument("stream '" + name + "' has no sinks");
  const BufferOptions& b = options.buffer;
  if (b.max_events <= 0 || b.max_bytes == 0 || b.max_pending_batches <= 0 ||
      b.flush_interval_ms < 0 || b.block_timeout_ms < 0)
    return Status::InvalidArgument("stream '" + name + "': buffer limits must be positive");

  std::unique_ptr<Stream> stream(new Stream());
  stream->name_ = std::move(name);
  stream->schema_ = std::make_unique<Schema>(std::move(schema));
  stream->fingerprint_ = SchemaFingerprint(*stream->schema_);
  stream->options_ = options;
  Stream* raw = stream.get();
  if (!options.quarantine_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.quarantine_dir, ec);
    if (ec)
      return Status::IoError("stream '" + stream->name_ + "': cannot create quarantine folder '" +
                             options.quarantine_dir + "': " + ec.message());
  }
  std::set<std::string> names;
  for (StreamSinkSpec& spec : sinks) {
    if (!names.insert(spec.name).second)
      return Status::InvalidArgument("stream '" + stream->name_ + "': two sinks are named '" +
                                     spec.name + "'");
    const size_t index = stream->runners_.size();
    auto runner = std::make_unique<SinkRunner>(
        stream->name_, spec.name, std::move(spec.instance), *stream->schema_, options.retry,
        [raw, index](uint64_t batch_seq) { raw->OnBatchDone(index, batch_seq); });
    runner->SetCallTimeouts(spec.timeouts);
    if (!options.quarantine_dir.empty()) {
      std::unique_ptr<Quarantine> quarantine;
      SINKHOST_RETURN_NOT_OK(
          Quarantine::Open(
              (std::filesystem::path(options.quarantine_dir) / (spec.name + ".ndjson")).string(),
              stream->name_, spec.name, *stream->schema_, &quarantine)
              .WithContext("stream '" + stream->name_ + "', sink '" + spec.name + "'"));
      runner->SetQuarantine(std::move(quarantine));
    }
    SINKHOST_RETURN_NOT_OK(runner->OpenNow());
    stream->runners_.push_back(std::move(runner));
  }
  stream->last_given_.assign(stream->runners_.size(), 0);
  stream->last_done_.assign(stream->runners_.size(), 0);
  stream->dispatch_targets_.assign(stream->runners_.size(), 0);
  if (!stream->options_.wal_dir.empty())
    SINKHOST_RETURN_NOT_OK(stream->OpenLog().WithContext("stream '" + stream->name_ + "'"));
  stream->buffer_ = std::make_unique<WriteBuffer>(
      *stream->schema_, options.buffer,
      [raw](SealedBatch&& batch) { raw->Dispatch(std::move(batch)); });
  *out = std::move(stream);
  return Status::OK();
}

Status Stream::OpenLog() {
  SINKHOST_RETURN_NOT_OK(WriteAheadLog::Open(options_.wal_dir, options_.wal, &wal_));
  const WalStats opened = wal_->Stats();
  if (!opened.damage.empty()) {
    Log(LogLevel::kWarning, "stream",
        "stream '" + name_ + "': the write-ahead log in " + opened.dir + " was damaged: " +
            std::to_string(opened.damage.size()) +
            " region(s), every intact record kept (details above; `sinkhost wal inspect " +
            opened.dir + "` shows them)");
  }

  // Rows continue the positions of the last record; see next_position_.
  next_position_ = 0;
  if (opened.last_seq > 0) {
    std::unique_ptr<WalReader> tail;
    WalRecord r;
    RowBatchHeader h;
    if (wal_->NewReader(opened.last_seq, &tail).ok() && tail->Next(&r) &&
        r.seq == opened.last_seq && r.type == kRowBatchRecord &&
        PeekRowBatchHeader(r.payload, &h).ok() && h.has_position)
      next_position_ = h.first_position + h.rows;
  }
  if (next_position_ == 0) {
    next_position_ = PositionFloor();
    Log(LogLevel::kInfo, "stream",
        "stream '" + name_ + "': the write-ahead log has no last record to continue from; row "
        "positions start at " + std::to_string(next_position_));
  }
  // A transactional sink records positions in its ledger: before it gets a
  // batch, the batch's records must be on disk, or a power loss could hand
  // their positions to other rows (which its ledger would then skip).
  // `always` has fsynced them before they were buffered.
  if (options_.wal.fsync != FsyncPolicy::kAlways) {
    WriteAheadLog* wal = wal_.get();
    for (auto& r : runners_)
      if (r->transactional())
        r->SetBeforeStableWrite([wal]() -> Status {
          if (wal->durable_seq() >= wal->last_seq()) return Status::OK();
          return wal->Sync();
        });
  }

  std::set<std::string> configured;
  for (const auto& r : runners_) configured.insert(r->name());
  for (const WalConsumerPosition& c : opened.consumers) {
    if (configured.count(c.name) != 0) continue;
    // A sink taken out of the configuration (or renamed) would otherwise
    // hold its segments forever and fill the log up to its cap.
    const uint64_t pending =
        opened.last_seq > c.confirmed_seq ? opened.last_seq - c.confirmed_seq : 0;
    SINKHOST_RETURN_NOT_OK(wal_->RemoveConsumer(c.name));
    Log(LogLevel::kWarning, "stream",
        "stream '" + name_ + "': sink '" + c.name +
            "' is no longer configured; its position in the write-ahead log is dropped" +
            (pending > 0 ? " with " + std::to_string(pending) + " records it had not confirmed"
                         : std::string()));
  }

  const uint64_t last = wal_->last_seq();
  start_positions_.assign(runners_.size(), 0);
  for (size_t i = 0; i < runners_.size(); ++i) {
    const std::string& sink = runners_[i]->name();
    const bool known = std::any_of(opened.consumers.begin(), opened.consumers.end(),
                                   [&](const WalConsumerPosition& c) { return c.name == sink; });
    uint64_t pos = 0;
    SINKHOST_RETURN_NOT_OK(wal_->RegisterConsumer(sink, &pos));
    if (!known && pos < last) {
      // A sink new to the log gets what is accepted from now on, not
      // whatever older records the other sinks happen to hold back.
      SINKHOST_RETURN_NOT_OK(wal_->Confirm(sink, last));
      pos = last;
    }
    start_positions_[i] = pos;
  }

  Log(LogLevel::kInfo, "stream",
      "stream '" + name_ + "': write-ahead log in " + opened.dir + " (fsync " +
          FsyncPolicyName(options_.wal.fsync) + "), " + std::to_string(opened.segments) +
          " segment(s), " + std::to_string(opened.total_bytes) + " bytes, last record " +
          std::to_string(last));
  const uint64_t lowest = *std::min_element(start_positions_.begin(), start_positions_.end());
  if (last <= lowest) return Status::OK();
  replay_from_ = lowest + 1;
  replay_to_ = last;
  for (uint64_t p : start_positions_)
    if (p > lowest) replay_cuts_.push_back(p);
  std::sort(replay_cuts_.begin(), replay_cuts_.end());
  replay_cuts_.erase(std::unique(replay_cuts_.begin(), replay_cuts_.end()), replay_cuts_.end());

  // Records of another schema cannot be replayed into this one. Every
  // record after the first pending one was written by a run that checked
  // this, so the first one speaks for all.
  std::unique_ptr<WalReader> reader;
  SINKHOST_RETURN_NOT_OK(wal_->NewReader(replay_from_, &reader));
  WalRecord first;
  if (reader->Next(&first)) {
    RowBatchHeader h;
    Status st = first.type == kRowBatchRecord
                    ? PeekRowBatchHeader(first.payload, &h)
                    : Status::InvalidArgument("unknown record type " + std::to_string(first.type));
    if (st.ok() && h.schema_fingerprint != fingerprint_ &&
        !IsEarlierSchema(*schema_, h.schema_fingerprint, h.columns))
      st = Status::InvalidArgument("written under other columns");
    if (!st.ok())
      return Status::InvalidArgument(
          "the write-ahead log in " + wal_->dir() + " holds " + std::to_string(last - lowest) +
          " undelivered records that cannot be read as this stream's rows (record " +
          std::to_string(first.seq) + ": " + st.message() +
          "); start once with the previous columns so that they are delivered, or move the "
          "directory away to discard them");
  }
  replaying_ = true;
  std::string positions;
  for (size_t i = 0; i < runners_.size(); ++i)
    positions += (i ? ", " : "") + runners_[i]->name() + " at " +
                 std::to_string(start_positions_[i]);
  Log(LogLevel::kInfo, "stream",
      "stream '" + name_ + "': replaying records " + Range(replay_from_, replay_to_) +
          " of the write-ahead log (sinks: " + positions + ")");
  return Status::OK();
}

Stream::~Stream() {
  if (buffer_ != nullptr) Shutdown(std::chrono::milliseconds(0));
}

void Stream::Start() {
  for (auto& r : runners_) r->Start();
  buffer_->Start();
  if (wal_ == nullptr) return;
  std::lock_guard<std::mutex> lock(accept_mu_);
  if (replaying_ && !closing_ && !replay_thread_.joinable()) StartReplayLocked(replay_from_, false);
}

void Stream::StartReplayLocked(uint64_t from, bool spill) {
  // A thread that finished has left replay mode under accept_mu_ and takes
  // it no more, so joining it here cannot wait for this lock.
  if (replay_thread_.joinable()) replay_thread_.join();
  replay_thread_ = std::thread(&Stream::Replay, this, from, spill);
}

Status Stream::Accept(const RowBatch& rows) {
  if (wal_ == nullptr) return buffer_->Append(rows);
  const int64_t n = rows.num_rows();
  if (n == 0) return Status::OK();
  // Encoded before taking the lock: the lock only orders the log write
  // and the buffer append.
  thread_local std::string record;
  record.clear();
  EncodeRowBatch(rows, fingerprint_, &record);
  const std::string_view part(record);
  uint64_t seq = 0;
  Status st;
  {
    std::lock_guard<std::mutex> lock(accept_mu_);
    if (closing_) st = Status::Busy("the stream is shutting down", 1000);
    // During replay the rows go to the log only; the replay thread buffers
    // them after the older records. A buffer without room for them right
    // now starts a spill, which is the same mode: the request never waits
    // for sinks, only the log's cap can refuse it.
    const bool replaying = replaying_.load(std::memory_order_relaxed);
    const bool direct = st.ok() && !replaying &&
                        BufferHasRoomLocked(n, rows.byte_size(),
                                            NeedsCutLocked(next_position_, true));
    const uint64_t first_pos = next_position_;
    if (st.ok()) {
      SetRowBatchFirstPosition(&record, 0, first_pos);
      st = wal_->Write(std::span<const std::string_view>(&part, 1), kRowBatchRecord, &seq);
    }
    if (st.ok()) next_position_ = first_pos + static_cast<uint64_t>(n);
    if (st.ok() && direct) {
      st = BufferLocked(rows, seq, first_pos, true);
    } else if (st.ok() && !replaying) {
      // Every record before this one is in the buffer: the backlog starts here.
      replaying_ = true;
      spilling_ = true;
      const uint64_t k = ++spills_;
      if (k == 1 || k % 1000 == 0)
        Log(LogLevel::kInfo, "stream",
            "stream '" + name_ + "': buffer full (sinks behind); requests go to the "
            "write-ahead log only from record " + std::to_string(seq) + " until it is buffered (" +
                std::to_string(k) + " such spills)");
      StartReplayLocked(seq, /*spill=*/true);
    }
  }
  if (record.capacity() > kKeepScratchBytes) std::string().swap(record);
  if (!st.ok()) return st;
  return wal_->WaitDurable(seq);
}

bool Stream::BufferHasRoomLocked(int64_t rows, uint64_t bytes, bool need_slot) const {
  const BufferStats s = buffer_->Stats();
  const BufferOptions& o = options_.buffer;
  // The same test as WriteBuffer::Append: an empty open batch takes
  // anything, a free slot lets it seal the open batch first.
  if (s.buffered_events == 0 || s.pending_batches < o.max_pending_batches) return true;
  return !need_slot && s.buffered_events + rows <= o.max_events &&
         s.buffered_bytes + bytes <= o.max_bytes;
}

Status Stream::WaitForRoomLocked(std::unique_lock<std::mutex>& lock, int64_t rows,
                                 uint64_t bytes, bool need_slot) {
  while (true) {
    if (closing_) return Status::Busy("the stream is shutting down", 1000);
    if (BufferHasRoomLocked(rows, bytes, need_slot)) return Status::OK();
    space_cv_.wait(lock);
  }
}

bool Stream::NeedsCutLocked(uint64_t first_pos, bool stable) const {
  return buffered_any_ && (first_pos != buffer_next_pos_ || stable != buffer_pos_stable_);
}

Status Stream::BufferLocked(const RowBatch& rows, uint64_t seq, uint64_t first_pos,
                            bool stable) {
  const uint64_t n = static_cast<uint64_t>(rows.num_rows());
  if (n > 0) {
    // A batch is one contiguous range of positions (its id and the sinks'
    // ledgers say first-end): a record that does not continue the open
    // batch starts a new one. Happens in replay only (after records of an
    // older version, or where a new numbering starts).
    if (NeedsCutLocked(first_pos, stable)) buffer_->Seal(FlushReason::kManual);
    buffered_any_ = true;
    buffer_next_pos_ = first_pos + n;
    buffer_pos_stable_ = stable;
  }
  {
    // Noted before the append, which may seal and dispatch these rows.
    std::lock_guard<std::mutex> lock(map_mu_);
    next_row_ += n;
    records_.push_back(LoggedRecord{seq, next_row_, n, first_pos, stable});
  }
  Status st = buffer_->Append(rows);
  if (!st.ok()) {
    // Not reached while the room check holds (only a closed buffer
    // refuses). The record stays in the log without rows in the buffer:
    // confirmed with the next batch, or replayed after a crash.
    std::lock_guard<std::mutex> lock(map_mu_);
    next_row_ -= n;
    records_.back().end_row -= n;
    records_.back().rows = 0;
    Log(LogLevel::kError, "stream",
        "stream '" + name_ + "': record " + std::to_string(seq) +
            " is logged but the buffer refused its rows: " + st.message());
  }
  return st;
}

void Stream::NotifyRoom() {
  // A waiter tests for room and starts waiting under accept_mu_; passing
  // through it here means none is between the two, so none misses this.
  { std::lock_guard<std::mutex> lock(accept_mu_); }
  space_cv_.notify_all();
}

void Stream::Dispatch(SealedBatch&& batch) {
  auto& runners = runners_;
  if (wal_ == nullptr) {
    // Copies for all sinks but the last, which takes the original: no
    // reference may stay behind here (see WriteBuffer::Dispatch).
    for (size_t i = 0; i + 1 < runners.size(); ++i) runners[i]->Enqueue(SealedBatch(batch));
    runners.back()->Enqueue(std::move(batch));
    return;
  }
  const uint64_t end_row = batch.first_row_seq + static_cast<uint64_t>(batch.rows->num_rows());
  std::vector<uint8_t>& given_to = dispatch_targets_;
  size_t given = 0;
  {
    std::lock_guard<std::mutex> lock(map_mu_);
    BatchRecords b;
    b.batch_seq = batch.batch_seq;
    // The batch's rows as stable positions: its first row's, from the
    // record holding it (BufferLocked keeps a batch contiguous).
    batch.stable_positions = false;
    for (size_t i = records_head_; i < records_.size(); ++i) {
      const LoggedRecord& r = records_[i];
      if (r.rows == 0 || r.end_row <= batch.first_row_seq) continue;
      batch.stable_positions = r.stable;
      batch.first_row_seq = r.first_pos + (batch.first_row_seq - (r.end_row - r.rows));
      break;
    }
    while (records_head_ < records_.size() && records_[records_head_].end_row <= end_row) {
      const LoggedRecord& r = records_[records_head_++];
      if (r.rows > 0) b.last_seq = r.seq;
      confirmable_seq_ = r.seq;
    }
    if (records_head_ == records_.size()) {
      records_.clear();
      records_head_ = 0;
    } else if (records_head_ >= 1024 && records_head_ * 2 >= records_.size()) {
      records_.erase(records_.begin(),
                     records_.begin() + static_cast<std::ptrdiff_t>(records_head_));
      records_head_ = 0;
    }
    if (records_head_ < records_.size() &&
        records_[records_head_].end_row - records_[records_head_].rows < end_row) {
      // A record whose rows continue in the next batch (the buffer keeps a
      // request's rows together today; this keeps the mapping right if not).
      b.last_seq = records_[records_head_].seq;
    }
    b.confirm_seq = confirmable_seq_;
    // A sink whose position (when the log was opened) covers every record
    // of the batch has these rows already; outside replay none does.
    for (size_t i = 0; i < runners.size(); ++i) {
      given_to[i] = b.last_seq == 0 || b.last_seq > start_positions_[i];
      given += given_to[i];
    }
    if (given == 0) {
      // Cannot happen (replay starts after the lowest position), but the
      // batch must go somewhere: its last reference may not be dropped here.
      std::fill(given_to.begin(), given_to.end(), 1);
      given = runners.size();
    }
    b.unfinished = static_cast<int>(given);
    for (size_t i = 0; i < runners.size(); ++i)
      if (given_to[i]) last_given_[i] = batch.batch_seq;
    batches_.push_back(b);
  }
  // Copies for all targets but the last, which takes the original: no
  // reference may stay behind here (see WriteBuffer::Dispatch).
  for (size_t i = 0; i < runners.size(); ++i) {
    if (!given_to[i]) continue;
    if (--given == 0) runners[i]->Enqueue(std::move(batch));
    else runners[i]->Enqueue(SealedBatch(batch));
  }
}

void Stream::OnBatchDone(size_t runner, uint64_t batch_seq) {
  uint64_t confirm = 0;
  {
    std::lock_guard<std::mutex> lock(map_mu_);
    if (!batches_.empty() && batch_seq >= batches_.front().batch_seq &&
        batch_seq - batches_.front().batch_seq < batches_.size()) {
      BatchRecords& b = batches_[batch_seq - batches_.front().batch_seq];
      confirm = b.confirm_seq;
      --b.unfinished;
      while (!batches_.empty() && batches_.front().unfinished <= 0) batches_.pop_front();
    }
  }
  if (confirm > 0) {
    const std::string& sink = runners_[runner]->name();
    Status st = wal_->Confirm(sink, confirm);
    if (!st.ok()) {
      // Positions only move forward and the next batch confirms again; a
      // position that does not reach disk means records replayed twice
      // after a crash, never lost ones.
      const uint64_t n = ++confirm_errors_;
      if (n == 1 || n % 100 == 0)
        Log(LogLevel::kWarning, "stream",
            "stream '" + name_ + "', sink '" + sink + "': cannot confirm record " +
                std::to_string(confirm) + " in the write-ahead log (" + std::to_string(n) +
                " such errors): " + st.message());
    }
  }
  {
    std::lock_guard<std::mutex> lock(map_mu_);
    last_done_[runner] = batch_seq;
  }
  done_cv_.notify_all();
  // The batch's buffer slot was freed before this call (see sink_runner.h).
  NotifyRoom();
}

void Stream::Replay(uint64_t from, bool spill) {
  const Clock::time_point started = Clock::now();
  RowBatch rows(*schema_);
  uint64_t next = from;
  // replay_cuts_[cut] is the next sink position to cut at. A spill has
  // none: every sink had everything before it, so all lack the same records.
  size_t cut = spill ? replay_cuts_.size() : 0;
  int failures = 0;
  while (true) {
    std::unique_ptr<WalReader> reader;
    uint64_t pass_end = 0;
    Status st;
    {
      // Together, so that the reader holds every record up to pass_end.
      std::lock_guard<std::mutex> lock(accept_mu_);
      if (closing_) break;
      pass_end = wal_->last_seq();
      st = wal_->NewReader(next, &reader);
    }
    WalRecord r;
    while (st.ok() && reader->Next(&r)) {
      rows.Clear();
      Status decoded = r.type == kRowBatchRecord
                           ? DecodeRowBatch(r.payload, fingerprint_, &rows)
                           : Status::InvalidArgument("unknown record type " +
                                                     std::to_string(r.type));
      if (!decoded.ok()) {
        rows.Clear();
        const uint64_t n = ++unreadable_records_;
        if (n <= 10 || n % 1000 == 0)
          Log(LogLevel::kError, "stream",
              "stream '" + name_ + "': record " + std::to_string(r.seq) +
                  " of the write-ahead log cannot be replayed and is skipped: " +
                  decoded.message());
      }
      // The rows' stable positions, as logged. Records of codec version 1
      // have none: they go in batches of their own without the flag, so
      // ledgers neither skip them nor record them (at least once).
      RowBatchHeader header;
      const bool stable = decoded.ok() && PeekRowBatchHeader(r.payload, &header).ok() &&
                          header.has_position;
      bool cut_here = false;
      while (cut < replay_cuts_.size() && replay_cuts_[cut] < r.seq) {
        cut_here = true;
        ++cut;
      }
      std::unique_lock<std::mutex> lock(accept_mu_);
      const uint64_t first_pos = stable ? header.first_position : buffer_next_pos_;
      if (rows.num_rows() > 0 && NeedsCutLocked(first_pos, stable)) cut_here = true;
      if (cut_here) {
        if (!WaitForRoomLocked(lock, 0, 0, /*need_slot=*/true).ok()) break;
        buffer_->Seal(FlushReason::kManual);
      }
      if (!WaitForRoomLocked(lock, rows.num_rows(), rows.byte_size(), false).ok()) break;
      (void)BufferLocked(rows, r.seq, first_pos, stable);
      if (spill) {
        ++spilled_records_;
      } else {
        ++replayed_records_;
        replayed_rows_ += static_cast<uint64_t>(rows.num_rows());
      }
      next = r.seq + 1;
    }
    if (st.ok()) st = reader->status();
    std::unique_lock<std::mutex> lock(accept_mu_);
    if (closing_) break;
    if (st.ok()) {
      failures = 0;
      // Records up to pass_end that the reader did not return are lost to
      // damage (reported by the log); anything later arrived meanwhile.
      next = std::max(next, pass_end + 1);
      if (wal_->last_seq() < next) {
        if (cut < replay_cuts_.size()) {
          // A sink is at the last replayed record: records accepted from
          // now on must start a batch of their own, which it will get.
          if (!WaitForRoomLocked(lock, 0, 0, /*need_slot=*/true).ok()) break;
          buffer_->Seal(FlushReason::kManual);
          cut = replay_cuts_.size();
        }
        replaying_ = false;
        spilling_ = false;
        lock.unlock();
        space_cv_.notify_all();  // a Flush may wait for this
        if (spill) return;  // frequent under a slow sink; counted in the stats
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
        const WalStats ws = wal_->Stats();
        Log(LogLevel::kInfo, "stream",
            "stream '" + name_ + "': replay done in " + std::to_string(ms) + " ms: " +
                std::to_string(replayed_records_.load()) + " records (" +
                std::to_string(replayed_rows_.load()) + " rows) buffered again" +
                (unreadable_records_ > 0
                     ? ", " + std::to_string(unreadable_records_.load()) + " unreadable"
                     : std::string()) +
                (ws.damage.empty() ? std::string()
                                   : "; the log reports " + std::to_string(ws.damage.size()) +
                                         " damaged region(s)"));
        return;
      }
      continue;
    }
    // The log could not be read (I/O). Stay in replay mode, so nothing
    // later is confirmed past the records still to be buffered, and retry.
    ++failures;
    if (failures == 1 || failures % 60 == 0)
      Log(LogLevel::kError, "stream",
          "stream '" + name_ + "': replay of the write-ahead log from record " +
              std::to_string(next) + " failed, retrying: " + st.message());
    space_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return closing_; });
    if (closing_) break;
  }
  // Interrupted by shutdown: what was not buffered stays in the log.
  const uint64_t last = wal_->last_seq();
  if (next <= last)
    Log(LogLevel::kWarning, "stream",
        "stream '" + name_ + "': stopped during replay; records " + Range(next, last) +
            " stay in the write-ahead log and are delivered after the next start");
}

FlushOutcome Stream::Flush(std::chrono::milliseconds timeout) {
  FlushOutcome outcome;
  outcome.stream = name_;
  const Clock::time_point deadline = Clock::now() + timeout;
  bool replayed = true;
  if (wal_ != nullptr) {
    // Events acknowledged during replay or a spill are not in the buffer
    // until replay has caught up; a flush is about every acknowledged event.
    std::unique_lock<std::mutex> lock(accept_mu_);
    replayed = space_cv_.wait_until(lock, deadline, [&] { return !replaying_ || closing_; }) &&
               !replaying_;
  }
  outcome.completed = replayed;
  outcome.batch_seq = buffer_->Seal(FlushReason::kManual, &outcome.rows_sealed);
  // The seal emptied the open batch, which may be the room a waiter needs.
  if (wal_ != nullptr) NotifyRoom();
  for (size_t i = 0; i < runners_.size(); ++i) {
    SinkRunner& r = *runners_[i];
    // During replay a sink skips batches it already has: wait for the
    // last one it was given instead.
    uint64_t wait_for = outcome.batch_seq;
    if (wal_ != nullptr) {
      std::lock_guard<std::mutex> lock(map_mu_);
      wait_for = std::min(wait_for, last_given_[i]);
    }
    FlushOutcome::PerSink ps;
    ps.name = r.name();
    ps.done = wait_for == 0 || r.WaitFor(wait_for, deadline);
    if (ps.done && wal_ != nullptr) {
      // The runner reports a batch finished just before the stream hears of
      // it: wait for the confirmation too, so a flush leaves the log's
      // positions where the sinks are.
      std::unique_lock<std::mutex> lock(map_mu_);
      ps.done = done_cv_.wait_until(lock, deadline, [&] { return last_done_[i] >= wait_for; });
    }
    SinkStats st = r.Stats();
    ps.state = st.state;
    ps.last_error = st.last_error;
    outcome.completed = outcome.completed && ps.done;
    outcome.sinks.push_back(std::move(ps));
  }
  return outcome;
}

int64_t Stream::Shutdown(std::chrono::milliseconds timeout) {
  std::call_once(shutdown_once_, [&] { undelivered_at_shutdown_ = ShutdownOnce(timeout); });
  return undelivered_at_shutdown_;
}

int64_t Stream::ShutdownOnce(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  std::thread replay;
  if (wal_ != nullptr) {
    {
      // No replay thread is started once closing_ is set.
      std::lock_guard<std::mutex> lock(accept_mu_);
      closing_ = true;
      replay = std::move(replay_thread_);
    }
    space_cv_.notify_all();
  }
  if (replay.joinable()) replay.join();
  const BufferStats before = buffer_->Stats();
  buffer_->Close();
  int64_t undelivered = 0;
  // Runners drain concurrently; Stop waits for each in turn.
  for (auto& r : runners_) {
    undelivered += r->Stop(deadline);
    if (r->stuck_at_stop()) stuck_at_shutdown_ = true;
  }
  if (stuck_at_shutdown_) {
    // A sink's thread is still in its plugin and may yet touch the log;
    // the process is about to exit, and the log is consistent on disk.
    Log(LogLevel::kError, "stream",
        "stream '" + name_ + "': a sink did not return from its plugin by shutdown_timeout; "
        "its rows stay in the write-ahead log");
    return undelivered;
  }
  if (wal_ != nullptr) {
    // After the runners: their last confirmations go through the log.
    Status st = wal_->Close();
    if (!st.ok())
      Log(LogLevel::kError, "stream",
          "stream '" + name_ + "': closing the write-ahead log: " + st.message());
  }
  if (undelivered == 0) {
    Log(LogLevel::kInfo, "stream",
        "stream '" + name_ + "': shut down cleanly (" + std::to_string(before.buffered_events) +
            " buffered events flushed at shutdown)");
  } else if (wal_ != nullptr) {
    Log(LogLevel::kWarning, "stream",
        "stream '" + name_ + "': " + std::to_string(undelivered) +
            " undelivered rows stay in the write-ahead log and are delivered after the next "
            "start");
  }
  return undelivered;
}

bool Stream::HasSink(const std::string& sink) const {
  for (const auto& r : runners_)
    if (r->name() == sink) return true;
  return false;
}

Status Stream::ReplayQuarantine(const std::string& sink, int64_t* rows) {
  *rows = 0;
  for (const auto& r : runners_)
    if (r->name() == sink) return r->ReplayQuarantine(rows);
  std::string known;
  for (const auto& r : runners_) known += (known.empty() ? "'" : ", '") + r->name() + "'";
  return Status::InvalidArgument("stream '" + name_ + "' has no sink '" + sink +
                                 "' (its sinks: " + known + ")");
}

StreamStats Stream::Stats() const {
  StreamStats s;
  s.name = name_;
  s.schema_kind = schema_->kind() == Schema::Kind::kPlausible ? "plausible" : "custom";
  s.buffer_options = options_.buffer;
  s.buffer = buffer_->Stats();
  for (const auto& r : runners_) s.sinks.push_back(r->Stats());
  if (wal_ != nullptr) {
    StreamWalStats& w = s.wal;
    w.enabled = true;
    w.log = wal_->Stats();
    w.replaying = replaying_.load();
    w.replay_from_seq = replay_from_;
    w.replay_to_seq = replay_to_;
    w.replayed_records = replayed_records_.load();
    w.replayed_rows = replayed_rows_.load();
    w.unreadable_records = unreadable_records_.load();
    w.confirm_errors = confirm_errors_.load();
    w.spilling = spilling_.load();
    w.spills = spills_.load();
    w.spilled_records = spilled_records_.load();
  }
  return s;
}

}  // namespace sinkhost
