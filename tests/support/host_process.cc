// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "tests/support/host_process.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QJsonDocument>
#include <QThread>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tests/support/test_env.h"

namespace sinkhost::testing {

HttpResult Http(int port, const std::string& method, const std::string& path,
                const std::string& body, const std::string& content_type,
                const std::map<std::string, std::string>& headers, int timeout_ms) {
  HttpResult result;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(static_cast<long>(timeout_ms) * 1000));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!content_type.empty()) req.setContentType(content_type);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT") req.setContentLength(body.size());
    std::ostream& out = session.sendRequest(req);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    std::ostringstream text;
    Poco::StreamCopier::copyStream(in, text);
    result.status = static_cast<int>(resp.getStatus());
    result.body = text.str();
    for (const auto& [k, v] : resp) {
      std::string lower = k;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result.headers[lower] = v;
    }
  } catch (const std::exception& e) {
    result.status = 0;
    result.body = e.what();
  }
  return result;
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::vector<std::string> SqliteColumn(const std::string& db, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3* conn = nullptr;
  if (sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(conn);
    return {"ERROR: cannot open " + db};
  }
  sqlite3_busy_timeout(conn, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(conn, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    out.push_back(std::string("ERROR: ") + sqlite3_errmsg(conn));
    sqlite3_close(conn);
    return out;
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(stmt, 0);
    out.push_back(t ? std::string(reinterpret_cast<const char*>(t),
                                  static_cast<size_t>(sqlite3_column_bytes(stmt, 0)))
                    : "NULL");
  }
  sqlite3_finalize(stmt);
  sqlite3_close(conn);
  return out;
}

std::string SqliteScalar(const std::string& db, const std::string& sql) {
  auto col = SqliteColumn(db, sql);
  return col.empty() ? "NO ROWS" : col[0];
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

QJsonObject JsonObject(const std::string& text) {
  return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

QJsonObject HostProcess::SinkStats(const std::string& stream, const std::string& sink) {
  const HttpResult r = Admin("GET", "/api/stats");
  if (r.status != 200) qFatal("GET /api/stats: %d %s", r.status, r.body.c_str());
  return JsonObject(r.body)["streams"]
      .toObject()[QString::fromStdString(stream)]
      .toObject()["sinks"]
      .toObject()[QString::fromStdString(sink)]
      .toObject();
}

std::multiset<int64_t> SqliteIds(const std::string& db, const std::string& sql) {
  std::multiset<int64_t> ids;
  for (const std::string& v : SqliteColumn(db, sql)) {
    if (v.rfind("ERROR", 0) == 0) {
      qWarning("%s", v.c_str());
      continue;
    }
    ids.insert(std::stoll(v));
  }
  return ids;
}

HostProcess::HostProcess() : dir_(tmp_.path().toStdString()) {}

HostProcess::~HostProcess() { Kill(); }

std::string HostProcess::WriteConfig(const std::string& config_template) {
  ingest_port_ = FreePort();
  admin_port_ = FreePort();
  while (admin_port_ == ingest_port_) admin_port_ = FreePort();
  std::string text = config_template;
  auto replace_all = [&](const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  };
  replace_all("{ingest}", "127.0.0.1:" + std::to_string(ingest_port_));
  replace_all("{admin}", "127.0.0.1:" + std::to_string(admin_port_));
  replace_all("{dir}", dir_);
  replace_all("{plugins}", PluginDir());
  const std::string path = dir_ + "/sinkhost.yaml";
  std::ofstream(path) << text;
  return path;
}

bool HostProcess::Start(const std::string& config_template, int startup_timeout_ms) {
  config_path_ = WriteConfig(config_template);
  return Launch(startup_timeout_ms);
}

bool HostProcess::Restart(int startup_timeout_ms) {
  if (config_path_.empty() || (process_ && process_->state() != QProcess::NotRunning))
    return false;
  output();  // keep what the previous run printed
  return Launch(startup_timeout_ms);
}

void HostProcess::AddArguments(const std::vector<std::string>& args) {
  extra_args_.insert(extra_args_.end(), args.begin(), args.end());
}

void HostProcess::SetEnvironment(const std::string& name, const std::string& value) {
  extra_env_[name] = value;
}

void HostProcess::SetStderrFile(const std::string& path) { stderr_file_ = path; }

void HostProcess::StartProcess(const QStringList& args) {
  process_ = std::make_unique<QProcess>();
  if (stderr_file_.empty()) {
    process_->setProcessChannelMode(QProcess::MergedChannels);
  } else {
    process_->setProcessChannelMode(QProcess::SeparateChannels);
    process_->setStandardErrorFile(QString::fromStdString(stderr_file_), QIODevice::Append);
  }
  process_->setWorkingDirectory(QString::fromStdString(dir_));
  if (!extra_env_.empty()) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto& [k, v] : extra_env_)
      env.insert(QString::fromStdString(k), QString::fromStdString(v));
    process_->setProcessEnvironment(env);
  }
  QStringList all = args;
  for (const auto& a : extra_args_) all << QString::fromStdString(a);
  process_->start(QString::fromStdString(BuildDir() + "/bin/sinkhost"), all);
}

bool HostProcess::Spawn(const std::string& config_template) {
  config_path_ = WriteConfig(config_template);
  StartProcess({"--config", QString::fromStdString(config_path_)});
  return process_->waitForStarted(5000);
}

void HostProcess::Signal(int sig) {
  if (process_ && process_->state() != QProcess::NotRunning)
    ::kill(static_cast<pid_t>(process_->processId()), sig);
}

void HostProcess::ReportHang(int timeout_ms) {
  // A test's own message shows the start of the output; a hang is told by
  // its end and by where each thread waits.
  const std::string out = output();
  qWarning("sinkhost (pid %lld) did not exit within %d ms; the end of its output:\n%s",
           static_cast<long long>(pid()), timeout_ms,
           out.substr(out.size() > 4000 ? out.size() - 4000 : 0).c_str());
  QProcess gdb;
  gdb.start("gdb", {"-p", QString::number(pid()), "-batch", "-ex", "thread apply all bt"});
  if (!gdb.waitForStarted(5000)) {
    qWarning("(no gdb to show its threads' stacks)");
    return;
  }
  gdb.waitForFinished(60000);
  qWarning("its threads:\n%s", gdb.readAllStandardOutput().toStdString().c_str());
}

int HostProcess::WaitForExit(int timeout_ms) {
  if (!process_) return -1;
  // waitForFinished is false for a process that has exited already.
  if (process_->state() != QProcess::NotRunning && !process_->waitForFinished(timeout_ms)) {
    ReportHang(timeout_ms);
    Kill();
    return -1;
  }
  output();
  return process_->exitStatus() == QProcess::NormalExit ? process_->exitCode() : -1;
}

bool HostProcess::Launch(int startup_timeout_ms) {
  StartProcess({"--config", QString::fromStdString(config_path_)});
  if (!process_->waitForStarted(5000)) return false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(startup_timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_->state() != QProcess::Running) {
      output();
      return false;
    }
    if (Http(admin_port_, "GET", "/healthz", "", "", {}, 1000).status == 200 &&
        Http(ingest_port_, "OPTIONS", "/api/event", "", "", {}, 1000).status != 0)
      return true;
    QThread::msleep(25);
  }
  return false;
}

int HostProcess::RunToExit(const std::string& config_template,
                           const std::vector<std::string>& extra_args, int timeout_ms) {
  const std::string config = WriteConfig(config_template);
  QStringList args;
  for (const auto& a : extra_args) args << QString::fromStdString(a);
  args << "--config" << QString::fromStdString(config);
  StartProcess(args);
  return WaitForExit(timeout_ms);
}

int HostProcess::Terminate(int timeout_ms) {
  if (!process_ || process_->state() == QProcess::NotRunning) return -1;
  Signal(SIGTERM);
  return WaitForExit(timeout_ms);
}

void HostProcess::Kill() {
  if (process_ && process_->state() != QProcess::NotRunning) {
    process_->kill();
    process_->waitForFinished(5000);
  }
}

int64_t HostProcess::pid() const {
  return process_ != nullptr ? static_cast<int64_t>(process_->processId()) : 0;
}

std::string HostProcess::output() {
  if (process_) output_ += process_->readAll().toStdString();
  return output_;
}

}  // namespace sinkhost::testing
