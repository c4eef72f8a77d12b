// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/json_rows.h"

#include <algorithm>
#include <cmath>
#include <variant>

#include "core/ingest/json_values.h"
#include "core/ingest/timestamp.h"

namespace sinkhost::ingest {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

namespace {

// Column names are few and short: length and three bytes separate them well
// enough, and hashing every byte showed up in profiles.
uint32_t HashName(std::string_view s) {
  if (s.empty()) return 0;
  uint32_t h = static_cast<uint32_t>(s.size());
  h = h * 31 + static_cast<uint8_t>(s[0]);
  h = h * 31 + static_cast<uint8_t>(s[s.size() / 2]);
  h = h * 31 + static_cast<uint8_t>(s.back());
  return h * 2654435761u >> 8;
}

std::string Got(const element& v) { return std::string(", got ") + JsonTypeName(v); }

}  // namespace

void JsonRowConverter::BeginRequest(const Schema& schema, const RequestContext& ctx,
                                    bool ignore_unknown_fields) {
  now_us_ = ctx.now_us;
  ignore_unknown_ = ignore_unknown_fields;
  bool same = schema_ == &schema && schema_names_.size() == schema.num_columns();
  for (size_t i = 0; same && i < schema.num_columns(); ++i)
    same = schema_names_[i] == schema.column(i).name;
  if (same) return;

  schema_ = &schema;
  schema_names_.clear();
  for (const Column& c : schema.columns()) schema_names_.push_back(c.name);
  size_t size = 8;
  while (size < schema.num_columns() * 2) size *= 2;
  table_.assign(size, -1);
  table_mask_ = static_cast<uint32_t>(size - 1);
  for (size_t i = 0; i < schema.num_columns(); ++i) {
    uint32_t slot = HashName(schema.column(i).name) & table_mask_;
    while (table_[slot] >= 0) slot = (slot + 1) & table_mask_;
    table_[slot] = static_cast<int32_t>(i);
  }
  seen_.assign(schema.num_columns(), 0);
  stamp_ = 0;
}

int JsonRowConverter::FindColumn(std::string_view name) const {
  uint32_t slot = HashName(name) & table_mask_;
  while (table_[slot] >= 0) {
    if (schema_names_[static_cast<size_t>(table_[slot])] == name) return table_[slot];
    slot = (slot + 1) & table_mask_;
  }
  return -1;
}

bool JsonRowConverter::AppendDefault(size_t column, ColumnBuilder* out) const {
  const DefaultValue& d = schema_->column(column).default_value;
  if (std::holds_alternative<std::monostate>(d)) return false;
  if (const auto* v = std::get_if<int64_t>(&d)) out->AppendInt64(*v);
  else if (const auto* v = std::get_if<double>(&d)) out->AppendFloat64(*v);
  else if (const auto* v = std::get_if<bool>(&d)) out->AppendBool(*v);
  else if (const auto* v = std::get_if<std::string>(&d)) out->AppendString(*v);
  else out->AppendInt64(now_us_);  // NowDefault
  return true;
}

bool JsonRowConverter::AppendValue(size_t column, const element& value, ColumnBuilder* out,
                                   std::string* message) const {
  const Column& col = schema_->column(column);
  const element_type t = value.type();
  if (t == element_type::NULL_VALUE) {
    if (col.nullable) {
      out->AppendNull();
      return true;
    }
    if (AppendDefault(column, out)) return true;
    *message = "must not be null (the column is not nullable and has no default)";
    return false;
  }
  switch (col.type) {
    case ColumnType::kString: {
      std::string_view s;
      if (value.get_string().get(s) == simdjson::SUCCESS) {
        if (HasNul(s)) {
          *message = std::string(kNulMessage);
          return false;
        }
        out->AppendString(s);
        return true;
      }
      *message = "must be a string" + Got(value);
      return false;
    }
    case ColumnType::kInt64: {
      if (t == element_type::INT64) {
        int64_t v = 0;
        if (value.get_int64().get(v) != simdjson::SUCCESS) break;
        out->AppendInt64(v);
        return true;
      }
      if (t == element_type::UINT64) {
        *message = "is out of range for int64: " + DescribeJsonValue(value);
        return false;
      }
      if (t == element_type::DOUBLE) {
        double d = 0;
        if (value.get_double().get(d) != simdjson::SUCCESS) break;
        if (d != std::trunc(d)) {
          *message = "must be an integer (int64), got " + DescribeJsonValue(value);
          return false;
        }
        // [-2^63, 2^63): both bounds are exact doubles.
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
          *message = "is out of range for int64: " + DescribeJsonValue(value);
          return false;
        }
        out->AppendInt64(static_cast<int64_t>(d));
        return true;
      }
      *message = "must be an integer (int64)" + Got(value);
      return false;
    }
    case ColumnType::kFloat64: {
      double d = 0;
      if (t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE) {
        // get_double converts integers too.
        if (value.get_double().get(d) != simdjson::SUCCESS) break;
        out->AppendFloat64(d);
        return true;
      }
      *message = "must be a number (float64)" + Got(value);
      return false;
    }
    case ColumnType::kBool: {
      bool b = false;
      if (value.get_bool().get(b) == simdjson::SUCCESS) {
        out->AppendBool(b);
        return true;
      }
      *message = "must be a boolean" + Got(value);
      return false;
    }
    case ColumnType::kTimestamp: {
      int64_t us = 0;
      if (t == element_type::STRING) {
        std::string_view s;
        if (value.get_string().get(s) == simdjson::SUCCESS && ParseRfc3339(s, &us)) {
          out->AppendInt64(us);
          return true;
        }
        *message = "must be an RFC 3339 timestamp such as \"2024-05-01T12:00:00Z\", got " +
                   DescribeJsonValue(value);
        return false;
      }
      if (t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE) {
        int64_t secs = 0;
        double d = 0;
        bool ok = t == element_type::INT64
                      ? value.get_int64().get(secs) == simdjson::SUCCESS &&
                            EpochSecondsToMicros(secs, &us)
                      : value.get_double().get(d) == simdjson::SUCCESS &&
                            EpochSecondsToMicros(d, &us);
        if (ok) {
          out->AppendInt64(us);
          return true;
        }
        *message = "is out of range for a timestamp: " + DescribeJsonValue(value) +
                   " seconds since the Unix epoch (years 0001-9999 are accepted)";
        return false;
      }
      *message =
          "must be an RFC 3339 timestamp string or a number of seconds since the Unix epoch" +
          Got(value);
      return false;
    }
  }
  *message = "could not be read as " + std::string(ColumnTypeName(col.type));
  return false;
}

bool JsonRowConverter::Convert(const object& obj, RowBatch* rows, std::string* field,
                               std::string* message) {
  if (++stamp_ == 0) {  // wrapped: forget old stamps
    std::fill(seen_.begin(), seen_.end(), 0);
    stamp_ = 1;
  }
  for (simdjson::dom::key_value_pair kv : obj) {
    const int c = FindColumn(kv.key);
    if (c < 0) {
      if (ignore_unknown_) continue;
      field->assign(kv.key);
      *message = "unknown field '" + std::string(kv.key) + "': not a column of this stream";
      return false;
    }
    const size_t col = static_cast<size_t>(c);
    if (seen_[col] == stamp_) {
      field->assign(kv.key);
      *message = "duplicate field '" + std::string(kv.key) + "' in one object";
      return false;
    }
    seen_[col] = stamp_;
    if (!AppendValue(col, kv.value, &rows->column(col), message)) {
      field->assign(kv.key);
      return false;
    }
  }
  for (size_t col = 0; col < schema_names_.size(); ++col) {
    if (seen_[col] == stamp_) continue;
    if (AppendDefault(col, &rows->column(col))) continue;
    if (schema_->column(col).nullable) {
      rows->column(col).AppendNull();
      continue;
    }
    field->assign(schema_names_[col]);
    *message = "missing required field '" + schema_names_[col] + "'";
    return false;
  }
  return true;
}

}  // namespace sinkhost::ingest
