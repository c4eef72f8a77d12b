// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// CopyIn: one `COPY ... FROM STDIN` on a libpq connection, fed with
// ready-made COPY data (text or binary) through PQputCopyData.
//
// The sink encodes a batch into one reusable buffer and hands it over in
// chunks; libpqxx 6's stream_to would build std::strings per field and per
// row, and knows only text (see README.md for the measurements). The connection is borrowed
// from the libpqxx transaction the COPY runs in, so the rows commit or roll
// back with it.
//
// A CopyIn that is destroyed while still copying ends the COPY with an
// error, which makes the server discard every row sent, and drains the
// result, so the connection is usable again (for the ROLLBACK).
//
// Thread safety: like the connection, one thread at a time.
#ifndef SINKHOST_PLUGINS_POSTGRES_COPY_IN_H_
#define SINKHOST_PLUGINS_POSTGRES_COPY_IN_H_

#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "plugins/postgres/pg_error.h"

namespace sinkhost::postgres {

class CopyIn {
 public:
  CopyIn() = default;
  ~CopyIn() { Abort("sinkhost: COPY abandoned"); }
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;

  // Runs `sql`, which must be a COPY ... FROM STDIN, and enters COPY mode.
  bool Start(PGconn* conn, const std::string& sql, PgError* error);
  // Sends `data` (whole rows of COPY text).
  bool Put(std::string_view data, PgError* error);
  // Ends the COPY and waits for the server's verdict on every row.
  bool Finish(PgError* error);
  // Ends the COPY, telling the server to discard it with `reason`; no-op
  // when no COPY is in progress.
  void Abort(const char* reason);

 private:
  // Collects the COPY's final result; false and *error unless it succeeded.
  bool Collect(PgError* error);

  PGconn* conn_ = nullptr;  // set while a COPY is in progress
};

}  // namespace sinkhost::postgres

#endif  // SINKHOST_PLUGINS_POSTGRES_COPY_IN_H_
