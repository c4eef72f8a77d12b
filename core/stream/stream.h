// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Stream: one named flow of events — its schema, its write-ahead log, its
// write buffer and the sinks every sealed batch goes to. This is the object
// the HTTP layer and the admin API talk to.
//
//   ingest thread --Accept--> WriteAheadLog --> WriteBuffer --seal--> SinkRunner x N
//                                  ^                                       |
//                                  +------- Confirm(sink, seq) <-- done ---+
//
// Accept() is the acknowledgement point: it appends the rows to the log
// (as a RowBatchCodec record) and to the buffer, in the same order, and
// returns OK only once the record is as durable as the log's fsync policy
// promises. Each sink is a consumer of the log: when it finishes a batch,
// the stream confirms the last record whose rows all lie in the batches that
// sink has finished, so a segment is deleted once every sink is past it.
//
// At Start, the records after the lowest sink position are replayed into the
// buffer on a background thread, in order; a sink that had already
// confirmed some of them does not get those again (batches are cut at each
// sink's position so that none mixes records it has and records it lacks).
// Meanwhile Accept keeps acknowledging: its records go to the log only, and
// the replay thread buffers them after the older ones. See
// docs/reliability.md.
//
// The same mode is entered at runtime ("spilling") whenever the buffer has
// no room for a request: its record goes to the log only and the replay
// thread (started again) buffers the backlog in order, waiting for room as
// long as it takes, then hands back to direct appends. So with a log a
// stalled sink never makes ingest wait or refuse; only the log's cap does.
//
// Without a log directory (StreamOptions::wal_dir empty) Accept appends to
// the buffer only and nothing survives a crash.
//
// Thread safety: all public methods may be called concurrently.
#ifndef SINKHOST_CORE_STREAM_STREAM_H_
#define SINKHOST_CORE_STREAM_STREAM_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/buffer/write_buffer.h"
#include "core/delivery/sink_runner.h"
#include "core/schema/schema.h"
#include "core/wal/write_ahead_log.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

struct StreamSinkSpec {
  std::string name;  // unique within the stream
  std::unique_ptr<SinkInstance> instance;
  // Past these a call makes the sink "stuck" in its stats.
  CallTimeouts timeouts;
};

struct StreamOptions {
  BufferOptions buffer;
  RetryPolicy retry;
  // Bulk endpoint: refuse (false) or skip (true) fields not in the schema.
  bool ignore_unknown_fields = false;
  // The stream's write-ahead log directory (the host uses
  // <data_dir>/wal/<stream>); empty: no log.
  std::string wal_dir;
  WalOptions wal;
  // Where each sink's refused rows are kept, as <quarantine_dir>/<sink>.ndjson
  // (the host uses <data_dir>/quarantine/<stream>); created when missing.
  // Empty: no quarantine, a refused batch is counted as failed and dropped.
  std::string quarantine_dir;
};

// The write-ahead log as seen from its stream.
struct StreamWalStats {
  bool enabled = false;  // false: the stream has no log; the rest is empty
  // The log's own figures: segments, bytes against the cap, first, last and
  // durable seq, fsyncs, appends refused when full, each sink's confirmed
  // position (consumers), damage found at open and during replay, and the
  // error that turned it read-only.
  WalStats log;
  // Startup replay of the records some sink had not confirmed, or a spill
  // (below): records are in the log but not yet in the buffer.
  bool replaying = false;
  uint64_t replay_from_seq = 0;  // first record to replay (0: nothing to replay)
  uint64_t replay_to_seq = 0;    // last record in the log when the stream opened it
  uint64_t replayed_records = 0;  // buffered again, including those accepted during replay
  uint64_t replayed_rows = 0;
  // Records whose payload did not decode (logged, not delivered).
  uint64_t unreadable_records = 0;
  uint64_t confirm_errors = 0;  // sink positions that could not be written
  // Runtime spills: the buffer was full, so requests went to the log only
  // and the replay thread buffers them (replaying is true meanwhile).
  bool spilling = false;
  uint64_t spills = 0;            // times a spill was entered
  uint64_t spilled_records = 0;   // records buffered from the log after a spill
};

struct StreamStats {
  std::string name;
  std::string schema_kind;  // "plausible" or "custom"
  BufferOptions buffer_options;
  BufferStats buffer;
  std::vector<SinkStats> sinks;
  StreamWalStats wal;
};

// What a manual flush did, per sink.
struct FlushOutcome {
  std::string stream;
  uint64_t batch_seq = 0;     // last batch the flush waited for (0: none)
  int64_t rows_sealed = 0;    // rows the flush itself moved out of the buffer
  bool completed = true;      // every sink finished before the deadline
  struct PerSink {
    std::string name;
    bool done = false;        // finished (delivered or failed) before deadline
    SinkState state = SinkState::kOk;
    std::string last_error;
  };
  std::vector<PerSink> sinks;
};

class Stream {
 public:
  // Opens every sink (on this thread) so that configuration errors surface
  // before the host starts listening; retryable open errors are tolerated.
  // Then opens and recovers the write-ahead log, registers each sink as a
  // consumer (a sink new to the log starts at its end; a consumer whose
  // sink is no longer configured is removed, with a warning) and checks
  // that the records to replay were written under this schema.
  static Status Create(std::string name, Schema schema, StreamOptions options,
                       std::vector<StreamSinkSpec> sinks, std::unique_ptr<Stream>* out);
  ~Stream();

  const std::string& name() const { return name_; }
  const Schema& schema() const { return *schema_; }
  const StreamOptions& options() const { return options_; }

  // Starts the sink threads, the buffer's timer and, when the log holds
  // unconfirmed records, the replay thread.
  void Start();
  // Acknowledgement point: OK means the rows are logged (durably, as the
  // fsync policy defines), buffered or queued for replay, and will be
  // delivered. Busy means "try again later" (HTTP 503): without a log, the
  // buffer stayed full for block_timeout (or when_full is drop_newest);
  // with one, only the log at its cap, a full disk or a shutdown (a full
  // buffer makes the stream spill to the log instead).
  // Nothing is logged or buffered unless OK is returned, except when the
  // log's fsync itself fails after the write (IoError: the rows are
  // buffered but not known durable).
  Status Accept(const RowBatch& rows);
  // Seals the buffer and waits (up to `timeout`) for every sink to finish
  // all batches dispatched so far, and for their positions in the log to be
  // confirmed. During replay it first waits for replay to catch up (not
  // completed if it does not by the deadline).
  FlushOutcome Flush(std::chrono::milliseconds timeout);
  // Stops ingest and replay, seals the rest and lets sinks drain until
  // `timeout`, then closes them and the log. Returns rows left undelivered
  // (0 on a clean stop); logged rows left undelivered are replayed at the
  // next start.
  int64_t Shutdown(std::chrono::milliseconds timeout);
  // After Shutdown: a sink's call into its plugin (in process) had not
  // returned by the deadline, and its thread was left there. The process
  // must exit without destroying this stream.
  bool stuck_at_shutdown() const { return stuck_at_shutdown_; }

  // Sends the rows in `sink`'s quarantine file to it again, after the
  // batches already queued for it (see SinkRunner::ReplayQuarantine); *rows
  // is how many were taken. InvalidArgument naming the sink when the stream
  // has no such sink or no quarantine; Busy while a replay is under way.
  Status ReplayQuarantine(const std::string& sink, int64_t* rows);
  // Whether the stream has a sink of that name.
  bool HasSink(const std::string& sink) const;

  StreamStats Stats() const;

 private:
  // One logged record in the buffer's row order.
  struct LoggedRecord {
    uint64_t seq = 0;
    uint64_t end_row = 0;  // stream-wide row number one past its last row
    uint64_t rows = 0;
    // The stable position of its first row (stored in the record), and
    // whether it has one (records of codec version 1 do not).
    uint64_t first_pos = 0;
    bool stable = false;
  };
  // The log records behind one sealed batch.
  struct BatchRecords {
    uint64_t batch_seq = 0;
    uint64_t last_seq = 0;     // last record with rows in the batch (0: none)
    // Every record up to here has all its rows in this batch or earlier
    // ones: what a sink that finished them may confirm.
    uint64_t confirm_seq = 0;
    int unfinished = 0;        // sinks given the batch that have not finished it
  };

  Stream() = default;
  Status OpenLog();
  int64_t ShutdownOnce(std::chrono::milliseconds timeout);
  // Hands a sealed batch to the sinks that lack its records (all of them,
  // outside replay). Runs with the buffer's mutex held.
  void Dispatch(SealedBatch&& batch);
  // A sink finished a batch: confirm its position, wake waiters for room.
  void OnBatchDone(size_t runner, uint64_t batch_seq);

  // With accept_mu_ held. Whether buffer_->Append of `rows` rows of `bytes`
  // would return without waiting; with `need_slot`, whether the open batch
  // could be sealed now. Only holders of accept_mu_ append, and everything
  // else only makes room, so the answer stays true until the lock is released.
  bool BufferHasRoomLocked(int64_t rows, uint64_t bytes, bool need_slot) const;
  // Waits, with accept_mu_ held through `lock`, until BufferHasRoomLocked,
  // for as long as it takes (only the replay thread waits). Busy on shutdown.
  Status WaitForRoomLocked(std::unique_lock<std::mutex>& lock, int64_t rows, uint64_t bytes,
                           bool need_slot);
  // Notes record `seq` as the next rows of the buffer and appends them.
  // `first_pos` and `stable` are the record's stable positions (see
  // next_position_); the open batch is sealed first when they do not
  // continue it, so that every batch is one contiguous range of positions.
  // Callers make room for that seal (NeedsCutLocked).
  Status BufferLocked(const RowBatch& rows, uint64_t seq, uint64_t first_pos, bool stable);
  // With accept_mu_ held: whether buffering a record at `first_pos` must
  // seal the open batch first.
  bool NeedsCutLocked(uint64_t first_pos, bool stable) const;
  // Wakes WaitForRoomLocked after room was made without accept_mu_.
  void NotifyRoom();
  // Buffers the log's records from `from` on until caught up, then leaves
  // replay mode. `spill`: a runtime spill (no per-sink cuts: every sink
  // lacks the same records); otherwise the startup replay.
  void Replay(uint64_t from, bool spill);
  // With accept_mu_ held and replaying_ just set: starts the replay thread
  // from record `from`, joining one that has finished.
  void StartReplayLocked(uint64_t from, bool spill);

  // Constant after Create.
  std::string name_;
  std::unique_ptr<Schema> schema_;  // stable address for buffer and batches
  uint64_t fingerprint_ = 0;        // SchemaFingerprint(*schema_)
  StreamOptions options_;
  std::vector<std::unique_ptr<SinkRunner>> runners_;
  std::unique_ptr<WriteBuffer> buffer_;
  std::unique_ptr<WriteAheadLog> wal_;  // null without wal_dir
  // Each sink's confirmed position when the log was opened (by runner index).
  std::vector<uint64_t> start_positions_;
  // The distinct positions above the lowest: replay seals the open batch
  // before the first record past each, so no batch mixes records one sink
  // has and records it lacks.
  std::vector<uint64_t> replay_cuts_;

  // Stable row positions. Every logged row has a position that survives
  // restarts: a record stores its first row's (row_batch_codec.h), and the
  // next record continues from the last one in the log. When the log has
  // no readable last record (a new log, every segment deleted), numbering
  // starts at the current time in nanoseconds since the epoch, which is
  // above every earlier position as long as a stream never averaged more
  // than one row per nanosecond. Sinks record positions in their ledgers
  // (sinkhost/ledger.hpp), so a position is never handed out twice.
  // Guarded by accept_mu_.
  uint64_t next_position_ = 0;   // of the next row logged
  uint64_t buffer_next_pos_ = 0;  // of the row after the last one buffered
  bool buffer_pos_stable_ = true;
  bool buffered_any_ = false;
  uint64_t replay_from_ = 0;  // 0: nothing to replay
  uint64_t replay_to_ = 0;

  // Serialises log appends with buffer appends, so the log's order is the
  // buffer's row order; taken before the buffer's mutex, never inside it.
  std::mutex accept_mu_;
  // Room in the buffer, closing_, or the end of replay.
  std::condition_variable space_cv_;
  // Guarded by accept_mu_.
  bool closing_ = false;
  // Written under accept_mu_ (and read there by Accept); atomic for Stats.
  std::atomic<bool> replaying_{false};
  std::atomic<bool> spilling_{false};  // replaying_ because of a runtime spill
  // The replay thread: started by Start (startup replay) or by Accept (a
  // spill), at most one at a time; assigned under accept_mu_ while
  // !closing_, joined by Shutdown after closing_ is set.
  std::thread replay_thread_;

  // Counters, lock-free.
  std::atomic<uint64_t> spills_{0};
  std::atomic<uint64_t> spilled_records_{0};
  std::atomic<uint64_t> replayed_records_{0};
  std::atomic<uint64_t> replayed_rows_{0};
  std::atomic<uint64_t> unreadable_records_{0};
  std::atomic<uint64_t> confirm_errors_{0};

  // Maps buffer rows to log records. Taken inside the buffer's mutex (by
  // Dispatch) or on its own; no other lock is taken while it is held.
  mutable std::mutex map_mu_;
  // Guarded by map_mu_.
  // Records whose rows are not all sealed yet, oldest first from
  // records_head_; a vector with a moving head keeps its capacity, so
  // Accept does not allocate once warm.
  std::vector<LoggedRecord> records_;
  size_t records_head_ = 0;
  uint64_t next_row_ = 0;        // rows noted so far
  uint64_t confirmable_seq_ = 0;  // highest record whose rows are all sealed
  std::deque<BatchRecords> batches_;  // dispatched, not finished by every sink given it
  std::vector<uint64_t> last_given_;  // per runner: last batch it was given (0: none)
  std::vector<uint64_t> last_done_;   // per runner: last batch confirmed after it finished
  std::condition_variable done_cv_;   // last_done_ moved

  // Used by Dispatch only, which the buffer's mutex serialises: which
  // runners get the batch being dispatched (sized once, so no allocation).
  std::vector<uint8_t> dispatch_targets_;

  std::once_flag shutdown_once_;
  int64_t undelivered_at_shutdown_ = 0;
  bool stuck_at_shutdown_ = false;  // written by the shutdown, read after it
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_STREAM_STREAM_H_
