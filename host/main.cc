// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// sinkhost: the event-ingestion server.
//
//   sinkhost [--config FILE] [--log-level LEVEL] [--log-format text|json]
//                                                  run until SIGTERM/SIGINT
//   sinkhost --check-config [--config FILE]        validate, load plugins, exit
//   sinkhost --version
//   sinkhost wal inspect DIR                       report a write-ahead log
//   sinkhost wal verify DIR                        the same; exit 1 on damage
//
// Without --config the host reads SINKHOST_DEFAULT_CONFIG, set by the build
// (/etc/sinkhost/sinkhost.yaml when installed to /usr).
//
// Exit codes: 0 success (including a clean stop on a signal), 1 startup
// failure (plugin, sink, socket) or, for `wal verify`, damage found, 2
// command line or config error, 3 a sink's call (in process) still running
// at the end of shutdown_timeout, 128 + the signal (143 SIGTERM, 130
// SIGINT) when a second signal cuts the drain short.
#include <CLI/CLI.hpp>
#include <Poco/Logger.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "host/app/check_config.h"
#include "host/app/host.h"
#include "host/app/logging.h"
#include "host/app/open_files.h"
#include "host/app/service_notify.h"
#include "host/app/version.h"
#include "host/app/wal_tool.h"
#include "host/config/host_config.h"
#include "sinkhost/sink_abi.h"

#ifndef SINKHOST_DEFAULT_CONFIG
#error "SINKHOST_DEFAULT_CONFIG must be defined by the build (host/CMakeLists.txt)"
#endif

namespace {

constexpr int kExitStartup = 1;
constexpr int kExitUsage = 2;
// A sink's call in process had not returned by shutdown_timeout.
constexpr int kExitStuckSink = 3;

int Fail(int code, const std::string& message) {
  sinkhost::LogStartupError(message);
  return code;
}

const char* SignalName(int sig) {
  switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

// Waits for SIGTERM or SIGINT and returns it; a SIGHUP in between is
// logged and ignored (until reload exists, it must not kill the host as
// its default action would).
int WaitForStopSignal(const sigset_t& signals) {
  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != SIGHUP) return sig;
    Poco::Logger::get("sinkhost.main")
        .warning("received SIGHUP: reload is not supported yet; ignoring");
  }
}

// help2man reads the usage lines and the options list: one usage line per
// form, the way GNU programs print them.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App* app, std::string name) const override {
    if (app->get_parent() != nullptr) return CLI::Formatter::make_usage(app, name);
    return "Usage: " + name + " [OPTIONS]\n  or:  " + name + " wal inspect|verify DIR\n";
  }
};

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a client hanging up is an error value, not a crash

  // help2man takes the version from the first line.
  const std::string version = std::string("sinkhost ") + sinkhost::HostVersion() +
                              "\nsink ABI " + std::to_string(SINKHOST_ABI_VERSION_MAJOR) + "." +
                              std::to_string(SINKHOST_ABI_VERSION_MINOR);
  // Named, so that the usage lines say "sinkhost" whatever path ran it.
  CLI::App app{"sinkhost: accepts events over HTTP and delivers them in batches to sink plugins",
               "sinkhost"};
  app.formatter(std::make_shared<HelpFormatter>());
  std::string config_path;
  std::string log_level;
  std::string log_format;
  bool check_only = false;
  app.add_option("-c,--config", config_path,
                 "Configuration file (YAML); default: " SINKHOST_DEFAULT_CONFIG)
      ->option_text("FILE");
  app.add_option("--log-level", log_level,
                 "Override log.level: trace, debug, information, notice, warning, error, "
                 "critical, fatal, none")
      ->option_text("LEVEL");
  app.add_option("--log-format", log_format,
                 "Override log.format: text (the default) or json, one JSON object per line")
      ->option_text("FORMAT")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--check-config", check_only,
               "Validate the config, load every plugin and create every sink (without opening "
               "it), print a summary and exit");
  app.set_version_flag("--version", version, "Print the version and the sink ABI, and exit");
  app.footer(
      "Without --config, sinkhost reads " SINKHOST_DEFAULT_CONFIG
      ". SIGTERM or SIGINT drains every buffer into every sink and exits 0; a second one exits "
      "at once. SIGHUP is ignored. docs/configuration.md describes every key.");
  CLI::App* wal = app.add_subcommand(
      "wal", "Examine a write-ahead log without changing it: wal inspect DIR, wal verify DIR");
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

  // From here on, errors are written the way the logs are (a log shipper
  // reading JSON gets JSON); log.level and log.format follow once the
  // config is read.
  sinkhost::LogSetup log_setup;
  log_setup.journal = sinkhost::StderrIsJournal();
  if (!log_format.empty()) (void)sinkhost::ParseLogFormat(log_format, &log_setup.format);
  sinkhost::SetupLogging(log_setup);

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
  if (config_path.empty()) {
    config_path = SINKHOST_DEFAULT_CONFIG;
    std::error_code ec;
    if (!std::filesystem::exists(config_path, ec))
      return Fail(kExitUsage, "no --config given and the default " + config_path +
                                  " does not exist");
  }

  sinkhost::HostConfig config;
  if (sinkhost::Status st = sinkhost::LoadHostConfig(config_path, &config); !st.ok())
    return Fail(kExitUsage, st.message());
  if (!log_level.empty()) {
    if (sinkhost::Status st = sinkhost::NormalizeLogLevel(log_level, &config.log_level); !st.ok())
      return Fail(kExitUsage, "--log-level: " + st.message());
  }
  log_setup.level = config.log_level;
  if (log_format.empty()) (void)sinkhost::ParseLogFormat(config.log_format, &log_setup.format);
  sinkhost::SetupLogging(log_setup);
  Poco::Logger& log = Poco::Logger::get("sinkhost.main");

  if (check_only) {
    std::string summary;
    if (sinkhost::Status st = sinkhost::CheckConfig(config, &summary); !st.ok())
      return Fail(kExitStartup, st.message());
    std::fputs(summary.c_str(), stdout);
    return 0;
  }

  // Before any thread exists (Create starts the sinks' threads), so that
  // every thread inherits the mask and the signals reach only the sigwaits
  // below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Every connection is a file descriptor: the default soft limit (1024)
  // would cap the ingest listener far below ingest.max_connections.
  sinkhost::RaiseOpenFilesLimit();
  std::unique_ptr<sinkhost::Host> host;
  if (sinkhost::Status st = sinkhost::Host::Create(config, &host); !st.ok())
    return Fail(kExitStartup, st.message());
  host->Start();
  std::string listening =
      "ingest on " + sinkhost::ListenAddress{config.ingest.listen.host, host->ingest_port()}
                         .ToString();
  if (config.admin.enabled)
    listening += ", admin on " +
                 sinkhost::ListenAddress{config.admin.listen.host, host->admin_port()}.ToString();
  sinkhost::NotifyReady(listening);

  const int sig = WaitForStopSignal(signals);
  log.information(std::string("received ") + SignalName(sig) + ", shutting down");
  sinkhost::NotifyStopping("draining: flushing every stream to its sinks (up to " +
                           std::to_string(config.shutdown_timeout_ms) + " ms)");
  // A second stop signal means "now": exit without waiting for the sinks,
  // with the code a shell reports for death by that signal.
  // Set once main returns: a signal during exit() and the static
  // destructors must not log through loggers being destroyed.
  static std::atomic<bool> exiting{false};
  std::thread([signals] {
    const int again = WaitForStopSignal(signals);
    if (exiting) _exit(128 + again);
    Poco::Logger::get("sinkhost.main")
        .warning(std::string("received a second ") + SignalName(again) +
                 ": exiting without finishing the flush (the write-ahead log keeps what the "
                 "sinks had not confirmed)");
    _exit(128 + again);
  }).detach();

  host->Stop();
  if (host->stuck_at_stop()) {
    // A thread is still inside a plugin: destroying the host under it
    // would crash. The write-ahead log keeps what that sink lacked.
    Poco::Logger::get("sinkhost.main")
        .error("exiting with a sink's call still running in its plugin (see above)");
    std::fflush(nullptr);
    std::_Exit(kExitStuckSink);
  }
  host.reset();
  exiting = true;
  return 0;
}
