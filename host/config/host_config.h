// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HostConfig: the sinkhost server's configuration, read from one YAML file
// and fully validated before anything starts. Every error names the key
// path and the broken rule, e.g.
//   streams.events.buffer.max_events: must be a positive integer, got "abc"
// and, when read from a file, is prefixed with "FILE:LINE: ".
//
// Relative paths (data_dir, plugin_dirs, sink option values,
// admin.token_file) are kept as written: they resolve against the working
// directory, as with most servers. Every value may use environment
// references, ${NAME} and ${NAME:-default} (yaml_reader.h), so secrets can
// come from the environment. docs/configuration.md documents every key.
//
// Thread safety: parsing functions are pure; a HostConfig is a plain value.
#ifndef SINKHOST_HOST_CONFIG_HOST_CONFIG_H_
#define SINKHOST_HOST_CONFIG_HOST_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/enrich/plausible_enricher.h"
#include "core/plugin/plugin_library.h"
#include "core/schema/schema.h"
#include "core/stream/stream.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

// "127.0.0.1:8080", ":8080" (all interfaces), "[::1]:8080", "localhost:0".
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;  // host:port, IPv6 hosts in brackets
};
Status ParseListenAddress(std::string_view text, ListenAddress* out);

struct IngestConfig {
  ListenAddress listen{"127.0.0.1", 8080};
  uint64_t max_body = 10u << 20;    // bytes per request body
  int io_threads = 0;               // event loops; 0: one per core
  int max_threads = 64;             // threads for requests that wait (fsync: always)
  int max_queued = 256;             // listen backlog (at least 1024 is used)
  int max_connections = 16384;      // open at once; past it, 503 and close
  int64_t keep_alive_timeout_ms = 15000;
  int64_t header_timeout_ms = 10000;   // for the whole request line and header
  int64_t request_timeout_ms = 60000;  // for the body, and for writing the answer
  // Per-client limit on ingest requests (429 beyond it); 0 = no limit.
  double rate_limit_per_second = 0;
  double rate_limit_burst = 0;          // 0: one second's worth
  bool trust_forwarded_for = false;     // client = first X-Forwarded-For address
  // Proxies in front of the host whose X-Forwarded-For / X-Real-IP are
  // believed: the client is the address they name (client_address.h).
  int trusted_proxy_hops = 0;
  // Stream that POST /api/event feeds; resolved by the parser (see
  // docs/configuration.md). Empty when no stream has the plausible schema.
  std::string plausible_stream;
};

struct AdminConfig {
  bool enabled = true;
  ListenAddress listen{"127.0.0.1", 8081};
  int max_threads = 4;  // threads running admin requests (a flush waits)
  // When set, every admin request but /healthz needs "Authorization:
  // Bearer <token>". Required when `listen` is not a loopback address.
  // From admin.token or the file admin.token_file names (read at parse).
  std::string token;
};

// 127.0.0.0/8, ::1 and "localhost": addresses only this machine can reach.
bool IsLoopbackHost(std::string_view host);

struct SinkConfig {
  std::string name;    // unique within its stream; defaults to the plugin name
  std::string plugin;  // loads <plugin_dir>/<plugin>.so
  // Passed to the plugin verbatim; YAML scalars of any type as their text.
  std::map<std::string, std::string> options;
  // `isolation:` when given; otherwise decided where the plugin is found:
  // in process for the host's own plugins, a worker process for others.
  bool isolation_set = false;
  Isolation isolation = Isolation::kInProcess;
  CallTimeouts timeouts;             // timeouts: {open, write, flush, close}
  uint64_t worker_memory_limit = 0;  // worker.memory_limit, bytes; 0: none
  int64_t worker_cpu_per_call_s = 0;  // worker.cpu_per_call, seconds; 0: none
  int worker_crash_limit = 3;         // worker.crash_limit
};

struct StreamConfig {
  std::string name;
  Schema schema;          // Schema::Plausible() or the custom columns
  // buffer, retry, unknown_fields, wal; the host sets wal_dir from data_dir.
  StreamOptions options;
  std::vector<SinkConfig> sinks;
  // `enrich`: on by default for schema: plausible; the host sets salt_dir.
  enrich::EnrichOptions enrich;
};

struct HostConfig {
  IngestConfig ingest;
  AdminConfig admin;
  std::string data_dir = "data";
  std::vector<std::string> plugin_dirs;  // empty: the directory next to the binary
  std::string log_level = "information";  // a Poco::Logger level name
  std::string log_format = "text";        // log.format: "text" or "json"
  int64_t shutdown_timeout_ms = 30000;
  std::vector<StreamConfig> streams;  // in file order, at least one

  const StreamConfig* FindStream(std::string_view name) const;
};

// Parses and validates YAML text. Errors are "key.path: reason".
Status ParseHostConfig(std::string_view yaml_text, HostConfig* out);
// Reads `path` and parses it. Errors are "PATH:LINE: key.path: reason".
Status LoadHostConfig(const std::string& path, HostConfig* out);

// Normalises a log level name ("info" -> "information", "warn" ->
// "warning"); InvalidArgument for names Poco does not know.
Status NormalizeLogLevel(std::string_view name, std::string* out);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_CONFIG_HOST_CONFIG_H_
