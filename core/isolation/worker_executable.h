// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Where sinkhost-sink-worker is, for every program that starts workers (the
// host and sinkhost-plugin-check): both live in bin/, and the worker in
// libexec/sinkhost, in the build tree and when installed alike.
//
// Thread safety: pure functions (read /proc/self/exe and the environment).
#ifndef SINKHOST_CORE_ISOLATION_WORKER_EXECUTABLE_H_
#define SINKHOST_CORE_ISOLATION_WORKER_EXECUTABLE_H_

#include <filesystem>
#include <string>

namespace sinkhost {

// The directory of the running executable (the working directory if unknown).
std::filesystem::path ExecutableDir();

// $SINKHOST_SINK_WORKER when set, else SINKHOST_WORKER_RELPATH (a compile
// definition, "../libexec/sinkhost/sinkhost-sink-worker") relative to
// ExecutableDir(), normalised.
std::string WorkerExecutable();

}  // namespace sinkhost

#endif  // SINKHOST_CORE_ISOLATION_WORKER_EXECUTABLE_H_
