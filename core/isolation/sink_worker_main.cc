// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// sinkhost-sink-worker: runs one sink plugin for the host, which starts it
// with its end of a socket as file descriptor 3 (see sink_worker.h). Not
// meant to be started by hand.
//
//   sinkhost-sink-worker --fd 3 --batch-fd 4
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/isolation/sink_worker.h"

int main(int argc, char** argv) {
  if (argc != 5 || std::strcmp(argv[1], "--fd") != 0 || std::strcmp(argv[3], "--batch-fd") != 0) {
    std::fprintf(stderr,
                 "usage: sinkhost-sink-worker --fd N --batch-fd M\n"
                 "Runs a sink plugin for sinkhost, which starts it; not meant to be run by hand.\n");
    return 2;
  }
  // Dies with the host: a host killed outright must not leave its workers
  // behind (and the check covers a host that died before prctl ran).
  const pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) return 0;
  signal(SIGPIPE, SIG_IGN);
  return sinkhost::worker::RunSinkWorker(std::atoi(argv[2]), std::atoi(argv[4]));
}
