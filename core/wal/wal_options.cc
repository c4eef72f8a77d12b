// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/wal/wal_options.h"

namespace sinkhost {

const char* FsyncPolicyName(FsyncPolicy policy) {
  switch (policy) {
    case FsyncPolicy::kAlways: return "always";
    case FsyncPolicy::kInterval: return "interval";
    case FsyncPolicy::kNever: return "never";
  }
  return "unknown";
}

bool ParseFsyncPolicy(std::string_view text, FsyncPolicy* out) {
  for (FsyncPolicy p : {FsyncPolicy::kAlways, FsyncPolicy::kInterval, FsyncPolicy::kNever}) {
    if (text == FsyncPolicyName(p)) {
      *out = p;
      return true;
    }
  }
  return false;
}

}  // namespace sinkhost
