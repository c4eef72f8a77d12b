// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/session_store.h"

#include <QtTest>

#include <thread>
#include <vector>

using namespace sinkhost::enrich;

namespace {
constexpr int64_t kMinuteUs = int64_t{60} * 1000000;
constexpr int64_t kT0 = int64_t{1796644800} * 1000000;

SessionStore::Visit At(uint64_t user, int64_t t, bool may_start = true) {
  SessionStore::Visit v;
  v.user_id = user;
  v.now_us = t;
  v.may_start = may_start;
  return v;
}
}  // namespace

class SessionStoreTest : public QObject {
  Q_OBJECT
 private slots:
  void aSessionLastsWhileTheVisitorIsActive() {
    SessionStore store(30 * kMinuteUs, 1000);
    SessionStore::Result first, second, third;
    QVERIFY(store.Touch(At(1, kT0), "entry-1", &first));
    QCOMPARE(first.entry, std::string("entry-1"));
    QVERIFY(first.session_id != 0);
    // 29 minutes later, and again 29 minutes after that: the same session,
    // with its first event's attributes.
    QVERIFY(store.Touch(At(1, kT0 + 29 * kMinuteUs), "entry-2", &second));
    QVERIFY(store.Touch(At(1, kT0 + 58 * kMinuteUs), "entry-3", &third));
    QCOMPARE(second.session_id, first.session_id);
    QCOMPARE(third.session_id, first.session_id);
    QCOMPARE(third.entry, std::string("entry-1"));
    QCOMPARE(store.counters().started, uint64_t{1});
  }

  void aSessionExpiresAfterTheTimeoutOfInactivity() {
    SessionStore store(30 * kMinuteUs, 1000);
    SessionStore::Result first, later;
    QVERIFY(store.Touch(At(1, kT0), "a", &first));
    QVERIFY(store.Touch(At(1, kT0 + 30 * kMinuteUs + 1), "b", &later));
    QVERIFY(later.session_id != first.session_id);
    QCOMPARE(later.entry, std::string("b"));
    QCOMPARE(store.counters().expired, uint64_t{1});
    QCOMPARE(store.counters().live, uint64_t{1});
  }

  void visitorsHaveTheirOwnSessions() {
    SessionStore store(30 * kMinuteUs, 1000);
    SessionStore::Result a, b;
    QVERIFY(store.Touch(At(1, kT0), "a", &a));
    QVERIFY(store.Touch(At(2, kT0), "b", &b));
    QVERIFY(a.session_id != b.session_id);
  }

  void engagementWithoutASessionStartsNone() {
    SessionStore store(30 * kMinuteUs, 1000);
    SessionStore::Result r;
    QVERIFY(!store.Touch(At(1, kT0, /*may_start=*/false), "a", &r));
    QCOMPARE(store.counters().live, uint64_t{0});
    QVERIFY(store.Touch(At(1, kT0), "a", &r));
    QVERIFY(store.Touch(At(1, kT0 + kMinuteUs, /*may_start=*/false), "x", &r));
  }

  void aSessionContinuesAcrossASaltRotationUnderItsFirstId() {
    SessionStore store(30 * kMinuteUs, 1000);
    SessionStore::Result before, after;
    QVERIFY(store.Touch(At(0x1111, kT0), "a", &before));
    SessionStore::Visit v = At(0x2222'0000'0000'0000, kT0 + kMinuteUs);
    v.has_previous_user_id = true;
    v.previous_user_id = 0x1111;
    QVERIFY(store.Touch(v, "b", &after));
    QCOMPARE(after.session_id, before.session_id);
    QCOMPARE(after.user_id, uint64_t{0x1111});
    QCOMPARE(store.counters().started, uint64_t{1});
  }

  void theLeastRecentlyActiveIsEvictedAtTheBound() {
    // 64 shards of one session each at most.
    SessionStore store(30 * kMinuteUs, 64);
    SessionStore::Result r;
    for (uint64_t i = 0; i < 1000; ++i)
      QVERIFY(store.Touch(At(i << 58 | i, kT0 + int64_t(i)), "", &r));
    const SessionStore::Counters c = store.counters();
    QVERIFY(c.live <= 64);
    QCOMPARE(c.started, uint64_t{1000});
    QCOMPARE(c.evicted + c.live, uint64_t{1000});
  }

  void concurrentVisitorsGetOneSessionEach() {
    SessionStore store(30 * kMinuteUs, 100000);
    std::vector<std::thread> threads;
    std::vector<std::vector<uint64_t>> ids(4, std::vector<uint64_t>(500));
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        SessionStore::Result r;
        for (uint64_t i = 0; i < 500; ++i) {
          store.Touch(At(i * 0x9E3779B97F4A7C15ull, kT0 + t), "", &r);
          ids[t][i] = r.session_id;
        }
      });
    for (auto& th : threads) th.join();
    for (int t = 1; t < 4; ++t) QCOMPARE(ids[t], ids[0]);
    QCOMPARE(store.counters().started, uint64_t{500});
  }
};

QTEST_GUILESS_MAIN(SessionStoreTest)
#include "session_store_test.moc"
