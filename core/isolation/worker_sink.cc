// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/isolation/worker_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/batch/row_batch.h"
#include "core/batch/row_batch_codec.h"
#include "core/ingest/utf8.h"
#include "core/isolation/worker_exit.h"
#include "core/util/log.h"

extern char** environ;

namespace sinkhost {

namespace {


constexpr size_t kTailLines = 20;
constexpr size_t kMaxLineBytes = 500;
constexpr int kLinesPerSecond = 20;  // logged per worker; the rest counted
constexpr size_t kRecoveries = 64;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A line of the worker's output fit for a log: valid UTF-8 (a log shipper
// reading JSON logs would choke on anything else), control bytes shown as
// '?', at most kMaxLineBytes.
std::string Printable(std::string_view line) {
  std::string out;
  ingest::AppendRepairedUtf8(line.substr(0, kMaxLineBytes), &out);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (line.size() > kMaxLineBytes) out += "...";
  return out;
}

}  // namespace

Status WorkerSinkInstance::Create(WorkerSinkOptions worker,
                                  std::map<std::string, std::string> options,
                                  std::unique_ptr<SinkInstance>* out) {
  std::unique_ptr<WorkerSinkInstance> sink(
      new WorkerSinkInstance(std::move(worker), std::move(options)));
  SINKHOST_RETURN_NOT_OK(sink->StartWorker());
  *out = std::move(sink);
  return Status::OK();
}

WorkerSinkInstance::~WorkerSinkInstance() {
  if (open_) (void)Close();
  StopWorker();
}

Status WorkerSinkInstance::StartWorker() {
  char* area = nullptr;  // created now, so that each worker gets it at spawn
  SINKHOST_RETURN_NOT_OK(batch_area_.Reserve(0, &area));
  int pair[2], out[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    return Status::IoError(std::string("socketpair: ") + std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    const int e = errno;
    ::close(pair[0]);
    ::close(pair[1]);
    return Status::IoError(std::string("pipe2: ") + std::strerror(e));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  posix_spawn_file_actions_adddup2(&actions, pair[1], 3);
  posix_spawn_file_actions_adddup2(&actions, batch_area_.read_only_fd(), 4);
  // Nothing else of the host's (its listening sockets, its logs) reaches
  // the plugin.
  posix_spawn_file_actions_addclosefrom_np(&actions, 5);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);     // the host blocks its stop signals
  posix_spawnattr_setsigdefault(&attr, &all);   // and ignores SIGPIPE
  posix_spawnattr_setpgroup(&attr, 0);          // a group of its own, killed as one
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  char* argv[] = {const_cast<char*>(options_.executable.c_str()), const_cast<char*>("--fd"),
                  const_cast<char*>("3"), const_cast<char*>("--batch-fd"),
                  const_cast<char*>("4"), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, options_.executable.c_str(), &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(pair[1]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(pair[0]);
    ::close(out[0]);
    return Status::IoError("cannot start the sink worker " + options_.executable + ": " +
                           std::strerror(rc));
  }
  socket_ = pair[0];
  pid_ = pid;
  interrupted_ = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.pid = pid;
  }
  output_thread_ = std::thread(&WorkerSinkInstance::ReadOutput, this, out[0], pid);

  worker::WireWriter load;
  load.Str(options_.plugin_path);
  load.U64(options_.memory_limit);
  load.I64(options_.cpu_seconds_per_call);
  std::string reply;
  SINKHOST_RETURN_NOT_OK(Request(worker::Call::kLoad, load.data(), &reply));
  worker::WireReader r(reply);
  PluginInfo info;
  if (!worker::ReadPluginInfo(&r, &info))
    return Lost(worker::Call::kLoad, true, "answered load with a garbled plugin description");
  if (info.name != options_.plugin_name)
    return Status::InvalidArgument("plugin " + options_.plugin_path + " calls itself '" +
                                   info.name + "', expected '" + options_.plugin_name + "'");
  info_ = std::move(info);
  worker::WireWriter create;
  worker::WriteOptions(&create, sink_options_);
  // The worker's create already names the sink in its errors.
  return Request(worker::Call::kCreate, create.data(), &reply);
}

Status WorkerSinkInstance::Request(worker::Call call, const std::string& payload,
                                std::string* reply_rest) {
  if (socket_ < 0) return Status::Retryable("the sink's worker is not running");
  if (!worker::SendFrame(socket_, static_cast<uint32_t>(call), payload).ok())
    return Lost(call, false, "closed its socket");
  uint32_t type = 0;
  std::string reply;
  const int64_t timeout_ms = options_.timeouts.ForCall(worker::CallName(call));
  switch (worker::ReadFrame(socket_, timeout_ms, &type, &reply)) {
    case worker::FrameRead::kOk:
      break;
    case worker::FrameRead::kTimedOut:
      return Lost(call, true, "");
    case worker::FrameRead::kClosed:
      return Lost(call, false, "");
    case worker::FrameRead::kBad:
      return Lost(call, true, "sent a garbled frame");
  }
  worker::WireReader r(reply);
  Status st;
  if (type != (static_cast<uint32_t>(call) | worker::kReplyBit) || !worker::ReadStatus(&r, &st))
    return Lost(call, true, "answered out of turn");
  *reply_rest = std::string(r.rest());
  return st;
}

void WorkerSinkInstance::Reap(bool kill, int* wait_status) {
  const pid_t pid = pid_.exchange(0);
  *wait_status = 0;
  if (pid > 0) {
    if (kill) ::kill(-pid, SIGKILL);
    // A worker whose socket closed is on its way out; one that does not
    // finish within 2 s is killed.
    for (int i = 0; i < 200; ++i) {
      const pid_t r = ::waitpid(pid, wait_status, WNOHANG);
      if (r == pid || (r < 0 && errno != EINTR)) break;
      if (i == 199) {
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, wait_status, 0);
        break;
      }
      ::usleep(10000);
    }
    // What it started (its process group) goes too, so the output pipe
    // closes.
    ::kill(-pid, SIGKILL);
  }
  if (socket_ >= 0) ::close(socket_);
  socket_ = -1;
  open_ = false;
  if (output_thread_.joinable()) output_thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  stats_.pid = 0;
}

Status WorkerSinkInstance::Lost(worker::Call call, bool kill, const std::string& what) {
  const pid_t pid = pid_.load();
  const bool timed_out = kill && what.empty();
  const bool interrupted = interrupted_.exchange(false);
  int wait_status = 0;
  Reap(kill, &wait_status);
  std::string reason = worker::DescribeWaitStatus(wait_status);
  if (timed_out) reason = "timeout";
  if (interrupted) reason = "stopped";
  const std::string during =
      std::string(worker::CallName(call)) +
      (call == worker::Call::kWrite && !current_batch_.empty() ? " of batch " + current_batch_ : "");
  std::string how;
  if (timed_out) {
    how = "was killed: its " + during + " did not return within " +
          std::to_string(options_.timeouts.ForCall(worker::CallName(call))) + " ms";
  } else if (interrupted) {
    how = "was stopped during " + during;
  } else if (reason == "memory") {
    how = "ran past its memory_limit during " + during;
  } else if (reason == "cpu") {
    how = "ran past its cpu_per_call during " + during;
  } else if (reason.rfind("SIG", 0) == 0) {
    how = "died of " + reason + " during " + during;
  } else {
    how = reason + " during " + during;
  }
  if (!what.empty()) how += " (it " + what + ")";
  const std::string tail = OutputTail();
  const std::string record = how + (tail.empty() ? "" : "; its last output: " + tail);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.restarts;
    ++stats_.restarts_by_reason[reason];
    stats_.last_crash = record;
    stats_.last_crash_at_us = NowMicros();
  }
  lost_at_ = std::chrono::steady_clock::now();
  recovering_ = true;
  Log(LogLevel::kError, "sink",
      options_.log_name + ": the sink's worker (pid " + std::to_string(pid) + ") " + record +
          (interrupted ? "" : "; a new worker takes over at the next call"));
  // The write-ahead log still holds every row of the call; a new worker
  // gets them again.
  Status st = Status::Retryable("worker " +
                                (timed_out ? std::string("timed out")
                                 : interrupted ? std::string("stopped")
                                               : "crashed (" + reason + ")") +
                                ": the sink's worker " + how);
  if (call == worker::Call::kWrite && !timed_out && !interrupted) {
    crashes_on_batch_ = crash_batch_ == current_batch_ ? crashes_on_batch_ + 1 : 1;
    crash_batch_ = current_batch_;
    if (crashes_on_batch_ >= options_.crash_limit) {
      // Not the plugin's infrastructure: these rows kill it every time.
      crashes_on_batch_ = 0;
      return Status::Permanent("worker crashed (" + reason + ") " +
                               std::to_string(options_.crash_limit) +
                               " times in a row writing these rows: " + how);
    }
  }
  return st;
}

void WorkerSinkInstance::StopWorker() {
  if (pid_.load() == 0 && socket_ < 0) {
    if (output_thread_.joinable()) output_thread_.join();
    return;
  }
  // Closing the socket tells the worker to end.
  if (socket_ >= 0) ::shutdown(socket_, SHUT_RDWR);
  int wait_status = 0;
  Reap(false, &wait_status);
}

void WorkerSinkInstance::Interrupt() {
  const pid_t pid = pid_.load();
  if (pid <= 0) return;
  interrupted_ = true;
  ::kill(-pid, SIGKILL);
}

Status WorkerSinkInstance::Open(const std::string& stream_name, const Schema& schema) {
  if (socket_ < 0) SINKHOST_RETURN_NOT_OK(StartWorker());
  worker::WireWriter w;
  w.Str(stream_name);
  worker::WriteSchema(&w, schema);
  std::string reply;
  SINKHOST_RETURN_NOT_OK(Request(worker::Call::kOpen, w.data(), &reply));
  open_ = true;
  return Status::OK();
}

Status WorkerSinkInstance::Write(const ArrowSchema* schema, UniqueArray batch,
                                 const sinkhost_batch_info& info) {
  if (!open_) return Status::Retryable("the sink's worker is not open");
  const std::shared_ptr<const RowBatch> rows = RowBatch::ExportedFrom(batch.get());
  if (rows == nullptr)
    return Status::InvalidArgument("a batch for a sink in a worker must come from a RowBatch");
  worker::WireWriter w;
  current_batch_ = info.batch_id != nullptr ? info.batch_id : "";
  w.Str(current_batch_);
  w.U64(info.first_sequence);
  w.U64(info.row_count);
  w.U64(info.flags);
  w.U32(info.attempt);
  worker::WriteSchema(&w, rows->schema());
  const size_t encoded_bytes = EncodedRowBatchSize(*rows);
  char* area = nullptr;
  SINKHOST_RETURN_NOT_OK(batch_area_.Reserve(encoded_bytes, &area));
  EncodeRowBatchTo(*rows, SchemaFingerprint(rows->schema()), area);
  w.U64(encoded_bytes);
  batch.reset();  // the rows are in the batch area; let the batch go
  std::string reply;
  Status st = Request(worker::Call::kWrite, w.data(), &reply);
  if (st.ok()) {
    crashes_on_batch_ = 0;
    if (recovering_) {
      recovering_ = false;
      const double ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - lost_at_)
                            .count();
      std::lock_guard<std::mutex> lock(mu_);
      stats_.recoveries_ms.push_back(ms);
      if (stats_.recoveries_ms.size() > kRecoveries)
        stats_.recoveries_ms.erase(stats_.recoveries_ms.begin());
    }
  }
  current_batch_.clear();
  return st;
}

Status WorkerSinkInstance::Flush() {
  if (!open_) return Status::Retryable("the sink's worker is not open");
  std::string reply;
  return Request(worker::Call::kFlush, "", &reply);
}

Status WorkerSinkInstance::Close() {
  if (!open_) return Status::OK();
  std::string reply;
  Status st = Request(worker::Call::kClose, "", &reply);
  open_ = false;
  return st;
}

WorkerStats WorkerSinkInstance::worker_stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

std::string WorkerSinkInstance::OutputTail() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const std::string& line : tail_) out += (out.empty() ? "" : " | ") + line;
  return out;
}

void WorkerSinkInstance::ReadOutput(int fd, pid_t pid) {
  char buf[4096];
  std::string line;
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        LogOutputLine(pid, std::move(line));
        line.clear();
      } else if (line.size() <= kMaxLineBytes) {
        line.push_back(buf[i]);
      }
    }
  }
  if (!line.empty()) LogOutputLine(pid, std::move(line));
  ::close(fd);
  std::lock_guard<std::mutex> lock(mu_);
  if (suppressed_ > 0)
    Log(LogLevel::kWarning, "sink",
        options_.log_name + " (worker " + std::to_string(pid) + "): " +
            std::to_string(suppressed_) + " more lines of output were not logged");
  suppressed_ = 0;
}

void WorkerSinkInstance::LogOutputLine(pid_t pid, std::string line) {
  line = Printable(std::move(line));
  std::lock_guard<std::mutex> lock(mu_);
  tail_.push_back(line);
  if (tail_.size() > kTailLines) tail_.pop_front();
  // A plugin that prints without end must not flood the host's log.
  const auto now = std::chrono::steady_clock::now();
  if (now - log_window_ > std::chrono::seconds(1)) {
    if (suppressed_ > 0)
      Log(LogLevel::kWarning, "sink",
          options_.log_name + " (worker " + std::to_string(pid) + "): " +
              std::to_string(suppressed_) + " more lines of output were not logged");
    log_window_ = now;
    logged_in_window_ = 0;
    suppressed_ = 0;
  }
  if (++logged_in_window_ > kLinesPerSecond) {
    ++suppressed_;
    return;
  }
  Log(LogLevel::kInfo, "sink", options_.log_name + " (worker " + std::to_string(pid) + "): " + line);
}

}  // namespace sinkhost
