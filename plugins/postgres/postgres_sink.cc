// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/postgres/postgres_sink.h"

#include <libpq-fe.h>

#include <pqxx/pqxx>

#include "plugins/postgres/conninfo.h"
#include "plugins/postgres/copy_binary.h"
#include "plugins/postgres/copy_in.h"
#include "plugins/postgres/copy_text.h"
#include "sinkhost/identifier.hpp"
#include "plugins/postgres/pg_error.h"

namespace sinkhost::postgres {

namespace {

// COPY data is handed to libpq in pieces of about this size: large enough
// that the per-call cost vanishes, small enough that the server parses one
// piece while the next is encoded and that a batch never needs its whole
// encoding in memory (measured: 64 KiB to 1 MiB perform alike).
constexpr size_t kChunkBytes = 256 * 1024;

// The column type the sink creates for each stream type, as format_type()
// spells it: binary COPY is used only when every column is exactly this.
const char* PgType(ColumnType type) {
  switch (type) {
    case ColumnType::kString: return "text";
    case ColumnType::kInt64: return "bigint";
    case ColumnType::kFloat64: return "double precision";
    case ColumnType::kBool: return "boolean";
    case ColumnType::kTimestamp: return "timestamp with time zone";
  }
  return "";
}

// The kinds of relation COPY FROM can write to, and a word for the rest.
const char* RelkindProblem(const std::string& relkind) {
  if (relkind == "r" || relkind == "p" || relkind == "f" || relkind == "v") return nullptr;
  if (relkind == "i" || relkind == "I") return "an index";
  if (relkind == "S") return "a sequence";
  if (relkind == "m") return "a materialized view";
  if (relkind == "c") return "a composite type";
  return "not a table";
}

// libpqxx 6 gives a transaction's libpq handle only to its large-object
// classes; a derived class may call their protected accessor.
struct RawHandle : pqxx::largeobject {
  static PGconn* Of(const pqxx::dbtransaction& tx) { return raw_connection(tx); }
};

// Swallows the server's notices ("relation ... already exists, skipping"),
// which libpqxx would otherwise print on the host's stderr.
class QuietNotices : public pqxx::errorhandler {
 public:
  explicit QuietNotices(pqxx::connection_base& conn) : pqxx::errorhandler(conn) {}
  bool operator()(const char[]) noexcept override { return false; }
};

// The columns of schema.table and their types, with its relkind; no rows
// when there is no such relation. The names are parameters, never SQL text.
constexpr const char* kColumnsQuery =
    "SELECT c.relkind::text, a.attname::text, format_type(a.atttypid, a.atttypmod) "
    "FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_attribute a "
    "  ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
    "WHERE n.nspname = $1 AND c.relname = $2 "
    "ORDER BY a.attnum";

// What kColumnsQuery found, measured against the stream's columns.
struct TableShape {
  bool exists = false;
  std::string relkind;
  std::vector<ColumnSpec> missing;  // stream columns the table lacks, in stream order
  // Every stream column has exactly PgType(): binary COPY can write it.
  bool exact_types = true;
};

TableShape Inspect(const pqxx::result& rows, const std::vector<ColumnSpec>& columns) {
  TableShape shape;
  if (rows.empty()) return shape;
  shape.exists = true;
  shape.relkind = rows[0][0].c_str();
  for (const ColumnSpec& c : columns) {
    const char* type = nullptr;
    // Quoted names are case-sensitive, and the sink quotes every name.
    for (const auto& row : rows)
      if (!row[1].is_null() && c.name == row[1].c_str()) type = row[2].c_str();
    if (type == nullptr) shape.missing.push_back(c);
    else shape.exact_types = shape.exact_types && std::string_view(type) == PgType(c.type);
  }
  // Views and foreign tables convert through other layers; binary only
  // into plain and partitioned tables.
  if (shape.relkind != "r" && shape.relkind != "p") shape.exact_types = false;
  return shape;
}

// ALTER TABLE <qualified> ADD COLUMN IF NOT EXISTS ... for `missing`, each
// with the type CREATE TABLE gives it. A NOT NULL column gets a DEFAULT
// placeholder: only the operator knows what existing rows should hold.
std::string AddColumnsSql(const std::string& qualified, const std::vector<ColumnSpec>& missing) {
  std::string sql = "ALTER TABLE " + qualified;
  for (size_t i = 0; i < missing.size(); ++i) {
    const ColumnSpec& c = missing[i];
    sql += std::string(i ? ", " : " ") + "ADD COLUMN IF NOT EXISTS " +
           QuoteSqlIdentifier(c.name) + " " + PgType(c.type);
    if (!c.nullable) sql += " NOT NULL DEFAULT <value for existing rows>";
  }
  return sql;
}

// Why the sink will not add `shape.missing` to the table itself, naming
// the table, the columns and the statement that would; empty if it may.
std::string WhyNotAdd(const TableShape& shape, bool create_table, const std::string& display_name,
                      const std::string& qualified) {
  std::string names, required;
  int n_required = 0;
  for (size_t i = 0; i < shape.missing.size(); ++i) {
    const ColumnSpec& c = shape.missing[i];
    names += (i ? ", '" : "'") + c.name + "'";
    if (!c.nullable) required += (n_required++ ? ", '" : "'") + c.name + "'";
  }
  const bool many = shape.missing.size() > 1;
  const std::string them = many ? "them" : "it";
  std::string why;
  if (n_required > 0)
    why = required + (n_required > 1 ? " are" : " is") +
          " NOT NULL in the stream schema, and the sink adds only nullable columns (existing "
          "rows have no value for a NOT NULL one)";
  else if (!create_table)
    why = "create_table is false, so the sink does not add " + them;
  else if (shape.relkind != "r" && shape.relkind != "p")
    why = "the sink adds columns only to tables, and this is a view or foreign table";
  if (why.empty()) return "";
  return "postgres: table " + display_name + " exists but lacks column" + (many ? "s " : " ") +
         names + "; " + why + "; add " + them + " yourself: " +
         AddColumnsSql(qualified, shape.missing);
}

}  // namespace

struct PostgresSink::Session {
  explicit Session(const std::string& conninfo) : conn(conninfo), quiet(conn) {}
  pqxx::connection conn;
  QuietNotices quiet;  // unregisters itself before conn closes
};

PostgresSink::PostgresSink() = default;
PostgresSink::~PostgresSink() { (void)Close(); }

Status PostgresSink::Init(const Options& options) {
  int64_t timeout_ms = 0;
  SINKHOST_RETURN_NOT_OK(options.GetDurationMs("connect_timeout", &timeout_ms));
  if (timeout_ms < 1000)
    return Status::InvalidArgument("option 'connect_timeout': '" +
                                   options.GetString("connect_timeout") +
                                   "' is shorter than 1s (libpq counts whole seconds)");
  const int64_t timeout_s = (timeout_ms + 999) / 1000;
  SINKHOST_RETURN_NOT_OK(
      BuildConnectionString(options.GetString("connection"), timeout_s, &conninfo_));

  schema_ = options.GetString("schema");
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier("option 'schema': schema name", schema_));
  if (options.Has("table")) {
    table_option_ = options.GetString("table");
    SINKHOST_RETURN_NOT_OK(ValidateIdentifier("option 'table': table name", table_option_));
  }
  ledger_table_ = options.GetString("ledger_table", ledger::kDefaultTable);
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier("option 'ledger_table': table name", ledger_table_));
  return options.GetBool("create_table", &create_table_);
}

Status PostgresSink::Open(const StreamInfo& stream) {
  if (open_) (void)Close();  // a second Open starts over
  table_ = table_option_.empty() ? stream.name : table_option_;
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier(table_option_.empty()
                                             ? "postgres: table name (from the stream name)"
                                             : "postgres: table name",
                                         table_));
  if (stream.columns.empty())
    return Status::InvalidArgument("postgres: stream '" + stream.name + "' has no columns");
  columns_ = stream.columns;
  display_name_ = "'" + schema_ + "." + table_ + "'";

  qualified_ = QuoteSqlIdentifier(schema_) + "." + QuoteSqlIdentifier(table_);
  const std::string& qualified = qualified_;
  create_sql_ = "CREATE TABLE IF NOT EXISTS " + qualified + " (";
  copy_sql_ = "COPY " + qualified + " (";
  // ROW EXCLUSIVE is the lock COPY takes anyway; ONLY, because a partition
  // cannot change the type of a column it inherits.
  lock_sql_ = "LOCK TABLE ONLY " + qualified + " IN ROW EXCLUSIVE MODE";
  for (size_t i = 0; i < columns_.size(); ++i) {
    const ColumnSpec& c = columns_[i];
    create_sql_ += (i ? ", " : "") + QuoteSqlIdentifier(c.name) + " " + PgType(c.type);
    if (!c.nullable) create_sql_ += " NOT NULL";
    copy_sql_ += (i ? ", " : "") + QuoteSqlIdentifier(c.name);
  }
  create_sql_ += ")";
  copy_sql_ += ") FROM STDIN";
  ledger_ = ledger::SqlLedger::For(
      QuoteSqlIdentifier(schema_) + "." + QuoteSqlIdentifier(ledger_table_),
      [](int i) { return "$" + std::to_string(i); });

  Status st = ConnectOrRetry();
  if (st.ok()) st = PrepareTable(/*at_open=*/true);
  if (!st.ok()) {
    session_.reset();
    return st;
  }
  open_ = true;
  return Status::OK();
}

bool PostgresSink::Connect(std::string* reason) {
  session_.reset();
  try {
    session_ = std::make_unique<Session>(conninfo_);
    return true;
  } catch (...) {
    *reason = ErrorFromCurrentException().message;
    session_.reset();
    return false;
  }
}

Status PostgresSink::ConnectOrRetry() {
  std::string reason;
  if (Connect(&reason)) return Status::OK();
  // Whatever the reason (server down or starting, wrong password, no such
  // database), the host keeps retrying while someone fixes it.
  return Status::Retryable("postgres: cannot connect (table " + display_name_ + "): " + reason);
}

Status PostgresSink::PrepareTable(bool at_open) {
  const Status::Code otherwise =
      at_open ? Status::Code::kInvalidArgument : Status::Code::kPermanent;
  for (int attempt = 0;; ++attempt) {
    // What failed, for the message of an exception.
    std::string doing =
        create_table_ ? "cannot create or check the table" : "cannot check the table";
    try {
      pqxx::work tx(session_->conn);
      // The delivery ledger (sinkhost/ledger.hpp) lives beside the table
      // and is created whatever create_table says: without it a batch
      // re-sent after a crash would be stored twice.
      tx.exec0(ledger_.create_sql);
      const TableShape shape = Inspect(tx.exec_params(kColumnsQuery, schema_, table_), columns_);
      if (!shape.exists) {
        if (!create_table_) {
          const std::string msg = "postgres: table " + display_name_ +
                                  " does not exist and create_table is false";
          // At write time the table vanished under us: wait for it to come
          // back rather than drop the batch.
          return at_open ? Status::InvalidArgument(msg) : Status::Retryable(msg);
        }
        tx.exec0(create_sql_);
        tx.commit();
        table_ready_ = true;
        binary_ = true;
        return Status::OK();
      }
      if (const char* problem = RelkindProblem(shape.relkind))
        return Status::FromCode(otherwise, "postgres: " + display_name_ + " is " + problem +
                                               ", not a table COPY can write to");
      if (shape.missing.empty()) {
        tx.commit();
        table_ready_ = true;
        binary_ = shape.exact_types;
        return Status::OK();
      }
      if (std::string why = WhyNotAdd(shape, create_table_, display_name_, qualified_);
          !why.empty()) {
        tx.commit();  // the ledger table
        return Status::FromCode(otherwise, why);
      }
      // A table from before the stream gained nullable columns: add them.
      // ALTER TABLE needs ACCESS EXCLUSIVE anyway; taking it first (rather
      // than upgrading to it) keeps two hosts from deadlocking, and the
      // second to get it finds the columns there when it looks again. The
      // wait is bounded: a long query holding the table makes the open
      // retryable (55P03) instead of queueing every reader behind us.
      doing = "cannot lock the table to add the missing nullable columns with " +
              AddColumnsSql(qualified_, shape.missing);
      tx.exec0("SET LOCAL lock_timeout = '5s'");
      tx.exec0("LOCK TABLE " + qualified_ + " IN ACCESS EXCLUSIVE MODE");
      const TableShape locked = Inspect(tx.exec_params(kColumnsQuery, schema_, table_), columns_);
      if (!locked.exists) {  // dropped meanwhile: start over
        if (attempt < 2) continue;
        return Status::Retryable("postgres: table " + display_name_ +
                                 " keeps disappearing while the sink checks it");
      }
      if (!locked.missing.empty()) {
        if (std::string why = WhyNotAdd(locked, create_table_, display_name_, qualified_);
            !why.empty())
          return Status::FromCode(otherwise, why);
        const std::string sql = AddColumnsSql(qualified_, locked.missing);
        doing = "cannot add the missing nullable columns with " + sql;
        tx.exec0(sql);
      }
      const TableShape added = Inspect(tx.exec_params(kColumnsQuery, schema_, table_), columns_);
      tx.commit();
      table_ready_ = true;
      binary_ = added.exact_types;
      return Status::OK();
    } catch (...) {
      const PgError error = ErrorFromCurrentException();
      NoteFailure(error);
      // Two sinks creating the same table at once: the loser fails on the
      // catalog's unique index. The table exists now, so look again.
      if (attempt == 0 && session_ != nullptr &&
          (error.sqlstate == "23505" || error.sqlstate == "42P07"))
        continue;
      return ErrorStatus(error, doing, display_name_, otherwise);
    }
  }
}

Status PostgresSink::Write(const BatchView& batch, const BatchInfo& info) {
  if (!open_)
    return Status::Retryable("postgres: write to table " + display_name_ +
                             " while the sink is not open");
  // The batch must have the stream's shape, or the COPY column list would
  // not match the data.
  if (batch.num_columns() != columns_.size())
    return Status::Permanent("postgres: batch has " + std::to_string(batch.num_columns()) +
                             " columns but table " + display_name_ + " was opened for " +
                             std::to_string(columns_.size()));
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnView& col = batch.column(c);
    if (col.type() != columns_[c].type || col.name() != columns_[c].name)
      return Status::Permanent("postgres: batch column " + std::to_string(c) + " is '" +
                               std::string(col.name()) + "' (" + ColumnTypeName(col.type()) +
                               ") but table " + display_name_ + " was opened with '" +
                               columns_[c].name + "' (" + ColumnTypeName(columns_[c].type) + ")");
  }
  if (batch.num_rows() == 0) return Status::OK();

  if (session_ == nullptr) SINKHOST_RETURN_NOT_OK(ConnectOrRetry());
  if (!table_ready_) SINKHOST_RETURN_NOT_OK(PrepareTable(/*at_open=*/false));
  Status st = CopyBatch(batch, info);
  if (st.IsRetryable() && session_ == nullptr) {
    // The connection was lost. Connect again now rather than at the retry:
    // if the server is back (it restarted, or a firewall cut an idle
    // connection) the retry finds a working connection; if not, the
    // message says why.
    std::string reason;
    if (!Connect(&reason))
      return Status::Retryable(st.message() + "; reconnecting failed: " + reason);
  }
  return st;
}

Status PostgresSink::CopyBatch(const BatchView& batch, const BatchInfo& info) {
  const int64_t rows = batch.num_rows();
  const std::string what =
      "COPY of " + std::to_string(rows) + (rows == 1 ? " row failed" : " rows failed");
  ledger::BatchKey key;
  const bool use_ledger = ledger::UsesLedger(info);
  if (use_ledger) SINKHOST_RETURN_NOT_OK(ledger::KeyOf(info, &key));
  Status encode_error;
  PgError error;
  bool ok = false;
  try {
    pqxx::work tx(session_->conn);
    // Rows below the ledger's end were committed before (a batch re-sent
    // after a crash): skip them, in the transaction that stores the rest.
    int64_t first = 0;
    uint64_t committed = 0;
    if (use_ledger) {
      const pqxx::result r = tx.exec_params(ledger_.select_sql, key.stream, key.sink);
      if (!r.empty()) committed = static_cast<uint64_t>(r[0][0].as<int64_t>());
      first = static_cast<int64_t>(ledger::RowsAlreadyCommitted(info, committed));
    }
    if (binary_) {
      // Binary values are read by the column type's receive function, and
      // some read another type's bytes without complaint (bigint bytes
      // into a numeric column store a wrong number). So before each binary
      // COPY, lock the table as COPY would, which keeps ALTER TABLE out
      // until commit, and check that the types are still exact; if not,
      // this and later batches use text.
      tx.exec0(lock_sql_);
      binary_ = Inspect(tx.exec_params(kColumnsQuery, schema_, table_), columns_).exact_types;
    }
    if (first == rows) {
      ok = true;  // all of it was committed before; nothing to copy
    } else {
      // Declared inside tx's scope so that an unfinished COPY is ended
      // before tx rolls back.
      CopyIn copy;
      ok = copy.Start(RawHandle::Of(tx), binary_ ? copy_sql_ + " (FORMAT binary)" : copy_sql_,
                      &error);
      buffer_.clear();
      if (binary_) AppendCopyBinaryHeader(&buffer_);
      for (int64_t r = first; ok && r < rows; ++r) {
        encode_error = binary_ ? AppendCopyBinaryRow(batch, r, &buffer_)
                               : AppendCopyRow(batch, r, &buffer_);
        if (!encode_error.ok()) {
          ok = false;
          copy.Abort("sinkhost: the batch cannot be encoded");
        } else if (buffer_.size() >= kChunkBytes) {
          ok = copy.Put(buffer_, &error);
          buffer_.clear();
        }
      }
      if (ok && binary_) AppendCopyBinaryTrailer(&buffer_);
      if (ok && !buffer_.empty()) ok = copy.Put(buffer_, &error);
      if (ok) ok = copy.Finish(&error);
    }
    if (ok && use_ledger)
      tx.exec_params0(ledger_.upsert_sql, key.stream, key.sink,
                      static_cast<int64_t>(ledger::CommittedEndAfter(info, committed)),
                      info.batch_id);
    if (ok) tx.commit();
  } catch (...) {
    ok = false;
    error = ErrorFromCurrentException();
  }
  // One batch of long strings must not pin megabytes until Close.
  buffer_.clear();
  if (buffer_.capacity() > 8 * kChunkBytes) buffer_.shrink_to_fit();

  if (!encode_error.ok())
    return Status::Permanent("postgres: " + what + " (table " + display_name_ +
                             "): " + encode_error.message());
  if (ok) return Status::OK();
  NoteFailure(error);
  return ErrorStatus(error, what, display_name_, Status::Code::kPermanent);
}

void PostgresSink::NoteFailure(const PgError& error) {
  // A standby (read-only after a failover) is left too, so the next
  // connection can reach the new primary, and so is a connection that
  // failed on the client side (no SQLSTATE), whose state is unknown.
  if (session_ != nullptr && (error.connection_lost || error.sqlstate.empty() ||
                              error.sqlstate == "25006" || !session_->conn.is_open()))
    session_.reset();
  if (IsMissingRelation(error.sqlstate)) table_ready_ = false;
}

Status PostgresSink::Close() {
  session_.reset();
  open_ = false;
  table_ready_ = false;
  buffer_.clear();
  buffer_.shrink_to_fit();
  return Status::OK();
}

}  // namespace sinkhost::postgres

namespace {

const sinkhost_option_spec kConnection = {
    sizeof(sinkhost_option_spec), "connection", "string", nullptr,
    "libpq connection string or URI, e.g. 'host=127.0.0.1 dbname=events user=sinkhost' or "
    "'postgresql://sinkhost@db/events'",
    SINKHOST_OPTION_REQUIRED};
const sinkhost_option_spec kSchema = {sizeof(sinkhost_option_spec), "schema", "string", "public",
                                      "schema of the table", 0};
const sinkhost_option_spec kTable = {sizeof(sinkhost_option_spec), "table", "string", nullptr,
                                     "table to write (default: the stream name)", 0};
const sinkhost_option_spec kCreateTable = {
    sizeof(sinkhost_option_spec), "create_table", "bool", "true",
    "create the table from the stream schema when it does not exist", 0};
const sinkhost_option_spec kConnectTimeout = {
    sizeof(sinkhost_option_spec), "connect_timeout", "duration", "10s",
    "how long one connection attempt may take (whole seconds, at least 1s)", 0};
const sinkhost_option_spec kLedgerTable = {
    sizeof(sinkhost_option_spec), "ledger_table", "string", "sinkhost_ledger",
    "table (in the same schema) where each (stream, sink) records how far it has committed, "
    "in the transaction of the rows, so that rows re-sent after a crash are not stored twice",
    0};
const sinkhost_option_spec* const kOptions[] = {&kConnection,     &kSchema,       &kTable,
                                                &kCreateTable,    &kConnectTimeout,
                                                &kLedgerTable,    nullptr};

}  // namespace

SINKHOST_EXPORT_SINK(sinkhost::postgres::PostgresSink, "postgres", "1.0.0",
                     "Writes each batch into a PostgreSQL table with one COPY in one transaction",
                     SINKHOST_CAP_TRANSACTIONAL | SINKHOST_CAP_DURABLE, kOptions)
