// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The kit's sink in a sinkhost-sink-worker process, driven through the
// host's own WorkerSinkInstance, as a host with `isolation: process` runs
// it. A call that crashes the worker or runs past its deadline comes back
// as CallResult::crashed with what happened (the signal, the call, the
// batch); the next call starts a new worker and opens it again, as the
// host's sink runner does, so the kit goes on with its next check.
//
// Thread safety: not thread-safe; the kit drives one instance at a time.
#ifndef SINKHOST_CONFORMANCE_WORKER_CHECKED_SINK_H_
#define SINKHOST_CONFORMANCE_WORKER_CHECKED_SINK_H_

#include <map>
#include <memory>
#include <string>

#include "conformance/checked_sink.h"
#include "core/isolation/worker_sink.h"

namespace sinkhost::check {

class WorkerCheckedSink final : public CheckedSink {
 public:
  // `worker` names the executable, the plugin and every call's deadline.
  explicit WorkerCheckedSink(WorkerSinkOptions worker) : worker_(std::move(worker)) {}
  ~WorkerCheckedSink() override;

  CallResult Create(const std::map<std::string, std::string>& options) override;
  CallResult Open(const std::string& stream, const Schema& schema) override;
  CallResult WriteAt(std::shared_ptr<const RowBatch> batch, const Schema& schema,
                     uint64_t first_sequence) override;
  CallResult Flush() override;
  CallResult Close() override;
  void Destroy() override;

 private:
  // The result of a call that began with `restarts_before` workers lost.
  CallResult Result(const Status& st, uint64_t restarts_before) const;
  uint64_t restarts() const { return instance_ ? instance_->worker_stats().restarts : 0; }
  Status ReopenIfLost();

  const WorkerSinkOptions worker_;
  std::unique_ptr<SinkInstance> instance_;
  bool opened_ = false;   // by the kit, so a lost worker is opened again
  Schema open_schema_;
};

// The sinkhost_status a Status from the host's side of a sink stands for.
sinkhost_status AbiCode(const Status& st);

}  // namespace sinkhost::check

#endif  // SINKHOST_CONFORMANCE_WORKER_CHECKED_SINK_H_
