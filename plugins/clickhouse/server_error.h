// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Classification of ClickHouse failures into sinkhost statuses.
//
// A ClickHouse server reports a failed query as an HTTP error status (500,
// 404, 401, ... depending on the version and the error) with its exception
// text in the body, which starts with the exception code in every release:
// "Code: 60, e.displayText() = DB::Exception: ..." (18.x) or
// "Code: 60. DB::Exception: ... (UNKNOWN_TABLE)" (newer, which also send
// the code in the X-ClickHouse-Exception-Code header). The code, not the
// HTTP status, decides.
//
// Retryable means the same batch can succeed later unchanged: the code
// describes the server's state, not the statement or the rows (overload,
// timeouts, memory, disk, network, replication, a missing table or
// database, credentials or grants that an operator has to fix). Such
// batches are paused and retried, never dropped. Every other code (syntax,
// unknown column, type and parse errors) is permanent while writing; while
// opening, it means the configuration is unusable (invalid argument).
// Failures that never reached ClickHouse (connection refused or reset,
// timeouts) are classified in http_connection.cc; they are all retryable.
//
// Thread safety: pure functions.
#ifndef SINKHOST_PLUGINS_CLICKHOUSE_SERVER_ERROR_H_
#define SINKHOST_PLUGINS_CLICKHOUSE_SERVER_ERROR_H_

#include <string>
#include <string_view>

#include "sinkhost/status.hpp"

namespace sinkhost::clickhouse {

// When a failure happened: it decides what a non-transient error means.
enum class Phase {
  kOpen,   // checking or creating the table: InvalidArgument
  kWrite,  // inserting a batch: Permanent
};

// The exception code that `body` starts with ("Code: NN"), or -1.
int ParseExceptionCode(std::string_view body);

// The name of a code (e.g. "UNKNOWN_TABLE") when the sink knows it, else "".
const char* CodeName(int code);

// The Status for an HTTP answer other than 200. `what` says what was being
// done ("insert of 10 rows into `default`.`events`"); the message carries
// ClickHouse's own text, the HTTP status and the code. Credentials, grants
// and a missing database are retryable while writing but invalid arguments
// while opening, so that a wrong password or database stops the host at
// start-up instead of retrying forever.
Status ServerError(int http_status, std::string_view code_header, std::string_view body,
                   std::string_view what, Phase phase);

}  // namespace sinkhost::clickhouse

#endif  // SINKHOST_PLUGINS_CLICKHOUSE_SERVER_ERROR_H_
