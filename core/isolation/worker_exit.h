// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// How a sink worker ends, in the words the host's stats and logs use:
// the exit codes the worker itself chooses, and a waitpid() status named
// ("SIGSEGV", "exit 3", "memory").
//
// Thread safety: constants and a pure function.
#ifndef SINKHOST_CORE_ISOLATION_WORKER_EXIT_H_
#define SINKHOST_CORE_ISOLATION_WORKER_EXIT_H_

#include <string>

namespace sinkhost::worker {

// The host sent something the worker cannot read (never, between builds
// of the same version).
constexpr int kExitBadRequest = 2;
// An allocation failed: the plugin went past memory_limit.
constexpr int kExitOutOfMemory = 101;

// "SIGSEGV", "SIGABRT", "SIGKILL" for a signal ("cpu" for SIGXCPU: a call
// past its CPU time), "memory" for kExitOutOfMemory, else "exit N".
std::string DescribeWaitStatus(int wait_status);

}  // namespace sinkhost::worker

#endif  // SINKHOST_CORE_ISOLATION_WORKER_EXIT_H_
