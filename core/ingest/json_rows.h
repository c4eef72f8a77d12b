// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// JSON objects to rows of a custom schema, field by field, for bulk
// requests. Each field is matched to the column of the same name and
// converted to its type:
//
//   string     JSON string
//   int64      JSON integer in int64 range; a number with a fraction part
//              or exponent is accepted only when its value is integral
//              (1.0, 1e3) and in range
//   float64    any JSON number
//   bool       true / false
//   timestamp  RFC 3339 string (see timestamp.h) or a JSON number of
//              seconds since the Unix epoch, fractions allowed
//
// Missing fields and nulls:
//   field missing, column has a default       -> the default (NowDefault:
//                                                the request's now_us)
//   field missing, no default, nullable       -> NULL
//   field missing, no default, not nullable   -> error "missing required field"
//   null, nullable                            -> NULL (an explicit null wins
//                                                over a default)
//   null, not nullable, has a default         -> the default
//   null, not nullable, no default            -> error "must not be null"
// A field that is not a column is an error unless unknown fields are
// ignored; a field given twice in one object is always an error.
//
// Thread safety: not thread-safe; owned by one BulkParser.
#ifndef SINKHOST_CORE_INGEST_JSON_ROWS_H_
#define SINKHOST_CORE_INGEST_JSON_ROWS_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"

namespace sinkhost::ingest {

class JsonRowConverter {
 public:
  // Prepares for a request into a batch of `schema`. The name lookup table
  // is rebuilt only when the schema differs from the previous request's.
  void BeginRequest(const Schema& schema, const RequestContext& ctx, bool ignore_unknown_fields);

  // Appends one value to every column, without CommitRow (the caller
  // commits or abandons all rows of the request together). On failure sets
  // *field and *message and returns false; values appended for this object
  // are left for the caller's AbandonRow.
  bool Convert(const simdjson::dom::object& object, RowBatch* rows, std::string* field,
               std::string* message);

 private:
  int FindColumn(std::string_view name) const;
  bool AppendValue(size_t column, const simdjson::dom::element& value, ColumnBuilder* out,
                   std::string* message) const;
  bool AppendDefault(size_t column, ColumnBuilder* out) const;

  // Constant during a request.
  const Schema* schema_ = nullptr;
  std::vector<std::string> schema_names_;  // to notice a different schema at the same address
  std::vector<int32_t> table_;             // open addressing: column index or -1
  uint32_t table_mask_ = 0;
  int64_t now_us_ = 0;
  bool ignore_unknown_ = false;

  // Per object: seen_[c] == stamp_ when column c was given.
  std::vector<uint32_t> seen_;
  uint32_t stamp_ = 0;
};

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_JSON_ROWS_H_
