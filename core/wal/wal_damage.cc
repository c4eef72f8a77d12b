// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/wal/wal_damage.h"

namespace sinkhost {

const char* WalDamageKindName(WalDamageKind kind) {
  switch (kind) {
    case WalDamageKind::kBadSegmentHeader: return "bad segment header";
    case WalDamageKind::kTruncatedHeader: return "truncated record header";
    case WalDamageKind::kTruncatedRecord: return "truncated record";
    case WalDamageKind::kZeroFilled: return "zero-filled tail";
    case WalDamageKind::kBadHeaderChecksum: return "bad record header checksum";
    case WalDamageKind::kBadPayloadChecksum: return "bad payload checksum";
    case WalDamageKind::kBadSequence: return "sequence number out of order";
    case WalDamageKind::kMissingRecords: return "missing records";
    case WalDamageKind::kBadConsumerFile: return "bad consumer position file";
  }
  return "unknown damage";
}

std::string WalDamage::ToString() const {
  std::string s = file + " at " + std::to_string(offset) + ": " + WalDamageKindName(kind);
  if (bytes > 0) s += ", " + std::to_string(bytes) + " bytes";
  if (lost_records() > 0)
    s += ", records " + std::to_string(first_lost_seq) + ".." + std::to_string(last_lost_seq) +
         " lost";
  if (repaired) s += " (repaired)";
  return s;
}

}  // namespace sinkhost
