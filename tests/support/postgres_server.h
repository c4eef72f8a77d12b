// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// PostgresServer: a throwaway PostgreSQL cluster for tests, in a temporary
// folder, listening on a free loopback port, with no system service.
//
// Start() runs initdb once (user `postgres`, trust authentication, UTF-8,
// C.UTF-8 locale) and `pg_ctl start`; Stop() is `pg_ctl -m fast stop`, so a
// test can take the server away and bring it back on the same port and
// data. The destructor stops the server and removes the folder. The
// binaries come from /usr/lib/postgresql/<version>/bin (the newest found)
// or `pg_config --bindir`.
//
// initdb and postgres refuse to run as root, so when the test runs as root
// they run as the `postgres` user (via runuser) and the folder is handed
// to that user; otherwise they run as the current user.
//
// For speed the server runs with fsync=off: a test cluster need not
// survive a power cut.
//
// When something fails, the call returns false and error() holds the
// command, its output and the server log, so a test can fail with the
// reason rather than skip.
//
// Thread safety: one test thread at a time.
#ifndef SINKHOST_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define SINKHOST_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <QTemporaryDir>
#include <string>
#include <vector>

namespace sinkhost::testing {

class PostgresServer {
 public:
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Creates the cluster on the first call, then starts the server and
  // waits until it accepts connections. True if it runs afterwards.
  bool Start();
  // Stops the server (fast shutdown: open connections are terminated).
  bool Stop();
  bool running() const { return running_; }

  // What went wrong in the last failed call.
  const std::string& error() const { return error_; }
  // The server's log so far (with log_statement=all set for a session, its
  // statements too).
  std::string Log() const;
  int port() const { return port_; }
  // libpq key=value text for database `dbname` as the superuser postgres.
  std::string ConnectionString(const std::string& dbname = "postgres") const;

  // Runs `sql` with psql (-X -At, ON_ERROR_STOP) in database `dbname`.
  // True on success, with psql's output (rows as lines, columns separated
  // by '|') in *output; false with psql's error text in *output.
  bool Psql(const std::string& sql, std::string* output,
            const std::string& dbname = "postgres") const;
  // Psql's output without the trailing newline, or "ERROR: <text>".
  std::string Query(const std::string& sql, const std::string& dbname = "postgres") const;

  // The folder with initdb, pg_ctl and postgres; empty if none is found.
  static std::string BinDir();

 private:
  // Runs a PostgreSQL binary (as `postgres` when we are root); returns its
  // exit code (-1 if it did not run or timed out) and its combined output.
  int RunServerTool(const std::string& tool, const std::vector<std::string>& args,
                    std::string* output, int timeout_ms) const;
  bool InitDb();

  QTemporaryDir tmp_;
  std::string dir_;       // tmp_'s path: socket folder and parent of data_
  std::string data_dir_;  // the cluster
  std::string log_path_;
  std::string bin_dir_;
  int port_ = 0;
  bool initialized_ = false;
  bool running_ = false;
  std::string error_;
};

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_POSTGRES_SERVER_H_
