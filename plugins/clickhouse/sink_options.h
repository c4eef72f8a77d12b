// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The clickhouse sink's options: their specs (what the descriptor
// declares, so the framework checks names and types before Init) and the
// parsing of their values into a SinkConfig, which checks what the types
// alone do not (URL shape, identifiers, enumerations, expressions).
//
// Thread safety: pure functions and constant data.
#ifndef SINKHOST_PLUGINS_CLICKHOUSE_SINK_OPTIONS_H_
#define SINKHOST_PLUGINS_CLICKHOUSE_SINK_OPTIONS_H_

#include <string>

#include "plugins/clickhouse/http_connection.h"
#include "plugins/clickhouse/table_schema.h"
#include "sinkhost/sink.hpp"

namespace sinkhost::clickhouse {

struct SinkConfig {
  Endpoint endpoint;
  std::string database = "default";
  std::string table;  // empty: the stream name
  bool gzip = false;
  bool create_table = true;
  std::string order_by;      // empty: DefaultOrderBy
  std::string partition_by;  // empty: none
  TimestampType timestamp_type = TimestampType::kInt64Micros;
};

// The descriptor's NULL-terminated option list.
extern const sinkhost_option_spec* const kOptionSpecs[];

// Fills *config from options already checked against kOptionSpecs.
// InvalidArgument naming the option otherwise.
Status ParseOptions(const Options& options, SinkConfig* config);

}  // namespace sinkhost::clickhouse

#endif  // SINKHOST_PLUGINS_CLICKHOUSE_SINK_OPTIONS_H_
