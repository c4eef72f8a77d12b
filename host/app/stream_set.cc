// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/stream_set.h"

#include "core/isolation/worker_executable.h"
#include "core/isolation/worker_sink.h"
#include "host/app/plugin_dirs.h"

#include <atomic>
#include <filesystem>
#include <thread>

namespace sinkhost {

namespace {

std::atomic<uint64_t> g_next_uid{1};

}  // namespace

std::string WalDir(const HostConfig& config, const std::string& stream) {
  return (std::filesystem::path(config.data_dir) / "wal" / stream).string();
}

std::string EnrichDir(const HostConfig& config, const std::string& stream) {
  return (std::filesystem::path(config.data_dir) / "enrich" / stream).string();
}

std::string QuarantineDir(const HostConfig& config, const std::string& stream) {
  return (std::filesystem::path(config.data_dir) / "quarantine" / stream).string();
}

Isolation EffectiveIsolation(const SinkConfig& sink, const std::string& plugin_path) {
  if (sink.isolation_set) return sink.isolation;
  // The host's own plugins are trusted; a plugin from anywhere else is a
  // third party's, which must not be able to take the host down.
  std::error_code ec;
  const std::filesystem::path own = std::filesystem::weakly_canonical(DefaultPluginDir(), ec);
  const std::filesystem::path dir =
      std::filesystem::weakly_canonical(std::filesystem::path(plugin_path).parent_path(), ec);
  return dir == own ? Isolation::kInProcess : Isolation::kProcess;
}

Status CreateSinkInstances(const StreamConfig& stream, const std::vector<std::string>& plugin_dirs,
                           PluginCache* cache, std::vector<StreamSinkSpec>* out) {
  for (const SinkConfig& sink : stream.sinks) {
    const std::string context = "stream '" + stream.name + "', sink '" + sink.name + "'";
    std::string path;
    SINKHOST_RETURN_NOT_OK(PluginLibrary::FindPath(sink.plugin, plugin_dirs, &path)
                               .WithContext(context));
    StreamSinkSpec spec;
    spec.name = sink.name;
    spec.timeouts = sink.timeouts;
    if (EffectiveIsolation(sink, path) == Isolation::kProcess) {
      // Not loaded here: its code runs only in its worker.
      WorkerSinkOptions worker;
      worker.executable = WorkerExecutable();
      worker.plugin_path = path;
      worker.plugin_name = sink.plugin;
      worker.log_name = context;
      worker.memory_limit = sink.worker_memory_limit;
      worker.cpu_seconds_per_call = sink.worker_cpu_per_call_s;
      worker.crash_limit = sink.worker_crash_limit;
      worker.timeouts = sink.timeouts;
      SINKHOST_RETURN_NOT_OK(
          WorkerSinkInstance::Create(worker, sink.options, &spec.instance).WithContext(context));
    } else {
      std::shared_ptr<PluginLibrary>& lib = (*cache)[sink.plugin];
      if (lib == nullptr) {
        Status st = PluginLibrary::Find(sink.plugin, plugin_dirs, &lib);
        if (!st.ok()) {
          cache->erase(sink.plugin);
          return st.WithContext(context);
        }
      }
      SINKHOST_RETURN_NOT_OK(
          SinkInstance::Create(lib, sink.options, &spec.instance).WithContext(context));
    }
    out->push_back(std::move(spec));
  }
  return Status::OK();
}

Status StreamSet::Create(const HostConfig& config, const std::vector<std::string>& plugin_dirs,
                         std::unique_ptr<StreamSet>* out) {
  std::unique_ptr<StreamSet> set(new StreamSet());
  PluginCache cache;
  for (const StreamConfig& sc : config.streams) {
    std::vector<StreamSinkSpec> sinks;
    SINKHOST_RETURN_NOT_OK(CreateSinkInstances(sc, plugin_dirs, &cache, &sinks));
    auto entry = std::make_unique<Entry>();
    entry->uid = g_next_uid.fetch_add(1);
    StreamOptions options = sc.options;
    options.wal_dir = WalDir(config, sc.name);
    options.quarantine_dir = QuarantineDir(config, sc.name);
    // Stream::Create opens the sinks and recovers the log; its errors name
    // the stream (and the sink).
    SINKHOST_RETURN_NOT_OK(
        Stream::Create(sc.name, sc.schema, options, std::move(sinks), &entry->stream));
    if (sc.enrich.enabled) {
      enrich::EnrichOptions eo = sc.enrich;
      eo.salt_dir = EnrichDir(config, sc.name);
      std::error_code ec;
      std::filesystem::create_directories(eo.salt_dir, ec);
      if (ec)
        return Status::IoError("stream '" + sc.name + "': cannot create " + eo.salt_dir + ": " +
                               ec.message());
      Status st = enrich::PlausibleEnricher::Open(
          eo,
          std::chrono::duration_cast<std::chrono::microseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count(),
          &entry->enricher);
      if (!st.ok()) return st.WithContext("stream '" + sc.name + "'");
    }
    set->by_name_[sc.name] = entry.get();
    if (sc.name == config.ingest.plausible_stream) {
      set->plausible_ = entry->stream.get();
      set->plausible_entry_ = entry.get();
    }
    set->entries_.push_back(std::move(entry));
  }
  *out = std::move(set);
  return Status::OK();
}

StreamSet::~StreamSet() { Shutdown(std::chrono::milliseconds(0)); }

void StreamSet::Start() {
  for (auto& e : entries_) e->stream->Start();
}

int64_t StreamSet::Shutdown(std::chrono::milliseconds timeout) {
  // Stream::Shutdown is idempotent (call_once), so a second call returns at
  // once with the first call's result.
  std::vector<int64_t> undelivered(entries_.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i + 1 < entries_.size(); ++i) {
    threads.emplace_back([this, i, timeout, &undelivered] {
      undelivered[i] = entries_[i]->stream->Shutdown(timeout);
    });
  }
  if (!entries_.empty())
    undelivered.back() = entries_.back()->stream->Shutdown(timeout);
  for (std::thread& t : threads) t.join();
  int64_t total = 0;
  for (int64_t n : undelivered) total += n;
  return total;
}

const StreamSet::Entry* StreamSet::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<StreamStats> StreamSet::Stats() const {
  std::vector<StreamStats> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back(e->stream->Stats());
  return out;
}

}  // namespace sinkhost
