// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// PostgresSink: writes each batch into one PostgreSQL table with a single
// `COPY ... FROM STDIN` inside one transaction.
//
// Open connects (libpqxx), then creates the table from the stream schema or
// checks that an existing one has every stream column, adding (with
// create_table) the nullable ones an older table lacks. Write encodes the
// batch into one reusable buffer and streams it through the connection's
// libpq handle (copy_in.h) in chunks, then commits: a batch is stored
// completely or not at all. The encoding is COPY's binary format when every
// column of a plain table has exactly the type the sink would create
// (copy_binary.h; the server reads it about 1.4 times as fast; checked again
// under the table lock before every binary COPY), otherwise COPY text
// (copy_text.h), which the server converts to whatever the columns are.
//
// Failures are classified by SQLSTATE (pg_error.h): a lost connection, a
// busy or full server, a lock or serialization conflict and a vanished
// table are retryable; bad data and constraint violations are permanent.
// After a lost connection the next Write connects again; after a vanished
// table it checks (and, with create_table, creates) the table again before
// copying.
//
// Thread safety: the host never calls one instance concurrently, though
// possibly from different threads over time; a libpq connection allows
// that. Instances share no state.
#ifndef SINKHOST_PLUGINS_POSTGRES_POSTGRES_SINK_H_
#define SINKHOST_PLUGINS_POSTGRES_POSTGRES_SINK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sinkhost/ledger.hpp"
#include "sinkhost/sink.hpp"

namespace sinkhost::postgres {

struct PgError;

class PostgresSink : public Sink {
 public:
  PostgresSink();
  ~PostgresSink() override;

  Status Init(const Options& options) override;
  Status Open(const StreamInfo& stream) override;
  Status Write(const BatchView& batch, const BatchInfo& info) override;
  Status Close() override;

 private:
  struct Session;  // a libpqxx connection and its notice handler

  // Connects session_; false with libpq's reason on failure.
  bool Connect(std::string* reason);
  // Connect for Open and Write: Retryable with the reason on failure.
  Status ConnectOrRetry();
  // Creates the table or checks its columns, adding missing nullable ones
  // under an ACCESS EXCLUSIVE lock when create_table allows. `at_open`
  // decides whether a non-retryable problem is InvalidArgument (open) or
  // Permanent (write).
  Status PrepareTable(bool at_open);
  // One COPY of the rows of `batch` its ledger entry does not cover yet,
  // and the entry's update, in one transaction.
  Status CopyBatch(const BatchView& batch, const BatchInfo& info);
  // Forgets the connection when `error` says it is gone or unusable, and
  // the table check when the table is gone.
  void NoteFailure(const PgError& error);

  // Constant after Init.
  std::string conninfo_;      // libpq key='value' text (may hold a password)
  std::string schema_;        // PostgreSQL schema of the table
  std::string table_option_;  // empty: use the stream name
  bool create_table_ = true;
  std::string ledger_table_;  // within schema_ (option ledger_table)

  // Set by Open, cleared by Close.
  ledger::SqlLedger ledger_;  // statements on "schema"."ledger_table"
  bool open_ = false;
  std::string table_;                // table name within schema_
  std::string display_name_;         // 'schema.table' for messages
  std::string qualified_;            // "schema"."table" for SQL
  std::vector<ColumnSpec> columns_;  // stream columns, in COPY order
  std::string create_sql_;           // CREATE TABLE IF NOT EXISTS ...
  std::string copy_sql_;             // COPY "schema"."table" (...) FROM STDIN
  std::string lock_sql_;             // LOCK TABLE "schema"."table" ...

  // Connection state: session_ is null until connected and again after the
  // connection is lost; table_ready_ is false until the table is known to
  // exist with every stream column, and binary_ says whether its column
  // types allow binary COPY (decided with table_ready_).
  std::unique_ptr<Session> session_;
  bool table_ready_ = false;
  bool binary_ = false;
  // COPY text of the batch being written; reused so that encoding stops
  // allocating once it has grown to the chunk size.
  std::string buffer_;
};

}  // namespace sinkhost::postgres

#endif  // SINKHOST_PLUGINS_POSTGRES_POSTGRES_SINK_H_
