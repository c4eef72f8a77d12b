// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/rate_limiter.h"

#include <QtTest>

using namespace sinkhost;
using namespace std::chrono_literals;

class RateLimiterTest : public QObject {
  Q_OBJECT
 private slots:
  void burstThenRefillAtTheRate() {
    RateLimiter limiter(/*per_second=*/10, /*burst=*/3);
    const auto t0 = RateLimiter::Clock::time_point{} + 1h;
    int64_t retry = 0;
    for (int i = 0; i < 3; ++i) QVERIFY(limiter.Allow("a", t0, &retry));
    QVERIFY(!limiter.Allow("a", t0, &retry));
    QCOMPARE(retry, int64_t{100});  // one token every 100 ms
    QVERIFY(!limiter.Allow("a", t0 + 50ms, &retry));
    QCOMPARE(retry, int64_t{50});
    QVERIFY(limiter.Allow("a", t0 + 100ms, &retry));
    // Idle time refills up to the burst, not beyond it.
    const auto later = t0 + 10s;
    for (int i = 0; i < 3; ++i) QVERIFY(limiter.Allow("a", later, &retry));
    QVERIFY(!limiter.Allow("a", later, &retry));
  }

  void clientsHaveTheirOwnBuckets() {
    RateLimiter limiter(1, 1);
    const auto t0 = RateLimiter::Clock::time_point{} + 1h;
    int64_t retry = 0;
    QVERIFY(limiter.Allow("10.0.0.1", t0, &retry));
    QVERIFY(!limiter.Allow("10.0.0.1", t0, &retry));
    QVERIFY(limiter.Allow("10.0.0.2", t0, &retry));
    QCOMPARE(limiter.clients(), size_t{2});
  }

  // Many one-off clients: quiet, refilled buckets are forgotten, so memory
  // stays bounded.
  void quietClientsAreForgotten() {
    RateLimiter limiter(1000, 1);
    auto t = RateLimiter::Clock::time_point{} + 1h;
    int64_t retry = 0;
    for (int i = 0; i < 200000; ++i) {
      t += 1ms;
      QVERIFY(limiter.Allow("client-" + std::to_string(i), t, &retry));
    }
    QVERIFY2(limiter.clients() < 16 * 4096 + 16, std::to_string(limiter.clients()).c_str());
  }
};

QTEST_GUILESS_MAIN(RateLimiterTest)
#include "rate_limiter_test.moc"
