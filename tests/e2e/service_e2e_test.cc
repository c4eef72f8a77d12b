// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The real binary as a Debian service runs it: --version and --help in the
// shape help2man reads, the default config path, JSON logs, journal
// priority prefixes, SIGHUP ignored, a second SIGTERM/SIGINT ending a
// stalled drain at once, and sd_notify READY/STOPPING on $NOTIFY_SOCKET.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QtTest>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "sinkhost/sink_abi.h"
#include "tests/support/host_process.h"
#include "tests/support/test_env.h"

#ifndef SINKHOST_EXPECTED_VERSION
#error "SINKHOST_EXPECTED_VERSION (PROJECT_VERSION) must come from tests/e2e/CMakeLists.txt"
#endif
#ifndef SINKHOST_DEFAULT_CONFIG
#error "SINKHOST_DEFAULT_CONFIG must come from tests/e2e/CMakeLists.txt"
#endif

using namespace sinkhost::testing;
using Clock = std::chrono::steady_clock;

namespace {

// Plain literals: Qt 6.4's moc misreads raw strings that end in a quote.
std::string Config() {
  return "ingest: {listen: \"{ingest}\"}\n"
         "admin: {listen: \"{admin}\"}\n"
         "data_dir: \"{dir}/data\"\n"
         "plugin_dirs: [\"{plugins}\"]\n"
         "streams:\n"
         "  events:\n"
         "    schema: plausible\n"
         "    buffer: {flush_interval: 1h}\n"
         "    sinks: [{plugin: sqlite, options: {path: \"{dir}/events.db\", table: events}}]\n";
}

// A sink whose writes wait while {dir}/gate exists: with the gate in place
// the drain at shutdown lasts until shutdown_timeout (20 s).
std::string StalledConfig() {
  return "ingest: {listen: \"{ingest}\"}\n"
         "admin: {listen: \"{admin}\"}\n"
         "data_dir: \"{dir}/data\"\n"
         "plugin_dirs: [\"" + EnvOrDie("SINKHOST_TEST_PLUGIN_DIR") + "\"]\n"
         "shutdown_timeout: 20s\n"
         "streams:\n"
         "  items:\n"
         "    columns: [{name: id, type: int64}]\n"
         "    buffer: {flush_interval: 1h}\n"
         "    sinks: [{plugin: test_sink, options: {gate: \"{dir}/gate\"}}]\n";
}

const char* kTrackerEvent =
    "{\"n\":\"pageview\",\"u\":\"https://example.com/a\",\"d\":\"example.com\",\"r\":null}";

struct Run {
  int code = -1;  // -1: crashed or timed out
  std::string out, err;
};

// Runs `program` with `args` (and `env` added) to its end.
Run RunProgram(const std::string& program, const QStringList& args,
               const std::map<std::string, std::string>& env = {}, const std::string& cwd = "") {
  QProcess p;
  QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
  for (const auto& [k, v] : env) e.insert(QString::fromStdString(k), QString::fromStdString(v));
  p.setProcessEnvironment(e);
  if (!cwd.empty()) p.setWorkingDirectory(QString::fromStdString(cwd));
  p.start(QString::fromStdString(program), args);
  Run r;
  if (!p.waitForFinished(20000)) {
    p.kill();
    p.waitForFinished(5000);
    return r;
  }
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  if (p.exitStatus() == QProcess::NormalExit) r.code = p.exitCode();
  return r;
}

std::string Sinkhost() { return BuildDir() + "/bin/sinkhost"; }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// Waits (running Qt's event loop, which reads the host's output) until the
// host has printed `text`.
bool WaitForOutput(HostProcess& host, const std::string& text, int timeout_ms = 10000) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    if (host.output().find(text) != std::string::npos) return true;
    QTest::qWait(20);
  }
  return host.output().find(text) != std::string::npos;
}

// An AF_UNIX datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    ok_ = fd_ >= 0 && path.size() < sizeof(addr.sun_path) &&
          ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return ok_; }

  // The first datagram holding `line` as one of its lines, or "" after
  // `timeout_ms`. Earlier datagrams are kept in received().
  std::string WaitFor(const std::string& line, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return "";
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) continue;
      const std::string msg(buf, static_cast<size_t>(n));
      received_.push_back(msg);
      for (const std::string& l : Lines(msg))
        if (l == line) return msg;
    }
  }
  const std::vector<std::string>& received() const { return received_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool ok_ = false;
  std::vector<std::string> received_;
};

// main.cc built again with its default config in the build tree
// (host/CMakeLists.txt), so that "no --config" is tested without reading or
// writing a config installed on this machine. (The package test runs the
// installed host without --config on /etc/sinkhost/sinkhost.yaml.)
std::string HostWithTestDefault() { return BuildDir() + "/bin/sinkhost_test_default_config"; }

// Writes the test binary's default config (or removes it when `config` is
// empty) and runs that binary with `args`.
Run RunWithTestDefault(const QStringList& args, const std::string& config,
                       const std::string& cwd) {
  const std::filesystem::path file(SINKHOST_TEST_DEFAULT_CONFIG);
  std::filesystem::create_directories(file.parent_path());
  std::filesystem::remove(file);
  if (!config.empty()) {
    std::ofstream out(file);
    out << config;
  }
  Run r = RunProgram(HostWithTestDefault(), args, {}, cwd);
  std::filesystem::remove(file);
  return r;
}

// "2026-11-24T16:18:54.123456Z"
const std::regex kIsoTime(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$)");
const std::regex kLevel("^(fatal|critical|error|warning|notice|information|debug|trace)$");

}  // namespace

class ServiceE2ETest : public QObject {
  Q_OBJECT
 private slots:
  void versionComesFromTheProjectVersion() {
    Run r = RunProgram(Sinkhost(), {"--version"});
    QCOMPARE(r.code, 0);
    const std::vector<std::string> lines = Lines(r.out);
    QVERIFY2(lines.size() == 2, r.out.c_str());
    QCOMPARE(lines[0], std::string("sinkhost " SINKHOST_EXPECTED_VERSION));
    QCOMPARE(lines[1], "sink ABI " + std::to_string(SINKHOST_ABI_VERSION_MAJOR) + "." +
                           std::to_string(SINKHOST_ABI_VERSION_MINOR));
  }

  void helpListsEveryFlagTheSubcommandsAndTheDefaultConfig() {
    Run r = RunProgram(Sinkhost(), {"--help"});
    QCOMPARE(r.code, 0);
    const std::string& h = r.out;
    QVERIFY2(std::regex_search(h, std::regex("(^|\n)Usage: sinkhost \\[OPTIONS\\]\n")),
             h.c_str());
    QVERIFY2(std::regex_search(h, std::regex("\n  or:  sinkhost wal inspect\\|verify DIR\n")),
             h.c_str());
    for (const char* flag : {"-h,--help", "-c,--config FILE", "--log-level LEVEL",
                             "--log-format FORMAT", "--check-config", "--version"})
      QVERIFY2(std::regex_search(h, std::regex(std::string("\n  ") + flag + "  ")),
               (std::string(flag) + " missing from:\n" + h).c_str());
    QVERIFY2(h.find("wal inspect DIR") != std::string::npos, h.c_str());
    QVERIFY2(h.find("wal verify DIR") != std::string::npos, h.c_str());
    QVERIFY2(h.find("default: " SINKHOST_DEFAULT_CONFIG) != std::string::npos, h.c_str());

    // help2man makes the man page from these two outputs.
    const QString help2man = QStandardPaths::findExecutable("help2man");
    QVERIFY2(!help2man.isEmpty(), "help2man is not installed (scripts/deps.sh test installs it)");
    Run man = RunProgram(help2man.toStdString(), {"--no-info", "--section=8",
                                                  QString::fromStdString(Sinkhost())});
    QVERIFY2(man.code == 0, man.err.c_str());
    QVERIFY2(man.out.find("sinkhost " SINKHOST_EXPECTED_VERSION) != std::string::npos,
             man.out.c_str());
    QVERIFY2(man.out.find(".SH OPTIONS") != std::string::npos, man.out.c_str());
    for (const char* option : {"\\fB\\-c\\fR,\\-\\-config FILE", "\\fB\\-\\-log\\-format\\fR"})
      QVERIFY2(man.out.find(option) != std::string::npos, man.out.c_str());
  }

  void withoutConfigAMissingDefaultIsNamed() {
    QTemporaryDir cwd;
    const std::string expected =
        "sinkhost: error: no --config given and the default " SINKHOST_TEST_DEFAULT_CONFIG
        " does not exist\n";
    Run r = RunWithTestDefault({}, "", cwd.path().toStdString());
    QCOMPARE(r.code, 2);
    QCOMPARE(r.err, expected);
  }

  void withoutConfigTheDefaultIsRead() {
    QTemporaryDir cwd;
    // --check-config: what it reads shows in its summary, and nothing starts.
    const std::string config =
        "ingest: {listen: \"127.0.0.1:48123\"}\n"
        "data_dir: \"" + cwd.path().toStdString() + "/data\"\n"
        "plugin_dirs: [\"" + PluginDir() + "\"]\n"
        "streams: {defaulted: {schema: plausible, sinks: [{plugin: sqlite, options: {path: \"" +
        cwd.path().toStdString() + "/events.db\"}}]}}\n";
    Run r = RunWithTestDefault({"--check-config"}, config, cwd.path().toStdString());
    QVERIFY2(r.code == 0, (r.out + r.err).c_str());
    QVERIFY2(r.out.find("ingest:  127.0.0.1:48123") != std::string::npos, r.out.c_str());
    QVERIFY2(r.out.find("stream defaulted:") != std::string::npos, r.out.c_str());
  }

  void jsonLogsAreOneJsonObjectPerLine() {
    HostProcess host;
    const std::string err_file = host.dir() + "/stderr.log";
    host.SetStderrFile(err_file);
    // debug: rejected requests are logged, quoting what the client sent.
    host.AddArguments({"--log-format", "json", "--log-level", "debug"});
    QVERIFY2(host.Start(Config()), ReadFile(err_file).c_str());
    QCOMPARE(host.Ingest("POST", "/api/event", kTrackerEvent, "text/plain").status, 202);
    QCOMPARE(host.Ingest("POST", "/api/event", "{\"n\":\"caf\xc3\xa9 \\\"x\\\"\\n\"}", "text/plain")
                 .status,
             400);
    QCOMPARE(host.Terminate(), 0);
    const std::vector<std::string> lines = Lines(ReadFile(err_file));
    QVERIFY(lines.size() >= 5);
    bool ready = false, received = false;
    for (const std::string& line : lines) {
      QJsonParseError error;
      QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(line), &error);
      QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(),
               ("not a JSON object: " + line).c_str());
      const QJsonObject o = doc.object();
      QVERIFY2(o.keys() == (QStringList{"level", "logger", "message", "time"}), line.c_str());
      QVERIFY2(std::regex_match(o["time"].toString().toStdString(), kIsoTime), line.c_str());
      QVERIFY2(std::regex_match(o["level"].toString().toStdString(), kLevel), line.c_str());
      QVERIFY2(o["logger"].toString().startsWith("sinkhost."), line.c_str());
      const std::string message = o["message"].toString().toStdString();
      ready = ready || message == "sinkhost " SINKHOST_EXPECTED_VERSION " ready";
      received = received || message == "received SIGTERM, shutting down";
    }
    QVERIFY(ready);
    QVERIFY(received);

    // A config error before the host runs is a JSON line too.
    HostProcess bad;
    bad.SetStderrFile(bad.dir() + "/stderr.log");
    QCOMPARE(bad.RunToExit("streams: {events: {schema: nope}}\n", {"--log-format", "json"}), 2);
    const std::vector<std::string> err = Lines(ReadFile(bad.dir() + "/stderr.log"));
    QCOMPARE(err.size(), size_t(1));
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(err[0])).object();
    QCOMPARE(o["level"].toString(), QString("error"));
    QVERIFY2(o["message"].toString().contains("streams.events.schema: must be plausible or custom"),
             err[0].c_str());
  }

  // systemd sets JOURNAL_STREAM to the device and inode of the stream it
  // connected; the test makes stderr a file and names that file.
  void journalStderrGetsPriorityPrefixesAndNoTimestamps() {
    HostProcess host;
    const std::string err_file = host.dir() + "/journal.log";
    std::ofstream(err_file).close();
    struct stat st {};
    QCOMPARE(::stat(err_file.c_str(), &st), 0);
    host.SetStderrFile(err_file);
    host.SetEnvironment("JOURNAL_STREAM",
                        std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                            std::to_string(static_cast<unsigned long long>(st.st_ino)));
    QVERIFY2(host.Start(Config()), ReadFile(err_file).c_str());
    QCOMPARE(host.Terminate(), 0);
    const std::vector<std::string> lines = Lines(ReadFile(err_file));
    QVERIFY(lines.size() >= 5);
    const std::regex shape(
        "^<([2-7])>(critical|error|warning|notice|information|debug) sinkhost\\.[a-z]+: .*");
    for (const std::string& line : lines)
      QVERIFY2(std::regex_match(line, shape), line.c_str());
    const std::string text = ReadFile(err_file);
    QVERIFY2(text.find("<6>information sinkhost.main: sinkhost " SINKHOST_EXPECTED_VERSION
                       " ready\n") != std::string::npos,
             text.c_str());

    // Inherited by a process whose stderr is elsewhere, the variable is ignored.
    HostProcess other;
    const std::string other_file = other.dir() + "/stderr.log";
    other.SetStderrFile(other_file);
    other.SetEnvironment("JOURNAL_STREAM",
                         std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                             std::to_string(static_cast<unsigned long long>(st.st_ino)));
    QVERIFY(other.Start(Config()));
    QCOMPARE(other.Terminate(), 0);
    for (const std::string& line : Lines(ReadFile(other_file)))
      QVERIFY2(std::regex_search(line, std::regex("^\\d{4}-\\d{2}-\\d{2}T")), line.c_str());
  }

  void sighupIsLoggedAndIgnored() {
    HostProcess host;
    QVERIFY2(host.Start(Config()), host.output().c_str());
    host.Signal(SIGHUP);
    QVERIFY2(WaitForOutput(host, "received SIGHUP: reload is not supported yet; ignoring"),
             host.output().c_str());
    QCOMPARE(host.Admin("GET", "/healthz").status, 200);
    QCOMPARE(host.Ingest("POST", "/api/event", kTrackerEvent, "text/plain").status, 202);
    host.Signal(SIGHUP);  // again: still no effect
    QTest::qWait(200);
    QVERIFY2(host.output().find("shutting down") == std::string::npos, host.output().c_str());
    QCOMPARE(host.Admin("GET", "/healthz").status, 200);
    QCOMPARE(host.Terminate(), 0);
    QVERIFY2(host.output().find("stopped cleanly") != std::string::npos, host.output().c_str());
  }

  void secondSignalEndsAStalledDrainAtOnce_data() {
    QTest::addColumn<int>("sig");
    QTest::addColumn<int>("code");
    QTest::newRow("SIGTERM") << int(SIGTERM) << 143;
    QTest::newRow("SIGINT") << int(SIGINT) << 130;
  }

  void secondSignalEndsAStalledDrainAtOnce() {
    QFETCH(int, sig);
    QFETCH(int, code);
    HostProcess host;
    std::ofstream(host.dir() + "/gate").close();
    QVERIFY2(host.Start(StalledConfig()), host.output().c_str());
    QCOMPARE(host.Ingest("POST", "/v1/streams/items/events", "{\"id\":1}\n").status, 202);
    host.Signal(sig);
    // The drain has started and waits for the gated sink (up to 20 s).
    QVERIFY2(WaitForOutput(host, "flushing every stream to its sinks"), host.output().c_str());
    QTest::qWait(200);
    QVERIFY2(host.output().find("stopped") == std::string::npos, host.output().c_str());
    // A SIGHUP in the drain changes nothing either.
    host.Signal(SIGHUP);
    QVERIFY(WaitForOutput(host, "received SIGHUP"));
    const auto before = Clock::now();
    host.Signal(sig);
    const int exit_code = host.WaitForExit(5000);
    const double seconds = std::chrono::duration<double>(Clock::now() - before).count();
    QVERIFY2(exit_code == code, host.output().c_str());
    QVERIFY2(seconds < 2.0, std::to_string(seconds).c_str());
    const std::string second =
        std::string("received a second ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT");
    QVERIFY2(host.output().find(second) != std::string::npos, host.output().c_str());
  }

  // Type=notify: READY=1 when both listeners answer, STOPPING=1 when the
  // drain starts, then a clean exit.
  void notifySocketGetsReadyThenStopping() {
    HostProcess host;
    NotifySocket notify(host.dir() + "/notify.sock");
    QVERIFY(notify.ok());
    host.SetEnvironment("NOTIFY_SOCKET", host.dir() + "/notify.sock");
    QVERIFY(host.Spawn(Config()));
    const std::string ready = notify.WaitFor("READY=1", 15000);
    QVERIFY2(!ready.empty(), host.output().c_str());
    // At that moment, without waiting or retrying, both listeners answer.
    QCOMPARE(host.Ingest("POST", "/api/event", kTrackerEvent, "text/plain").status, 202);
    QCOMPARE(host.Admin("GET", "/healthz").status, 200);
    QVERIFY2(ready.find("STATUS=ingest on 127.0.0.1:" + std::to_string(host.ingest_port()) +
                        ", admin on 127.0.0.1:" + std::to_string(host.admin_port())) !=
                 std::string::npos,
             ready.c_str());
    QCOMPARE(notify.received().size(), size_t(1));  // nothing before READY

    host.Signal(SIGTERM);
    const std::string stopping = notify.WaitFor("STOPPING=1", 10000);
    QVERIFY2(!stopping.empty(), host.output().c_str());
    QVERIFY2(stopping.find("STATUS=draining") != std::string::npos, stopping.c_str());
    QCOMPARE(host.WaitForExit(30000), 0);
    QCOMPARE(SqliteScalar(host.dir() + "/events.db", "SELECT count(*) FROM events"),
             std::string("1"));
  }
};

QTEST_GUILESS_MAIN(ServiceE2ETest)
#include "service_e2e_test.moc"
