// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/check_config.h"

#include "host/app/plugin_dirs.h"
#include "host/app/stream_set.h"

namespace sinkhost {
namespace {

std::string DescribeEnrichment(const enrich::EnrichOptions& o, const enrich::EnrichStats& st,
                               const IngestConfig& ingest) {
  std::string out = "enrich:";
  if (o.device)
    out += " device (" + std::to_string(st.user_agent_rules) + " user-agent rules" +
           (o.drop_bots ? ", bots dropped" : "") + "),";
  if (o.traffic_source)
    out += " traffic source (" + std::to_string(st.referrer_sources) + " referrer hosts),";
  out += o.geo_database.empty() ? " no location (no geo_database),"
                                 : " location (" + st.geo_database_type + "),";
  if (o.visitor_id) out += " visitor id,";
  if (o.sessions)
    out += " sessions (" + std::to_string(o.session_timeout_ms / 1000) + " s, at most " +
           std::to_string(o.max_sessions) + "),";
  out += ingest.trusted_proxy_hops == 0
             ? " client = peer address"
             : " client = " + std::to_string(ingest.trusted_proxy_hops) +
                   " trusted proxy hop(s) of X-Forwarded-For";
  return out;
}

}  // namespace

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
    if (s.enrich.enabled) {
      // Loads the rule sets and databases as a start would, so a bad file is
      // caught here; without the visitor-id part, which would write salts.
      enrich::EnrichOptions probe = s.enrich;
      probe.visitor_id = probe.sessions = false;
      std::unique_ptr<enrich::PlausibleEnricher> enricher;
      Status st = enrich::PlausibleEnricher::Open(probe, 0, &enricher);
      if (!st.ok()) return st.WithContext("stream '" + s.name + "'");
      out += "  " + DescribeEnrichment(s.enrich, enricher->stats(), config.ingest) + "\n";
    }
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
