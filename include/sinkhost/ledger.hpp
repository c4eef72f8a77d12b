// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The delivery ledger: what a transactional sink needs to store each row
// exactly once although the host re-sends rows after a crash.
//
// The host numbers every row of a stream with a position that survives
// restarts (BatchInfo::stable_positions; SINKHOST_BATCH_STABLE_POSITIONS in
// sink_abi.h) and sends each sink its rows in position order. A sink keeps,
// per (stream, sink), the end of the highest position range it committed —
// in the same transaction as the rows. When a batch comes again (the sink
// committed it, then the host crashed before recording that), the rows below
// the recorded end are skipped and only the rest is written. Because the
// ledger stores a position and not a batch id, it also works when a batch
// is re-sent cut differently from the first time (replay after a restart
// seals batches at other boundaries): a partial overlap skips exactly the
// rows already stored.
//
//   BEGIN
//   committed = SELECT committed_end ... WHERE stream = ? AND sink = ?   (0 if none)
//   skip      = ledger::RowsAlreadyCommitted(info, committed)
//   insert rows [skip, n)
//   UPSERT committed_end = ledger::CommittedEndAfter(info, committed)
//   COMMIT
//
// SqlLedger holds that SQL for backends with standard quoting and
// INSERT ... ON CONFLICT (SQLite 3.24+, PostgreSQL 9.5+); other backends
// use the free functions with their own storage.
//
// Thread safety: pure functions and immutable strings.
#ifndef SINKHOST_LEDGER_HPP_
#define SINKHOST_LEDGER_HPP_

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "sinkhost/identifier.hpp"
#include "sinkhost/sink.hpp"
#include "sinkhost/status.hpp"

namespace sinkhost::ledger {

// The ledger table's default name; sinks let users choose another.
inline constexpr const char* kDefaultTable = "sinkhost_ledger";

// Positions are stored as signed 64-bit integers (SQL BIGINT).
inline constexpr uint64_t kMaxStoredPosition = UINT64_C(0x7fffffffffffffff);

// A batch id split into its parts: "<stream>:<sink>:<first>-<end>".
struct BatchKey {
  std::string stream;
  std::string sink;
  uint64_t first = 0;
  uint64_t end = 0;  // one past the last row
};

inline Status ParseBatchId(std::string_view id, BatchKey* out) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument("batch id '" + std::string(id) + "' " + why +
                                   " (expected <stream>:<sink>:<first>-<end>)");
  };
  const size_t last_colon = id.rfind(':');
  if (last_colon == std::string_view::npos || last_colon == 0) return bad("has no range");
  const size_t mid_colon = id.rfind(':', last_colon - 1);
  if (mid_colon == std::string_view::npos) return bad("has no sink name");
  const std::string_view range = id.substr(last_colon + 1);
  const size_t dash = range.find('-');
  if (dash == std::string_view::npos) return bad("has no '-' in its range");
  auto number = [](std::string_view text, uint64_t* v) {
    if (text.empty()) return false;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *v);
    return ec == std::errc() && p == text.data() + text.size();
  };
  BatchKey k;
  if (!number(range.substr(0, dash), &k.first) || !number(range.substr(dash + 1), &k.end))
    return bad("has a range that is not two numbers");
  if (k.end < k.first) return bad("has a range that ends before it starts");
  k.stream = std::string(id.substr(0, mid_colon));
  k.sink = std::string(id.substr(mid_colon + 1, last_colon - mid_colon - 1));
  if (k.stream.empty() || k.sink.empty()) return bad("has an empty stream or sink name");
  *out = std::move(k);
  return Status::OK();
}

// Whether the batch may be checked against the ledger at all: only rows
// with stable positions can be recognised when they come again.
inline bool UsesLedger(const BatchInfo& info) {
  return info.stable_positions && !info.batch_id.empty();
}

// The leading rows of the batch that a sink whose ledger records
// `committed_end` already stored: all of them (a batch sent again), some (a
// re-sent range cut differently) or none (new rows).
inline uint64_t RowsAlreadyCommitted(const BatchInfo& info, uint64_t committed_end) {
  if (!UsesLedger(info) || committed_end <= info.first_sequence) return 0;
  const uint64_t covered = committed_end - info.first_sequence;
  return covered < info.row_count ? covered : info.row_count;
}

// The ledger's value once this batch commits: it never moves back.
inline uint64_t CommittedEndAfter(const BatchInfo& info, uint64_t committed_end) {
  const uint64_t end = info.first_sequence + info.row_count;
  return end > committed_end ? end : committed_end;
}

// The (stream, sink) key of a batch's ledger entry, from its id.
inline Status KeyOf(const BatchInfo& info, BatchKey* key) {
  SINKHOST_RETURN_NOT_OK(ParseBatchId(info.batch_id, key));
  if (key->first != info.first_sequence || key->end != info.first_sequence + info.row_count)
    return Status::Permanent("batch id '" + info.batch_id + "' does not match its positions " +
                             std::to_string(info.first_sequence) + " + " +
                             std::to_string(info.row_count) + " rows");
  if (key->end > kMaxStoredPosition)
    return Status::Permanent("batch id '" + info.batch_id +
                             "': position beyond the ledger's 63-bit range");
  return Status::OK();
}

// The statements of a ledger table in SQL. `qualified_table` is already
// quoted (and schema-qualified if the backend wants it); `param` renders
// placeholder 1 or 2 in the backend's style ("?1" or "$1").
struct SqlLedger {
  std::string create_sql;  // CREATE TABLE IF NOT EXISTS ...
  std::string select_sql;  // committed_end of (stream = p1, sink = p2); no row: 0
  std::string upsert_sql;  // (p1 stream, p2 sink, p3 committed_end, p4 last_batch_id)

  template <typename Param>
  static SqlLedger For(const std::string& qualified_table, Param param) {
    SqlLedger l;
    l.create_sql = "CREATE TABLE IF NOT EXISTS " + qualified_table +
                   " (\"stream\" TEXT NOT NULL, \"sink\" TEXT NOT NULL, "
                   "\"committed_end\" BIGINT NOT NULL, \"last_batch_id\" TEXT NOT NULL, "
                   "PRIMARY KEY (\"stream\", \"sink\"))";
    l.select_sql = "SELECT \"committed_end\" FROM " + qualified_table + " WHERE \"stream\" = " +
                   param(1) + " AND \"sink\" = " + param(2);
    l.upsert_sql = "INSERT INTO " + qualified_table +
                   " (\"stream\", \"sink\", \"committed_end\", \"last_batch_id\") VALUES (" +
                   param(1) + ", " + param(2) + ", " + param(3) + ", " + param(4) +
                   ") ON CONFLICT (\"stream\", \"sink\") DO UPDATE SET \"committed_end\" = "
                   "excluded.\"committed_end\", \"last_batch_id\" = excluded.\"last_batch_id\"";
    return l;
  }
};

}  // namespace sinkhost::ledger

#endif  // SINKHOST_LEDGER_HPP_
