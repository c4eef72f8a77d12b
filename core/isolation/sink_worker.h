// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The worker side of process isolation: sinkhost-sink-worker runs this
// loop. It loads one plugin exactly as the host does (PluginLibrary: the
// same descriptor and ABI checks), creates one sink instance in process
// here, and answers the host's requests (worker_protocol.h) one at a time
// until the host closes the socket (descriptor `fd`). Batches arrive
// encoded with the write-ahead log's RowBatchCodec in the host's batch area
// (batch_area.h, descriptor `batch_fd`) and are handed to the plugin as
// Arrow C Data arrays rebuilt from it.
//
// Limits the host asks for are applied here, to this process: the address
// space (RLIMIT_AS) before the plugin is loaded, and CPU time per call
// (RLIMIT_CPU, raised again after each call), which ends the process with
// SIGXCPU when a call runs past it.
//
// Thread safety: runs on the worker's main thread; nothing here is shared.
#ifndef SINKHOST_CORE_ISOLATION_SINK_WORKER_H_
#define SINKHOST_CORE_ISOLATION_SINK_WORKER_H_

namespace sinkhost::worker {

// Serves requests on `fd` until the host closes it; returns the process's
// exit code (0 after a clean end, 2 on a garbled frame).
int RunSinkWorker(int fd, int batch_fd);

}  // namespace sinkhost::worker

#endif  // SINKHOST_CORE_ISOLATION_SINK_WORKER_H_
