// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// One sink instance as the kit drives it, the way the host drives it, in
// either of the host's isolation modes:
//   - in process (InProcessCheckedSink): through the raw C function table,
//     keeping everything the kit must judge there: the exact status code,
//     whether an error carried a message and a release callback, and
//     whether every batch handed over was released exactly once;
//   - in a worker (WorkerCheckedSink): through WorkerSinkInstance, exactly
//     as a host with `isolation: process` runs the sink, so that a plugin
//     that crashes or hangs costs a worker and a failed check, not the kit.
//
// Thread safety: not thread-safe; the kit drives one instance at a time.
#ifndef SINKHOST_CONFORMANCE_CHECKED_SINK_H_
#define SINKHOST_CONFORMANCE_CHECKED_SINK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/batch/row_batch.h"
#include "core/plugin/plugin_library.h"
#include "core/schema/schema.h"
#include "sinkhost/sink_abi.h"

namespace sinkhost::check {

struct CallResult {
  sinkhost_status code = SINKHOST_OK;
  std::string message;
  int64_t retry_after_ms = 0;
  // A failure without a message, or a message without a release callback
  // (which the host could never free), breaks the ABI's error contract.
  bool message_missing = false;
  bool release_missing = false;

  // The call ended the sink's worker (a signal, an exit, past a limit or
  // its deadline); `message` says how, and which call.
  bool crashed = false;

  bool ok() const { return code == SINKHOST_OK; }
  // "OK", or e.g. "RETRYABLE: connection refused", "CRASHED: worker
  // crashed (SIGSEGV): ...".
  std::string Describe() const;
};

const char* StatusName(sinkhost_status code);

class CheckedSink {
 public:
  virtual ~CheckedSink() = default;  // closes if open, destroys if created

  virtual CallResult Create(const std::map<std::string, std::string>& options) = 0;
  virtual CallResult Open(const std::string& stream, const Schema& schema) = 0;
  // Writes `batch` as a batch of `schema`, which is normally the schema the
  // instance was opened with; tests of refusal pass another.
  // Each batch gets the next stable positions, as the host gives them
  // (SINKHOST_BATCH_STABLE_POSITIONS, id "<stream>:plugin_check:<first>-<end>").
  CallResult Write(std::shared_ptr<const RowBatch> batch, const Schema& schema) {
    return WriteAt(std::move(batch), schema, next_sequence_);
  }
  // Writes `batch` at positions from `first_sequence` on, as the host does
  // when it re-sends rows after a crash (the same rows, the same positions).
  virtual CallResult WriteAt(std::shared_ptr<const RowBatch> batch, const Schema& schema,
                             uint64_t first_sequence) = 0;
  uint64_t next_sequence() const { return next_sequence_; }
  virtual CallResult Flush() = 0;  // OK when the plugin has no flush
  virtual CallResult Close() = 0;
  virtual void Destroy() = 0;

  // Batches handed to write and not yet released by anyone (in process
  // only: a worker's batches are its own copies).
  virtual int64_t unreleased_batches() const { return 0; }
  // Failures so far that broke the error contract, for the final check (in
  // process only: a worker reports every failure with a message).
  int64_t errors_without_message() const { return errors_without_message_; }

 protected:
  CheckedSink() = default;
  // Positions start at the clock in nanoseconds, as a host's do on a new
  // log, so a ledger left by an earlier run never covers them; set at the
  // first open.
  void StartPositions();
  // The batch description the host would give `rows` rows at `first_sequence`
  // (`id` keeps the text batch_id points to); advances next_sequence().
  sinkhost_batch_info BatchInfo(uint64_t first_sequence, uint64_t rows, std::string* id);

  std::string stream_;  // as opened
  uint64_t next_sequence_ = 0;
  int64_t errors_without_message_ = 0;
};

// Through the plugin's C function table, in this process.
class InProcessCheckedSink final : public CheckedSink {
 public:
  explicit InProcessCheckedSink(std::shared_ptr<PluginLibrary> library);
  ~InProcessCheckedSink() override;
  InProcessCheckedSink(const InProcessCheckedSink&) = delete;
  InProcessCheckedSink& operator=(const InProcessCheckedSink&) = delete;

  CallResult Create(const std::map<std::string, std::string>& options) override;
  CallResult Open(const std::string& stream, const Schema& schema) override;
  CallResult WriteAt(std::shared_ptr<const RowBatch> batch, const Schema& schema,
                     uint64_t first_sequence) override;
  CallResult Flush() override;
  CallResult Close() override;
  void Destroy() override;
  int64_t unreleased_batches() const override { return *unreleased_; }

 private:
  CallResult Finish(sinkhost_status code, sinkhost_error* error);

  std::shared_ptr<PluginLibrary> library_;
  void* instance_ = nullptr;
  bool open_ = false;
  // Shared with the release callbacks of batches a plugin keeps.
  std::shared_ptr<int64_t> unreleased_ = std::make_shared<int64_t>(0);
};

}  // namespace sinkhost::check

#endif  // SINKHOST_CONFORMANCE_CHECKED_SINK_H_
