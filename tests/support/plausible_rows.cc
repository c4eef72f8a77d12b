// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "tests/support/plausible_rows.h"

#include "core/ingest/timestamp.h"

#include <simdjson.h>
#include <sqlite3.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

#include "tests/support/clickhouse_server.h"
#include "tests/support/postgres_server.h"

namespace sinkhost::testing {

namespace {

Cell Unexpected(const std::string& what, std::string_view raw) {
  return "<unexpected " + what + ": " + std::string(raw) + ">";
}


bool ParseDigits(std::string_view text, size_t at, size_t n, int64_t* out) {
  *out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    *out = *out * 10 + (text[i] - '0');
  }
  return true;
}

bool ParseInt64(std::string_view text, int64_t* out) {
  const auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && !text.empty();
}

// A value that some backend hands over as text (PostgreSQL's float8 text,
// ClickHouse's quoted Int64, ISO timestamps).
Cell FromText(PlausibleType type, std::string_view text) {
  int64_t i = 0;
  switch (type) {
    case PlausibleType::kString: return std::string(text);
    case PlausibleType::kInt64:
      if (ParseInt64(text, &i)) return std::to_string(i);
      return Unexpected("int64 text", text);
    case PlausibleType::kFloat64: {
      double d = 0;
      const auto r = std::from_chars(text.data(), text.data() + text.size(), d);
      if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return NormalizedDouble(d);
      return Unexpected("float64 text", text);
    }
    case PlausibleType::kBool:
      if (text == "true" || text == "1") return NormalizedBool(true);
      if (text == "false" || text == "0") return NormalizedBool(false);
      return Unexpected("bool text", text);
    case PlausibleType::kTimestamp:
      if (ParseInt64(text, &i) || ParseIsoMicros(std::string(text), &i)) return std::to_string(i);
      return Unexpected("timestamp text", text);
  }
  return Unexpected("type", text);
}

Cell FromJson(PlausibleType type, const simdjson::dom::element& v) {
  using simdjson::dom::element_type;
  switch (v.type()) {
    case element_type::NULL_VALUE: return std::nullopt;
    case element_type::STRING: return FromText(type, std::string_view(v.get_string().value()));
    case element_type::INT64:
    case element_type::UINT64:
      if (type == PlausibleType::kFloat64) return NormalizedDouble(v.get_double().value());
      if (type == PlausibleType::kBool) return FromText(type, simdjson::to_string(v));
      if (type == PlausibleType::kInt64 || type == PlausibleType::kTimestamp)
        return FromText(type, simdjson::to_string(v));
      break;
    case element_type::DOUBLE:
      if (type == PlausibleType::kFloat64) return NormalizedDouble(v.get_double().value());
      break;
    case element_type::BOOL:
      if (type == PlausibleType::kBool) return NormalizedBool(v.get_bool().value());
      break;
    default: break;
  }
  return Unexpected("JSON value", simdjson::to_string(v));
}

Cell FromSqlite(sqlite3_stmt* stmt, int i, PlausibleType type) {
  const int t = sqlite3_column_type(stmt, i);
  if (t == SQLITE_NULL) return std::nullopt;
  const bool is_int = t == SQLITE_INTEGER;
  const int64_t as_int = sqlite3_column_int64(stmt, i);
  const double as_double = sqlite3_column_double(stmt, i);
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
  const std::string_view raw(text, static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
  const std::string kind = "sqlite storage class " + std::to_string(t);
  switch (type) {
    case PlausibleType::kString:
      if (t == SQLITE_TEXT) return std::string(raw);
      break;
    case PlausibleType::kInt64:
      if (is_int) return std::to_string(as_int);
      break;
    case PlausibleType::kFloat64:
      if (t == SQLITE_FLOAT || is_int) return NormalizedDouble(as_double);
      break;
    case PlausibleType::kBool:
      if (is_int && (as_int == 0 || as_int == 1)) return NormalizedBool(as_int == 1);
      break;
    case PlausibleType::kTimestamp:
      if (t == SQLITE_TEXT) return FromText(type, raw);
      break;
  }
  return Unexpected(kind, raw);
}

std::string QuotedColumnList(const char* quote) {
  std::string out;
  for (const PlausibleColumn& c : kPlausibleColumns)
    out += std::string(out.empty() ? "" : ", ") + quote + c.name + quote;
  return out;
}

// Each non-empty line of `text` parsed as JSON; `fill` turns one into a row.
template <typename Fill>
bool ParseJsonLines(const std::string& text, const std::string& source,
                    std::vector<PlausibleRow>* rows, std::string* error, Fill fill) {
  simdjson::dom::parser parser;
  std::istringstream in(text);
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    simdjson::dom::element doc;
    if (auto code = parser.parse(line).get(doc); code != simdjson::SUCCESS) {
      *error = source + " line " + std::to_string(line_no) + ": " +
               simdjson::error_message(code) + ": " + line.substr(0, 300);
      return false;
    }
    PlausibleRow row;
    fill(doc, &row);
    rows->push_back(std::move(row));
  }
  return true;
}

// Values in column order, whatever the keys (ClickHouse's JSONEachRow keeps
// the SELECT order) or the array positions (PostgreSQL's json_build_array).
void FillInOrder(const simdjson::dom::element& doc, PlausibleRow* row) {
  size_t i = 0;
  auto put = [&](const simdjson::dom::element& v) {
    if (i < kPlausibleColumnCount) (*row)[i] = FromJson(kPlausibleColumns[i].type, v);
    ++i;
  };
  simdjson::dom::object object;
  simdjson::dom::array array;
  if (doc.get_object().get(object) == simdjson::SUCCESS) {
    for (auto field : object) put(field.value);
  } else if (doc.get_array().get(array) == simdjson::SUCCESS) {
    for (auto v : array) put(v);
  }
  for (; i < kPlausibleColumnCount; ++i) (*row)[i] = Unexpected("missing value", "");
}

void FillByName(const simdjson::dom::element& doc, PlausibleRow* row) {
  for (size_t i = 0; i < kPlausibleColumnCount; ++i) {
    simdjson::dom::element v;
    if (doc[kPlausibleColumns[i].name].get(v) == simdjson::SUCCESS)
      (*row)[i] = FromJson(kPlausibleColumns[i].type, v);
    else
      (*row)[i] = Unexpected("missing field", kPlausibleColumns[i].name);
  }
}

}  // namespace

std::string NormalizedDouble(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

bool ParseIsoMicros(const std::string& text, int64_t* micros) {
  // YYYY-MM-DDTHH:MM:SS.ffffffZ
  if (text.size() != 27 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
      text[13] != ':' || text[16] != ':' || text[19] != '.' || text[26] != 'Z')
    return false;
  int64_t y, mo, d, h, mi, s, f;
  if (!ParseDigits(text, 0, 4, &y) || !ParseDigits(text, 5, 2, &mo) ||
      !ParseDigits(text, 8, 2, &d) || !ParseDigits(text, 11, 2, &h) ||
      !ParseDigits(text, 14, 2, &mi) || !ParseDigits(text, 17, 2, &s) ||
      !ParseDigits(text, 20, 6, &f))
    return false;
  const int64_t days = ingest::DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  *micros = ((days * 24 + h) * 60 + mi) * 60 * 1000000 + s * 1000000 + f;
  return true;
}

std::string Printable(const Cell& value) {
  if (!value) return "NULL";
  constexpr size_t kMax = 300;
  std::string out = "\"";
  for (size_t i = 0; i < value->size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>((*value)[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char esc[8];
      std::snprintf(esc, sizeof(esc), "\\x%02x", c);
      out += esc;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "\"";
  if (value->size() > kMax) out += "...(" + std::to_string(value->size()) + " bytes)";
  return out;
}

bool ReadPlausibleSqlite(const std::string& db_path, const std::string& table,
                         std::vector<PlausibleRow>* rows, std::string* error) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    *error = "cannot open " + db_path + ": " + sqlite3_errmsg(db);
    sqlite3_close(db);
    return false;
  }
  sqlite3_busy_timeout(db, 5000);
  const std::string sql =
      "SELECT " + QuotedColumnList("\"") + " FROM \"" + table + "\" ORDER BY rowid";
  sqlite3_stmt* stmt = nullptr;
  bool ok = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK;
  int rc = SQLITE_ERROR;
  while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    PlausibleRow row;
    for (size_t i = 0; i < kPlausibleColumnCount; ++i)
      row[i] = FromSqlite(stmt, static_cast<int>(i), kPlausibleColumns[i].type);
    rows->push_back(std::move(row));
  }
  ok = ok && rc == SQLITE_DONE;
  if (!ok) *error = sql + ": " + sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return ok;
}

bool ReadPlausiblePostgres(const PostgresServer& server, const std::string& table,
                           std::vector<PlausibleRow>* rows, std::string* error) {
  // Timestamps as exact microseconds and floats as float8out's text (which
  // round-trips and spells NaN and infinities), so JSON cannot round them.
  std::string values;
  for (const PlausibleColumn& c : kPlausibleColumns) {
    const std::string name = std::string("\"") + c.name + "\"";
    std::string expr = name;
    if (c.type == PlausibleType::kTimestamp)
      expr = "(extract(epoch from " + name + ") * 1000000)::bigint";
    else if (c.type == PlausibleType::kFloat64)
      expr = name + "::text";
    values += (values.empty() ? "" : ", ") + expr;
  }
  const std::string sql = "SET client_encoding TO 'UTF8'; SELECT json_build_array(" + values +
                          ") FROM \"public\".\"" + table + "\"";
  std::string out;
  if (!server.Psql(sql, &out)) {
    *error = sql + ": " + out;
    return false;
  }
  return ParseJsonLines(out, "psql output", rows, error, FillInOrder);
}

bool ReadPlausibleClickHouse(const ClickHouseServer& server, const std::string& table,
                             std::vector<PlausibleRow>* rows, std::string* error) {
  // Floats as text: JSON number output would lose the sign of -0 to some
  // parsers. Aliases differ from column names, which 18.16 would take as a
  // cycle.
  std::string values;
  for (size_t i = 0; i < kPlausibleColumnCount; ++i) {
    const PlausibleColumn& c = kPlausibleColumns[i];
    const std::string name = std::string("`") + c.name + "`";
    const std::string expr = c.type == PlausibleType::kFloat64 ? "toString(" + name + ")" : name;
    values += (i ? ", " : "") + expr + " AS c" + std::to_string(i);
  }
  const std::string sql = "SELECT " + values + " FROM `default`.`" + table + "` FORMAT JSONEachRow";
  std::string out;
  if (!server.Exec(sql, &out)) {
    *error = sql + ": " + out;
    return false;
  }
  return ParseJsonLines(out, "ClickHouse answer", rows, error, FillInOrder);
}

bool ReadPlausibleNdjson(const std::string& path, std::vector<PlausibleRow>* rows,
                         std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseJsonLines(text.str(), path, rows, error, FillByName);
}

}  // namespace sinkhost::testing
