// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// ConnectionState: what the status line says (connecting, connected,
// never reached, lost) and how polling backs off while the host is away.
#include "gui/model/connection_state.h"

#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;

class ConnectionStateTest : public QObject {
  Q_OBJECT

 private slots:
  void connectingUntilTheFirstAnswer() {
    ConnectionState c(1000, 5000);
    c.Reset("http://127.0.0.1:8081");
    QCOMPARE(c.link(), Link::kConnecting);
    QCOMPARE(c.Describe(0), "Connecting to http://127.0.0.1:8081…");
    c.OnSuccess(1, "0.1.0", 62);
    QCOMPARE(c.link(), Link::kConnected);
    QCOMPARE(c.Describe(4), "Connected to http://127.0.0.1:8081 · sinkhost 0.1.0 · up 1 min 5 s");
  }

  void neverReachedVersusLost() {
    ConnectionState c(1000, 5000);
    c.Reset("http://h:1");
    c.OnFailure(10, "Connection refused");
    QCOMPARE(c.link(), Link::kDisconnected);
    QCOMPARE(c.Describe(12),
             "Cannot reach http://h:1 for 2 s: Connection refused · retrying every 1 s");
    c.OnSuccess(13, "0.1.0", 1);
    c.OnFailure(20, "no answer within 3 s");
    c.OnFailure(21, "Connection refused");
    // "for" counts from the first failure, the error is the latest.
    QCOMPARE(c.Describe(32),
             "Disconnected from http://h:1 for 12 s: Connection refused · retrying every 2 s");
  }

  void backsOffWhileAwayAndResumesAtOnce() {
    ConnectionState c(1000, 5000);
    c.Reset("x");
    QCOMPARE(c.NextPollDelayMs(), 1000);
    std::vector<int> delays;
    for (int i = 0; i < 6; ++i) {
      c.OnFailure(i, "down");
      delays.push_back(c.NextPollDelayMs());
    }
    QCOMPARE(delays, (std::vector<int>{1000, 2000, 4000, 5000, 5000, 5000}));
    c.OnSuccess(10, "v", 1);
    QCOMPARE(c.NextPollDelayMs(), 1000);
    QCOMPARE(c.failures(), 0);
  }

  void resetForgetsTheOldHostButKeepsTiming() {
    ConnectionState c(200, 800);
    c.Reset("a");
    c.OnFailure(0, "down");
    c.OnFailure(1, "down");
    c.Reset("b");
    QCOMPARE(c.link(), Link::kConnecting);
    QCOMPARE(c.address(), "b");
    QCOMPARE(c.error(), "");
    QCOMPARE(c.NextPollDelayMs(), 200);
  }

  void linkNames() {
    QCOMPARE(LinkName(Link::kConnecting), "connecting");
    QCOMPARE(LinkName(Link::kConnected), "connected");
    QCOMPARE(LinkName(Link::kDisconnected), "disconnected");
  }
};

QTEST_GUILESS_MAIN(ConnectionStateTest)
#include "connection_state_test.moc"
