// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Schema: the typed columns of a stream. Every event accepted into a stream
// is converted to one row of its schema at ingest, so a batch handed to a
// sink always matches the schema exactly.
//
// Two kinds exist: the built-in `plausible` schema, whose columns are filled
// by the Plausible request parser (core/ingest/plausible_event.h), and
// custom schemas from the config, whose columns are filled field by field
// from bulk JSON objects (core/ingest/json_rows.h).
//
// Thread safety: a Schema is immutable once built; share it freely.
#ifndef SINKHOST_CORE_SCHEMA_SCHEMA_H_
#define SINKHOST_CORE_SCHEMA_SCHEMA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sinkhost/arrow.hpp"
#include "sinkhost/identifier.hpp"
#include "sinkhost/status.hpp"

namespace sinkhost {

// A column default: a typed constant, or the server time at ingest.
struct NowDefault {};
using DefaultValue = std::variant<std::monostate, int64_t, double, bool, std::string, NowDefault>;

struct Column {
  std::string name;
  ColumnType type = ColumnType::kString;
  bool nullable = false;
  // std::monostate: no default (a missing field is an error unless nullable).
  DefaultValue default_value;
};

class Schema {
 public:
  enum class Kind { kCustom, kPlausible };

  Schema() = default;
  // Checks names ([A-Za-z_][A-Za-z0-9_]*, at most 63 bytes, unique) and defaults.
  static Status Make(Kind kind, std::vector<Column> columns, Schema* out);
  // The built-in schema for Plausible events (column list in schema.cc).
  static const Schema& Plausible();

  Kind kind() const { return kind_; }
  const std::vector<Column>& columns() const { return columns_; }
  size_t num_columns() const { return columns_.size(); }
  const Column& column(size_t i) const { return columns_[i]; }
  // Index of the named column, or -1.
  int FindColumn(std::string_view name) const;

  // Fills `out` with a struct ("+s") Arrow schema of these columns. The
  // result owns its strings and has a release callback.
  void ExportToArrow(ArrowSchema* out) const;

 private:
  Kind kind_ = Kind::kCustom;
  std::vector<Column> columns_;
};

// Column names of the plausible schema, in order; the Plausible parser and
// its tests index rows with these.
namespace plausible_columns {
enum : int {
  kTimestamp = 0,
  kName,
  kDomain,
  kUrl,
  kHostname,
  kPathname,
  kReferrer,
  kScreenWidth,
  kProps,
  kRevenueAmount,
  kRevenueCurrency,
  kInteractive,
  kScrollDepth,
  kEngagementTime,
  kUserAgent,
  // Derived by the enrichment stage.
  kBrowser,
  kBrowserVersion,
  kOperatingSystem,
  kOperatingSystemVersion,
  kScreenSize,
  kReferrerSource,
  kUtmMedium,
  kUtmSource,
  kUtmCampaign,
  kUtmContent,
  kUtmTerm,
  kClickIdParam,
  kCountryCode,
  kSubdivision1Code,
  kSubdivision2Code,
  kCityGeonameId,
  kUserId,
  kSessionId,
  kCount
};
}  // namespace plausible_columns


}  // namespace sinkhost

#endif  // SINKHOST_CORE_SCHEMA_SCHEMA_H_
