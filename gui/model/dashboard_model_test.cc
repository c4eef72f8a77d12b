// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// DashboardModel: when panels must be rebuilt, and which history survives
// a change of streams or sinks.
#include "gui/model/dashboard_model.h"

#include "tests/support/qtest_printers.h"

using namespace sinkhost::dashboard;

namespace {

StatsSnapshot Snapshot(double uptime, const QStringList& sinks, qint64 events = 1) {
  StatsSnapshot s;
  s.uptime_seconds = uptime;
  StreamSnapshot st;
  st.name = "events";
  st.events = events;
  st.accepted = static_cast<quint64>(uptime * 100);
  for (const QString& name : sinks) {
    SinkSnapshot k;
    k.name = name;
    FlushRecord r;
    r.at_us = static_cast<qint64>(uptime * 1e6);
    r.batch = static_cast<quint64>(uptime);
    k.recent.push_back(r);
    st.sinks.push_back(k);
  }
  s.streams.push_back(st);
  return s;
}

}  // namespace

class DashboardModelTest : public QObject {
  Q_OBJECT

 private slots:
  void firstAnswerAndNewSinksChangeTheLayout() {
    DashboardModel m;
    QVERIFY(!m.has_data());
    QVERIFY(m.Apply(0, Snapshot(1, {"a"})));
    QCOMPARE(m.layout(), QStringList({"events", "events/a"}));
    QVERIFY(!m.Apply(1, Snapshot(2, {"a"})));
    QVERIFY(m.Apply(2, Snapshot(3, {"a", "b"})));
    QCOMPARE(m.layout(), QStringList({"events", "events/a", "events/b"}));
  }

  void historiesSurviveWhatStaysAndGoWithWhatGoes() {
    DashboardModel m;
    m.Apply(0, Snapshot(1, {"a", "b"}, 5));
    m.Apply(1, Snapshot(2, {"a", "b"}, 7));
    QCOMPARE(m.flushes("events", "a")->records().size(), size_t{2});
    QCOMPARE(m.history("events")->samples().size(), size_t{2});
    QCOMPARE(m.history("events")->samples().back().events, 7);

    m.Apply(2, Snapshot(3, {"a"}));  // sink b removed from the config
    QCOMPARE(m.flushes("events", "a")->records().size(), size_t{3});
    QCOMPARE(m.flushes("events", "b"), nullptr);
    QCOMPARE(m.history("events")->samples().size(), size_t{3});
    QCOMPARE(m.stream("events")->sinks.size(), size_t{1});
    QCOMPARE(m.stream("nope"), nullptr);
  }

  void clearForgetsEverything() {
    DashboardModel m;
    m.Apply(0, Snapshot(1, {"a"}));
    m.Clear();
    QVERIFY(!m.has_data());
    QVERIFY(m.layout().isEmpty());
    QCOMPARE(m.history("events"), nullptr);
    QVERIFY(m.Apply(1, Snapshot(2, {"a"})));  // the next answer rebuilds
  }
};

QTEST_GUILESS_MAIN(DashboardModelTest)
#include "dashboard_model_test.moc"
