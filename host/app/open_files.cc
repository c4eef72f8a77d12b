// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/open_files.h"

#include <sys/resource.h>

#include <algorithm>

namespace sinkhost {

namespace {

// Descriptors kept for everything but client connections: log segments,
// plugins and their database connections, the admin listener's clients.
constexpr size_t kReserved = 512;

size_t SoftLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return SIZE_MAX;
  return static_cast<size_t>(rl.rlim_cur);
}

}  // namespace

size_t RaiseOpenFilesLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  return SoftLimit();
}

size_t ConnectionsWithinOpenFilesLimit(size_t wanted, std::string* warning) {
  const size_t limit = SoftLimit();
  if (limit == SIZE_MAX || wanted + kReserved <= limit) return wanted;
  const size_t fits = limit > 2 * kReserved ? limit - kReserved : limit / 2;
  *warning = "ingest.max_connections is " + std::to_string(wanted) +
             ", but the open-files limit (ulimit -n, LimitNOFILE=) is " + std::to_string(limit) +
             ": serving at most " + std::to_string(fits) + " connections";
  return std::min(wanted, fits);
}

}  // namespace sinkhost
