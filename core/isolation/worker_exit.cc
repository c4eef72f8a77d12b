// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/isolation/worker_exit.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

namespace sinkhost::worker {

std::string DescribeWaitStatus(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    if (sig == SIGXCPU) return "cpu";
    const char* abbrev = sigabbrev_np(sig);
    return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
  }
  if (WIFEXITED(wait_status)) {
    const int code = WEXITSTATUS(wait_status);
    if (code == kExitOutOfMemory) return "memory";
    return "exit " + std::to_string(code);
  }
  return "unknown";
}

}  // namespace sinkhost::worker
