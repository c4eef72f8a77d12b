// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// One sink instance driven through the raw C function table, the way the
// host drives it, but keeping everything the kit must judge: the exact
// status code, whether an error carried a message and a release callback,
// and whether every batch handed over was released exactly once.
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

  bool ok() const { return code == SINKHOST_OK; }
  // "OK", or e.g. "RETRYABLE: connection refused".
  std::string Describe() const;
};

const char* StatusName(sinkhost_status code);

class CheckedSink {
 public:
  explicit CheckedSink(std::shared_ptr<PluginLibrary> library);
  ~CheckedSink();  // closes if open, destroys if created
  CheckedSink(const CheckedSink&) = delete;
  CheckedSink& operator=(const CheckedSink&) = delete;

  CallResult Create(const std::map<std::string, std::string>& options);
  CallResult Open(const std::string& stream, const Schema& schema);
  // Writes `batch` as a batch of `schema`, which is normally the schema the
  // instance was opened with; tests of refusal pass another.
  // Each batch gets the next stable positions, as the host gives them
  // (SINKHOST_BATCH_STABLE_POSITIONS, id "<stream>:plugin_check:<first>-<end>").
  CallResult Write(std::shared_ptr<const RowBatch> batch, const Schema& schema);
  // Writes `batch` at positions from `first_sequence` on, as the host does
  // when it re-sends rows after a crash (the same rows, the same positions).
  CallResult WriteAt(std::shared_ptr<const RowBatch> batch, const Schema& schema,
                     uint64_t first_sequence);
  uint64_t next_sequence() const { return next_sequence_; }
  CallResult Flush();  // OK when the plugin has no flush
  CallResult Close();
  void Destroy();

  bool created() const { return instance_ != nullptr; }
  bool is_open() const { return open_; }
  // Batches handed to write and not yet released by anyone.
  int64_t unreleased_batches() const { return *unreleased_; }
  // Failures so far that broke the error contract, for the final check.
  int64_t errors_without_message() const { return errors_without_message_; }

 private:
  CallResult Finish(sinkhost_status code, sinkhost_error* error);

  std::shared_ptr<PluginLibrary> library_;
  void* instance_ = nullptr;
  bool open_ = false;
  std::string stream_;  // as opened
  // Positions start at the clock in nanoseconds, as a host's do on a new
  // log, so a ledger left by an earlier run never covers them.
  uint64_t next_sequence_ = 0;
  uint64_t batches_written_ = 0;
  // Shared with the release callbacks of batches a plugin keeps.
  std::shared_ptr<int64_t> unreleased_ = std::make_shared<int64_t>(0);
  int64_t errors_without_message_ = 0;
};

}  // namespace sinkhost::check

#endif  // SINKHOST_CONFORMANCE_CHECKED_SINK_H_
