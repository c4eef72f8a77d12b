// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Loading sink plugins. A PluginLibrary is one dlopen()ed shared library
// whose descriptor has been checked and whose function table has been
// filled; a SinkInstance is one configured sink, run either in this process
// (created from a PluginLibrary here) or in a worker process of its own
// (core/isolation/worker_sink.h).
//
// The loader reads the data-only descriptor before running any plugin code
// and refuses a library whose magic, ABI major version, name or required
// functions are wrong, with an error naming the file, the symbol and both
// versions. Plugins are looked up only in the directories given.
//
// Thread safety: a PluginLibrary is immutable after Load and may be shared
// (via shared_ptr) by instances on different threads. A SinkInstance must
// not be called concurrently (the ABI contract); the caller serialises,
// except for worker_stats and Interrupt.
#ifndef SINKHOST_CORE_PLUGIN_PLUGIN_LIBRARY_H_
#define SINKHOST_CORE_PLUGIN_PLUGIN_LIBRARY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/schema/schema.h"
#include "sinkhost/arrow.hpp"
#include "sinkhost/sink_abi.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

// What the descriptor says, copied out of the library.
struct PluginInfo {
  std::string path;
  std::string name;
  std::string version;
  std::string description;
  uint16_t abi_major = 0;
  uint16_t abi_minor = 0;
  uint64_t capabilities = 0;
  struct Option {
    std::string name, type, default_value, description;
    bool has_default = false;
    bool required = false;
  };
  std::vector<Option> options;

  bool transactional() const { return (capabilities & SINKHOST_CAP_TRANSACTIONAL) != 0; }
};

class PluginLibrary {
 public:
  // Loads the library at `path` and checks it. On failure nothing of the
  // plugin stays loaded.
  static Status Load(const std::string& path, std::shared_ptr<PluginLibrary>* out);
  // Finds `<dir>/<name>.so` in the first of `dirs` that has it, then Load.
  static Status Find(const std::string& name, const std::vector<std::string>& dirs,
                     std::shared_ptr<PluginLibrary>* out);
  // Only where Find would load from (nothing is loaded).
  static Status FindPath(const std::string& name, const std::vector<std::string>& dirs,
                         std::string* path);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const PluginInfo& info() const { return info_; }
  const sinkhost_sink_api& api() const { return api_; }

 private:
  PluginLibrary() = default;
  void* handle_ = nullptr;
  PluginInfo info_;
  sinkhost_sink_api api_{};
};

// The C view (sinkhost_options) of an options map, for create. Valid while
// both this and the map live.
class AbiOptions {
 public:
  explicit AbiOptions(const std::map<std::string, std::string>& options);
  AbiOptions(const AbiOptions&) = delete;
  AbiOptions& operator=(const AbiOptions&) = delete;
  const sinkhost_options* get() const { return &options_; }

 private:
  std::vector<const char*> keys_, values_;
  sinkhost_options options_;
};

// Converts a C status plus the plugin's error into a Status (the only place).
Status StatusFromAbi(sinkhost_status code, const UniqueError& error, const std::string& context);

// Where a sink's plugin code runs.
enum class Isolation {
  kInProcess,  // in the host: fastest; a crash of the plugin is the host's
  kProcess,    // in a sinkhost-sink-worker process the host supervises
};
const char* IsolationName(Isolation isolation);  // "in_process", "process"
bool ParseIsolation(std::string_view text, Isolation* out);

// How long each call of a sink may run before the sink counts as stuck;
// in a worker process, also when the worker is killed.
struct CallTimeouts {
  int64_t open_ms = 30000;   // load and create too
  int64_t write_ms = 60000;
  int64_t flush_ms = 60000;
  int64_t close_ms = 10000;

  // The limit of the call named "write", "flush" or "close"; any other
  // ("load", "create", "open") has open_ms.
  int64_t ForCall(std::string_view call) const {
    if (call == "write") return write_ms;
    if (call == "flush") return flush_ms;
    if (call == "close") return close_ms;
    return open_ms;
  }
};

// A sink's worker process as the stats show it (process isolation only).
struct WorkerStats {
  int64_t pid = 0;        // 0: no worker running now
  uint64_t restarts = 0;  // workers lost (and so restarted when next needed)
  // By what ended them: "SIGSEGV", "SIGABRT", "SIGKILL", "exit 3",
  // "timeout" (a call past its deadline), "memory" (past memory_limit).
  std::map<std::string, uint64_t> restarts_by_reason;
  std::string last_crash;      // what, during which call, and the worker's last output
  int64_t last_crash_at_us = 0;  // wall clock; 0: never
  // From a worker lost to the next batch the new one wrote, recent ones
  // (at most 64), milliseconds.
  std::vector<double> recoveries_ms;
};

// One configured sink: create/open/write/flush/close/destroy, with errors as
// Status values. SinkInstance::Create makes one that calls the plugin's
// table in this process; WorkerSinkInstance (core/isolation) runs the same
// calls in a worker process.
class SinkInstance {
 public:
  // Calls create with the options; the library stays loaded while the
  // instance lives.
  static Status Create(std::shared_ptr<PluginLibrary> library,
                       const std::map<std::string, std::string>& options,
                       std::unique_ptr<SinkInstance>* out);
  virtual ~SinkInstance() = default;  // close if open, then destroy

  virtual const PluginInfo& info() const = 0;
  virtual bool is_open() const = 0;

  virtual Status Open(const std::string& stream_name, const Schema& schema) = 0;
  // Writes a batch described by `schema` (the stream's Arrow schema, kept by
  // the caller) and `batch` (released by this call unless the plugin took it).
  virtual Status Write(const ArrowSchema* schema, UniqueArray batch,
                       const sinkhost_batch_info& info) = 0;
  virtual Status Flush() = 0;
  virtual Status Close() = 0;

  virtual Isolation isolation() const { return Isolation::kInProcess; }
  // Thread-safe; empty in process.
  virtual WorkerStats worker_stats() const { return {}; }
  // From any thread: ends a call in progress now, if that can be done
  // safely (a worker is killed; the call fails as a crash). Does nothing
  // in process, where a call cannot be taken back.
  virtual void Interrupt() {}
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_PLUGIN_PLUGIN_LIBRARY_H_
