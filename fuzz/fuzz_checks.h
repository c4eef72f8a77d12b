// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Checks the fuzz targets make on what the code under test returns, beyond
// what the sanitizers catch: a batch is well formed (every column as long as
// the batch, every string valid UTF-8), it survives the write-ahead log's
// record encoding unchanged, and error bodies are valid JSON. A failed
// check aborts, which libFuzzer reports as a crash with the input saved.
//
// Thread safety: free functions; the fuzz targets run on one thread.
#ifndef SINKHOST_FUZZ_FUZZ_CHECKS_H_
#define SINKHOST_FUZZ_FUZZ_CHECKS_H_

#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/batch/row_batch.h"
#include "core/batch/row_batch_codec.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"

namespace sinkhost::fuzzing {

[[noreturn]] inline void Fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz check failed: %s%s%s\n", what, detail.empty() ? "" : ": ",
               detail.c_str());
  std::abort();
}

#define FUZZ_CHECK(cond, ...) \
  do {                        \
    if (!(cond)) ::sinkhost::fuzzing::Fail(#cond, ##__VA_ARGS__); \
  } while (0)

// The custom schema the bulk and log targets use: each type required and
// nullable (as tests/support/all_types.h), then with defaults of each kind.
// The names are in fuzz/json.dict.
inline const Schema& AllTypesSchema() {
  static const Schema schema = [] {
    using T = ColumnType;
    Schema s;
    const Status st = Schema::Make(Schema::Kind::kCustom,
                                   {
                                       {"s", T::kString, false, {}},
                                       {"s_n", T::kString, true, {}},
                                       {"i", T::kInt64, false, {}},
                                       {"i_n", T::kInt64, true, {}},
                                       {"f", T::kFloat64, false, {}},
                                       {"f_n", T::kFloat64, true, {}},
                                       {"b", T::kBool, false, {}},
                                       {"b_n", T::kBool, true, {}},
                                       {"ts", T::kTimestamp, false, {}},
                                       {"ts_n", T::kTimestamp, true, {}},
                                       {"s_d", T::kString, false, std::string("dflt")},
                                       {"i_d", T::kInt64, false, int64_t{7}},
                                       {"f_d", T::kFloat64, true, 2.5},
                                       {"b_d", T::kBool, false, true},
                                       {"t_now", T::kTimestamp, false, NowDefault{}},
                                   },
                                   &s);
    if (!st.ok()) Fail("schema", st.ToString());
    return s;
  }();
  return schema;
}

// Every column holds exactly num_rows() values; strings are valid UTF-8
// without NUL (ingest refuses NUL in any stored text: json_values.h).
inline void CheckBatch(const RowBatch& rows) {
  for (size_t c = 0; c < rows.num_columns(); ++c) {
    const ColumnBuilder& col = rows.column(c);
    FUZZ_CHECK(col.length() == rows.num_rows(), "column " + rows.schema().column(c).name);
    FUZZ_CHECK(col.type() == rows.schema().column(c).type);
    if (col.type() != ColumnType::kString) continue;
    for (int64_t i = 0; i < col.length(); ++i)
      if (!col.IsNull(i)) {
        const std::string_view v = col.String(i);
        FUZZ_CHECK(IsValidUtf8(v), "column " + rows.schema().column(c).name);
        FUZZ_CHECK(v.find('\0') == std::string_view::npos,
                   "column " + rows.schema().column(c).name);
      }
  }
}

inline bool SameValues(const ColumnBuilder& a, const ColumnBuilder& b) {
  if (a.type() != b.type() || a.length() != b.length()) return false;
  for (int64_t i = 0; i < a.length(); ++i) {
    if (a.IsNull(i) != b.IsNull(i)) return false;
    if (a.IsNull(i)) continue;
    switch (a.type()) {
      case ColumnType::kString:
        if (a.String(i) != b.String(i)) return false;
        break;
      case ColumnType::kInt64:
      case ColumnType::kTimestamp:
        if (a.Int64(i) != b.Int64(i)) return false;
        break;
      case ColumnType::kFloat64: {
        const double x = a.Float64(i), y = b.Float64(i);
        if (std::memcmp(&x, &y, sizeof x) != 0) return false;
        break;
      }
      case ColumnType::kBool:
        if (a.Bool(i) != b.Bool(i)) return false;
        break;
    }
  }
  return true;
}

// Encodes `rows` as a log record and decodes it again: the same values.
inline void CheckRoundTrip(const RowBatch& rows) {
  const uint64_t fingerprint = SchemaFingerprint(rows.schema());
  std::string record;
  EncodeRowBatch(rows, fingerprint, &record);
  RowBatch back(rows.schema());
  const Status st = DecodeRowBatch(record, fingerprint, &back);
  FUZZ_CHECK(st.ok(), st.ToString());
  FUZZ_CHECK(back.num_rows() == rows.num_rows());
  for (size_t c = 0; c < rows.num_columns(); ++c)
    FUZZ_CHECK(SameValues(rows.column(c), back.column(c)), rows.schema().column(c).name);
}

// An error body the HTTP layer would send must parse as JSON.
inline void CheckJson(const std::string& body) {
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  FUZZ_CHECK(parser.parse(body).get(root) == simdjson::SUCCESS, body);
}

}  // namespace sinkhost::fuzzing

#endif  // SINKHOST_FUZZ_FUZZ_CHECKS_H_
