// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The conformance suite: a fixed sequence of checks run against one sink
// plugin, each printed as one line ("PASS name  detail"), then a summary.
// The checks and their order are documented in docs/conformance.md; their
// names are stable so that scripts and tests can look for them.
//
// Later checks build on earlier ones (nothing can be written if create
// failed); a check that cannot run because an earlier one failed is shown
// as SKIP with the reason, and the run still fails.
//
// Thread safety: a Suite runs on one thread; a watchdog thread ends the
// process if a single check hangs.
#ifndef SINKHOST_CONFORMANCE_SUITE_H_
#define SINKHOST_CONFORMANCE_SUITE_H_

#include <cstdio>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "conformance/check_rows.h"
#include "conformance/checked_sink.h"
#include "conformance/watchdog.h"
#include "core/plugin/plugin_library.h"

namespace sinkhost::check {

struct SuiteOptions {
  std::string plugin_path;
  std::map<std::string, std::string> options;       // as a config would give them
  std::string read_back;                            // command; empty: no read-back
  std::map<std::string, std::string> unreachable;   // overrides that make the backend unreachable
  std::string stream = "plugin_check";
  int check_timeout_seconds = 300;
  // Where the plugin's calls run: in this process through its C table, or
  // in a sinkhost-sink-worker (`worker_executable`) as with `isolation:
  // process`, each call then limited to check_timeout_seconds.
  Isolation isolation = Isolation::kInProcess;
  std::string worker_executable;
  uint64_t worker_memory_limit = 0;  // bytes; 0: none
  // When >= 0, each check's name and a newline are written here as it
  // begins, so that a parent process can name the check a crash ended.
  int progress_fd = -1;
  // The destination may hold what an earlier run of the kit stored (the
  // in-process run before the one in a worker): those rows are read back
  // at the start and kept as they are, and this run's ids follow theirs.
  bool after_earlier_run = false;
};

class Suite {
 public:
  Suite(SuiteOptions options, FILE* out);
  // Runs every check; returns the process exit code: 0 when nothing
  // failed, 1 otherwise.
  int Run();

 private:
  enum class Outcome { kPass, kFail, kSkip };
  // Starts the named check's time limit; Report ends it.
  void Begin(const char* name);
  void Report(Outcome outcome, const std::string& detail);
  // Reports every check from `first` on as skipped for `reason`.
  void SkipRest(const std::vector<const char*>& names, const std::string& reason);

  bool CheckLoad();
  void CheckDescriptor();
  void CheckUnknownOption();
  void CheckRequiredOptions();
  void CheckBadOptionValues();
  bool CheckCreateAndOpen();
  void CheckEmptyDestination();
  // Writes `batches` (each a set of rows), flushes, reads back everything
  // written so far and compares.
  void CheckWrites(const char* name, const std::vector<std::vector<CheckRow>>& batches);
  // TRANSACTIONAL sinks: a batch re-sent whole, and re-sent cut
  // differently (overlapping), stores no row twice.
  void CheckLedger();
  void CheckFlush();
  void CheckReopen();
  void CheckForeignBatch();
  void CheckUnreachable();
  void CheckClose();

  // Reads back and compares with every row written so far; "" when equal.
  std::string VerifyStored();
  // Creates a throwaway instance with `options`; describes its create result.
  CallResult TryCreate(const std::map<std::string, std::string>& options);
  // A new, not yet created instance of the plugin, run as options_.isolation says.
  std::unique_ptr<CheckedSink> NewSink() const;
  bool in_worker() const { return options_.isolation == Isolation::kProcess; }
  int64_t next_id() const { return written_.empty() ? 1 : written_.rbegin()->first + 1; }

  SuiteOptions options_;
  FILE* out_;
  std::shared_ptr<PluginLibrary> library_;
  std::unique_ptr<CheckedSink> sink_;
  std::map<int64_t, CheckRow> written_;  // every row the sink accepted, by id
  std::set<int64_t> reported_;           // ids already found wrong by a check
  Watchdog watchdog_;
  std::string current_check_;
  int passed_ = 0, failed_ = 0, skipped_ = 0;
  int unverified_ = 0;                  // passed writes not read back
  int64_t errors_without_message_ = 0;  // from instances already destroyed
};

}  // namespace sinkhost::check

#endif  // SINKHOST_CONFORMANCE_SUITE_H_
