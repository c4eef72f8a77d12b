// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// WorkerSinkInstance: a sink whose plugin runs in a sinkhost-sink-worker
// process of its own, so that a plugin that crashes, aborts, leaks or hangs
// costs a worker, never the host. The host keeps everything else (the
// write-ahead log, positions, retries, quarantine); the worker only runs
// the plugin's calls (sink_worker.h).
//
// Supervision:
//   - every call has a deadline (CallTimeouts); a worker past it is killed,
//     with its process group, and the call fails as a crash "timeout";
//   - a worker that dies (a signal, an exit, past its memory or CPU limit)
//     fails the call in progress; its exit is logged with the sink's name
//     and the worker's last lines of output, and counted by reason;
//   - the failure is retryable: the sink runner backs off and calls again,
//     and the next call starts a new worker (load, create, open) first;
//   - a batch that kills the worker `crash_limit` times in a row (not by
//     timeout) is refused permanently, "worker crashed (SIGSEGV) ...", so
//     the runner splits it and quarantines the rows that crash it.
//
// The worker's stdout and stderr are read by a thread of this instance and
// logged, each line tagged with the sink, bounded in length and rate.
//
// Thread safety: like every SinkInstance, one caller at a time (the sink's
// runner); worker_stats and Interrupt from any thread.
#ifndef SINKHOST_CORE_ISOLATION_WORKER_SINK_H_
#define SINKHOST_CORE_ISOLATION_WORKER_SINK_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/isolation/batch_area.h"
#include "core/isolation/worker_protocol.h"
#include "core/plugin/plugin_library.h"

namespace sinkhost {

struct WorkerSinkOptions {
  std::string executable;   // sinkhost-sink-worker
  std::string plugin_path;  // as PluginLibrary::FindPath found it
  std::string plugin_name;  // the name it must declare
  std::string log_name;     // "stream 'events', sink 'tsv'", for the log
  uint64_t memory_limit = 0;         // bytes of address space; 0: none
  int64_t cpu_seconds_per_call = 0;  // 0: none
  int crash_limit = 3;
  CallTimeouts timeouts;
};

class WorkerSinkInstance final : public SinkInstance {
 public:
  // Starts a worker, loads the plugin there and creates the sink with
  // `options`: the same errors as SinkInstance::Create, plus the worker's.
  static Status Create(WorkerSinkOptions worker, std::map<std::string, std::string> options,
                       std::unique_ptr<SinkInstance>* out);
  ~WorkerSinkInstance() override;  // closes the sink and ends the worker

  const PluginInfo& info() const override { return info_; }
  bool is_open() const override { return open_; }
  Status Open(const std::string& stream_name, const Schema& schema) override;
  Status Write(const ArrowSchema* schema, UniqueArray batch,
               const sinkhost_batch_info& info) override;
  Status Flush() override;
  Status Close() override;
  Isolation isolation() const override { return Isolation::kProcess; }
  WorkerStats worker_stats() const override;
  void Interrupt() override;

 private:
  WorkerSinkInstance(WorkerSinkOptions worker, std::map<std::string, std::string> options)
      : options_(std::move(worker)), sink_options_(std::move(options)) {}

  // Spawns a worker and loads and creates the sink there.
  Status StartWorker();
  // Sends `call` and waits for its reply. A worker that is gone or misses
  // the deadline is reaped and recorded (Lost), and the call fails
  // retryable; otherwise the worker's own status is returned.
  Status Request(worker::Call call, const std::string& payload, std::string* reply_rest);
  // Reaps the worker (killing its process group first when `kill`),
  // records why it ended and returns the retryable status for the call.
  Status Lost(worker::Call call, bool kill, const std::string& what);
  // Ends a healthy worker: closes its socket and waits for it.
  void StopWorker();
  void Reap(bool kill, int* wait_status);
  void ReadOutput(int fd, pid_t pid);
  void LogOutputLine(pid_t pid, std::string line);
  std::string OutputTail() const;

  const WorkerSinkOptions options_;
  const std::map<std::string, std::string> sink_options_;
  PluginInfo info_;  // from the worker's load; constant after Create

  // Used by the caller's thread only.
  worker::BatchArea batch_area_;  // outlives workers: each new one maps it
  int socket_ = -1;
  bool open_ = false;
  std::thread output_thread_;
  std::string current_batch_;  // of the write in progress
  std::string crash_batch_;    // the batch of the latest crashes
  int crashes_on_batch_ = 0;
  std::chrono::steady_clock::time_point lost_at_;
  bool recovering_ = false;    // a worker was lost and no write has succeeded since

  std::atomic<pid_t> pid_{0};
  std::atomic<bool> interrupted_{false};

  mutable std::mutex mu_;
  // Guarded by mu_.
  WorkerStats stats_;
  std::deque<std::string> tail_;  // the worker's last lines of output
  std::chrono::steady_clock::time_point log_window_;
  int logged_in_window_ = 0;
  int64_t suppressed_ = 0;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_ISOLATION_WORKER_SINK_H_
