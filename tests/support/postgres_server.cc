// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "tests/support/postgres_server.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/host_process.h"  // FreePort

namespace sinkhost::testing {

namespace {

constexpr int kToolTimeoutMs = 120000;

QStringList ToQt(const std::vector<std::string>& args) {
  QStringList out;
  for (const std::string& a : args) out << QString::fromStdString(a);
  return out;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Runs `program` with `args` in `cwd`; returns the exit code, or -1 when it
// could not start, crashed or timed out. Output goes to *out (stdout and
// stderr merged) or, with `err`, stdout to *out and stderr to *err.
int Run(const std::string& program, const std::vector<std::string>& args, const std::string& cwd,
        std::string* out, std::string* err, int timeout_ms) {
  QProcess p;
  if (!cwd.empty()) p.setWorkingDirectory(QString::fromStdString(cwd));
  p.setProcessChannelMode(err != nullptr ? QProcess::SeparateChannels : QProcess::MergedChannels);
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  // A developer's PG* settings must not redirect the tools elsewhere.
  for (const QString& key : env.keys())
    if (key.startsWith("PG")) env.remove(key);
  env.insert("PGCONNECT_TIMEOUT", "10");
  p.setProcessEnvironment(env);
  p.start(QString::fromStdString(program), ToQt(args));
  if (!p.waitForStarted(10000)) {
    *out = "cannot run " + program + ": " + p.errorString().toStdString();
    return -1;
  }
  const bool finished = p.waitForFinished(timeout_ms);
  if (!finished) {
    p.kill();
    p.waitForFinished(5000);
  }
  *out = p.readAllStandardOutput().toStdString();
  if (err != nullptr) *err = p.readAllStandardError().toStdString();
  if (!finished) {
    *out += "\n(timed out after " + std::to_string(timeout_ms) + " ms)";
    return -1;
  }
  return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

std::string Join(const std::string& program, const std::vector<std::string>& args) {
  std::string s = program;
  for (const std::string& a : args) s += " " + a;
  return s;
}

}  // namespace

std::string PostgresServer::BinDir() {
  namespace fs = std::filesystem;
  // Debian keeps each major version's server tools apart; take the newest.
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const fs::path bin = entry.path() / "bin";
    if (!fs::exists(bin / "initdb", ec) || !fs::exists(bin / "pg_ctl", ec)) continue;
    const int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version) {
      best_version = version;
      best = bin.string();
    }
  }
  if (!best.empty()) return best;
  std::string out;
  if (Run("pg_config", {"--bindir"}, "", &out, nullptr, 10000) == 0) {
    out = Trimmed(out);
    if (fs::exists(fs::path(out) / "initdb", ec)) return out;
  }
  return "";
}

PostgresServer::PostgresServer() {
  dir_ = tmp_.path().toStdString();
  data_dir_ = dir_ + "/data";
  log_path_ = dir_ + "/server.log";
  bin_dir_ = BinDir();
}

PostgresServer::~PostgresServer() {
  if (!running_) return;
  if (!Stop()) {
    std::string out;
    RunServerTool("pg_ctl", {"-D", data_dir_, "-m", "immediate", "-w", "stop"}, &out, 30000);
  }
}

int PostgresServer::RunServerTool(const std::string& tool, const std::vector<std::string>& args,
                                  std::string* output, int timeout_ms) const {
  const std::string path = bin_dir_ + "/" + tool;
  if (::geteuid() != 0) return Run(path, args, dir_, output, nullptr, timeout_ms);
  std::vector<std::string> full = {"-u", "postgres", "--", path};
  full.insert(full.end(), args.begin(), args.end());
  std::string runuser = "/usr/sbin/runuser";
  if (::access(runuser.c_str(), X_OK) != 0) runuser = "/sbin/runuser";
  return Run(runuser, full, dir_, output, nullptr, timeout_ms);
}

std::string PostgresServer::Log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool PostgresServer::InitDb() {
  if (!tmp_.isValid()) {
    error_ = "cannot create a temporary folder: " + tmp_.errorString().toStdString();
    return false;
  }
  if (bin_dir_.empty()) {
    error_ = "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or "
             "pg_config --bindir; install the postgresql package";
    return false;
  }
  // mktemp-style folders are mode 700; the server user must enter and own it.
  ::chmod(dir_.c_str(), 0755);
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      error_ = "running as root, but there is no 'postgres' user to run the server as";
      return false;
    }
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      error_ = "cannot chown " + dir_ + " to postgres";
      return false;
    }
  }
  std::string out;
  const std::vector<std::string> args = {"-D", data_dir_, "-U", "postgres", "--auth=trust",
                                         "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"};
  const int rc = RunServerTool("initdb", args, &out, kToolTimeoutMs);
  if (rc != 0) {
    error_ = "initdb failed (exit " + std::to_string(rc) + "): " + Join("initdb", args) + "\n" +
             out;
    return false;
  }
  initialized_ = true;
  return true;
}

bool PostgresServer::Start() {
  if (running_) return true;
  if (!initialized_ && !InitDb()) return false;
  const bool first_start = port_ == 0;
  // The port was free when probed, but someone may take it before the
  // server binds it; on the first start another port can be tried.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (first_start) port_ = FreePort();
    const std::string settings = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                                 " -c unix_socket_directories='" + dir_ + "' -c fsync=off";
    const std::vector<std::string> args = {"-D", data_dir_, "-l", log_path_, "-w", "-t", "60",
                                           "-o", settings, "start"};
    std::string out;
    const int rc = RunServerTool("pg_ctl", args, &out, kToolTimeoutMs);
    if (rc == 0) {
      running_ = true;
      error_.clear();
      return true;
    }
    const std::string log = Log();
    error_ = "pg_ctl start failed (exit " + std::to_string(rc) + "): " + Join("pg_ctl", args) +
             "\n" + out + "\nserver log " + log_path_ + ":\n" + log;
    if (!first_start || log.find("could not bind") == std::string::npos) break;
  }
  return false;
}

bool PostgresServer::Stop() {
  if (!running_) return true;
  std::string out;
  const std::vector<std::string> args = {"-D", data_dir_, "-m", "fast", "-w", "-t", "60", "stop"};
  const int rc = RunServerTool("pg_ctl", args, &out, kToolTimeoutMs);
  if (rc != 0) {
    error_ = "pg_ctl stop failed (exit " + std::to_string(rc) + "): " + Join("pg_ctl", args) +
             "\n" + out + "\nserver log:\n" + Log();
    return false;
  }
  running_ = false;
  return true;
}

std::string PostgresServer::ConnectionString(const std::string& dbname) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + dbname;
}

bool PostgresServer::Psql(const std::string& sql, std::string* output,
                          const std::string& dbname) const {
  std::string err;
  const std::vector<std::string> args = {"-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                                         "-h", "127.0.0.1", "-p", std::to_string(port_),
                                         "-U", "postgres", "-d", dbname, "-c", sql};
  const int rc = Run(bin_dir_ + "/psql", args, "", output, &err, kToolTimeoutMs);
  if (rc != 0) {
    *output = Trimmed(err.empty() ? *output : err);
    return false;
  }
  return true;
}

std::string PostgresServer::Query(const std::string& sql, const std::string& dbname) const {
  std::string out;
  if (!Psql(sql, &out, dbname)) return "ERROR: " + out;
  return Trimmed(out);
}

}  // namespace sinkhost::testing
