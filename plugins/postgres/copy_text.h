// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Encoding of batch rows as PostgreSQL `COPY ... FROM STDIN` text format
// (https://www.postgresql.org/docs/15/sql-copy.html, "Text Format"): one
// line per row, columns separated by a tab, NULL as `\N`, and backslash,
// tab, newline and carriage return inside values escaped as `\\ \t \n \r`.
//
// Everything appends to a caller-owned std::string, which the sink reuses
// from batch to batch, so after the first batches encoding allocates
// nothing. Values are spelled the way PostgreSQL's input functions read
// them back exactly:
//   int64     decimal
//   float64   shortest round-trip text; NaN, Infinity, -Infinity
//   bool      t / f
//   timestamp ISO-8601 UTC with microseconds and `Z` (format.hpp); years
//             outside 0001-9999 in the spelling PostgreSQL reads
//             ("10000-01-01T...Z", "0001-12-31T...Z BC")
//
// Thread safety: pure functions.
#ifndef SINKHOST_PLUGINS_POSTGRES_COPY_TEXT_H_
#define SINKHOST_PLUGINS_POSTGRES_COPY_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "sinkhost/arrow.hpp"
#include "sinkhost/status.hpp"

namespace sinkhost::postgres {

// Appends `s` escaped for a COPY text field. Returns false, having appended
// nothing, when `s` contains a NUL byte, which no PostgreSQL text value can
// hold.
bool AppendCopyString(std::string* out, std::string_view s);

// Appends `v` as float8 input text.
void AppendCopyDouble(std::string* out, double v);

// Appends the instant `us` microseconds after the Unix epoch as timestamptz
// input text.
void AppendCopyTimestamp(std::string* out, int64_t us);

// Appends row `row` of `batch` as one COPY text line, newline included.
// Fails (Permanent, naming the row and column, with *out unchanged) only
// for a string containing a NUL byte.
Status AppendCopyRow(const BatchView& batch, int64_t row, std::string* out);

}  // namespace sinkhost::postgres

#endif  // SINKHOST_PLUGINS_POSTGRES_COPY_TEXT_H_
