// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// SqliteSink: writes each batch into one SQLite table, one transaction per
// batch, through a single prepared INSERT reused for every row.
//
// Open creates (or checks) the table from the stream schema, adding the
// nullable stream columns an older table lacks, and prepares the
// statements; Write binds every value (no value ever becomes SQL text)
// and commits, or rolls back and reports the failure as retryable (lock,
// I/O, disk full) or permanent (constraint, type, size). Close finalizes and
// closes the connection; Open may be called again afterwards.
//
// Thread safety: the host never calls one instance concurrently, but may
// call it from different threads over time; the connection is opened with
// SQLITE_OPEN_NOMUTEX, which SQLite allows for a connection used by one
// thread at a time. Instances share no state.
#ifndef SINKHOST_PLUGINS_SQLITE_SQLITE_SINK_H_
#define SINKHOST_PLUGINS_SQLITE_SQLITE_SINK_H_

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sinkhost/format.hpp"
#include "sinkhost/ledger.hpp"
#include "sinkhost/sink.hpp"

namespace sinkhost::sqlite {

class SqliteSink : public Sink {
 public:
  SqliteSink() = default;
  ~SqliteSink() override;

  Status Init(const Options& options) override;
  Status Open(const StreamInfo& stream) override;
  Status Write(const BatchView& batch, const BatchInfo& info) override;
  Status Close() override;

 private:
  // Connection setup and table checks, called by Open.
  Status OpenDatabase();
  Status EnsureTable(const StreamInfo& stream);
  // An existing table lacking stream columns: the nullable ones are added
  // (ALTER TABLE ... ADD COLUMN) when create_table allows; anything else
  // is refused with the statements that would fix it.
  static std::vector<ColumnSpec> MissingColumns(const std::vector<ColumnSpec>& columns,
                                                const std::vector<std::string>& existing);
  std::string AddColumnSql(const ColumnSpec& column) const;
  Status CheckCanAddColumns(const std::vector<ColumnSpec>& missing) const;
  Status AddColumns(const StreamInfo& stream);
  Status Prepare(const std::string& sql, sqlite3_stmt** out);
  // Binds row `row` of `batch` to insert_; returns the first bind error.
  int BindRow(const BatchView& batch, int64_t row);
  // The ledger's committed end for `key` (0 when it has no entry), and
  // its update; inside the batch's transaction.
  Status ReadLedger(const ledger::BatchKey& key, uint64_t* committed_end);
  Status WriteLedger(const ledger::BatchKey& key, uint64_t committed_end,
                     const std::string& batch_id);
  // Rolls back the open transaction, if any.
  void Rollback();
  // Status for a failed call that returned `rc`, with sqlite's message.
  Status Error(int rc, const std::string& what, bool during_write) const;
  Status ReadTableColumns(std::vector<std::string>* existing);
  // Whether the table lacks one of the stream's columns (or is gone).
  bool TableLost();

  // Constant after Init.
  std::string path_;
  std::string table_option_;  // empty: use the stream name
  bool create_table_ = true;
  const char* synchronous_ = "NORMAL";  // one of the literals OFF, NORMAL, FULL
  int busy_timeout_ms_ = 5000;
  std::string ledger_table_;  // option ledger_table

  // Set by Open, cleared by Close.
  std::string table_;                // table actually written
  std::vector<ColumnSpec> columns_;  // stream columns, in insert order
  std::string stream_name_;
  bool table_lost_ = false;          // EnsureTable again before the next write
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* rollback_ = nullptr;
  sqlite3_stmt* ledger_select_ = nullptr;
  sqlite3_stmt* ledger_upsert_ = nullptr;
  // One text buffer per column for formatted timestamps. They are bound
  // with SQLITE_STATIC, so each must stay unchanged until its parameter is
  // rebound for the next row; sized at Open so writing never allocates.
  std::vector<std::array<char, kTimestampBufferSize>> ts_text_;
};

}  // namespace sinkhost::sqlite

#endif  // SINKHOST_PLUGINS_SQLITE_SQLITE_SINK_H_
