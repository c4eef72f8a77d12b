// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The table side of the sink: the CREATE TABLE statement made from a stream
// schema, the ALTER TABLE that brings an older table up to it (nullable
// columns only), and the check that an existing table can take the
// stream's rows, which also decides how each column is encoded
// (row_binary.h).
//
// Type mapping for created tables:
//   string     String          int64    Int64      float64  Float64
//   bool       UInt8           nullable columns: Nullable(T)
//   timestamp  by timestamp_type: Int64 (microseconds since the epoch),
//              DateTime('UTC') (seconds) or DateTime64(6, 'UTC')
// An existing table may instead use, for a stream column:
//   string     LowCardinality(String) (same bytes in RowBinary)
//   bool       Bool (newer servers; same byte as UInt8)
//   timestamp  Int64, DateTime[(tz)] or DateTime64(P[, tz]) for any P,
//              whatever timestamp_type says: the table decides
//   any        Nullable(T) for a non-nullable stream column
// but never a narrower or different type (RowBinary would misread it), a
// non-Nullable type for a nullable stream column (NULL has no place), or a
// MATERIALIZED or ALIAS column (not insertable).
//
// Thread safety: pure functions.
#ifndef SINKHOST_PLUGINS_CLICKHOUSE_TABLE_SCHEMA_H_
#define SINKHOST_PLUGINS_CLICKHOUSE_TABLE_SCHEMA_H_

#include <string>
#include <string_view>
#include <vector>

#include "plugins/clickhouse/row_binary.h"
#include "sinkhost/sink.hpp"

namespace sinkhost::clickhouse {

// The column type CREATE TABLE gives timestamp columns.
enum class TimestampType {
  kInt64Micros,  // Int64 microseconds: exact, any server
  kDateTime,     // DateTime('UTC'): whole seconds, 1970-2106, any server
  kDateTime64,   // DateTime64(6, 'UTC'): exact, servers from 20.1 on
};

// The ClickHouse type a created table gives `column`.
std::string TableColumnType(const ColumnSpec& column, TimestampType timestamp_type);

// ORDER BY when the operator gives none: the first timestamp column that is
// not nullable (ClickHouse refuses Nullable sorting keys), else tuple() (no
// sorting key; rows stay in insertion order within a part).
std::string DefaultOrderBy(const std::vector<ColumnSpec>& columns);

// CREATE TABLE IF NOT EXISTS <table> (...) ENGINE = MergeTree()
// [PARTITION BY <partition_by>] ORDER BY <order_by>. `table` is already
// quoted; the expressions were checked by CheckExpression.
std::string CreateTableSql(const std::string& table, const std::vector<ColumnSpec>& columns,
                           TimestampType timestamp_type, const std::string& order_by,
                           const std::string& partition_by);

// A row of system.columns.
struct TableColumn {
  std::string name;
  std::string type;          // e.g. "Nullable(String)", "DateTime('UTC')"
  std::string default_kind;  // "", DEFAULT, MATERIALIZED, ALIAS, EPHEMERAL
};

// How stream column `column` is written into a table column of type
// `table_type`; InvalidArgument saying why it cannot be otherwise.
Status EncodingFor(const ColumnSpec& column, std::string_view table_type, ColumnEncoding* out);

// Matches every stream column to the table column of the same name
// (case-sensitive, as ClickHouse names are) and returns their encodings in
// stream order. InvalidArgument naming `table_label` and the column when
// one is missing, not insertable or of an unusable type. Extra table
// columns are fine: they get their defaults.
Status PlanColumns(const std::string& table_label, const std::vector<ColumnSpec>& stream,
                   const std::vector<TableColumn>& table, std::vector<ColumnEncoding>* out);

// The stream columns `table` lacks (by exact name), in stream order.
std::vector<ColumnSpec> MissingColumns(const std::vector<ColumnSpec>& stream,
                                       const std::vector<TableColumn>& table);

// ALTER TABLE <table> ADD COLUMN `c` T, ADD COLUMN ... for `missing`, each
// with the type CreateTableSql gives it. ClickHouse 18.16 has no ADD COLUMN
// IF NOT EXISTS (19.1 added it), so the caller lists only columns it found
// missing; a column added meanwhile by someone else fails the statement
// (code 44, ILLEGAL_COLUMN) and the caller looks again. A NOT NULL stream
// column gets a DEFAULT placeholder: that statement is advice for the
// operator, never run by the sink.
std::string AddColumnsSql(const std::string& table, const std::vector<ColumnSpec>& missing,
                          TimestampType timestamp_type);

// Whether the sink may add `missing` to `table_label` (engine `engine`)
// itself: only nullable columns, only with create_table, and only to a
// plain MergeTree table, the engine the sink creates (an ALTER of a
// Distributed table changes the proxy, not the tables behind it). Else
// InvalidArgument naming the table, the columns and the ALTER that would
// add them.
Status CheckCanAddColumns(const std::string& table_label, const std::vector<ColumnSpec>& missing,
                          bool create_table, std::string_view engine,
                          TimestampType timestamp_type);

}  // namespace sinkhost::clickhouse

#endif  // SINKHOST_PLUGINS_CLICKHOUSE_TABLE_SCHEMA_H_
