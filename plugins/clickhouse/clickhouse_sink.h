// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// ClickHouseSink: writes each batch into one ClickHouse MergeTree table with
// one `INSERT INTO db.table (cols) FORMAT RowBinary` over the server's HTTP
// interface, on one keep-alive connection per instance.
//
// Open asks the server for its version and features (DateTime64,
// insert_deduplication_token), creates the table from the stream schema
// when it is missing (create_table), adds the nullable stream columns an
// older MergeTree table lacks (create_table, ALTER TABLE ... ADD COLUMN),
// and checks in system.columns that every stream column exists with a
// type its RowBinary bytes fit; the table's types then decide each
// column's encoding. Write streams the rows
// as the request body and classifies failures (server_error.h): transport
// failures and server-state codes are retryable, statement and data errors
// permanent. A write that got HTTP 200 is stored, so Flush has nothing to
// do. ClickHouse has no transactions, so the sink declares no capability:
// delivery is at-least-once; on servers that know the setting, the batch id
// goes along as insert_deduplication_token so that a resent batch can be
// recognised (see README.md).
//
// Thread safety: the host never calls one instance concurrently; instances
// share no state.
#ifndef SINKHOST_PLUGINS_CLICKHOUSE_CLICKHOUSE_SINK_H_
#define SINKHOST_PLUGINS_CLICKHOUSE_CLICKHOUSE_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "plugins/clickhouse/http_connection.h"
#include "plugins/clickhouse/row_binary.h"
#include "plugins/clickhouse/server_error.h"
#include "plugins/clickhouse/sink_options.h"
#include "plugins/clickhouse/table_schema.h"
#include "sinkhost/sink.hpp"

namespace sinkhost::clickhouse {

class ClickHouseSink : public Sink {
 public:
  ClickHouseSink() = default;
  ~ClickHouseSink() override;

  Status Init(const Options& options) override;
  Status Open(const StreamInfo& stream) override;
  Status Write(const BatchView& batch, const BatchInfo& info) override;
  Status Close() override;

 private:
  // Reads the server's version and which features it has.
  Status ProbeServer();
  // Creates the table if needed and allowed, checks its columns and sets
  // the encoder up. `phase` decides how failures are reported.
  Status EnsureTable(Phase phase);
  // The table's rows of system.columns (none: no such table).
  Status ReadColumns(Phase phase, std::vector<TableColumn>* out);
  // The table's engine from system.tables ("" if it is gone).
  Status ReadEngine(Phase phase, std::string* engine);
  // Runs `sql`; a non-200 answer becomes a Status by ServerError.
  Status Run(const std::string& sql, const std::string& what, Phase phase, HttpResponse* response);
  // After an insert failed with `failure` (permanent): reads the table's
  // columns again. If the stream no longer fits, says why (permanent); if
  // it fits with other layouts, adopts them (retryable: the batch was not
  // at fault); otherwise returns `failure`.
  Status RecheckTable(const Status& failure);

  // Constant after Init.
  SinkConfig config_;

  // Set by Open, cleared by Close.
  std::unique_ptr<HttpConnection> connection_;
  std::vector<ColumnSpec> columns_;  // stream columns, in insert order
  std::string table_label_;          // `db`.`table`, quoted: used in SQL and messages
  std::string table_name_;           // the bare table name
  std::string insert_sql_;
  std::string server_version_;
  bool has_dedup_token_ = false;  // the server knows insert_deduplication_token
  bool has_datetime64_ = false;
  bool open_ = false;
  // Set when an insert found the table or database missing: the next
  // write checks (and if allowed recreates) the table first.
  bool recheck_table_ = false;
  RowBinaryEncoder encoder_;
};

}  // namespace sinkhost::clickhouse

#endif  // SINKHOST_PLUGINS_CLICKHOUSE_CLICKHOUSE_SINK_H_
