// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Ends the process when one check runs too long, so that a sink whose call
// hangs fails the run with the check named instead of stalling a CI job.
//
// Thread safety: Arm and Disarm may be called from any thread; the
// watchdog's own thread only reads what they set, under mu_.
#ifndef SINKHOST_CONFORMANCE_WATCHDOG_H_
#define SINKHOST_CONFORMANCE_WATCHDOG_H_

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace sinkhost::check {

class Watchdog {
 public:
  explicit Watchdog(FILE* out);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // From now on, `check` must finish within `seconds`.
  void Arm(const std::string& check, int seconds);
  void Disarm();

 private:
  void Run();

  FILE* const out_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string check_;                                   // guarded by mu_
  std::chrono::steady_clock::time_point deadline_;      // guarded by mu_
  int seconds_ = 0;                                     // guarded by mu_
  bool armed_ = false;                                  // guarded by mu_
  bool stop_ = false;                                   // guarded by mu_
  std::thread thread_;
};

}  // namespace sinkhost::check

#endif  // SINKHOST_CONFORMANCE_WATCHDOG_H_
