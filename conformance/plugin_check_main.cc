// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// sinkhost-plugin-check: runs the conformance suite against one sink
// plugin. See docs/conformance.md.
//
//   sinkhost-plugin-check --plugin ./csv.so --option path=/tmp/check.csv
//       --read-back 'python3 read_back.py "$SINKHOST_OPTION_PATH"'
//
// By default the suite runs twice, as the host can run a sink: in process
// (in a child of the kit, so that a crash there ends that run with the
// check named, not the kit), then in a sinkhost-sink-worker process, where
// a crash or hang fails the running check and the kit goes on.
//
// Exit codes: 0 every check passed, 1 a check failed, 2 bad arguments.
#include <CLI/CLI.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "conformance/read_back.h"
#include "conformance/suite.h"
#include "core/isolation/worker_executable.h"
#include "core/isolation/worker_exit.h"

namespace {

using sinkhost::check::Suite;
using sinkhost::check::SuiteOptions;

// "key=value" pairs into a map; a pair without '=' is a usage error.
std::string ParsePairs(const std::vector<std::string>& pairs, const char* flag,
                       std::map<std::string, std::string>* out) {
  for (const std::string& p : pairs) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      return std::string(flag) + " expects key=value, got '" + p + "'";
    (*out)[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return "";
}

int RunSuite(SuiteOptions options) {
  Suite suite(std::move(options), stdout);
  return suite.Run();
}

// The in-process run in a child process: the plugin's code runs in the
// kit's address space, so a crash there must cost only that run. The child
// reports each check as it begins; a child killed by a signal is reported
// as a failure of the check it was in.
int RunInChild(SuiteOptions options) {
  int progress[2];
  if (::pipe(progress) != 0) {
    std::perror("sinkhost-plugin-check: pipe");
    return 1;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("sinkhost-plugin-check: fork");
    return 1;
  }
  if (pid == 0) {
    ::close(progress[0]);
    options.progress_fd = progress[1];
    const int rc = RunSuite(std::move(options));
    std::fflush(stdout);
    ::_exit(rc);
  }
  ::close(progress[1]);
  std::string begun, chunk(512, '\0');
  for (;;) {
    const ssize_t n = ::read(progress[0], chunk.data(), chunk.size());
    if (n > 0) {
      begun.append(chunk.data(), static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(progress[0]);
  int wait_status = 0;
  while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  // The last complete line is the check the crash ended.
  if (!begun.empty() && begun.back() == '\n') begun.pop_back();
  const std::string check = begun.substr(begun.rfind('\n') + 1);
  const std::string how = sinkhost::worker::DescribeWaitStatus(wait_status);
  std::printf("FAIL  %-26s the plugin crashed the process (%s) during this check; the "
              "checks after it did not run in process (the run in a worker goes on past "
              "a crash)\n",
              check.empty() ? "load" : check.c_str(), how.c_str());
  std::printf("summary: FAILED (%s during %s)\n", how.c_str(),
              check.empty() ? "load" : check.c_str());
  std::fflush(stdout);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Checks that a sinkhost sink plugin keeps the sink ABI's contract and stores "
               "every value it is given exactly.",
               "sinkhost-plugin-check"};
  SuiteOptions options;
  std::vector<std::string> option_pairs, unreachable_pairs;
  std::string isolation = "both";
  app.add_option("--plugin", options.plugin_path, "The plugin's shared library (.so)")
      ->required();
  app.add_option("--option", option_pairs,
                 "A sink option as key=value, as it would appear in the config (repeatable)");
  app.add_option("--read-back", options.read_back,
                 "Shell command printing what the sink stored, as JSON objects; sees "
                 "$SINKHOST_OPTION_<KEY> and $SINKHOST_CHECK_STREAM");
  app.add_option("--unreachable", unreachable_pairs,
                 "An option override (key=value) that makes the backend unreachable, to check "
                 "that this is reported as retryable (repeatable)");
  app.add_option("--stream", options.stream, "Stream name the sink is opened for")
      ->capture_default_str();
  app.add_option("--check-timeout", options.check_timeout_seconds,
                 "Seconds any one check may take before the run fails (in a worker: any one "
                 "call, after which the worker is killed)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--isolation", isolation,
                 "Run the suite with the plugin in process, in a sinkhost-sink-worker "
                 "process, or both, one after the other")
      ->capture_default_str()
      ->check(CLI::IsMember({"both", "in_process", "process"}));
  app.add_option("--worker", options.worker_executable,
                 "The sinkhost-sink-worker to run the plugin in (default: the one installed "
                 "with this kit, or $SINKHOST_SINK_WORKER)");
  app.add_option("--memory-limit", options.worker_memory_limit,
                 "In a worker: the address space the plugin may use (e.g. 512MiB); past it, "
                 "the worker dies and the running check fails")
      ->transform(CLI::AsSizeValue(/*kb_is_1000=*/false));
  app.set_version_flag("--version", std::string("sinkhost-plugin-check ") + SINKHOST_VERSION);
  CLI11_PARSE(app, argc, argv);

  std::string error = ParsePairs(option_pairs, "--option", &options.options);
  if (error.empty()) error = ParsePairs(unreachable_pairs, "--unreachable", &options.unreachable);
  if (!error.empty()) {
    std::fprintf(stderr, "sinkhost-plugin-check: %s\n", error.c_str());
    return 2;
  }
  if (options.worker_executable.empty()) options.worker_executable = sinkhost::WorkerExecutable();
  sinkhost::check::ExportReadBackEnvironment(options.stream, options.options);
  int rc = 0;
  if (isolation != "process") {
    options.isolation = sinkhost::Isolation::kInProcess;
    rc |= RunInChild(options);
  }
  if (isolation != "in_process") {
    // Into the same destination: what the first run stored stays, and is
    // read back with the rest.
    options.after_earlier_run = isolation == "both";
    options.isolation = sinkhost::Isolation::kProcess;
    rc |= RunSuite(options);
  }
  return rc;
}
