// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// InspectWal and VerifyWal: a full, read-only examination of a log
// directory, for `sinkhost wal inspect DIR` and `sinkhost wal verify DIR`.
// They read every segment and consumer file, change nothing and take no
// lock: on a log that a running host appends to, the newest record may show
// as a torn tail.
//
// Thread safety: free functions without shared state.
#ifndef SINKHOST_CORE_WAL_WAL_INSPECT_H_
#define SINKHOST_CORE_WAL_WAL_INSPECT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/wal/wal_damage.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

struct WalSegmentInfo {
  std::string file;
  uint64_t first_seq = 0;  // from the file name
  uint64_t bytes = 0;
  bool header_ok = false;
  uint64_t records = 0;           // intact records
  uint64_t first_record_seq = 0;  // 0: no intact record
  uint64_t last_record_seq = 0;
  uint64_t damaged_regions = 0;   // entries in WalReport::damage for this file
};

struct WalConsumerInfo {
  std::string name;
  bool ok = false;             // the position file checks out
  uint64_t confirmed_seq = 0;  // meaningful when ok
  uint64_t pending_records = 0;  // intact records after confirmed_seq
};

struct WalReport {
  std::string dir;
  std::vector<WalSegmentInfo> segments;  // ascending
  std::vector<WalConsumerInfo> consumers;
  std::vector<WalDamage> damage;  // in file order, consumer files last
  uint64_t bytes = 0;             // all segment files
  uint64_t records = 0;           // intact records
  uint64_t first_seq = 0;         // first intact record (0: none)
  uint64_t last_seq = 0;          // last intact record
  uint64_t lost_records = 0;      // known lost, summed over damage

  bool intact() const { return damage.empty(); }
};

// Fills *report. Fails only when the directory cannot be read; damage is
// reported in *report, not as an error.
Status InspectWal(const std::string& dir, WalReport* report);

// InspectWal, then an IoError naming the damage ("wal DIR: 2 damaged
// regions, 5 records lost: FIRST-DAMAGE") when there is any.
Status VerifyWal(const std::string& dir, WalReport* report);

}  // namespace sinkhost

#endif  // SINKHOST_CORE_WAL_WAL_INSPECT_H_
