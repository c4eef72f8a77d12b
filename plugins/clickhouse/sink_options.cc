// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/clickhouse/sink_options.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "plugins/clickhouse/sql_text.h"

namespace sinkhost::clickhouse {

namespace {

constexpr uint32_t kSpecSize = sizeof(sinkhost_option_spec);

const sinkhost_option_spec kUrl = {
    kSpecSize,
    "url",
    "string",
    nullptr,
    "ClickHouse HTTP interface, e.g. http://127.0.0.1:8123 (http only; no credentials or query "
    "in the URL)",
    SINKHOST_OPTION_REQUIRED};
const sinkhost_option_spec kUser = {
    kSpecSize, "user", "string", "default", "ClickHouse user (sent as X-ClickHouse-User)", 0};
const sinkhost_option_spec kPassword = {
    kSpecSize, "password", "string", "", "the user's password (sent as X-ClickHouse-Key)", 0};
const sinkhost_option_spec kDatabase = {
    kSpecSize, "database", "string", "default", "database of the table; it must exist", 0};
const sinkhost_option_spec kTable = {
    kSpecSize, "table", "string", nullptr, "table to write (default: the stream name)", 0};
const sinkhost_option_spec kCompression = {
    kSpecSize, "compression", "string", "none", "request body compression: none or gzip", 0};
const sinkhost_option_spec kCreateTable = {
    kSpecSize,
    "create_table",
    "bool",
    "true",
    "create a MergeTree table from the stream schema when it does not exist",
    0};
const sinkhost_option_spec kOrderBy = {
    kSpecSize,
    "order_by",
    "string",
    nullptr,
    "ORDER BY of a created table (default: the first non-nullable timestamp column, else "
    "tuple()); no quotes or ';'",
    0};
const sinkhost_option_spec kPartitionBy = {
    kSpecSize,
    "partition_by",
    "string",
    "",
    "PARTITION BY of a created table, e.g. toYYYYMM(timestamp) (default: none); no quotes or ';'",
    0};
const sinkhost_option_spec kTimestampType = {
    kSpecSize,
    "timestamp_type",
    "string",
    "int64_micros",
    "column type of timestamps in a created table: int64_micros (exact, any server), datetime "
    "(whole seconds, 1970-2106) or datetime64 (exact; ClickHouse 20.1 or later)",
    0};
const sinkhost_option_spec kConnectTimeout = {
    kSpecSize, "connect_timeout", "duration", "5s", "how long to wait for a TCP connection", 0};
const sinkhost_option_spec kTimeout = {
    kSpecSize,
    "timeout",
    "duration",
    "60s",
    "how long sending a request or waiting for its answer may stall before the batch is retried",
    0};

Status ParseUrl(const std::string& text, Endpoint* endpoint) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("option 'url': '" + text + "' " + why);
  };
  Poco::URI uri;
  try {
    uri = Poco::URI(text);
  } catch (const Poco::Exception& e) {
    return bad("is not a URL (" + e.displayText() + ")");
  }
  if (uri.getScheme() != "http")
    return bad("must start with http:// (" +
               (uri.getScheme().empty() ? std::string("no scheme")
                                        : "scheme '" + uri.getScheme() + "' is not supported") +
               "; put a TLS proxy in front for https)");
  if (uri.getHost().empty()) return bad("has no host");
  if (!uri.getUserInfo().empty())
    return bad("must not carry credentials; use the options 'user' and 'password'");
  if (!uri.getRawQuery().empty() || !uri.getFragment().empty())
    return bad("must not have a query or fragment");
  std::string path = uri.getPath();
  if (path.empty()) path = "/";
  for (char c : path) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '/' || c == '-' || c == '_' || c == '.';
    if (!plain) return bad("has a path with characters other than letters, digits, '/-_.'");
  }
  endpoint->host = uri.getHost();
  endpoint->port = uri.getPort();
  endpoint->path = path;
  return Status::OK();
}

Status PositiveDuration(const Options& options, const char* name, int64_t* ms) {
  SINKHOST_RETURN_NOT_OK(options.GetDurationMs(name, ms));
  if (*ms <= 0)
    return Status::InvalidArgument(std::string("option '") + name + "': '" +
                                   options.GetString(name) + "' must be longer than 0");
  return Status::OK();
}

}  // namespace

const sinkhost_option_spec* const kOptionSpecs[] = {
    &kUrl,         &kUser,    &kPassword,    &kDatabase,      &kTable,          &kCompression,
    &kCreateTable, &kOrderBy, &kPartitionBy, &kTimestampType, &kConnectTimeout, &kTimeout,
    nullptr};

Status ParseOptions(const Options& options, SinkConfig* config) {
  SinkConfig c;
  SINKHOST_RETURN_NOT_OK(ParseUrl(options.GetString("url"), &c.endpoint));
  c.endpoint.user = options.GetString("user", "default");
  if (c.endpoint.user.empty()) return Status::InvalidArgument("option 'user' must not be empty");
  for (char ch : c.endpoint.user)
    if (static_cast<unsigned char>(ch) < 0x20)
      return Status::InvalidArgument("option 'user' must not contain control characters");
  c.endpoint.password = options.GetString("password");
  for (char ch : c.endpoint.password)
    if (ch == '\r' || ch == '\n' || ch == '\0')
      return Status::InvalidArgument("option 'password' must not contain line breaks");
  SINKHOST_RETURN_NOT_OK(
      PositiveDuration(options, "connect_timeout", &c.endpoint.connect_timeout_ms));
  SINKHOST_RETURN_NOT_OK(PositiveDuration(options, "timeout", &c.endpoint.timeout_ms));

  c.database = options.GetString("database", "default");
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier("option 'database': database name", c.database));
  if (options.Has("table")) {
    c.table = options.GetString("table");
    SINKHOST_RETURN_NOT_OK(ValidateIdentifier("option 'table': table name", c.table));
  }

  const std::string compression = options.GetString("compression", "none");
  if (compression == "gzip")
    c.gzip = true;
  else if (compression != "none")
    return Status::InvalidArgument("option 'compression': '" + compression +
                                   "' is not one of none, gzip");

  SINKHOST_RETURN_NOT_OK(options.GetBool("create_table", &c.create_table));

  const std::string ts = options.GetString("timestamp_type", "int64_micros");
  if (ts == "int64_micros")
    c.timestamp_type = TimestampType::kInt64Micros;
  else if (ts == "datetime")
    c.timestamp_type = TimestampType::kDateTime;
  else if (ts == "datetime64")
    c.timestamp_type = TimestampType::kDateTime64;
  else
    return Status::InvalidArgument("option 'timestamp_type': '" + ts +
                                   "' is not one of int64_micros, datetime, datetime64");

  if (options.Has("order_by")) {
    c.order_by = options.GetString("order_by");
    if (c.order_by.find_first_not_of(' ') == std::string::npos)
      return Status::InvalidArgument("option 'order_by' must not be empty (use tuple() for none)");
    SINKHOST_RETURN_NOT_OK(CheckExpression("order_by", c.order_by));
  }
  c.partition_by = options.GetString("partition_by");
  if (c.partition_by.find_first_not_of(' ') == std::string::npos) c.partition_by.clear();
  SINKHOST_RETURN_NOT_OK(CheckExpression("partition_by", c.partition_by));

  *config = std::move(c);
  return Status::OK();
}

}  // namespace sinkhost::clickhouse
