// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Classification of PostgreSQL failures into sinkhost statuses.
//
// Every failure the sink sees is reduced to a PgError (SQLSTATE, the
// server's message, whether the connection is gone), whether it came from
// a libpqxx exception or from a libpq result during COPY, and then turned
// into a Status by one table (IsRetryableSqlState). Retryable means the
// same batch can succeed later without change: the server or network is
// down, busy or out of resources, a lock or serialization conflict, or the
// table is missing for now (it is recreated or waited for, the batch is
// never dropped). Everything else, notably bad data (22xxx), constraints
// (23xxx) and other statement errors (42xxx), is permanent.
//
// Thread safety: pure functions.
#ifndef SINKHOST_PLUGINS_POSTGRES_PG_ERROR_H_
#define SINKHOST_PLUGINS_POSTGRES_PG_ERROR_H_

#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "sinkhost/status.hpp"

namespace sinkhost::postgres {

struct PgError {
  std::string sqlstate;  // five characters, or empty when the client failed
  std::string message;   // the server's (or libpq's) primary message
  bool connection_lost = false;
};

// True when a statement that failed with `sqlstate` may succeed unchanged
// later.
bool IsRetryableSqlState(std::string_view sqlstate);

// True for the SQLSTATEs that say the target table or its schema does not
// exist (42P01, 3F000): the sink checks or creates the table again before
// the next write.
bool IsMissingRelation(std::string_view sqlstate);

// The failure described by a libpq result (may be null) on `conn`.
PgError ErrorFromResult(const PGresult* result, PGconn* conn);

// The failure described by the exception being handled; call only inside a
// catch block. libpqxx exceptions keep their SQLSTATE; broken_connection
// and in_doubt_error (a commit whose outcome is unknown) mark the
// connection lost.
PgError ErrorFromCurrentException();

// "postgres: <what> (table <table>): <message> [SQLSTATE xxxxx]", Retryable
// when the connection is lost, the SQLSTATE is retryable or there is none
// (a client-side failure, on which the server never judged the batch),
// otherwise `otherwise` (Permanent during writes, InvalidArgument during
// open).
Status ErrorStatus(const PgError& error, std::string_view what, std::string_view table,
                   Status::Code otherwise);

}  // namespace sinkhost::postgres

#endif  // SINKHOST_PLUGINS_POSTGRES_PG_ERROR_H_
