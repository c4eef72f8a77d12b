// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/clickhouse/clickhouse_sink.h"

#include <algorithm>

#include "plugins/clickhouse/sql_text.h"

namespace sinkhost::clickhouse {

namespace {

// ClickHouse's default max_insert_block_size. An insert with more rows is
// split into several blocks (parts), and a failure after the first leaves
// some of them stored; the sink raises the limit to the batch size so that
// one batch is one block.
constexpr int64_t kDefaultMaxInsertBlockSize = 1048576;

// HTTP 200 is not always success: a server that has already sent its
// headers (progress headers, a SELECT streaming its rows) reports a later
// exception in the body, and newer ones in X-ClickHouse-Exception-Code.
// None of the sink's results can start with "Code: " otherwise.
bool Succeeded(const HttpResponse& r) {
  return r.status == 200 && r.exception_code.empty() && ParseExceptionCode(r.body) < 0;
}

}  // namespace

ClickHouseSink::~ClickHouseSink() { (void)Close(); }

Status ClickHouseSink::Init(const Options& options) { return ParseOptions(options, &config_); }

Status ClickHouseSink::Run(const std::string& sql, const std::string& what, Phase phase,
                           HttpResponse* response) {
  SINKHOST_RETURN_NOT_OK(connection_->Query(sql, what, response));
  if (Succeeded(*response)) return Status::OK();
  Status st = ServerError(response->status, response->exception_code, response->body, what, phase);
  return st.IsRetryable() ? Status::Retryable(st.message() + " (" + connection_->Url() + ")") : st;
}

Status ClickHouseSink::ProbeServer() {
  HttpResponse r;
  SINKHOST_RETURN_NOT_OK(
      Run("SELECT version(), "
          "(SELECT count() FROM system.settings WHERE name = 'insert_deduplication_token'), "
          "(SELECT count() FROM system.data_type_families WHERE name = 'DateTime64') "
          "FORMAT TabSeparated",
          "asking the server for its version", Phase::kOpen, &r));
  auto rows = ParseTabSeparated(r.body);
  if (rows.size() != 1 || rows[0].size() != 3)
    return Status::InvalidArgument("clickhouse: " + connection_->Url() +
                                   " answered the version query with '" + r.body.substr(0, 200) +
                                   "'; is it a ClickHouse HTTP interface?");
  server_version_ = rows[0][0];
  has_dedup_token_ = rows[0][1] != "0";
  has_datetime64_ = rows[0][2] != "0";
  return Status::OK();
}

Status ClickHouseSink::ReadColumns(Phase phase, std::vector<TableColumn>* out) {
  // Both names passed ValidateIdentifier, so they need no escaping in '...'.
  const std::string sql = "SELECT name, type, default_kind FROM system.columns WHERE database = '" +
                          config_.database + "' AND table = '" + table_name_ +
                          "' FORMAT TabSeparated";
  HttpResponse r;
  SINKHOST_RETURN_NOT_OK(Run(sql, "reading the columns of " + table_label_, phase, &r));
  out->clear();
  for (auto& row : ParseTabSeparated(r.body)) {
    if (row.size() != 3) continue;
    out->push_back(TableColumn{std::move(row[0]), std::move(row[1]), std::move(row[2])});
  }
  return Status::OK();
}

Status ClickHouseSink::EnsureTable(Phase phase) {
  // While writing, a table that cannot take the rows any more fails the
  // batch; invalid arguments are for open only.
  auto report = [&](const Status& st) {
    if (phase == Phase::kWrite && st.IsInvalidArgument()) return Status::Permanent(st.message());
    return st;
  };
  std::vector<TableColumn> table;
  SINKHOST_RETURN_NOT_OK(ReadColumns(phase, &table));
  if (table.empty()) {
    if (!config_.create_table) {
      const std::string msg = "clickhouse: table " + table_label_ + " does not exist on " +
                              connection_->Url() + " and create_table is false";
      // While writing, someone dropped it: wait for it to come back.
      return phase == Phase::kOpen ? Status::InvalidArgument(msg) : Status::Retryable(msg);
    }
    HttpResponse r;
    SINKHOST_RETURN_NOT_OK(Run(CreateTableSql(table_label_, columns_, config_.timestamp_type,
                                              config_.order_by, config_.partition_by),
                               "creating table " + table_label_, phase, &r));
    SINKHOST_RETURN_NOT_OK(ReadColumns(phase, &table));
    if (table.empty())
      return Status::Retryable("clickhouse: table " + table_label_ +
                               " was created but system.columns does not list it yet");
  }
  if (std::vector<ColumnSpec> missing = MissingColumns(columns_, table); !missing.empty()) {
    // A table from before the stream gained nullable columns: add them.
    std::string engine;
    SINKHOST_RETURN_NOT_OK(ReadEngine(phase, &engine));
    SINKHOST_RETURN_NOT_OK(report(CheckCanAddColumns(table_label_, missing, config_.create_table,
                                                     engine, config_.timestamp_type)));
    HttpResponse r;
    const Status added = Run(AddColumnsSql(table_label_, missing, config_.timestamp_type),
                             "adding columns to " + table_label_, phase, &r);
    SINKHOST_RETURN_NOT_OK(ReadColumns(phase, &table));
    // Another host may have added them first (code 44, the column exists):
    // what counts is whether they are there now.
    if (!added.ok() && !MissingColumns(columns_, table).empty()) return report(added);
  }
  std::vector<ColumnEncoding> plan;
  SINKHOST_RETURN_NOT_OK(report(PlanColumns(table_label_, columns_, table, &plan)));
  encoder_.Reset(std::move(plan));
  return Status::OK();
}

Status ClickHouseSink::ReadEngine(Phase phase, std::string* engine) {
  // Both names passed ValidateIdentifier, so they need no escaping in '...'.
  const std::string sql = "SELECT engine FROM system.tables WHERE database = '" +
                          config_.database + "' AND name = '" + table_name_ +
                          "' FORMAT TabSeparated";
  HttpResponse r;
  SINKHOST_RETURN_NOT_OK(Run(sql, "reading the engine of " + table_label_, phase, &r));
  auto rows = ParseTabSeparated(r.body);
  *engine = rows.size() == 1 && rows[0].size() == 1 ? rows[0][0] : "";
  return Status::OK();
}

Status ClickHouseSink::Open(const StreamInfo& stream) {
  if (open_) (void)Close();  // a second Open starts over
  table_name_ = config_.table.empty() ? stream.name : config_.table;
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier(config_.table.empty()
                                             ? "clickhouse: table name (from the stream name)"
                                             : "clickhouse: table name",
                                         table_name_));
  if (stream.columns.empty())
    return Status::InvalidArgument("clickhouse: stream '" + stream.name + "' has no columns");
  columns_ = stream.columns;
  table_label_ = QuoteIdentifier(config_.database) + "." + QuoteIdentifier(table_name_);
  connection_ = std::make_unique<HttpConnection>(config_.endpoint);

  Status st = ProbeServer();
  if (st.ok() && config_.timestamp_type == TimestampType::kDateTime64 && !has_datetime64_)
    st = Status::InvalidArgument(
        "clickhouse: option 'timestamp_type': datetime64 needs the "
        "DateTime64 type, which ClickHouse " +
        server_version_ + " at " + connection_->Url() +
        " lacks (added in 20.1); use int64_micros or datetime");
  if (st.ok()) st = EnsureTable(Phase::kOpen);
  if (!st.ok()) {
    connection_.reset();
    return st;
  }
  insert_sql_ = "INSERT INTO " + table_label_ + " (";
  for (size_t i = 0; i < columns_.size(); ++i)
    insert_sql_ += (i ? ", " : "") + QuoteIdentifier(columns_[i].name);
  insert_sql_ += ") FORMAT RowBinary";
  recheck_table_ = false;
  open_ = true;
  return Status::OK();
}

Status ClickHouseSink::RecheckTable(const Status& failure) {
  std::vector<TableColumn> table;
  if (!ReadColumns(Phase::kWrite, &table).ok() || table.empty()) return failure;
  std::vector<ColumnEncoding> plan;
  Status st = PlanColumns(table_label_, columns_, table, &plan);
  if (!st.ok()) return Status::Permanent(failure.message() + "; " + st.message());
  if (plan == encoder_.columns()) return failure;
  // The table was changed into one the stream still fits, with other
  // layouts: the batch was not at fault, so it is sent again in those.
  encoder_.Reset(std::move(plan));
  return Status::Retryable(failure.message() + "; the column types of " + table_label_ +
                           " changed since the sink checked them; the batch will be sent again "
                           "in their layout");
}

Status ClickHouseSink::Write(const BatchView& batch, const BatchInfo& info) {
  if (!open_)
    return Status::Retryable("clickhouse: write to " + table_label_ +
                             " while the sink is not open");
  // The batch must have the stream's shape, or the encoder would read the
  // wrong buffers.
  if (batch.num_columns() != columns_.size())
    return Status::Permanent("clickhouse: batch has " + std::to_string(batch.num_columns()) +
                             " columns but table " + table_label_ + " was opened for " +
                             std::to_string(columns_.size()));
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnView& col = batch.column(c);
    if (col.type() != columns_[c].type || col.name() != columns_[c].name ||
        (col.nullable() && !columns_[c].nullable))
      return Status::Permanent("clickhouse: batch column " + std::to_string(c) + " is '" +
                               std::string(col.name()) + "' (" + ColumnTypeName(col.type()) +
                               ") but table " + table_label_ + " was opened with '" +
                               columns_[c].name + "' (" + ColumnTypeName(columns_[c].type) + ")");
  }
  const int64_t rows = batch.num_rows();
  if (rows == 0) return Status::OK();

  if (recheck_table_) {
    SINKHOST_RETURN_NOT_OK(EnsureTable(Phase::kWrite));
    recheck_table_ = false;
  }
  if (Status st = encoder_.Check(batch); !st.ok())
    return Status::Permanent("clickhouse: table " + table_label_ + " " + st.message());

  std::string query = "query=" + UrlEncode(insert_sql_) + "&max_insert_block_size=" +
                      std::to_string(std::max(rows, kDefaultMaxInsertBlockSize));
  if (has_dedup_token_ && !info.batch_id.empty())
    query += "&insert_deduplication_token=" + UrlEncode(info.batch_id);

  const std::string what = "insert of " + std::to_string(rows) + " rows into " + table_label_;
  HttpResponse r;
  SINKHOST_RETURN_NOT_OK(connection_->Post(
      query, config_.gzip, [&](std::ostream& out) { encoder_.Encode(batch, out); }, what, &r));
  if (Succeeded(r)) return Status::OK();

  Status st = ServerError(r.status, r.exception_code, r.body, what, Phase::kWrite);
  const int code =
      r.exception_code.empty() ? ParseExceptionCode(r.body) : std::atoi(r.exception_code.c_str());
  if (code == 60 || code == 81) recheck_table_ = true;  // UNKNOWN_TABLE, UNKNOWN_DATABASE
  if (st.IsPermanent()) return RecheckTable(st);
  return st;
}

Status ClickHouseSink::Close() {
  connection_.reset();  // closes the connection
  open_ = false;
  return Status::OK();
}

}  // namespace sinkhost::clickhouse

SINKHOST_EXPORT_SINK(
    sinkhost::clickhouse::ClickHouseSink, "clickhouse", "1.0.0",
    "Writes each batch into a ClickHouse table with one RowBinary INSERT over HTTP", 0,
    sinkhost::clickhouse::kOptionSpecs)
