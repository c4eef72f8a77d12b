// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/check_config.h"

#include "host/app/plugin_dirs.h"
#include "host/app/stream_set.h"

namespace sinkhost {

Status CheckConfig(const HostConfig& config, std::string* summary) {
  const std::vector<std::string> dirs = PluginDirs(config);
  PluginCache cache;
  std::string out;
  out += "ingest:  " + config.ingest.listen.ToString() + " (max_body " +
         std::to_string(config.ingest.max_body) + " bytes, " +
         std::to_string(config.ingest.max_threads) + " threads)\n";
  out += "admin:   " +
         (config.admin.enabled ? config.admin.listen.ToString() : std::string("disabled")) + "\n";
  out += "data_dir: " + config.data_dir + "\n";
  out += "plugin dirs:";
  for (const std::string& d : dirs) out += " " + d;
  out += "\n";
  for (const StreamConfig& s : config.streams) {
    std::vector<StreamSinkSpec> sinks;
    SINKHOST_RETURN_NOT_OK(CreateSinkInstances(s, dirs, &cache, &sinks));
    out += "stream " + s.name + ": ";
    if (s.schema.kind() == Schema::Kind::kPlausible) {
      out += "plausible schema";
      if (s.name == config.ingest.plausible_stream) out += ", fed by POST /api/event";
    } else {
      out += "columns";
      for (const Column& c : s.schema.columns())
        out += std::string(" ") + c.name + ":" + ColumnTypeName(c.type) + (c.nullable ? "?" : "");
    }
    out += "\n";
    const WalOptions& w = s.options.wal;
    out += "  wal: " + WalDir(config, s.name) + ", fsync " + FsyncPolicyName(w.fsync) +
           (w.fsync == FsyncPolicy::kInterval
                ? " every " + std::to_string(w.fsync_interval_ms) + " ms"
                : std::string()) +
           ", segments of " + std::to_string(w.segment_bytes) + " bytes, at most " +
           std::to_string(w.max_total_bytes) + " bytes\n";
    for (const StreamSinkSpec& k : sinks) {
      const PluginInfo& info = k.instance->info();
      out += "  sink " + k.name + ": plugin " + info.name + " " + info.version + " (ABI " +
             std::to_string(info.abi_major) + "." + std::to_string(info.abi_minor) + ") from " +
             info.path + "\n";
    }
  }
  out += "config OK\n";
  *summary = std::move(out);
  return Status::OK();
}

}  // namespace sinkhost
