// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// One value of a batch as JSON, the encoding of the file sink's NDJSON and
// of the host's quarantine files, so that both read back the same way:
//
//   string     JSON string ('"' '\' and U+0000-U+001F escaped)
//   int64      integer, all 64 bits
//   float64    shortest text that reads back as the same double; NaN and
//              infinities as null (JSON has no such numbers)
//   bool       true / false
//   timestamp  "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, microseconds)
//   NULL       null
//
// Thread safety: pure functions; call them from any thread.
#ifndef SINKHOST_ROW_JSON_HPP_
#define SINKHOST_ROW_JSON_HPP_

#include <charconv>
#include <string>

#include "sinkhost/arrow.hpp"
#include "sinkhost/format.hpp"

namespace sinkhost {

// Appends the value of `col` at `row`. Returns false only for a float that
// JSON cannot hold (written as null).
inline bool AppendJsonValue(std::string* out, const ColumnView& col, int64_t row) {
  if (col.is_null(row)) {
    out->append("null", 4);
    return true;
  }
  switch (col.type()) {
    case ColumnType::kString: AppendJsonString(out, col.string(row)); break;
    case ColumnType::kInt64: {
      char buf[24];
      auto res = std::to_chars(buf, buf + sizeof(buf), col.int64(row));
      out->append(buf, static_cast<size_t>(res.ptr - buf));
      break;
    }
    case ColumnType::kFloat64: return AppendJsonDouble(out, col.float64(row));
    case ColumnType::kBool:
      if (col.boolean(row)) out->append("true", 4);
      else out->append("false", 5);
      break;
    case ColumnType::kTimestamp: {
      // The text has no character JSON needs escaped.
      char buf[kTimestampBufferSize + 2];
      buf[0] = '"';
      size_t n = FormatTimestampMicros(col.int64(row), buf + 1);
      buf[n + 1] = '"';
      out->append(buf, n + 2);
      break;
    }
  }
  return true;
}

}  // namespace sinkhost

#endif  // SINKHOST_ROW_JSON_HPP_
