// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Made-up write-ahead log figures for the tests of the stats JSON and the
// metrics: a log with every field set, damage, a read-only error and a
// replay in progress, states a running host rarely shows at once.
#ifndef SINKHOST_TESTS_SUPPORT_SAMPLE_WAL_STATS_H_
#define SINKHOST_TESTS_SUPPORT_SAMPLE_WAL_STATS_H_

#include "core/stream/stream.h"

namespace sinkhost::testing {

inline StreamWalStats SampleWalStats() {
  StreamWalStats w;
  w.enabled = true;
  w.log.dir = "data/wal/events";
  w.log.fsync = FsyncPolicy::kAlways;
  w.log.segments = 3;
  w.log.total_bytes = 5000;
  w.log.max_total_bytes = 8192;
  w.log.first_seq = 4;
  w.log.last_seq = 20;
  w.log.durable_seq = 19;
  w.log.appends = 17;
  w.log.appended_bytes = 4000;
  w.log.fsyncs = 6;
  w.log.rejected_full = 2;
  w.log.rejected_no_space = 1;
  w.log.segments_deleted = 5;
  w.log.consumers = {{"main", 12}, {"archive", 20}};
  WalDamage d;
  d.kind = WalDamageKind::kBadPayloadChecksum;
  d.file = "00000000000000000004.seg";
  d.offset = 4096;
  d.bytes = 120;
  d.first_lost_seq = 9;
  d.last_lost_seq = 10;
  w.log.damage = {d};
  w.log.error = "wal x: fsync failed: Input/output error; the log accepts no more appends";
  w.replaying = true;
  w.replay_from_seq = 5;
  w.replay_to_seq = 18;
  w.replayed_records = 7;
  w.replayed_rows = 70;
  w.unreadable_records = 1;
  w.confirm_errors = 3;
  w.spilling = true;
  w.spills = 4;
  w.spilled_records = 40;
  return w;
}

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_SAMPLE_WAL_STATS_H_
