// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// RowBinaryEncoder: writes the rows of a batch in ClickHouse's RowBinary
// input format, the body of `INSERT INTO t (cols) FORMAT RowBinary`.
//
// RowBinary is row after row, each value in its column's binary layout
// with nothing between them:
//   String       LEB128 length, then the bytes
//   Int64        8 bytes, little-endian (two's complement)
//   Float64      8 bytes, little-endian IEEE 754 (NaN and infinities too)
//   UInt8, Bool  1 byte (0 or 1)
//   DateTime     4 bytes, little-endian seconds since the epoch (UInt32)
//   DateTime64(P)  8 bytes, little-endian ticks of 10^-P seconds (Int64)
//   Nullable(T)  1 byte: 1 = NULL (nothing follows), 0 = a T follows
// The server reads the bytes by the types of the *table's* columns and
// checks nothing, so a layout that disagrees with the table silently
// becomes garbage or a confusing parse error. Each column's encoding is
// therefore derived from the table's actual type (see table_schema.h), not
// from the stream type alone.
//
// Encode streams the body through one reusable buffer that is handed to the
// output stream whenever it holds kFlushBytes, so a batch never exists as
// one large string. The buffer keeps its capacity between batches.
//
// Thread safety: an encoder is used by one thread at a time.
#ifndef SINKHOST_PLUGINS_CLICKHOUSE_ROW_BINARY_H_
#define SINKHOST_PLUGINS_CLICKHOUSE_ROW_BINARY_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sinkhost/arrow.hpp"
#include "sinkhost/status.hpp"

namespace sinkhost::clickhouse {

// The binary layout of one table column that a stream column is written to.
struct ColumnEncoding {
  enum class Kind {
    kString,      // from string
    kInt64,       // from int64, or a timestamp into Int64 microseconds
    kFloat64,     // from float64
    kUInt8,       // from bool
    kDateTime,    // from timestamp: whole seconds, 1970-01-01 .. 2106-02-07
    kDateTime64,  // from timestamp: Int64 ticks of 10^-scale seconds
  };
  Kind kind = Kind::kString;
  // The table column is Nullable(...): every value carries a null flag,
  // even when the stream column itself is never null.
  bool nullable = false;
  // kDateTime64 only: digits of the second (0-9); 6 is microseconds.
  int scale = 6;

  bool operator==(const ColumnEncoding&) const = default;
};

class RowBinaryEncoder {
 public:
  // Bytes collected before they are written to the output stream.
  static constexpr size_t kFlushBytes = 1 << 20;

  // One encoding per stream column, in stream (and INSERT column) order.
  void Reset(std::vector<ColumnEncoding> columns) { columns_ = std::move(columns); }
  const std::vector<ColumnEncoding>& columns() const { return columns_; }

  // Checks that every value fits its table column: timestamps in DateTime's
  // range (and DateTime64 ticks in Int64). Run before sending anything, so
  // that a value the table cannot hold fails the batch (Permanent, naming
  // the column, the row and the value) rather than half a request. The
  // batch must have one column per encoding, of the matching stream type.
  Status Check(const BatchView& batch) const;

  // Writes every row of `batch` to `out` as RowBinary. Stream errors are
  // the stream's business (set exceptions() to have them thrown).
  void Encode(const BatchView& batch, std::ostream& out);

  // The same bytes, appended to `*out` (for tests and benchmarks).
  void EncodeTo(const BatchView& batch, std::string* out);

 private:
  // Appends rows [begin, end) to `*buf`.
  void EncodeRows(const BatchView& batch, int64_t begin, int64_t end, std::string* buf) const;

  std::vector<ColumnEncoding> columns_;
  std::string buffer_;  // reused by Encode; keeps its capacity
};

}  // namespace sinkhost::clickhouse

#endif  // SINKHOST_PLUGINS_CLICKHOUSE_ROW_BINARY_H_
