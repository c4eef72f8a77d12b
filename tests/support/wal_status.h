// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// GetWalStatus: a stream's write-ahead log as the host reports it in
// /api/stats (streams.<stream>.wal; docs/configuration.md, "Admin API"),
// for the fault tests. Header-only; a test that includes it links
// simdjson::simdjson.
//
// Thread safety: plain functions; one test thread at a time per host.
#ifndef SINKHOST_TESTS_SUPPORT_WAL_STATUS_H_
#define SINKHOST_TESTS_SUPPORT_WAL_STATUS_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/host_process.h"

namespace sinkhost::testing {

struct WalDamageStatus {
  std::string kind, file, description;
  uint64_t offset = 0, bytes = 0, first_lost_seq = 0, last_lost_seq = 0, lost_records = 0;
  bool repaired = false;
};

struct WalStatus {
  uint64_t segments = 0, bytes = 0, max_bytes = 0, first_seq = 0, last_seq = 0;
  uint64_t rejected_full = 0, rejected_no_space = 0, segments_deleted = 0;
  std::vector<WalDamageStatus> damage;
  uint64_t damage_lost_records = 0;
  bool read_only = false;
  std::string error;
  uint64_t replayed_records = 0, unreadable_records = 0, confirm_errors = 0;
  std::string json;  // the whole `wal` object as sent
};

// False, with the reason in *error, when the host does not answer 200 or
// the stream has no `wal` entry (an older host, or a stream without log).
inline bool GetWalStatus(HostProcess& host, const std::string& stream, WalStatus* out,
                         std::string* error) {
  const HttpResult r = Http(host.admin_port(), "GET", "/api/stats", "", "", {}, 10000);
  if (r.status != 200) {
    *error = "GET /api/stats: HTTP " + std::to_string(r.status) + " " + r.body;
    return false;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element wal;
  if (parser.parse(r.body).at_key("streams").at_key(stream).at_key("wal").get(wal) !=
      simdjson::SUCCESS) {
    *error = "no streams." + stream + ".wal in /api/stats: " + r.body.substr(0, 2000);
    return false;
  }
  auto u = [](simdjson::dom::element e, const char* key) {
    uint64_t v = 0;
    return e[key].get_uint64().get(v) == simdjson::SUCCESS ? v : 0;
  };
  auto s = [](simdjson::dom::element e, const char* key) {
    std::string_view v;
    return e[key].get_string().get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
  };
  auto b = [](simdjson::dom::element e, const char* key) {
    bool v = false;
    return e[key].get_bool().get(v) == simdjson::SUCCESS && v;
  };
  *out = WalStatus();
  out->segments = u(wal, "segments");
  out->bytes = u(wal, "bytes");
  out->max_bytes = u(wal, "max_bytes");
  out->first_seq = u(wal, "first_seq");
  out->last_seq = u(wal, "last_seq");
  out->rejected_full = u(wal, "rejected_full");
  out->rejected_no_space = u(wal, "rejected_no_space");
  out->segments_deleted = u(wal, "segments_deleted");
  out->damage_lost_records = u(wal, "damage_lost_records");
  out->read_only = b(wal, "read_only");
  out->error = s(wal, "error");
  out->replayed_records = u(wal, "replayed_records");
  out->unreadable_records = u(wal, "unreadable_records");
  out->confirm_errors = u(wal, "confirm_errors");
  simdjson::dom::array damage;
  if (wal["damage"].get_array().get(damage) == simdjson::SUCCESS) {
    for (simdjson::dom::element d : damage) {
      WalDamageStatus w;
      w.kind = s(d, "kind");
      w.file = s(d, "file");
      w.description = s(d, "description");
      w.offset = u(d, "offset");
      w.bytes = u(d, "bytes");
      w.first_lost_seq = u(d, "first_lost_seq");
      w.last_lost_seq = u(d, "last_lost_seq");
      w.lost_records = u(d, "lost_records");
      w.repaired = b(d, "repaired");
      out->damage.push_back(w);
    }
  }
  out->json = simdjson::minify(wal);
  return true;
}

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_WAL_STATUS_H_
