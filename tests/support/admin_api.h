// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The host's admin API as the process-level tests use it: /api/stats and
// /api/flush, with the JSON answers parsed (docs/configuration.md, "Admin
// API", gives their shape).
//
// Thread safety: plain functions; one test thread at a time per host.
#ifndef SINKHOST_TESTS_SUPPORT_ADMIN_API_H_
#define SINKHOST_TESTS_SUPPORT_ADMIN_API_H_

#include <cstdint>
#include <string>

namespace sinkhost::testing {

class HostProcess;

// One sink's entry in /api/stats (streams.<stream>.sinks.<sink>).
struct SinkStatus {
  std::string state;  // ok | retrying | failing
  std::string last_error;
  int64_t delivered_rows = 0;
  int64_t failed_rows = 0;
  int64_t queued_rows = 0;
  int64_t retries = 0;
};

// GET /api/stats and picks out one sink. False, with the reason in *error,
// when the host does not answer 200 or the sink is not in the answer.
bool GetSinkStatus(HostProcess& host, const std::string& stream, const std::string& sink,
                   SinkStatus* out, std::string* error);

// POST /api/flush?timeout=<timeout_s>s. True when the host answers 200 with
// "completed": true; otherwise false with the answer in *error.
bool FlushHost(HostProcess& host, int timeout_s, std::string* error);

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_ADMIN_API_H_
