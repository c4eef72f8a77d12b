// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The process's open-files limit, which bounds how many connections the
// listeners can hold: each is a file descriptor.
//
// Thread safety: call from the controlling thread at startup.
#ifndef SINKHOST_HOST_APP_OPEN_FILES_H_
#define SINKHOST_HOST_APP_OPEN_FILES_H_

#include <cstddef>
#include <string>

namespace sinkhost {

// Raises the soft RLIMIT_NOFILE to the hard one (the default soft limit,
// 1024, would cap a server at about a thousand connections). Returns the
// soft limit in effect afterwards.
size_t RaiseOpenFilesLimit();

// How many connections fit under the soft limit next to what else the
// host keeps open (logs, plugins, databases): `wanted`, or fewer with
// *warning saying why.
size_t ConnectionsWithinOpenFilesLimit(size_t wanted, std::string* warning);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_OPEN_FILES_H_
