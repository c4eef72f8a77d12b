// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HostProcess: runs the real `sinkhost` binary for end-to-end tests. It
// writes a config into a temporary folder (with free loopback ports filled
// in), starts the process, waits for /healthz, and offers plain HTTP calls
// and SQLite look-ups against what the host wrote.
//
// Thread safety: one test thread at a time.
#ifndef SINKHOST_TESTS_SUPPORT_HOST_PROCESS_H_
#define SINKHOST_TESTS_SUPPORT_HOST_PROCESS_H_

#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace sinkhost::testing {

struct HttpResult {
  int status = 0;  // 0: no answer (connection refused, timeout)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// An HTTP/1.1 request to 127.0.0.1:port.
HttpResult Http(int port, const std::string& method, const std::string& path,
                const std::string& body = "", const std::string& content_type = "",
                const std::map<std::string, std::string>& headers = {}, int timeout_ms = 30000);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// Runs `sql` against the SQLite file and returns the first column of every
// row as text ("NULL" for null).
std::vector<std::string> SqliteColumn(const std::string& db, const std::string& sql);
std::string SqliteScalar(const std::string& db, const std::string& sql);
// The first column of `sql`'s rows as integers, repeats kept (so tests can
// count duplicates); an error is printed with qWarning and yields no ids.
std::multiset<int64_t> SqliteIds(const std::string& db, const std::string& sql);
// The whole file ("" when it cannot be read).
std::string ReadFile(const std::string& path);
// `text` as a JSON object (empty when it is not one).
QJsonObject JsonObject(const std::string& text);

class HostProcess {
 public:
  HostProcess();
  ~HostProcess();  // kills the process if still running

  // The config text may use {ingest}, {admin} (host:port to listen on),
  // {dir} (the temporary folder) and {plugins} (the build's plugin dir).
  // Returns false (and keeps the output) when the host did not come up.
  bool Start(const std::string& config_template, int startup_timeout_ms = 15000);
  // Starts the host again (after Terminate or Kill) with the config and
  // ports of the last Start, so clients see the same address come back.
  bool Restart(int startup_timeout_ms = 15000);
  // Runs sinkhost with arguments and the config, waits for it to exit, and
  // returns its exit code (-1 on a crash or timeout).
  int RunToExit(const std::string& config_template, const std::vector<std::string>& extra_args,
                int timeout_ms = 30000);

  // SIGTERM, then wait. Returns the exit code (-1 on crash or timeout).
  int Terminate(int timeout_ms = 60000);
  void Kill();

  // For the next Start, Restart, Spawn or RunToExit: arguments after
  // "--config FILE", a variable added to the host's environment, and a
  // file that gets the host's stderr instead of output() (created empty
  // beforehand, so a test can stat it while the host writes to it).
  void AddArguments(const std::vector<std::string>& args);
  void SetEnvironment(const std::string& name, const std::string& value);
  void SetStderrFile(const std::string& path);
  // Starts the host like Start, without waiting for its listeners.
  bool Spawn(const std::string& config_template);
  void Signal(int sig);
  // Waits for the host to exit; its exit code, -1 on a crash or timeout
  // (then the host is killed).
  int WaitForExit(int timeout_ms);

  const std::string& dir() const { return dir_; }
  // The running host's process id (0 when none).
  int64_t pid() const;
  int ingest_port() const { return ingest_port_; }
  int admin_port() const { return admin_port_; }
  std::string output();  // everything printed so far (stdout and stderr)

  HttpResult Ingest(const std::string& method, const std::string& path,
                    const std::string& body = "", const std::string& content_type = "",
                    const std::map<std::string, std::string>& headers = {}) {
    return Http(ingest_port_, method, path, body, content_type, headers);
  }
  HttpResult Admin(const std::string& method, const std::string& path) {
    return Http(admin_port_, method, path);
  }
  // streams.<stream>.sinks.<sink> of GET /api/stats; a failed request ends
  // the test (qFatal) with the answer.
  QJsonObject SinkStats(const std::string& stream, const std::string& sink);

 private:
  std::string WriteConfig(const std::string& config_template);
  // Logs the end of the host's output and, with gdb, every thread's stack:
  // what a test needs to see when the host does not exit.
  void ReportHang(int timeout_ms);
  // Starts the process with the config and the settings above.
  void StartProcess(const QStringList& args);
  bool Launch(int startup_timeout_ms);

  QTemporaryDir tmp_;
  std::string dir_;
  int ingest_port_ = 0;
  int admin_port_ = 0;
  std::string config_path_;  // of the last Start
  std::vector<std::string> extra_args_;
  std::map<std::string, std::string> extra_env_;
  std::string stderr_file_;  // empty: stderr merged into output()
  std::unique_ptr<QProcess> process_;
  std::string output_;
};

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_HOST_PROCESS_H_
