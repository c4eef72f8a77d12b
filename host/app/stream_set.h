// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// StreamSet: the host's streams, built from the config. Building loads each
// plugin once (PluginLibrary::Find in the plugin directories), creates one
// SinkInstance per configured sink and creates each Stream, which opens its
// sinks: a bad option, a plugin of the wrong ABI or a sink that refuses its
// schema stops the host here, with an error naming the stream and the sink.
//
// The set is fixed once built: the HTTP handlers look streams up without
// locks. Shutdown stops all streams concurrently, so they share one
// shutdown_timeout instead of adding theirs up.
//
// Thread safety: Find, plausible, entries and Stats may be called from any
// thread at any time; Start and Shutdown from one controlling thread.
#ifndef SINKHOST_HOST_APP_STREAM_SET_H_
#define SINKHOST_HOST_APP_STREAM_SET_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/enrich/plausible_enricher.h"
#include "core/plugin/plugin_library.h"
#include "core/stream/stream.h"
#include "host/config/host_config.h"

namespace sinkhost {

// Plugins loaded so far, by name; each library is loaded once.
using PluginCache = std::map<std::string, std::shared_ptr<PluginLibrary>>;

// <data_dir>/wal/<stream>: the directory of a stream's write-ahead log.
std::string WalDir(const HostConfig& config, const std::string& stream);
// <data_dir>/enrich/<stream>: the enrichment stage's state (visitor-id
// salts).
std::string EnrichDir(const HostConfig& config, const std::string& stream);
// <data_dir>/quarantine/<stream>: where the stream's sinks keep the rows
// they refused, one <sink>.ndjson each.
std::string QuarantineDir(const HostConfig& config, const std::string& stream);

// Finds the plugins of `stream`'s sinks and creates (but does not open) an
// instance for each: in process, from a library loaded here once per
// plugin, or in a worker process of its own (each sink's `isolation`; by
// default in process for the plugins in the host's own plugin directory,
// a worker for any other). Errors read "stream 'S', sink 'K': ...".
Status CreateSinkInstances(const StreamConfig& stream, const std::vector<std::string>& plugin_dirs,
                           PluginCache* cache, std::vector<StreamSinkSpec>* out);

class StreamSet {
 public:
  struct Entry {
    std::unique_ptr<Stream> stream;
    // The stream's enrichment stage (`enrich`), or null.
    std::unique_ptr<enrich::PlausibleEnricher> enricher;
    // Unique in the process, never reused: keys per-thread scratch batches
    // that must not outlive a stream at the same address.
    uint64_t uid = 0;
  };

  static Status Create(const HostConfig& config, const std::vector<std::string>& plugin_dirs,
                       std::unique_ptr<StreamSet>* out);
  ~StreamSet();  // shuts down streams still running (timeout 0)

  // Starts every stream's sink threads and buffer timer.
  void Start();
  // Flushes every buffer to every sink (concurrently, up to `timeout`) and
  // closes the sinks. Returns the rows left undelivered. Idempotent.
  int64_t Shutdown(std::chrono::milliseconds timeout);

  const Entry* Find(std::string_view name) const;
  // The stream POST /api/event feeds, or nullptr.
  Stream* plausible() const { return plausible_; }
  const Entry* plausible_entry() const { return plausible_entry_; }
  const std::vector<std::unique_ptr<Entry>>& entries() const { return entries_; }
  std::vector<StreamStats> Stats() const;

 private:
  StreamSet() = default;

  // Constant after Create.
  std::vector<std::unique_ptr<Entry>> entries_;
  std::map<std::string, Entry*, std::less<>> by_name_;
  Stream* plausible_ = nullptr;
  const Entry* plausible_entry_ = nullptr;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_STREAM_SET_H_
