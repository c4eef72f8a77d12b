// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// One-column ("id": int64) rows for the stream and delivery tests, and the
// ids the test sink recorded (its `record` option: one id per line).
#ifndef SINKHOST_TESTS_SUPPORT_ID_ROWS_H_
#define SINKHOST_TESTS_SUPPORT_ID_ROWS_H_

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/schema/schema.h"

namespace sinkhost::testing {

inline Schema IdSchema() {
  Schema s;
  (void)Schema::Make(Schema::Kind::kCustom, {{"id", ColumnType::kInt64, false, {}}}, &s);
  return s;
}

// Rows with ids first, first + 1, ... first + count - 1.
inline RowBatch Rows(const Schema& schema, int64_t first, int64_t count) {
  RowBatch b(schema);
  for (int64_t i = first; i < first + count; ++i) {
    b.column(0).AppendInt64(i);
    b.CommitRow();
  }
  return b;
}

inline std::vector<int64_t> ReadIds(const std::string& path) {
  std::vector<int64_t> ids;
  std::ifstream in(path);
  int64_t v;
  while (in >> v) ids.push_back(v);
  return ids;
}

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_ID_ROWS_H_
