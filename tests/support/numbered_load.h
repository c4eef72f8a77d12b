// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// NumberedLoad: client threads for the fault tests that post numbered
// events to a running host over HTTP, whether or not it can take them, and
// remember which ids were acknowledged and how every request was answered.
// Each request carries one NDJSON line per id; a custom stream's first
// column is the id, a Plausible stream gets it in the pathname "/n/ID".
// Also RunSinkhostCli, which runs `sinkhost ARGS...` to completion.
//
// Header-only, so the tests that use it need no change to the shared
// support library.
//
// Thread safety: Start/Stop/Pause from one test thread; the getters may be
// called from it at any time (they copy under the lock).
#ifndef SINKHOST_TESTS_SUPPORT_NUMBERED_LOAD_H_
#define SINKHOST_TESTS_SUPPORT_NUMBERED_LOAD_H_

#include <QProcess>
#include <QStringList>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/host_process.h"
#include "tests/support/test_env.h"

namespace sinkhost::testing {

// {"id":N,"label":"event N <pad>"} for N in [first, first+count).
inline std::string NumberedItems(int64_t first, int count, size_t pad = 0) {
  std::string body;
  const std::string filler(pad, 'x');
  for (int64_t id = first; id < first + count; ++id)
    body += "{\"id\":" + std::to_string(id) + ",\"label\":\"event " + std::to_string(id) + " " +
            filler + "\"}\n";
  return body;
}

// Plausible bulk events numbered in their pathname "/n/N".
inline std::string NumberedPageviews(int64_t first, int count) {
  std::string body;
  for (int64_t n = first; n < first + count; ++n)
    body += "{\"name\":\"pageview\",\"url\":\"https://example.com/n/" + std::to_string(n) +
            "\",\"domain\":\"example.com\"}\n";
  return body;
}

// Runs `sinkhost ARGS...` from the build; returns its exit code (-1 on a
// crash or timeout) and fills *out with its stdout and stderr.
inline int RunSinkhostCli(const QStringList& args, std::string* out, int timeout_ms = 30000) {
  QProcess p;
  p.setProcessChannelMode(QProcess::MergedChannels);
  p.start(QString::fromStdString(BuildDir() + "/bin/sinkhost"), args);
  if (!p.waitForFinished(timeout_ms)) {
    p.kill();
    p.waitForFinished();
    *out = p.readAll().toStdString();
    return -1;
  }
  *out = p.readAll().toStdString();
  return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

class NumberedLoad {
 public:
  struct Options {
    int port = 0;
    std::string path = "/v1/streams/items/events";
    int clients = 2;
    int64_t first_id = 0;  // client c posts ids first_id + c * 100,000,000 onwards
    int events_per_request = 20;
    size_t pad = 0;                 // label padding (custom items only)
    bool pageviews = false;         // Plausible bodies instead of items
    int pause_ms = 0;               // after every request
    int pause_after_refusal_ms = 20;
    int request_timeout_ms = 10000;
  };

  explicit NumberedLoad(Options o) : o_(std::move(o)) {
    // Disjoint id ranges per client, kept over a Stop and Start.
    for (int c = 0; c < o_.clients; ++c) next_.push_back(o_.first_id + int64_t{c} * 100000000);
  }
  ~NumberedLoad() { Stop(); }
  NumberedLoad(const NumberedLoad&) = delete;
  NumberedLoad& operator=(const NumberedLoad&) = delete;

  void Start() {
    stop_ = false;
    for (int c = 0; c < o_.clients; ++c) threads_.emplace_back([this, c] { Run(c); });
  }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  std::set<int64_t> acked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }
  // Requests by HTTP status (0: no answer).
  std::map<int, int64_t> statuses() const {
    std::lock_guard<std::mutex> lock(mu_);
    return statuses_;
  }
  int64_t status_count(int status) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = statuses_.find(status);
    return it == statuses_.end() ? 0 : it->second;
  }
  // 503s without a Retry-After header of at least 1 second.
  int64_t busy_without_retry_after() const { return busy_without_retry_after_; }
  // The body of the first answer of each status other than 2xx.
  std::map<int, std::string> first_bodies() const {
    std::lock_guard<std::mutex> lock(mu_);
    return first_bodies_;
  }
  int64_t sent_events() const { return sent_; }
  // Requests answered 503 in a row by the most recent answers (any client).
  int64_t consecutive_busy() const { return consecutive_busy_; }

  static std::string Describe(const std::map<int, int64_t>& statuses) {
    std::string s;
    for (const auto& [code, n] : statuses)
      s += (s.empty() ? "" : ", ") + std::to_string(code) + ": " + std::to_string(n);
    return "{" + s + "}";
  }

 private:
  void Run(int client) {
    int64_t& next = next_[static_cast<size_t>(client)];
    while (!stop_) {
      const int64_t first = next;
      next += o_.events_per_request;
      sent_ += o_.events_per_request;
      const std::string body = o_.pageviews
                                   ? NumberedPageviews(first, o_.events_per_request)
                                   : NumberedItems(first, o_.events_per_request, o_.pad);
      const HttpResult r =
          Http(o_.port, "POST", o_.path, body, "application/x-ndjson", {}, o_.request_timeout_ms);
      const bool ok = r.status >= 200 && r.status < 300;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++statuses_[r.status];
        if (ok) {
          for (int64_t id = first; id < first + o_.events_per_request; ++id) acked_.insert(id);
        } else if (first_bodies_.count(r.status) == 0) {
          first_bodies_[r.status] = r.body;
        }
      }
      if (r.status == 503) {
        ++consecutive_busy_;
        if (std::atoi(r.header("retry-after").c_str()) < 1) ++busy_without_retry_after_;
      } else {
        consecutive_busy_ = 0;
      }
      if (!ok && o_.pause_after_refusal_ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(o_.pause_after_refusal_ms));
      else if (o_.pause_ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(o_.pause_ms));
    }
  }

  const Options o_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::vector<int64_t> next_;  // per client; element c touched only by client c's thread
  mutable std::mutex mu_;
  std::set<int64_t> acked_;                 // guarded by mu_
  std::map<int, int64_t> statuses_;         // guarded by mu_
  std::map<int, std::string> first_bodies_;  // guarded by mu_
  std::atomic<int64_t> sent_{0}, busy_without_retry_after_{0}, consecutive_busy_{0};
};

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_NUMBERED_LOAD_H_
