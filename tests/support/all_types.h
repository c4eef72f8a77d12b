// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The all-types test stream every sink's tests write: each column type once
// required and once nullable, a row struct to fill it, and the batch built
// from such rows. One definition, so every sink is checked on the same
// shape (and the conformance kit can reuse it).
#ifndef SINKHOST_TESTS_SUPPORT_ALL_TYPES_H_
#define SINKHOST_TESTS_SUPPORT_ALL_TYPES_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/schema/schema.h"

namespace sinkhost::testing {

// One row of the all-types columns; std::nullopt is NULL.
struct AllTypesRow {
  std::string s;
  std::optional<std::string> s_n;
  int64_t i = 0;
  std::optional<int64_t> i_n;
  double f = 0;
  std::optional<double> f_n;
  bool b = false;
  std::optional<bool> b_n;
  int64_t ts = 0;  // microseconds since the epoch
  std::optional<int64_t> ts_n;
};

// s, s_n, i, i_n, f, f_n, b, b_n, ts, ts_n: required, then nullable.
inline std::vector<Column> AllTypesColumns() {
  using T = ColumnType;
  return {
      {"s", T::kString, false, {}},     {"s_n", T::kString, true, {}},
      {"i", T::kInt64, false, {}},      {"i_n", T::kInt64, true, {}},
      {"f", T::kFloat64, false, {}},    {"f_n", T::kFloat64, true, {}},
      {"b", T::kBool, false, {}},       {"b_n", T::kBool, true, {}},
      {"ts", T::kTimestamp, false, {}}, {"ts_n", T::kTimestamp, true, {}},
  };
}

// A custom schema of `columns`; a bad one is a broken test, so it aborts.
inline Schema MakeTestSchema(std::vector<Column> columns) {
  Schema schema;
  Status st = Schema::Make(Schema::Kind::kCustom, std::move(columns), &schema);
  if (!st.ok()) {
    std::fprintf(stderr, "test schema: %s\n", st.ToString().c_str());
    std::abort();
  }
  return schema;
}

inline Schema AllTypesSchema() { return MakeTestSchema(AllTypesColumns()); }

// Appends the row's ten values to columns first..first+9 of `batch`; the
// caller fills any other columns and commits the row.
inline void AppendAllTypes(RowBatch* batch, size_t first, const AllTypesRow& r) {
  auto col = [&](size_t i) -> ColumnBuilder& { return batch->column(first + i); };
  col(0).AppendString(r.s);
  if (r.s_n) col(1).AppendString(*r.s_n);
  else col(1).AppendNull();
  col(2).AppendInt64(r.i);
  if (r.i_n) col(3).AppendInt64(*r.i_n);
  else col(3).AppendNull();
  col(4).AppendFloat64(r.f);
  if (r.f_n) col(5).AppendFloat64(*r.f_n);
  else col(5).AppendNull();
  col(6).AppendBool(r.b);
  if (r.b_n) col(7).AppendBool(*r.b_n);
  else col(7).AppendNull();
  col(8).AppendInt64(r.ts);
  if (r.ts_n) col(9).AppendInt64(*r.ts_n);
  else col(9).AppendNull();
}

// A batch of AllTypesSchema() rows.
inline std::shared_ptr<RowBatch> MakeBatch(const Schema& schema,
                                           const std::vector<AllTypesRow>& rows) {
  auto batch = std::make_shared<RowBatch>(schema);
  for (const AllTypesRow& r : rows) {
    AppendAllTypes(batch.get(), 0, r);
    batch->CommitRow();
  }
  return batch;
}

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_ALL_TYPES_H_
