// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// sinkhost: the event-ingestion server.
//
//   sinkhost --config FILE [--log-level LEVEL]    run until SIGTERM/SIGINT
//   sinkhost --check-config --config FILE         validate, load plugins, exit
//   sinkhost --version
//   sinkhost wal inspect DIR                       report a write-ahead log
//   sinkhost wal verify DIR                        the same; exit 1 on damage
//
// Exit codes: 0 success (including a clean stop on a signal), 1 startup
// failure (plugin, sink, socket) or, for `wal verify`, damage found, 2
// command line or config error.
#include <CLI/CLI.hpp>
#include <Poco/Logger.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "host/app/check_config.h"
#include "host/app/host.h"
#include "host/app/logging.h"
#include "host/app/version.h"
#include "host/app/wal_tool.h"
#include "host/config/host_config.h"
#include "sinkhost/sink_abi.h"

namespace {

constexpr int kExitStartup = 1;
constexpr int kExitUsage = 2;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "sinkhost: error: %s\n", message.c_str());
  return code;
}

const char* SignalName(int sig) {
  switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    default: return "a signal";
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists, so that every thread inherits the mask and
  // the signals reach only the sigwait below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client hanging up is an error value, not a crash

  const std::string version = std::string("sinkhost ") + sinkhost::HostVersion() +
                              " (sink ABI " + std::to_string(SINKHOST_ABI_VERSION_MAJOR) + "." +
                              std::to_string(SINKHOST_ABI_VERSION_MINOR) + ")";
  CLI::App app{"sinkhost: accepts events over HTTP and delivers them in batches to sink plugins"};
  std::string config_path;
  std::string log_level;
  bool check_only = false;
  app.add_option("-c,--config", config_path, "Configuration file (YAML)");
  app.add_option("--log-level", log_level,
                 "Override log.level: trace, debug, information, notice, warning, error, "
                 "critical, fatal, none");
  app.add_flag("--check-config", check_only,
               "Validate the config, load every plugin and create every sink (without opening "
               "it), print a summary and exit");
  app.set_version_flag("--version", version);
  CLI::App* wal = app.add_subcommand("wal", "Examine a write-ahead log without changing it");
  wal->require_subcommand(1);
  std::string wal_dir;
  const char* dir_help = "A stream's log (<data_dir>/wal/<stream>), or a directory of logs";
  CLI::App* inspect = wal->add_subcommand(
      "inspect", "Print segments, record counts, first/last seq, sink positions and damage");
  inspect->add_option("DIR", wal_dir, dir_help)->required();
  CLI::App* verify = wal->add_subcommand(
      "verify", "Like inspect, then exit 1 when any log is damaged");
  verify->add_option("DIR", wal_dir, dir_help)->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (wal->parsed()) {
    std::string out, err;
    const int code = sinkhost::RunWalTool(
        verify->parsed() ? sinkhost::WalToolCommand::kVerify : sinkhost::WalToolCommand::kInspect,
        wal_dir, &out, &err);
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
    for (size_t at = 0, end; at < err.size(); at = end + 1) {
      end = err.find('\n', at);
      if (end == std::string::npos) end = err.size();
      Fail(code, err.substr(at, end - at));
    }
    return code;
  }
  if (config_path.empty()) return Fail(kExitUsage, "--config FILE is required (see --help)");

  sinkhost::HostConfig config;
  if (sinkhost::Status st = sinkhost::LoadHostConfig(config_path, &config); !st.ok())
    return Fail(kExitUsage, st.message());
  if (!log_level.empty()) {
    if (sinkhost::Status st = sinkhost::NormalizeLogLevel(log_level, &config.log_level); !st.ok())
      return Fail(kExitUsage, "--log-level: " + st.message());
  }
  sinkhost::SetupLogging(config.log_level);
  Poco::Logger& log = Poco::Logger::get("sinkhost.main");

  if (check_only) {
    std::string summary;
    if (sinkhost::Status st = sinkhost::CheckConfig(config, &summary); !st.ok())
      return Fail(kExitStartup, st.message());
    std::fputs(summary.c_str(), stdout);
    return 0;
  }

  std::unique_ptr<sinkhost::Host> host;
  if (sinkhost::Status st = sinkhost::Host::Create(config, &host); !st.ok())
    return Fail(kExitStartup, st.message());
  host->Start();

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log.information(std::string("received ") + SignalName(sig) + ", shutting down");
  // A second signal means "now": exit without waiting for the sinks.
  std::thread([stop_signals]() mutable {
    int again = 0;
    sigwait(&stop_signals, &again);
    std::fprintf(stderr, "sinkhost: second %s: exiting without finishing the flush\n",
                 SignalName(again));
    _exit(130);
  }).detach();

  host->Stop();
  host.reset();
  return 0;
}
