// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// `sinkhost wal inspect DIR` and `sinkhost wal verify DIR`: a read-only
// report of write-ahead logs for operators. DIR is one stream's log
// (<data_dir>/wal/<stream>), or a directory holding such logs (<data_dir>/wal
// or <data_dir> itself), in which case every log found is reported.
//
// The report lists each log's segments (bytes, intact records, first and
// last seq), each consumer's (sink's) confirmed position and pending
// records, and every damaged region with the records known lost. It takes
// no lock and changes nothing, so it may run beside a host; the record a
// running host is writing at that moment may then show as a torn tail.
//
// Thread safety: free functions without shared state.
#ifndef SINKHOST_HOST_APP_WAL_TOOL_H_
#define SINKHOST_HOST_APP_WAL_TOOL_H_

#include <string>

namespace sinkhost {

enum class WalToolCommand { kInspect, kVerify };

// Exit codes: 0 readable (inspect) or intact (verify); 1 damage found by
// verify, or no log could be read. The report goes to *out, errors to *err.
int RunWalTool(WalToolCommand command, const std::string& dir, std::string* out,
               std::string* err);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_APP_WAL_TOOL_H_
