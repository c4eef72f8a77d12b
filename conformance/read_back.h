// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Reading back what a sink stored. The kit cannot know every backend, so a
// sink's author supplies a read-back command: a shell command that prints
// every row the sink stored for the check's stream as JSON objects (one per
// line, or one JSON array), keyed by column name. The kit runs it with the
// sink's options in the environment (SINKHOST_OPTION_<NAME>, upper case) and
// the stream name in SINKHOST_CHECK_STREAM, then matches rows by `id`.
//
// Each backend's natural JSON is accepted (see docs/conformance.md):
//   string     a JSON string, byte for byte
//   int64      a number, or a string holding one (ClickHouse quotes 64-bit)
//   float64    a number, or a string holding one; compared exactly
//   bool       true/false, 0/1, or "t"/"f"/"true"/"false"/"0"/"1"
//   timestamp  integer microseconds since the epoch (number or string), or
//              RFC 3339 text with an offset or none (UTC)
//   NULL       JSON null
// Columns the check did not write (a backend's own key) are ignored.
//
// Thread safety: free functions; RunReadBack spawns a process.
#ifndef SINKHOST_CONFORMANCE_READ_BACK_H_
#define SINKHOST_CONFORMANCE_READ_BACK_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/check_rows.h"
#include "sinkhost/status.hpp"

namespace sinkhost::check {

// Exports the environment the command sees. Call once, before any thread
// other than the caller's exists (setenv is not thread-safe).
void ExportReadBackEnvironment(const std::string& stream,
                               const std::map<std::string, std::string>& options);

// Runs `command` with /bin/sh and returns what it printed on stdout. A
// non-zero exit is an error quoting the command.
Status RunReadBack(const std::string& command, std::string* output);

// Parses the command's output into rows of CheckSchema(). A row that lacks
// a column, or a value that cannot be of its column's type, is an error
// naming the row (by position and id) and the column.
Status ParseReadBack(std::string_view text, std::vector<CheckRow>* rows);

// Compares what was read back with what was written (every row, in any
// order). Returns "" when they match, otherwise the row count and up to
// `max_problems` problems, each naming the id and column. Ids in
// `*reported` are skipped, and ids found wrong are added to it, so that a
// row that is wrong is blamed on the first check that saw it, not on every
// check after it.
std::string CompareRows(const std::map<int64_t, CheckRow>& expected, std::vector<CheckRow> actual,
                        std::set<int64_t>* reported, size_t max_problems = 5);

}  // namespace sinkhost::check

#endif  // SINKHOST_CONFORMANCE_READ_BACK_H_
