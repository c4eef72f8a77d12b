// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/postgres/copy_in.h"

#include <climits>

namespace sinkhost::postgres {

bool CopyIn::Start(PGconn* conn, const std::string& sql, PgError* error) {
  PGresult* res = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COPY_IN;
  if (!ok) *error = ErrorFromResult(res, conn);
  PQclear(res);
  if (!ok) {
    // Whatever else the server sent belongs to this failed command.
    while ((res = PQgetResult(conn)) != nullptr) PQclear(res);
    return false;
  }
  conn_ = conn;
  return true;
}

bool CopyIn::Put(std::string_view data, PgError* error) {
  while (!data.empty()) {
    const int n = data.size() > INT_MAX ? INT_MAX : static_cast<int>(data.size());
    // Blocking connection: 1 once queued, -1 when the COPY is over, e.g.
    // because the server already rejected a row or the connection broke.
    if (PQputCopyData(conn_, data.data(), n) != 1) {
      PgError put_error = ErrorFromResult(nullptr, conn_);
      // The server's own error, if it sent one, is the better explanation;
      // Collect falls back to libpq's text.
      if (Collect(error)) *error = put_error;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool CopyIn::Finish(PgError* error) {
  if (PQputCopyEnd(conn_, nullptr) != 1) {
    PgError end_error = ErrorFromResult(nullptr, conn_);
    if (Collect(error)) *error = end_error;  // the end never reached the server
    return false;
  }
  return Collect(error);
}

void CopyIn::Abort(const char* reason) {
  if (conn_ == nullptr) return;
  PQputCopyEnd(conn_, reason);
  PgError ignored;
  Collect(&ignored);
}

bool CopyIn::Collect(PgError* error) {
  PGconn* conn = conn_;
  conn_ = nullptr;
  bool ok = false;
  bool have_result = false;
  // The first result after COPY mode is the COPY's verdict; read on until
  // libpq has nothing more, so the connection is idle again.
  int copy_in_results = 0;
  while (PGresult* res = PQgetResult(conn)) {
    const ExecStatusType st = PQresultStatus(res);
    if (!have_result && st != PGRES_COPY_IN) {
      have_result = true;
      ok = st == PGRES_COMMAND_OK;
      if (!ok) *error = ErrorFromResult(res, conn);
    }
    PQclear(res);
    // Still in COPY mode means the end message never went out (libpq
    // could not send it); try again, but never spin on a connection that
    // cannot leave COPY mode.
    if (st == PGRES_COPY_IN &&
        (++copy_in_results > 2 || PQputCopyEnd(conn, "sinkhost: COPY abandoned") != 1))
      break;
  }
  if (!have_result) *error = ErrorFromResult(nullptr, conn);
  if (!ok && PQstatus(conn) != CONNECTION_OK) error->connection_lost = true;
  return ok;
}

}  // namespace sinkhost::postgres
