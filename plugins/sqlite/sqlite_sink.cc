// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/sqlite/sqlite_sink.h"

#include "sinkhost/identifier.hpp"

#include <sys/stat.h>

#include <cctype>
#include <climits>
#include <string_view>

namespace sinkhost::sqlite {

namespace {

const char* SqlType(ColumnType type) {
  switch (type) {
    case ColumnType::kString: return "TEXT";
    case ColumnType::kInt64: return "INTEGER";
    case ColumnType::kFloat64: return "REAL";
    case ColumnType::kBool: return "INTEGER";    // 0 or 1
    case ColumnType::kTimestamp: return "TEXT";  // ISO-8601, read by date()
  }
  return "";
}

// SQLite compares identifiers case-insensitively (ASCII only).
bool SameIdentifier(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

const char* PrimaryCodeName(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_ERROR: return "SQLITE_ERROR";
    case SQLITE_PERM: return "SQLITE_PERM";
    case SQLITE_ABORT: return "SQLITE_ABORT";
    case SQLITE_BUSY: return "SQLITE_BUSY";
    case SQLITE_LOCKED: return "SQLITE_LOCKED";
    case SQLITE_NOMEM: return "SQLITE_NOMEM";
    case SQLITE_READONLY: return "SQLITE_READONLY";
    case SQLITE_INTERRUPT: return "SQLITE_INTERRUPT";
    case SQLITE_IOERR: return "SQLITE_IOERR";
    case SQLITE_CORRUPT: return "SQLITE_CORRUPT";
    case SQLITE_FULL: return "SQLITE_FULL";
    case SQLITE_CANTOPEN: return "SQLITE_CANTOPEN";
    case SQLITE_PROTOCOL: return "SQLITE_PROTOCOL";
    case SQLITE_SCHEMA: return "SQLITE_SCHEMA";
    case SQLITE_TOOBIG: return "SQLITE_TOOBIG";
    case SQLITE_CONSTRAINT: return "SQLITE_CONSTRAINT";
    case SQLITE_MISMATCH: return "SQLITE_MISMATCH";
    case SQLITE_RANGE: return "SQLITE_RANGE";
    case SQLITE_NOTADB: return "SQLITE_NOTADB";
    default: return "SQLITE_?";
  }
}

// Failures that say nothing about the batch: another connection holds the
// lock, the disk is full or failing, memory ran out. The same rows can
// succeed later, so the host should retry them. Everything else
// (constraints, type mismatches, oversized values, a table changed under
// us, a read-only or corrupt file) fails the same way every time.
bool IsTransient(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
    case SQLITE_INTERRUPT: return true;
    default: return false;
  }
}

// The directory part of `path` ("." for a bare file name).
std::string ParentDir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

SqliteSink::~SqliteSink() { (void)Close(); }

Status SqliteSink::Init(const Options& options) {
  path_ = options.GetString("path");
  if (path_.empty()) return Status::InvalidArgument("option 'path' must not be empty");
  if (options.Has("table")) {
    table_option_ = options.GetString("table");
    SINKHOST_RETURN_NOT_OK(ValidateIdentifier("option 'table': table name", table_option_));
  }
  SINKHOST_RETURN_NOT_OK(options.GetBool("create_table", &create_table_));
  ledger_table_ = options.GetString("ledger_table", ledger::kDefaultTable);
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier("option 'ledger_table': table name", ledger_table_));

  std::string sync = options.GetString("synchronous");
  for (char& c : sync) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (sync == "off") synchronous_ = "OFF";
  else if (sync == "normal") synchronous_ = "NORMAL";
  else if (sync == "full") synchronous_ = "FULL";
  else
    return Status::InvalidArgument("option 'synchronous': '" + options.GetString("synchronous") +
                                   "' is not one of off, normal, full");

  int64_t busy_ms = 0;
  SINKHOST_RETURN_NOT_OK(options.GetDurationMs("busy_timeout", &busy_ms));
  if (busy_ms > INT_MAX)
    return Status::InvalidArgument("option 'busy_timeout': '" +
                                   options.GetString("busy_timeout") + "' is longer than " +
                                   std::to_string(INT_MAX) + " ms");
  busy_timeout_ms_ = static_cast<int>(busy_ms);
  return Status::OK();
}

Status SqliteSink::Error(int rc, const std::string& what, bool during_write) const {
  std::string msg = "sqlite: " + what + " (table '" + table_ + "' in '" + path_ + "'): ";
  msg += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  msg += " [";
  msg += PrimaryCodeName(rc);
  if ((rc & 0xFF) != rc) msg += ", extended code " + std::to_string(rc);
  msg += "]";
  // At open, CANTOPEN means the path itself is unusable (a directory, no
  // permission): the directory's existence was checked just before.
  if (IsTransient(rc) && (during_write || (rc & 0xFF) != SQLITE_CANTOPEN))
    return Status::Retryable(msg);
  // Outside a write the failure concerns the configuration (a file that is
  // not a database, a table we cannot create), which the host must reject.
  return during_write ? Status::Permanent(msg) : Status::InvalidArgument(msg);
}

Status SqliteSink::Open(const StreamInfo& stream) {
  if (db_ != nullptr) (void)Close();  // a second Open starts over
  table_ = table_option_.empty() ? stream.name : table_option_;
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier(
      table_option_.empty() ? "sqlite: table name (from the stream name)" : "sqlite: table name",
      table_));
  if (stream.columns.empty())
    return Status::InvalidArgument("sqlite: stream '" + stream.name + "' has no columns");
  columns_ = stream.columns;
  stream_name_ = stream.name;
  table_lost_ = false;

  Status st = OpenDatabase();
  if (st.ok()) st = EnsureTable(stream);
  if (st.ok()) {
    std::string sql = "INSERT INTO " + QuoteSqlIdentifier(table_) + " (";
    std::string params;
    for (size_t i = 0; i < columns_.size(); ++i) {
      sql += (i ? ", " : "") + QuoteSqlIdentifier(columns_[i].name);
      params += (i ? ", ?" : "?");
    }
    sql += ") VALUES (" + params + ")";
    st = Prepare(sql, &insert_);
  }
  // IMMEDIATE takes the write lock at BEGIN, so a busy database fails
  // before any row is inserted rather than at COMMIT.
  if (st.ok()) st = Prepare("BEGIN IMMEDIATE", &begin_);
  if (st.ok()) st = Prepare("COMMIT", &commit_);
  if (st.ok()) st = Prepare("ROLLBACK", &rollback_);
  if (st.ok()) {
    // The delivery ledger (sinkhost/ledger.hpp), in the same database so
    // that it commits with the rows; created whatever create_table says.
    const ledger::SqlLedger sql = ledger::SqlLedger::For(
        QuoteSqlIdentifier(ledger_table_), [](int i) { return "?" + std::to_string(i); });
    const int rc = sqlite3_exec(db_, sql.create_sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) st = Error(rc, "cannot create the ledger table '" + ledger_table_ + "'", false);
    if (st.ok()) st = Prepare(sql.select_sql, &ledger_select_);
    if (st.ok()) st = Prepare(sql.upsert_sql, &ledger_upsert_);
  }
  if (!st.ok()) {
    (void)Close();
    return st;
  }
  ts_text_.assign(columns_.size(), {});
  return Status::OK();
}

Status SqliteSink::OpenDatabase() {
  // SQLite's own error ("unable to open database file") does not say why;
  // a missing directory is the usual reason, so name it.
  const std::string dir = ParentDir(path_);
  struct stat sb;
  if (::stat(dir.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode))
    return Status::InvalidArgument("sqlite: directory '" + dir + "' of database '" + path_ +
                                   "' does not exist");

  int rc = sqlite3_open_v2(path_.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) return Error(rc, "cannot open database", false);
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms_);

  // WAL lets readers query the table while batches are written, and makes a
  // commit one sequential append.
  sqlite3_stmt* stmt = nullptr;
  rc = sqlite3_prepare_v2(db_, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "cannot set journal_mode=WAL", false);
  rc = sqlite3_step(stmt);
  std::string mode;
  if (rc == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    mode = text ? reinterpret_cast<const char*>(text) : "";
  }
  Status st = rc == SQLITE_ROW ? Status::OK() : Error(rc, "cannot set journal_mode=WAL", false);
  sqlite3_finalize(stmt);
  SINKHOST_RETURN_NOT_OK(st);
  if (!SameIdentifier(mode, "wal"))
    return Status::InvalidArgument("sqlite: database '" + path_ +
                                   "' cannot use journal_mode=WAL (it stays in '" + mode + "')");

  // synchronous_ is one of three literals chosen in Init, never user text.
  const std::string pragma = std::string("PRAGMA synchronous=") + synchronous_;
  rc = sqlite3_exec(db_, pragma.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "cannot set synchronous", false);
  return Status::OK();
}

Status SqliteSink::ReadTableColumns(std::vector<std::string>* existing) {
  // The table name is bound, not spliced: pragma_table_info takes it as an
  // argument. No rows means no such table.
  existing->clear();
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, "SELECT name FROM pragma_table_info(?1)", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "cannot read the table's columns", false);
  sqlite3_bind_text(stmt, 1, table_.data(), static_cast<int>(table_.size()), SQLITE_STATIC);
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const unsigned char* name = sqlite3_column_text(stmt, 0);
    existing->emplace_back(name ? reinterpret_cast<const char*>(name) : "");
  }
  Status st = rc == SQLITE_DONE ? Status::OK() : Error(rc, "cannot read the table's columns", false);
  sqlite3_finalize(stmt);
  return st;
}

bool SqliteSink::TableLost() {
  std::vector<std::string> existing;
  if (!ReadTableColumns(&existing).ok()) return false;
  for (const ColumnSpec& c : columns_) {
    bool found = false;
    for (const std::string& e : existing) found = found || SameIdentifier(e, c.name);
    if (!found) return true;
  }
  return false;
}

Status SqliteSink::EnsureTable(const StreamInfo& stream) {
  std::vector<std::string> existing;
  SINKHOST_RETURN_NOT_OK(ReadTableColumns(&existing));

  if (existing.empty()) {
    if (!create_table_)
      return Status::InvalidArgument("sqlite: table '" + table_ + "' does not exist in '" + path_ +
                                     "' and create_table is false");
    std::string sql = "CREATE TABLE IF NOT EXISTS " + QuoteSqlIdentifier(table_) + " (";
    for (size_t i = 0; i < stream.columns.size(); ++i) {
      const ColumnSpec& c = stream.columns[i];
      sql += (i ? ", " : "") + QuoteSqlIdentifier(c.name) + " " + SqlType(c.type);
      if (!c.nullable) sql += " NOT NULL";
    }
    sql += ")";
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "cannot create the table", false);
    return Status::OK();
  }

  // An existing table may have more columns than the stream (they get their
  // defaults), but never fewer. Column types are not compared: SQLite stores
  // any value in any column, by affinity.
  std::vector<ColumnSpec> missing = MissingColumns(stream.columns, existing);
  if (missing.empty()) return Status::OK();
  SINKHOST_RETURN_NOT_OK(CheckCanAddColumns(missing));
  return AddColumns(stream);
}

std::vector<ColumnSpec> SqliteSink::MissingColumns(const std::vector<ColumnSpec>& columns,
                                                   const std::vector<std::string>& existing) {
  std::vector<ColumnSpec> missing;
  for (const ColumnSpec& c : columns) {
    bool found = false;
    for (const std::string& e : existing) found = found || SameIdentifier(e, c.name);
    if (!found) missing.push_back(c);
  }
  return missing;
}

std::string SqliteSink::AddColumnSql(const ColumnSpec& column) const {
  return "ALTER TABLE " + QuoteSqlIdentifier(table_) + " ADD COLUMN " +
         QuoteSqlIdentifier(column.name) + " " + SqlType(column.type);
}

Status SqliteSink::CheckCanAddColumns(const std::vector<ColumnSpec>& missing) const {
  // Existing rows have no value for a NOT NULL column, and any default the
  // sink picked would be a made-up value; only nullable columns, which
  // those rows read as NULL, are added without asking.
  std::string names, required, statements;
  int n_required = 0;
  for (size_t i = 0; i < missing.size(); ++i) {
    const ColumnSpec& c = missing[i];
    names += (i ? ", '" : "'") + c.name + "'";
    statements += (i ? "; " : "") + AddColumnSql(c);
    if (!c.nullable) {
      required += (n_required++ ? ", '" : "'") + c.name + "'";
      statements += " NOT NULL DEFAULT <value for existing rows>";
    }
  }
  const std::string head = "sqlite: table '" + table_ + "' in '" + path_ +
                           "' exists but lacks column" + (missing.size() > 1 ? "s " : " ") +
                           names;
  const char* them = missing.size() > 1 ? "them" : "it";
  if (n_required > 0)
    return Status::InvalidArgument(
        head + "; " + required + (n_required > 1 ? " are" : " is") +
        " NOT NULL in the stream schema, and the sink adds only nullable columns (existing rows "
        "have no value for a NOT NULL one); add " + them + " yourself: " + statements);
  if (!create_table_)
    return Status::InvalidArgument(head + "; create_table is false, so the sink does not add " +
                                   them + "; add " + them + " yourself (" + statements +
                                   ") or set create_table to true");
  return Status::OK();
}

Status SqliteSink::AddColumns(const StreamInfo& stream) {
  // BEGIN IMMEDIATE takes the write lock, so two processes opening the same
  // old table add each column once: the second one finds it present when
  // it looks again under the lock.
  int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "cannot lock the database to add columns", false);
  std::vector<std::string> existing;
  Status st = ReadTableColumns(&existing);
  std::vector<ColumnSpec> missing;
  if (st.ok()) missing = MissingColumns(stream.columns, existing);
  if (st.ok() && existing.empty())
    st = Status::Retryable("sqlite: table '" + table_ + "' in '" + path_ +
                           "' was dropped while the sink added columns to it");
  if (st.ok()) st = CheckCanAddColumns(missing);
  for (size_t i = 0; st.ok() && i < missing.size(); ++i) {
    const std::string sql = AddColumnSql(missing[i]);
    rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) st = Error(rc, "cannot add column '" + missing[i].name + "'", false);
  }
  if (st.ok()) {
    rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) st = Error(rc, "cannot commit the added columns", false);
  }
  if (!st.ok() && !sqlite3_get_autocommit(db_))
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return st;
}

Status SqliteSink::Prepare(const std::string& sql, sqlite3_stmt** out) {
  // PERSISTENT: these live as long as the connection and run many times.
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()) + 1,
                              SQLITE_PREPARE_PERSISTENT, out, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "cannot prepare '" + sql + "'", false);
  return Status::OK();
}

inline int SqliteSink::BindRow(const BatchView& batch, int64_t row) {
  int result = SQLITE_OK;
  const std::vector<ColumnView>& cols = batch.columns();
  for (size_t c = 0; c < cols.size(); ++c) {
    const ColumnView& col = cols[c];
    const int p = static_cast<int>(c) + 1;
    int rc;
    if (col.is_null(row)) {
      rc = sqlite3_bind_null(insert_, p);
    } else {
      switch (col.type()) {
        case ColumnType::kString: {
          std::string_view s = col.string(row);
          // SQLITE_STATIC: the batch outlives this call. A null pointer
          // would bind NULL, so an empty string needs a real one.
          rc = sqlite3_bind_text(insert_, p, s.data() != nullptr ? s.data() : "",
                                 static_cast<int>(s.size()), SQLITE_STATIC);
          break;
        }
        case ColumnType::kInt64: rc = sqlite3_bind_int64(insert_, p, col.int64(row)); break;
        case ColumnType::kFloat64: rc = sqlite3_bind_double(insert_, p, col.float64(row)); break;
        case ColumnType::kBool: rc = sqlite3_bind_int(insert_, p, col.boolean(row) ? 1 : 0); break;
        case ColumnType::kTimestamp: {
          char* text = ts_text_[c].data();
          size_t len = FormatTimestampMicros(col.int64(row), text);
          rc = sqlite3_bind_text(insert_, p, text, static_cast<int>(len), SQLITE_STATIC);
          break;
        }
        default: rc = SQLITE_MISMATCH; break;
      }
    }
    if (rc != SQLITE_OK && result == SQLITE_OK) result = rc;
  }
  return result;
}

Status SqliteSink::ReadLedger(const ledger::BatchKey& key, uint64_t* committed_end) {
  *committed_end = 0;
  sqlite3_bind_text(ledger_select_, 1, key.stream.data(), static_cast<int>(key.stream.size()),
                    SQLITE_STATIC);
  sqlite3_bind_text(ledger_select_, 2, key.sink.data(), static_cast<int>(key.sink.size()),
                    SQLITE_STATIC);
  int rc = sqlite3_step(ledger_select_);
  if (rc == SQLITE_ROW) {
    *committed_end = static_cast<uint64_t>(sqlite3_column_int64(ledger_select_, 0));
    rc = sqlite3_step(ledger_select_);
  }
  Status st = rc == SQLITE_DONE ? Status::OK()
                                : Error(rc, "cannot read the ledger '" + ledger_table_ + "'", true);
  sqlite3_reset(ledger_select_);
  sqlite3_clear_bindings(ledger_select_);
  return st;
}

Status SqliteSink::WriteLedger(const ledger::BatchKey& key, uint64_t committed_end,
                               const std::string& batch_id) {
  sqlite3_bind_text(ledger_upsert_, 1, key.stream.data(), static_cast<int>(key.stream.size()),
                    SQLITE_STATIC);
  sqlite3_bind_text(ledger_upsert_, 2, key.sink.data(), static_cast<int>(key.sink.size()),
                    SQLITE_STATIC);
  sqlite3_bind_int64(ledger_upsert_, 3, static_cast<sqlite3_int64>(committed_end));
  sqlite3_bind_text(ledger_upsert_, 4, batch_id.data(), static_cast<int>(batch_id.size()),
                    SQLITE_STATIC);
  const int rc = sqlite3_step(ledger_upsert_);
  Status st = rc == SQLITE_DONE
                  ? Status::OK()
                  : Error(rc, "cannot update the ledger '" + ledger_table_ + "'", true);
  sqlite3_reset(ledger_upsert_);
  sqlite3_clear_bindings(ledger_upsert_);
  return st;
}

void SqliteSink::Rollback() {
  // Some errors (I/O, disk full, busy) already rolled the transaction back.
  if (sqlite3_get_autocommit(db_)) return;
  sqlite3_step(rollback_);
  sqlite3_reset(rollback_);
}

Status SqliteSink::Write(const BatchView& batch, const BatchInfo& info) {
  if (db_ == nullptr)
    return Status::Retryable("sqlite: write to '" + path_ + "' while the sink is not open");
  // The batch must have the stream's shape, or the binds below would read
  // the wrong buffers.
  if (batch.num_columns() != columns_.size())
    return Status::Permanent("sqlite: batch has " + std::to_string(batch.num_columns()) +
                             " columns but table '" + table_ + "' was opened for " +
                             std::to_string(columns_.size()));
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnView& col = batch.column(c);
    if (col.type() != columns_[c].type || col.name() != columns_[c].name)
      return Status::Permanent("sqlite: batch column " + std::to_string(c) + " is '" +
                               std::string(col.name()) + "' (" + ColumnTypeName(col.type()) +
                               ") but table '" + table_ + "' was opened with '" +
                               columns_[c].name + "' (" + ColumnTypeName(columns_[c].type) + ")");
  }
  const int64_t rows = batch.num_rows();
  if (rows == 0) return Status::OK();
  if (table_lost_) {
    // Dropped (or altered) while we ran: create it again if we may, or
    // wait for someone to; the batch waits either way.
    Status st = EnsureTable(StreamInfo{stream_name_, columns_});
    if (!st.ok())
      return Status::Retryable("sqlite: waiting for table '" + table_ + "' in '" + path_ +
                               "': " + st.message());
    table_lost_ = false;
  }

  ledger::BatchKey key;
  const bool use_ledger = ledger::UsesLedger(info);
  if (use_ledger) SINKHOST_RETURN_NOT_OK(ledger::KeyOf(info, &key));

  int rc = sqlite3_step(begin_);
  if (rc != SQLITE_DONE) {
    Status st = Error(rc, "cannot begin a transaction", true);
    sqlite3_reset(begin_);
    return st;
  }
  sqlite3_reset(begin_);

  // Rows below the ledger's end were committed before (a batch re-sent
  // after a crash): skip them, in the transaction that stores the rest.
  Status st;
  uint64_t committed = 0;
  int64_t first = 0;
  if (use_ledger) {
    st = ReadLedger(key, &committed);
    first = static_cast<int64_t>(ledger::RowsAlreadyCommitted(info, committed));
  }
  for (int64_t r = first; st.ok() && r < rows; ++r) {
    rc = BindRow(batch, r);
    if (rc != SQLITE_OK) {
      st = Error(rc, "cannot bind row " + std::to_string(r) + " of the batch", true);
      break;
    }
    rc = sqlite3_step(insert_);
    if (rc != SQLITE_DONE) {
      st = Error(rc, "insert of row " + std::to_string(r) + " of the batch failed", true);
      if ((rc & 0xFF) == SQLITE_ERROR && TableLost()) {
        // A missing table is an outage to wait out, never a reason to
        // refuse (and so quarantine) every row.
        table_lost_ = true;
        st = Status::Retryable(st.message() + "; the table is gone, " +
                               (create_table_ ? "re-creating it" : "waiting for it"));
      }
      break;
    }
    sqlite3_reset(insert_);
  }
  if (st.ok() && use_ledger)
    st = WriteLedger(key, ledger::CommittedEndAfter(info, committed), info.batch_id);
  if (st.ok()) {
    rc = sqlite3_step(commit_);
    if (rc != SQLITE_DONE) st = Error(rc, "commit failed", true);
    sqlite3_reset(commit_);
  }
  // Drop pointers into the batch, which the host frees after we return.
  sqlite3_reset(insert_);
  sqlite3_clear_bindings(insert_);
  if (!st.ok()) Rollback();
  return st;
}

Status SqliteSink::Close() {
  for (sqlite3_stmt** s :
       {&insert_, &begin_, &commit_, &rollback_, &ledger_select_, &ledger_upsert_}) {
    sqlite3_finalize(*s);  // no-op for null
    *s = nullptr;
  }
  if (db_ != nullptr) {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    // Every statement is finalized, so close cannot be kept busy.
    int rc = sqlite3_close(db_);
    if (rc != SQLITE_OK) {
      Status st = Error(rc, "cannot close the database", true);
      sqlite3_close_v2(db_);  // let SQLite free it once it can
      db_ = nullptr;
      return st;
    }
    db_ = nullptr;
  }
  ts_text_.clear();
  return Status::OK();
}

}  // namespace sinkhost::sqlite

namespace {

const sinkhost_option_spec kPath = {sizeof(sinkhost_option_spec), "path", "path", nullptr,
                                    "SQLite database file; its directory must exist",
                                    SINKHOST_OPTION_REQUIRED};
const sinkhost_option_spec kTable = {sizeof(sinkhost_option_spec), "table", "string", nullptr,
                                     "table to write (default: the stream name)", 0};
const sinkhost_option_spec kCreateTable = {
    sizeof(sinkhost_option_spec), "create_table", "bool", "true",
    "create the table from the stream schema when it does not exist", 0};
const sinkhost_option_spec kSynchronous = {sizeof(sinkhost_option_spec), "synchronous", "string",
                                           "normal", "PRAGMA synchronous: off, normal or full", 0};
const sinkhost_option_spec kBusyTimeout = {
    sizeof(sinkhost_option_spec), "busy_timeout", "duration", "5s",
    "how long to wait for a lock held by another connection before failing the batch", 0};
const sinkhost_option_spec kLedgerTable = {
    sizeof(sinkhost_option_spec), "ledger_table", "string", "sinkhost_ledger",
    "table (in the same database) where each (stream, sink) records how far it has committed, "
    "in the transaction of the rows, so that rows re-sent after a crash are not stored twice",
    0};
const sinkhost_option_spec* const kOptions[] = {&kPath,        &kTable,       &kCreateTable,
                                                &kSynchronous, &kBusyTimeout, &kLedgerTable,
                                                nullptr};

}  // namespace

SINKHOST_EXPORT_SINK(sinkhost::sqlite::SqliteSink, "sqlite", "1.0.0",
                     "Writes each batch into a SQLite table in one transaction",
                     SINKHOST_CAP_TRANSACTIONAL | SINKHOST_CAP_DURABLE, kOptions)
