// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "conformance/watchdog.h"

#include <unistd.h>

namespace sinkhost::check {

Watchdog::Watchdog(FILE* out) : out_(out), thread_([this] { Run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Watchdog::Arm(const std::string& check, int seconds) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    check_ = check;
    seconds_ = seconds;
    deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    armed_ = true;
  }
  cv_.notify_all();
}

void Watchdog::Disarm() {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = false;
}

void Watchdog::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (!armed_) {
      cv_.wait(lock);
      continue;
    }
    if (cv_.wait_until(lock, deadline_) == std::cv_status::timeout && armed_ && !stop_ &&
        std::chrono::steady_clock::now() >= deadline_) {
      std::fprintf(out_, "FAIL  %-24s did not finish within %d s (a call into the sink hangs)\n",
                   check_.c_str(), seconds_);
      std::fprintf(out_, "summary: FAILED (stopped at %s)\n", check_.c_str());
      std::fflush(out_);
      ::_exit(1);  // the hung call cannot be unwound; leave at once
    }
  }
}

}  // namespace sinkhost::check
