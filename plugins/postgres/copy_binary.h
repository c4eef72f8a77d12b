// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Encoding of batch rows as PostgreSQL `COPY ... FROM STDIN (FORMAT binary)`
// (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"): a
// header, then per row a 16-bit field count and per field a 32-bit length
// (-1 for NULL) and the value in the type's send/recv representation, all
// big-endian, then a trailer.
//
// The server parses this much faster than text (no number or date parsing),
// but reads each value with the column type's binary input function, so it
// is used only for columns of exactly the types the sink creates:
//   string    text              the UTF-8 bytes
//   int64     bigint            8 bytes
//   float64   double precision  the 8 IEEE-754 bytes (NaN, infinities as is)
//   bool      boolean           1 byte
//   timestamp timestamptz       8 bytes: microseconds since 2000-01-01Z
// Appends to a caller-owned, reused std::string, like copy_text.h.
//
// Thread safety: pure functions.
#ifndef SINKHOST_PLUGINS_POSTGRES_COPY_BINARY_H_
#define SINKHOST_PLUGINS_POSTGRES_COPY_BINARY_H_

#include <cstdint>
#include <string>

#include "sinkhost/arrow.hpp"
#include "sinkhost/status.hpp"

namespace sinkhost::postgres {

// Microseconds since the Unix epoch of PostgreSQL's first timestamp,
// 4714-11-24T00:00:00Z BC; it has none before (and every int64 after it is
// within its range).
inline constexpr int64_t kPgMinTimestampMicros = -210866803200000000;

void AppendCopyBinaryHeader(std::string* out);
void AppendCopyBinaryTrailer(std::string* out);

// Appends row `row` of `batch` as one binary tuple. Fails (Permanent,
// naming the row and column, with *out unchanged) for a string containing
// a NUL byte or a timestamp before kPgMinTimestampMicros, which the server
// would refuse too.
Status AppendCopyBinaryRow(const BatchView& batch, int64_t row, std::string* out);

}  // namespace sinkhost::postgres

#endif  // SINKHOST_PLUGINS_POSTGRES_COPY_BINARY_H_
