// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/clickhouse/server_error.h"

#include <cctype>
#include <cstdlib>

namespace sinkhost::clickhouse {

namespace {

// What a code says about a failed query.
enum class Kind {
  kPermanent,  // the statement or its data: fails the same way every time
  kTransient,  // the server's state: retry
  // The server's configuration (credentials, grants, a missing database):
  // retry while writing, since an operator can fix it without touching the
  // batch; while opening, report the sink's configuration as unusable so
  // that a wrong password or database name stops the host at start-up.
  kConfig,
};

struct KnownCode {
  int code;
  const char* name;
  Kind kind;
};

// Codes from ClickHouse's src/Common/ErrorCodes.cpp (stable since 18.x).
// Transient: the server's state, not the statement or the rows.
constexpr KnownCode kKnownCodes[] = {
    // Disk and files on the server.
    {74, "CANNOT_READ_FROM_FILE_DESCRIPTOR", Kind::kTransient},
    {75, "CANNOT_WRITE_TO_FILE_DESCRIPTOR", Kind::kTransient},
    {76, "CANNOT_OPEN_FILE", Kind::kTransient},
    {172, "CANNOT_CREATE_DIRECTORY", Kind::kTransient},
    {204, "CANNOT_FSYNC", Kind::kTransient},
    {214, "CANNOT_STATVFS", Kind::kTransient},
    {243, "NOT_ENOUGH_SPACE", Kind::kTransient},
    // The table or database is missing for now: wait (and recreate the
    // table) rather than drop the batch.
    {60, "UNKNOWN_TABLE", Kind::kTransient},
    {81, "UNKNOWN_DATABASE", Kind::kConfig},
    {218, "TABLE_IS_DROPPED", Kind::kTransient},
    // Credentials, grants and read-only mode: an operator fixes the server
    // (or the sink's options).
    {164, "READONLY", Kind::kConfig},
    {192, "UNKNOWN_USER", Kind::kConfig},
    {193, "WRONG_PASSWORD", Kind::kConfig},
    {194, "REQUIRED_PASSWORD", Kind::kConfig},
    {195, "IP_ADDRESS_NOT_ALLOWED", Kind::kConfig},
    {291, "DATABASE_ACCESS_DENIED", Kind::kConfig},
    {497, "ACCESS_DENIED", Kind::kConfig},
    {516, "AUTHENTICATION_FAILED", Kind::kConfig},
    // Load, limits, memory.
    {159, "TIMEOUT_EXCEEDED", Kind::kTransient},
    {160, "TOO_SLOW", Kind::kTransient},
    {173, "CANNOT_ALLOCATE_MEMORY", Kind::kTransient},
    {201, "QUOTA_EXPIRED", Kind::kTransient},
    {202, "TOO_MANY_SIMULTANEOUS_QUERIES", Kind::kTransient},
    {203, "NO_FREE_CONNECTION", Kind::kTransient},
    {236, "ABORTED", Kind::kTransient},
    {241, "MEMORY_LIMIT_EXCEEDED", Kind::kTransient},
    {252, "TOO_MANY_PARTS", Kind::kTransient},
    {364, "RECEIVED_ERROR_TOO_MANY_REQUESTS", Kind::kTransient},
    {373, "SESSION_IS_LOCKED", Kind::kTransient},
    {384, "PART_IS_TEMPORARILY_LOCKED", Kind::kTransient},
    {394, "QUERY_WAS_CANCELLED", Kind::kTransient},
    {439, "CANNOT_SCHEDULE_TASK", Kind::kTransient},
    {473, "DEADLOCK_AVOIDED", Kind::kTransient},
    // Network, inside the cluster or to the client.
    {95, "CANNOT_READ_FROM_SOCKET", Kind::kTransient},
    {96, "CANNOT_WRITE_TO_SOCKET", Kind::kTransient},
    {198, "DNS_ERROR", Kind::kTransient},
    {209, "SOCKET_TIMEOUT", Kind::kTransient},
    {210, "NETWORK_ERROR", Kind::kTransient},
    {265, "NO_AVAILABLE_REPLICA", Kind::kTransient},
    {279, "ALL_CONNECTION_TRIES_FAILED", Kind::kTransient},
    {410, "EXTERNAL_SERVER_IS_NOT_RESPONDING", Kind::kTransient},
    {519, "NO_REMOTE_SHARD_AVAILABLE", Kind::kTransient},
    {1000, "POCO_EXCEPTION", Kind::kTransient},  // ClickHouse wraps its socket errors in this
    // Replication and coordination.
    {225, "NO_ZOOKEEPER", Kind::kTransient},
    {242, "TABLE_IS_READ_ONLY", Kind::kTransient},
    {244, "UNEXPECTED_ZOOKEEPER_ERROR", Kind::kTransient},
    {254, "NO_ACTIVE_REPLICAS", Kind::kTransient},
    {285, "TOO_FEW_LIVE_REPLICAS", Kind::kTransient},
    {286, "UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE", Kind::kTransient},
    {289, "REPLICA_IS_NOT_IN_QUORUM", Kind::kTransient},
    {319, "UNKNOWN_STATUS_OF_INSERT", Kind::kTransient},
    {425, "SYSTEM_ERROR", Kind::kTransient},
    {999, "KEEPER_EXCEPTION", Kind::kTransient},
    // Permanent ones that are common enough to name in messages.
    {6, "CANNOT_PARSE_TEXT", Kind::kPermanent},
    {16, "NO_SUCH_COLUMN_IN_TABLE", Kind::kPermanent},
    {27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED", Kind::kPermanent},
    {32, "ATTEMPT_TO_READ_AFTER_EOF", Kind::kPermanent},
    {33, "CANNOT_READ_ALL_DATA", Kind::kPermanent},
    {36, "BAD_ARGUMENTS", Kind::kPermanent},
    {43, "ILLEGAL_TYPE_OF_ARGUMENT", Kind::kPermanent},
    {44, "ILLEGAL_COLUMN", Kind::kPermanent},
    {46, "UNKNOWN_FUNCTION", Kind::kPermanent},
    {47, "UNKNOWN_IDENTIFIER", Kind::kPermanent},
    {50, "UNKNOWN_TYPE", Kind::kPermanent},
    {53, "TYPE_MISMATCH", Kind::kPermanent},
    {62, "SYNTAX_ERROR", Kind::kPermanent},
    {115, "UNKNOWN_SETTING", Kind::kPermanent},
    {131, "TOO_LARGE_STRING_SIZE", Kind::kPermanent},
    {321, "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE", Kind::kPermanent},
    {349, "CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN", Kind::kPermanent},
    {469, "VIOLATED_CONSTRAINT", Kind::kPermanent},
};

const KnownCode* Find(int code) {
  for (const KnownCode& k : kKnownCodes)
    if (k.code == code) return &k;
  return nullptr;
}

// ClickHouse's text without trailing whitespace, and short enough for a
// log line (a parse error can quote a long stretch of the input).
std::string Excerpt(std::string_view body) {
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back())))
    body.remove_suffix(1);
  constexpr size_t kMax = 2000;
  if (body.size() <= kMax) return std::string(body);
  return std::string(body.substr(0, kMax)) + "... (" + std::to_string(body.size()) + " bytes)";
}

}  // namespace

int ParseExceptionCode(std::string_view body) {
  size_t i = 0;
  while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
  constexpr std::string_view kPrefix = "Code: ";
  if (body.substr(i, kPrefix.size()) != kPrefix) return -1;
  i += kPrefix.size();
  int code = 0;
  size_t digits = 0;
  while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])) && digits < 6) {
    code = code * 10 + (body[i] - '0');
    ++i;
    ++digits;
  }
  return digits == 0 ? -1 : code;
}

const char* CodeName(int code) {
  const KnownCode* k = Find(code);
  return k != nullptr ? k->name : "";
}

Status ServerError(int http_status, std::string_view code_header, std::string_view body,
                   std::string_view what, Phase phase) {
  int code = -1;
  if (!code_header.empty()) code = std::atoi(std::string(code_header).c_str());
  if (code <= 0) code = ParseExceptionCode(body);

  std::string msg =
      "clickhouse: " + std::string(what) + " failed: HTTP " + std::to_string(http_status);
  bool transient;
  if (code > 0) {
    const char* name = CodeName(code);
    msg += ", " + Excerpt(body);
    msg += " [code " + std::to_string(code) + (*name ? std::string(" ") + name : "") + "]";
    const KnownCode* k = Find(code);
    transient = k != nullptr && (k->kind == Kind::kTransient ||
                                 (k->kind == Kind::kConfig && phase == Phase::kWrite));
  } else {
    // Not ClickHouse speaking: a proxy, a load balancer or a server that is
    // starting. Server, gateway and overload errors pass; a proxy's 401 or
    // 403 is a matter of credentials like ClickHouse's own; other client
    // errors (413 Payload Too Large, ...) say the request itself is wrong.
    msg += body.empty() ? std::string(" with an empty body") : ": " + Excerpt(body);
    const bool config = http_status == 401 || http_status == 403;
    transient = http_status >= 500 || http_status == 408 || http_status == 429 ||
                (config && phase == Phase::kWrite);
  }
  if (transient) return Status::Retryable(msg);
  return phase == Phase::kOpen ? Status::InvalidArgument(msg) : Status::Permanent(msg);
}

}  // namespace sinkhost::clickhouse
