// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The rows sinkhost-plugin-check writes, and the one schema they have: an
// int64 `id` (unique, so read-back rows can be matched whatever order the
// backend returns them in) and each column type twice, required and
// nullable. Every row is kept so that what the sink stored can be compared
// with what was sent.
//
// Thread safety: plain values; no shared state.
#ifndef SINKHOST_CONFORMANCE_CHECK_ROWS_H_
#define SINKHOST_CONFORMANCE_CHECK_ROWS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/schema/schema.h"

namespace sinkhost::check {

struct CheckRow {
  int64_t id = 0;
  std::string s;
  std::optional<std::string> s_n;
  int64_t i = 0;
  std::optional<int64_t> i_n;
  double f = 0;
  std::optional<double> f_n;
  bool b = false;
  std::optional<bool> b_n;
  int64_t ts = 0;  // microseconds since the epoch, UTC
  std::optional<int64_t> ts_n;
};

// id, s, s_n, i, i_n, f, f_n, b, b_n, ts, ts_n.
const Schema& CheckSchema();

std::shared_ptr<RowBatch> MakeBatch(const std::vector<CheckRow>& rows);

// Each set starts at `first_id` and uses consecutive ids.
// Every type at its edges (int64 min/max, subnormal and huge doubles,
// timestamps from year 1 to 9999, before and after the epoch), no nulls.
std::vector<CheckRow> EdgeValueRows(int64_t first_id);
// Every nullable column null, then nulls in patterns that cross validity
// bitmap bytes.
std::vector<CheckRow> NullRows(int64_t first_id);
// Strings that break naive quoting and escaping in SQL, CSV, TSV, COPY and
// JSON, and UTF-8 of every length (no NUL: the host refuses it at ingest).
std::vector<CheckRow> AwkwardStringRows(int64_t first_id);
// `count` ordinary rows, varied by id.
std::vector<CheckRow> PlainRows(int64_t first_id, int64_t count);

// Whether rows `a` and `b` hold the same value in column `index` of
// CheckSchema(). Doubles compare exactly: every sink must store all 64 bits.
bool CellEquals(const CheckRow& a, const CheckRow& b, size_t index);

// `text` as a JSON string literal for a message: control characters
// escaped, and cut (at a character boundary) after about `keep` bytes.
std::string QuoteForMessage(std::string_view text, size_t keep = 80);

// A value of row `r` in column `index` of CheckSchema(), as text for
// messages ("NULL" for null; strings quoted and escaped).
std::string DescribeCell(const CheckRow& r, size_t index);

}  // namespace sinkhost::check

#endif  // SINKHOST_CONFORMANCE_CHECK_ROWS_H_
