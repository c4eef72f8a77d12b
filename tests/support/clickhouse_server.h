// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// ClickHouseServer: a throwaway clickhouse-server for tests, in a temporary
// folder, listening on free loopback ports, with no system service.
//
// Start() writes a minimal config.xml (listen_host 127.0.0.1, HTTP and
// native TCP ports found free by binding port 0, data, tmp, user_files,
// format_schema and log folders inside the temporary folder, small caches,
// timezone UTC, keep_alive_timeout kKeepAliveTimeoutSeconds) and a
// users.xml whose `default` user has an empty password and may connect
// from loopback only, then runs `clickhouse-server --config-file=...` and
// waits until GET /ping answers "Ok.". Stop() sends SIGTERM and waits, so a
// test can take the server away and bring it back on the same ports and
// data. The destructor stops the server and removes the folder.
//
// clickhouse-server exits with code 78 when its folders belong to another
// user, and should not run as root anyway: when the test runs as root, the
// folder is handed to the `clickhouse` user and the server runs as that
// user through `setpriv --reuid=clickhouse --regid=clickhouse --init-groups`;
// otherwise it runs as the current user.
//
// When something fails, the call returns false and error() holds what was
// run, the exit code and the server's logs, so a test can fail with the
// reason rather than skip.
//
// Thread safety: one test thread at a time.
#ifndef SINKHOST_TESTS_SUPPORT_CLICKHOUSE_SERVER_H_
#define SINKHOST_TESTS_SUPPORT_CLICKHOUSE_SERVER_H_

#include <QTemporaryDir>
#include <memory>
#include <string>

class QProcess;

namespace sinkhost::testing {

class ClickHouseServer {
 public:
  // The server closes connections idle for longer than this, so tests of
  // connection reuse need not wait long.
  static constexpr int kKeepAliveTimeoutSeconds = 2;

  ClickHouseServer();
  ~ClickHouseServer();
  ClickHouseServer(const ClickHouseServer&) = delete;
  ClickHouseServer& operator=(const ClickHouseServer&) = delete;

  // Writes the config on the first call, then starts the server and waits
  // until it answers /ping. True if it runs afterwards.
  bool Start();
  // SIGTERM, then waits for the process to exit.
  bool Stop();
  bool running() const { return running_; }

  // What went wrong in the last failed call.
  const std::string& error() const { return error_; }
  int http_port() const { return http_port_; }
  int tcp_port() const { return tcp_port_; }
  // "http://127.0.0.1:<http_port>"
  std::string HttpUrl() const;

  // POSTs `sql` to the HTTP interface as user `default`. True on HTTP 200,
  // with the result text in *output; false with the status and
  // ClickHouse's error text in *output.
  bool Exec(const std::string& sql, std::string* output) const;
  // Exec's output without the trailing newline, or "ERROR: <text>".
  std::string Query(const std::string& sql) const;

  // The server's log files and console output, for failure messages.
  std::string Logs() const;

  // The clickhouse-server binary; empty if none is found.
  static std::string ServerBinary();

 private:
  bool Prepare();
  bool WriteConfig();

  QTemporaryDir tmp_;
  std::string dir_;
  std::string binary_;
  std::unique_ptr<QProcess> process_;
  int http_port_ = 0;
  int tcp_port_ = 0;
  bool prepared_ = false;
  bool running_ = false;
  std::string error_;
};

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_CLICKHOUSE_SERVER_H_
