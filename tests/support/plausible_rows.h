// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Reading a table of the built-in `schema: plausible` back from what each
// sink stored (a SQLite file, a PostgreSQL or ClickHouse table, an NDJSON
// file) into one normalized form, so that end-to-end tests can compare the
// sinks value by value without knowing how each one spells a type.
//
// Normalized values (std::nullopt is NULL):
//   string     the UTF-8 bytes as stored
//   int64      decimal text ("-9223372036854775808")
//   float64    the shortest text that reads back as the same double
//              (std::to_chars: "0.1", "-0", "1e+300", "5e-324")
//   bool       "true" / "false"
//   timestamp  microseconds since the Unix epoch, decimal text
// A stored value that does not have its column's type (a string where a
// number belongs, a timestamp that does not parse) is kept as
// "<unexpected ...: raw text>", so a comparison shows what was there.
//
// The readers are black-box: they use only what each sink's README promises
// about its table or file layout (sqlite: TEXT ISO-8601 timestamps, INTEGER
// booleans; postgres: timestamptz, boolean; clickhouse: Int64 microseconds,
// UInt8 booleans; file: one JSON object per line).
//
// Thread safety: plain functions; the servers are used from one thread.
#ifndef SINKHOST_TESTS_SUPPORT_PLAUSIBLE_ROWS_H_
#define SINKHOST_TESTS_SUPPORT_PLAUSIBLE_ROWS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/schema/schema.h"

namespace sinkhost::testing {

class PostgresServer;
class ClickHouseServer;

enum class PlausibleType { kString, kInt64, kFloat64, kBool, kTimestamp };

struct PlausibleColumn {
  const char* name;
  PlausibleType type;
};

// The 15 columns of the plausible schema, in order (docs/configuration.md).
inline constexpr size_t kPlausibleColumnCount = ::sinkhost::plausible_columns::kCount;
inline constexpr std::array<PlausibleColumn, kPlausibleColumnCount> kPlausibleColumns = {{
    {"timestamp", PlausibleType::kTimestamp},
    {"name", PlausibleType::kString},
    {"domain", PlausibleType::kString},
    {"url", PlausibleType::kString},
    {"hostname", PlausibleType::kString},
    {"pathname", PlausibleType::kString},
    {"referrer", PlausibleType::kString},
    {"screen_width", PlausibleType::kInt64},
    {"props", PlausibleType::kString},
    {"revenue_amount", PlausibleType::kFloat64},
    {"revenue_currency", PlausibleType::kString},
    {"interactive", PlausibleType::kBool},
    {"scroll_depth", PlausibleType::kInt64},
    {"engagement_time", PlausibleType::kInt64},
    {"user_agent", PlausibleType::kString},
    {"browser", PlausibleType::kString},
    {"browser_version", PlausibleType::kString},
    {"operating_system", PlausibleType::kString},
    {"operating_system_version", PlausibleType::kString},
    {"screen_size", PlausibleType::kString},
    {"referrer_source", PlausibleType::kString},
    {"utm_medium", PlausibleType::kString},
    {"utm_source", PlausibleType::kString},
    {"utm_campaign", PlausibleType::kString},
    {"utm_content", PlausibleType::kString},
    {"utm_term", PlausibleType::kString},
    {"click_id_param", PlausibleType::kString},
    {"country_code", PlausibleType::kString},
    {"subdivision1_code", PlausibleType::kString},
    {"subdivision2_code", PlausibleType::kString},
    {"city_geoname_id", PlausibleType::kInt64},
    {"user_id", PlausibleType::kInt64},
    {"session_id", PlausibleType::kInt64},
}};

// Column positions, for tests that build expected rows: the built-in
// schema's own enum, so positions cannot drift from it.
namespace pcol = ::sinkhost::plausible_columns;

using Cell = std::optional<std::string>;
using PlausibleRow = std::array<Cell, kPlausibleColumnCount>;

// The normalized text of a double or a bool (see above).
std::string NormalizedDouble(double v);
inline std::string NormalizedBool(bool v) { return v ? "true" : "false"; }

// "2026-11-24T16:18:54.123456Z" to microseconds since the epoch; false if the
// text is not exactly that shape.
bool ParseIsoMicros(const std::string& text, int64_t* micros);

// A value for a failure message: quoted, with control bytes, '"' and '\\'
// escaped C-style (other UTF-8 kept as it is), cut after 300 bytes; NULL
// for a null.
std::string Printable(const Cell& value);

// Each reads every row of the table or file, in storage order. On failure
// returns false and puts the reason (query, server answer) into *error.
bool ReadPlausibleSqlite(const std::string& db_path, const std::string& table,
                         std::vector<PlausibleRow>* rows, std::string* error);
bool ReadPlausiblePostgres(const PostgresServer& server, const std::string& table,
                           std::vector<PlausibleRow>* rows, std::string* error);
bool ReadPlausibleClickHouse(const ClickHouseServer& server, const std::string& table,
                             std::vector<PlausibleRow>* rows, std::string* error);
bool ReadPlausibleNdjson(const std::string& path, std::vector<PlausibleRow>* rows,
                         std::string* error);

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_PLAUSIBLE_ROWS_H_
