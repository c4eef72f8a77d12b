// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "tests/support/admin_api.h"

#include <simdjson.h>

#include "tests/support/host_process.h"

namespace sinkhost::testing {

namespace {

int64_t IntOr0(const simdjson::dom::element& object, const char* key) {
  int64_t v = 0;
  return object[key].get_int64().get(v) == simdjson::SUCCESS ? v : 0;
}

}  // namespace

bool GetSinkStatus(HostProcess& host, const std::string& stream, const std::string& sink,
                   SinkStatus* out, std::string* error) {
  const HttpResult r = Http(host.admin_port(), "GET", "/api/stats", "", "", {}, 10000);
  if (r.status != 200) {
    *error = "GET /api/stats: HTTP " + std::to_string(r.status) + " " + r.body;
    return false;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element entry;
  if (parser.parse(r.body).at_key("streams").at_key(stream).at_key("sinks").at_key(sink).get(
          entry) != simdjson::SUCCESS) {
    *error = "no streams." + stream + ".sinks." + sink + " in /api/stats: " + r.body;
    return false;
  }
  std::string_view text;
  *out = SinkStatus();
  if (entry["state"].get_string().get(text) == simdjson::SUCCESS) out->state = text;
  if (entry["last_error"].get_string().get(text) == simdjson::SUCCESS) out->last_error = text;
  out->delivered_rows = IntOr0(entry, "delivered_rows");
  out->failed_rows = IntOr0(entry, "failed_rows");
  out->queued_rows = IntOr0(entry, "queued_rows");
  out->retries = IntOr0(entry, "retries");
  return true;
}

bool FlushHost(HostProcess& host, int timeout_s, std::string* error) {
  const std::string path = "/api/flush?timeout=" + std::to_string(timeout_s) + "s";
  // The HTTP timeout outlasts the flush's own, so a 504 is seen as such.
  const HttpResult r = Http(host.admin_port(), "POST", path, "", "", {}, (timeout_s + 30) * 1000);
  simdjson::dom::parser parser;
  bool completed = false;
  if (r.status == 200 &&
      parser.parse(r.body)["completed"].get_bool().get(completed) == simdjson::SUCCESS && completed)
    return true;
  *error = "POST " + path + ": HTTP " + std::to_string(r.status) + " " + r.body;
  return false;
}

}  // namespace sinkhost::testing
