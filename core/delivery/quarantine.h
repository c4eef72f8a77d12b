// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Quarantine: the rows one sink refused permanently, kept with the reason
// in an NDJSON file, so that a poison row never silently costs an accepted
// event, and an operator can send them again once the cause is fixed
// (POST /api/quarantine/replay).
//
// One line per row:
//   {"time":"2026-11-24T16:18:54.123456Z","stream":"events","sink":"db",
//    "batch":"events:db:10-11","error":"...","row":{"url":"...",...}}
// `row` holds every column, encoded as sinkhost/row_json.hpp does, so it
// reads back exactly with the stream's schema.
//
// Replay is at least once: Take() moves the file aside (".replaying") and
// reads its rows; FinishReplay() deletes it once the replayed rows were
// delivered or quarantined again. If the host dies in between, the next
// start puts those rows back into the quarantine file (some may then have
// been delivered already).
//
// Thread safety: every method locks mu_. Add comes from the sink's runner
// thread, Take from the admin API's.
#ifndef SINKHOST_CORE_DELIVERY_QUARANTINE_H_
#define SINKHOST_CORE_DELIVERY_QUARANTINE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/batch/row_batch.h"
#include "core/schema/schema.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

class Quarantine {
 public:
  // Recovers an interrupted replay and counts the rows already in `path`.
  // The folder is created when the first row arrives.
  static Status Open(std::string path, std::string stream, std::string sink, const Schema& schema,
                     std::unique_ptr<Quarantine>* out);

  const std::string& path() const { return path_; }

  // Appends rows [begin, end) of `rows` with the reason, and fsyncs: once
  // this returns OK the rows may be dropped from memory.
  Status Add(const RowBatch& rows, int64_t begin, int64_t end, const std::string& batch_id,
             const std::string& error);

  // Rows in the file now.
  int64_t rows() const;

  // Starts a replay: moves the file aside and reads its rows into *rows (an
  // empty batch when nothing is quarantined). Busy while a replay runs.
  Status Take(std::shared_ptr<RowBatch>* rows);
  // Ends the replay started by Take.
  void FinishReplay();

 private:
  Quarantine(std::string path, std::string stream, std::string sink, const Schema& schema);
  Status ReadRows(const std::string& file, RowBatch* rows) const;

  const std::string path_;
  const std::string replaying_path_;
  const std::string stream_;
  const std::string sink_;
  const Schema& schema_;

  mutable std::mutex mu_;
  int64_t rows_ = 0;       // guarded by mu_
  bool replaying_ = false; // guarded by mu_
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_DELIVERY_QUARANTINE_H_
