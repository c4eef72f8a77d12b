// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/postgres/pg_error.h"

#include <exception>
#include <pqxx/except>

namespace sinkhost::postgres {

namespace {

// libpq's and libpqxx's texts end in newlines and may start with the
// severity ("ERROR:  ", "FATAL:  ") and carry DETAIL/HINT/CONTEXT lines;
// a status message is one line, so the lines are joined with "; ". The
// statement excerpt libpqxx adds ("LINE 1: CREATE ...", then a caret) is
// dropped: the message names the table and the operation instead.
std::string OneLine(std::string_view text) {
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  ", "PANIC:  "}) {
    if (text.substr(0, prefix.size()) == prefix) {
      text.remove_prefix(prefix.size());
      break;
    }
  }
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty() || line.substr(0, 5) == "LINE " || line == "^") continue;
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

}  // namespace

bool IsRetryableSqlState(std::string_view s) {
  if (s.size() != 5) return false;
  const std::string_view cls = s.substr(0, 2);
  if (cls == "08") return true;  // connection exception
  // Insufficient resources: disk full, out of memory, too many connections.
  if (cls == "53") return true;
  if (cls == "58") return true;  // system error: I/O error on the server
  return s == "57P01"            // admin_shutdown
         || s == "57P02"         // crash_shutdown
         || s == "57P03"         // cannot_connect_now (starting up, shutting down)
         || s == "57014"         // query_canceled (statement_timeout, pg_cancel_backend)
         || s == "40001"         // serialization_failure
         || s == "40P01"         // deadlock_detected
         || s == "40003"         // statement_completion_unknown
         || s == "55P03"         // lock_not_available
         || s == "55006"         // object_in_use
         || s == "25006"         // read_only_sql_transaction: a standby after failover
         || s == "42P01"         // undefined_table: the table vanished
         || s == "3F000"         // invalid_schema_name: its schema vanished
         || s == "3D000";        // invalid_catalog_name: the database is not there (yet)
}

bool IsMissingRelation(std::string_view sqlstate) {
  return sqlstate == "42P01" || sqlstate == "3F000";
}

PgError ErrorFromResult(const PGresult* result, PGconn* conn) {
  PgError e;
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state != nullptr) e.sqlstate = state;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (primary != nullptr) {
    e.message = primary;
    // DETAIL names the offending key or value; CONTEXT names the COPY line.
    for (int field : {PG_DIAG_MESSAGE_DETAIL, PG_DIAG_CONTEXT}) {
      const char* extra = PQresultErrorField(result, field);
      if (extra != nullptr && *extra != '\0') e.message += "; " + OneLine(extra);
    }
  } else {
    // A client-side failure (no server message): libpq's text.
    const char* text = result ? PQresultErrorMessage(result) : "";
    if (text == nullptr || *text == '\0') text = conn ? PQerrorMessage(conn) : "";
    e.message = OneLine(text != nullptr && *text ? text : "unknown libpq failure");
  }
  e.connection_lost = conn == nullptr || PQstatus(conn) != CONNECTION_OK;
  return e;
}

PgError ErrorFromCurrentException() {
  PgError e;
  try {
    throw;
  } catch (const pqxx::in_doubt_error& ex) {
    // The connection broke during COMMIT: the batch may or may not be
    // stored. Resending is the only way not to lose it (at-least-once).
    e.message = "commit outcome unknown, the batch will be resent: " + OneLine(ex.what());
    e.connection_lost = true;
  } catch (const pqxx::broken_connection& ex) {
    e.message = OneLine(ex.what());
    e.connection_lost = true;
  } catch (const pqxx::insufficient_privilege& ex) {
    // libpqxx 6.4 throws this one without its SQLSTATE; an empty code
    // would read as a client-side failure (retryable), and a missing
    // grant is the operator's to fix, not the server's state.
    e.sqlstate = ex.sqlstate().empty() ? "42501" : ex.sqlstate();
    e.message = OneLine(ex.what());
  } catch (const pqxx::sql_error& ex) {
    e.sqlstate = ex.sqlstate();
    e.message = OneLine(ex.what());
  } catch (const std::exception& ex) {
    e.message = OneLine(ex.what());
  } catch (...) {
    e.message = "exception of unknown type";
  }
  return e;
}

Status ErrorStatus(const PgError& error, std::string_view what, std::string_view table,
                   Status::Code otherwise) {
  std::string msg = "postgres: ";
  msg += what;
  if (!table.empty()) {
    msg += " (table ";
    msg += table;
    msg += ")";
  }
  msg += ": ";
  msg += error.message;
  if (!error.sqlstate.empty()) msg += " [SQLSTATE " + error.sqlstate + "]";
  if (error.connection_lost) {
    if (error.sqlstate.empty()) msg += " [connection lost]";
    return Status::Retryable(msg);
  }
  // No SQLSTATE: the client failed (out of memory, a protocol hiccup), and
  // the server never judged the batch, so it must not be dropped.
  if (error.sqlstate.empty()) return Status::Retryable(msg);
  if (IsRetryableSqlState(error.sqlstate)) return Status::Retryable(msg);
  // A missing grant refuses every row alike: while writing, wait for the
  // operator to grant it (retry) rather than quarantine good rows; at Open
  // it is the configuration error `otherwise` says.
  if (error.sqlstate == "42501" && otherwise == Status::Code::kPermanent)
    return Status::Retryable(msg);
  return Status::FromCode(otherwise, msg);
}

}  // namespace sinkhost::postgres
