// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "tests/support/clickhouse_server.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QProcess>
#include <QStringList>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/support/host_process.h"  // Http, FreePort, ReadFile

namespace sinkhost::testing {

namespace {

constexpr int kStartTimeoutMs = 30000;
constexpr int kStopTimeoutMs = 30000;

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

std::string ClickHouseServer::ServerBinary() {
  for (const char* path : {"/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server",
                           "/usr/local/bin/clickhouse-server"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "";
}

ClickHouseServer::ClickHouseServer() {
  dir_ = tmp_.path().toStdString();
  binary_ = ServerBinary();
}

ClickHouseServer::~ClickHouseServer() {
  if (running_ && !Stop() && process_ != nullptr) {
    process_->kill();
    process_->waitForFinished(5000);
  }
}

std::string ClickHouseServer::HttpUrl() const {
  return "http://127.0.0.1:" + std::to_string(http_port_);
}

std::string ClickHouseServer::Logs() const {
  std::string out;
  for (const char* name : {"log/server.log", "log/error.log", "console.log"}) {
    const std::string path = dir_ + "/" + name;
    std::string text = ReadFile(path);
    // The tail is where the reason is.
    if (text.size() > 8000) text = "..." + text.substr(text.size() - 8000);
    out += "--- " + path + " ---\n" + text + "\n";
  }
  return out;
}

bool ClickHouseServer::WriteConfig() {
  const std::string config = R"(<?xml version="1.0"?>
<yandex>
  <logger>
    <level>information</level>
    <log>)" + dir_ + R"(/log/server.log</log>
    <errorlog>)" + dir_ + R"(/log/error.log</errorlog>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>)" + std::to_string(http_port_) +
                             R"(</http_port>
  <tcp_port>)" + std::to_string(tcp_port_) +
                             R"(</tcp_port>
  <keep_alive_timeout>)" + std::to_string(kKeepAliveTimeoutSeconds) +
                             R"(</keep_alive_timeout>
  <path>)" + dir_ + R"(/data/</path>
  <tmp_path>)" + dir_ + R"(/tmp/</tmp_path>
  <user_files_path>)" + dir_ +
                             R"(/user_files/</user_files_path>
  <format_schema_path>)" + dir_ +
                             R"(/format_schemas/</format_schema_path>
  <users_config>)" + dir_ + R"(/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
</yandex>
)";
  const std::string users = R"(<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
)";
  return WriteFile(dir_ + "/config.xml", config) && WriteFile(dir_ + "/users.xml", users);
}

bool ClickHouseServer::Prepare() {
  namespace fs = std::filesystem;
  if (!tmp_.isValid()) {
    error_ = "cannot create a temporary folder: " + tmp_.errorString().toStdString();
    return false;
  }
  if (binary_.empty()) {
    error_ =
        "no clickhouse-server binary in /usr/bin, /usr/sbin or /usr/local/bin; install the "
        "clickhouse-server package";
    return false;
  }
  std::error_code ec;
  for (const char* sub : {"data", "tmp", "user_files", "format_schemas", "log"}) {
    if (!fs::create_directories(dir_ + "/" + sub, ec) && ec) {
      error_ = "cannot create " + dir_ + "/" + sub + ": " + ec.message();
      return false;
    }
  }
  // mktemp-style folders are mode 700; the server user must enter them.
  ::chmod(dir_.c_str(), 0755);
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("clickhouse");
    if (pw == nullptr) {
      error_ = "running as root, but there is no 'clickhouse' user to run the server as";
      return false;
    }
    if (::access("/usr/bin/setpriv", X_OK) != 0) {
      error_ = "running as root, but /usr/bin/setpriv (util-linux) is missing";
      return false;
    }
    // The server refuses (exit 78) folders that belong to someone else.
    std::vector<fs::path> paths = {dir_};
    for (const auto& entry : fs::recursive_directory_iterator(dir_, ec))
      paths.push_back(entry.path());
    for (const fs::path& p : paths) {
      if (::chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        error_ = "cannot chown " + p.string() + " to clickhouse";
        return false;
      }
    }
  }
  prepared_ = true;
  return true;
}

bool ClickHouseServer::Start() {
  if (running_) return true;
  if (!prepared_ && !Prepare()) return false;
  const bool first_start = http_port_ == 0;
  // The ports were free when probed, but someone may take them before the
  // server binds them; on the first start other ports can be tried.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (first_start) {
      http_port_ = FreePort();
      do tcp_port_ = FreePort();
      while (tcp_port_ == http_port_);
    }
    if (!WriteConfig()) {
      error_ = "cannot write the config into " + dir_;
      return false;
    }
    QStringList args;
    QString program;
    const QString config_arg = QString::fromStdString("--config-file=" + dir_ + "/config.xml");
    if (::geteuid() == 0) {
      program = "/usr/bin/setpriv";
      args << "--reuid=clickhouse"
           << "--regid=clickhouse"
           << "--init-groups" << QString::fromStdString(binary_) << config_arg;
    } else {
      program = QString::fromStdString(binary_);
      args << config_arg;
    }
    process_ = std::make_unique<QProcess>();
    process_->setWorkingDirectory(QString::fromStdString(dir_));
    process_->setStandardOutputFile(QString::fromStdString(dir_ + "/console.log"),
                                    QIODevice::Append);
    process_->setStandardErrorFile(QString::fromStdString(dir_ + "/console.log"),
                                   QIODevice::Append);
    process_->start(program, args);
    const std::string command = program.toStdString() + " " + args.join(' ').toStdString();
    if (!process_->waitForStarted(10000)) {
      error_ = "cannot run " + command + ": " + process_->errorString().toStdString();
      return false;
    }

    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      HttpResult ping = Http(http_port_, "GET", "/ping", "", "", {}, 1000);
      if (ping.status == 200 && ping.body == "Ok.\n") {
        running_ = true;
        error_.clear();
        return true;
      }
      if (process_->waitForFinished(50)) {
        exited = true;
        break;
      }
    }
    std::string reason;
    if (exited) {
      const int code = process_->exitStatus() == QProcess::NormalExit ? process_->exitCode() : -1;
      reason = "exited with code " + std::to_string(code);
      if (code == 78)
        reason += " (EX_CONFIG: its folders belong to another user than the one it runs as)";
    } else {
      reason = "did not answer GET /ping within " + std::to_string(kStartTimeoutMs) + " ms";
      process_->kill();
      process_->waitForFinished(5000);
    }
    const std::string logs = Logs();
    error_ = "clickhouse-server " + reason + ": " + command + "\n" + logs;
    if (!first_start || logs.find("Address already in use") == std::string::npos) break;
  }
  return false;
}

bool ClickHouseServer::Stop() {
  if (!running_) return true;
  process_->terminate();  // SIGTERM: the server shuts down cleanly
  if (!process_->waitForFinished(kStopTimeoutMs)) {
    error_ = "clickhouse-server did not exit within " + std::to_string(kStopTimeoutMs) +
             " ms of SIGTERM; killed\n" + Logs();
    process_->kill();
    process_->waitForFinished(5000);
    running_ = false;
    return false;
  }
  running_ = false;
  return true;
}

bool ClickHouseServer::Exec(const std::string& sql, std::string* output) const {
  HttpResult r = Http(http_port_, "POST", "/", sql, "text/plain; charset=UTF-8", {}, 120000);
  if (r.status == 200) {
    *output = r.body;
    return true;
  }
  *output = r.status == 0 ? "no answer from " + HttpUrl() + ": " + r.body
                          : "HTTP " + std::to_string(r.status) + ": " + Trimmed(r.body);
  return false;
}

std::string ClickHouseServer::Query(const std::string& sql) const {
  std::string out;
  if (!Exec(sql, &out)) return "ERROR: " + out;
  return Trimmed(out);
}

}  // namespace sinkhost::testing
