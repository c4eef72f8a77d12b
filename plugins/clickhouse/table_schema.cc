// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/clickhouse/table_schema.h"

#include <cctype>

#include "plugins/clickhouse/sql_text.h"

namespace sinkhost::clickhouse {

namespace {

// If `type` is `wrapper(inner)`, sets *inner and returns true.
bool Unwrap(std::string_view type, std::string_view wrapper, std::string_view* inner) {
  if (type.size() < wrapper.size() + 2 || type.substr(0, wrapper.size()) != wrapper ||
      type[wrapper.size()] != '(' || type.back() != ')')
    return false;
  *inner = type.substr(wrapper.size() + 1, type.size() - wrapper.size() - 2);
  return true;
}

// DateTime64(P) or DateTime64(P, 'tz'): sets *scale to P.
bool ParseDateTime64(std::string_view type, int* scale) {
  std::string_view args;
  if (!Unwrap(type, "DateTime64", &args)) return false;
  size_t i = 0;
  while (i < args.size() && args[i] == ' ') ++i;
  if (i >= args.size() || !std::isdigit(static_cast<unsigned char>(args[i]))) return false;
  int p = 0;
  while (i < args.size() && std::isdigit(static_cast<unsigned char>(args[i])))
    p = p * 10 + (args[i++] - '0');
  while (i < args.size() && args[i] == ' ') ++i;
  if (i < args.size() && args[i] != ',') return false;
  if (p > 9) return false;
  *scale = p;
  return true;
}

// What a created table would use, and what else is accepted, for messages.
const char* AcceptedTypes(ColumnType type) {
  switch (type) {
    case ColumnType::kString: return "String or LowCardinality(String)";
    case ColumnType::kInt64: return "Int64";
    case ColumnType::kFloat64: return "Float64";
    case ColumnType::kBool: return "UInt8 or Bool";
    case ColumnType::kTimestamp: return "Int64 (microseconds), DateTime or DateTime64";
  }
  return "";
}

}  // namespace

std::string TableColumnType(const ColumnSpec& column, TimestampType timestamp_type) {
  std::string base;
  switch (column.type) {
    case ColumnType::kString: base = "String"; break;
    case ColumnType::kInt64: base = "Int64"; break;
    case ColumnType::kFloat64: base = "Float64"; break;
    case ColumnType::kBool: base = "UInt8"; break;
    case ColumnType::kTimestamp:
      switch (timestamp_type) {
        case TimestampType::kInt64Micros: base = "Int64"; break;
        case TimestampType::kDateTime: base = "DateTime('UTC')"; break;
        case TimestampType::kDateTime64: base = "DateTime64(6, 'UTC')"; break;
      }
      break;
  }
  return column.nullable ? "Nullable(" + base + ")" : base;
}

std::string DefaultOrderBy(const std::vector<ColumnSpec>& columns) {
  for (const ColumnSpec& c : columns)
    if (c.type == ColumnType::kTimestamp && !c.nullable) return QuoteIdentifier(c.name);
  return "tuple()";
}

std::string CreateTableSql(const std::string& table, const std::vector<ColumnSpec>& columns,
                           TimestampType timestamp_type, const std::string& order_by,
                           const std::string& partition_by) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + table + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + QuoteIdentifier(columns[i].name) + " " +
           TableColumnType(columns[i], timestamp_type);
  }
  sql += ") ENGINE = MergeTree()";
  if (!partition_by.empty()) sql += " PARTITION BY " + partition_by;
  sql += " ORDER BY " + (order_by.empty() ? DefaultOrderBy(columns) : order_by);
  return sql;
}

Status EncodingFor(const ColumnSpec& column, std::string_view table_type, ColumnEncoding* out) {
  std::string_view type = table_type;
  std::string_view inner;
  bool low_cardinality = false;
  if (Unwrap(type, "LowCardinality", &inner)) {
    low_cardinality = true;
    type = inner;
  }
  ColumnEncoding enc;
  if (Unwrap(type, "Nullable", &inner)) {
    enc.nullable = true;
    type = inner;
  }
  bool ok = false;
  switch (column.type) {
    case ColumnType::kString:
      ok = type == "String";
      enc.kind = ColumnEncoding::Kind::kString;
      break;
    case ColumnType::kInt64:
      ok = type == "Int64";
      enc.kind = ColumnEncoding::Kind::kInt64;
      break;
    case ColumnType::kFloat64:
      ok = type == "Float64";
      enc.kind = ColumnEncoding::Kind::kFloat64;
      break;
    case ColumnType::kBool:
      ok = type == "UInt8" || type == "Bool";
      enc.kind = ColumnEncoding::Kind::kUInt8;
      break;
    case ColumnType::kTimestamp: {
      int scale = 0;
      if (type == "Int64") {
        ok = true;
        enc.kind = ColumnEncoding::Kind::kInt64;
      } else if (type == "DateTime" || (type.substr(0, 9) == "DateTime(" && type.back() == ')')) {
        ok = true;
        enc.kind = ColumnEncoding::Kind::kDateTime;
      } else if (ParseDateTime64(type, &scale)) {
        ok = true;
        enc.kind = ColumnEncoding::Kind::kDateTime64;
        enc.scale = scale;
      }
      break;
    }
  }
  // LowCardinality changes nothing in RowBinary, but only strings are known
  // to use it that way across versions.
  if (low_cardinality && column.type != ColumnType::kString) ok = false;
  const std::string head = "has type " + std::string(table_type) + ", but stream column '" +
                           column.name + "' (" + ColumnTypeName(column.type) +
                           (column.nullable ? ", nullable" : "") + ") ";
  if (!ok)
    return Status::InvalidArgument(head + "needs " + AcceptedTypes(column.type) +
                                   (column.nullable ? " inside Nullable(...)" : ""));
  if (column.nullable && !enc.nullable)
    return Status::InvalidArgument(head + "may be null, which needs Nullable(...)");
  *out = enc;
  return Status::OK();
}

Status PlanColumns(const std::string& table_label, const std::vector<ColumnSpec>& stream,
                   const std::vector<TableColumn>& table, std::vector<ColumnEncoding>* out) {
  std::vector<ColumnEncoding> plan;
  plan.reserve(stream.size());
  for (const ColumnSpec& c : stream) {
    const TableColumn* found = nullptr;
    for (const TableColumn& t : table)
      if (t.name == c.name) found = &t;
    if (found == nullptr)
      return Status::InvalidArgument("clickhouse: table " + table_label +
                                     " exists but lacks column '" + c.name + "'");
    if (found->default_kind == "MATERIALIZED" || found->default_kind == "ALIAS")
      return Status::InvalidArgument("clickhouse: table " + table_label + " column '" + c.name +
                                     "' is " + found->default_kind +
                                     " and cannot be inserted into");
    ColumnEncoding enc;
    Status st = EncodingFor(c, found->type, &enc);
    if (!st.ok())
      return Status::InvalidArgument("clickhouse: table " + table_label + " column '" + c.name +
                                     "' " + st.message());
    plan.push_back(enc);
  }
  *out = std::move(plan);
  return Status::OK();
}

std::vector<ColumnSpec> MissingColumns(const std::vector<ColumnSpec>& stream,
                                       const std::vector<TableColumn>& table) {
  std::vector<ColumnSpec> missing;
  for (const ColumnSpec& c : stream) {
    bool found = false;
    for (const TableColumn& t : table) found = found || t.name == c.name;
    if (!found) missing.push_back(c);
  }
  return missing;
}

std::string AddColumnsSql(const std::string& table, const std::vector<ColumnSpec>& missing,
                          TimestampType timestamp_type) {
  std::string sql = "ALTER TABLE " + table;
  for (size_t i = 0; i < missing.size(); ++i) {
    sql += std::string(i ? ", " : " ") + "ADD COLUMN " + QuoteIdentifier(missing[i].name) + " " +
           TableColumnType(missing[i], timestamp_type);
    if (!missing[i].nullable) sql += " DEFAULT <value for existing rows>";
  }
  return sql;
}

Status CheckCanAddColumns(const std::string& table_label, const std::vector<ColumnSpec>& missing,
                          bool create_table, std::string_view engine,
                          TimestampType timestamp_type) {
  std::string names, required;
  int n_required = 0;
  for (size_t i = 0; i < missing.size(); ++i) {
    names += (i ? ", '" : "'") + missing[i].name + "'";
    if (!missing[i].nullable) required += (n_required++ ? ", '" : "'") + missing[i].name + "'";
  }
  const bool many = missing.size() > 1;
  const std::string them = many ? "them" : "it";
  std::string why;
  if (n_required > 0)
    why = required + (n_required > 1 ? " are" : " is") +
          " NOT NULL in the stream schema, and the sink adds only nullable columns (existing "
          "rows have no value for a NOT NULL one)";
  else if (!create_table)
    why = "create_table is false, so the sink does not add " + them;
  else if (engine != "MergeTree")
    why = "its engine is " + std::string(engine) +
          ", and the sink adds columns only to MergeTree tables, the engine it creates (for a "
          "Distributed table, add " + them + " to the tables behind it as well)";
  if (why.empty()) return Status::OK();
  return Status::InvalidArgument("clickhouse: table " + table_label + " exists but lacks column" +
                                 (many ? "s " : " ") + names + "; " + why + "; add " + them +
                                 " yourself: " +
                                 AddColumnsSql(table_label, missing, timestamp_type));
}

}  // namespace sinkhost::clickhouse
