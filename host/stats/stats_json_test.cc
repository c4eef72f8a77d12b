// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/stats/stats_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <QtTest>

#include "tests/support/sample_wal_stats.h"

using namespace sinkhost;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

HostSnapshot Snapshot() {
  HostSnapshot s;
  s.version = "1.2.3";
  s.started_at_us = 1700000000123456;
  s.uptime_seconds = 3.5;
  s.plausible_stream = "events";
  StreamStats st;
  st.name = "events";
  st.schema_kind = "plausible";
  st.buffer_options.max_events = 500;
  st.buffer_options.max_bytes = 1 << 20;
  st.buffer_options.flush_interval_ms = 250;
  st.buffer.buffered_events = 10;
  st.buffer.buffered_bytes = 999;
  st.buffer.pending_batches = 2;
  st.buffer.accepted_events = 110;
  st.buffer.dropped_events = 1;
  st.buffer.rejected_busy = 3;
  SinkStats k;
  k.name = "main";
  k.plugin = "sqlite";
  k.state = SinkState::kFailing;
  k.last_error = "disk full";
  k.attempt = 4;
  k.queued_batches = 2;
  k.queued_rows = 40;
  k.delivered_rows = 100;
  k.delivered_batches = 10;
  k.failed_rows = 5;
  k.failed_batches = 1;
  k.retries = 6;
  k.quarantined_rows = 9;
  k.quarantine_rows = 4;
  k.has_last_flush = true;
  k.last_flush.batch_seq = 11;
  k.last_flush.rows = 5;
  k.last_flush.duration_ms = 1.5;
  k.last_flush.ok = false;
  k.last_flush.error = "disk full";
  k.last_flush.finished_at =
      WallClock::time_point(std::chrono::microseconds(1700000001000001));
  k.recent = {k.last_flush, k.last_flush};
  st.sinks.push_back(k);
  SinkStats fresh;
  fresh.name = "archive";
  fresh.plugin = "file";
  st.sinks.push_back(fresh);
  s.streams.push_back(st);
  s.listeners.push_back({"ingest", {{202, 7}}});
  return s;
}

Object::Ptr Reparse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Object::Ptr>();
}

}  // namespace

class StatsJsonTest : public QObject {
  Q_OBJECT
 private slots:
  void statsShape() {
    // Through text and back, as a client sees it.
    Object::Ptr o = Reparse(JsonText(StatsToJson(Snapshot()), 2));
    QCOMPARE(o->getValue<std::string>("version"), std::string("1.2.3"));
    QCOMPARE(o->getValue<std::string>("started_at"), std::string("2023-11-14T22:13:20.123456Z"));
    QCOMPARE(o->getValue<double>("uptime_seconds"), 3.5);
    Object::Ptr ev = o->getObject("streams")->getObject("events");
    QVERIFY(ev);
    QCOMPARE(ev->getValue<std::string>("schema"), std::string("plausible"));
    QCOMPARE(ev->getValue<bool>("plausible_endpoint"), true);
    QCOMPARE(ev->getValue<int64_t>("accepted"), int64_t(110));
    QCOMPARE(ev->getValue<int64_t>("dropped"), int64_t(1));
    QCOMPARE(ev->getValue<int64_t>("rejected_busy"), int64_t(3));
    Object::Ptr b = ev->getObject("buffer");
    QCOMPARE(b->getValue<int64_t>("events"), int64_t(10));
    QCOMPARE(b->getValue<int64_t>("bytes"), int64_t(999));
    QCOMPARE(b->getValue<int64_t>("max_events"), int64_t(500));
    QCOMPARE(b->getValue<int64_t>("max_bytes"), int64_t(1 << 20));
    QCOMPARE(b->getValue<int64_t>("flush_interval_ms"), int64_t(250));
    QCOMPARE(b->getValue<int64_t>("pending_batches"), int64_t(2));
    QCOMPARE(b->getValue<std::string>("when_full"), std::string("block"));

    Object::Ptr k = ev->getObject("sinks")->getObject("main");
    QVERIFY(k);
    QCOMPARE(k->getValue<std::string>("plugin"), std::string("sqlite"));
    QCOMPARE(k->getValue<std::string>("state"), std::string("failing"));
    QCOMPARE(k->getValue<std::string>("last_error"), std::string("disk full"));
    QCOMPARE(k->getValue<int>("attempt"), 4);
    QCOMPARE(k->getValue<int>("queued_batches"), 2);
    QCOMPARE(k->getValue<int64_t>("queued_rows"), int64_t(40));
    QCOMPARE(k->getValue<int64_t>("delivered_rows"), int64_t(100));
    QCOMPARE(k->getValue<int64_t>("delivered_batches"), int64_t(10));
    QCOMPARE(k->getValue<int64_t>("failed_rows"), int64_t(5));
    QCOMPARE(k->getValue<int64_t>("failed_batches"), int64_t(1));
    QCOMPARE(k->getValue<int64_t>("retries"), int64_t(6));
    QCOMPARE(k->getValue<int64_t>("quarantined_rows"), int64_t(9));
    QCOMPARE(k->getValue<int64_t>("quarantine_rows"), int64_t(4));
    Object::Ptr lf = k->getObject("last_flush");
    QVERIFY(lf);
    QCOMPARE(lf->getValue<std::string>("at"), std::string("2023-11-14T22:13:21.000001Z"));
    QCOMPARE(lf->getValue<double>("duration_ms"), 1.5);
    QCOMPARE(lf->getValue<int64_t>("rows"), int64_t(5));
    QCOMPARE(lf->getValue<int64_t>("batch"), int64_t(11));
    QCOMPARE(lf->getValue<bool>("ok"), false);
    QCOMPARE(lf->getValue<std::string>("error"), std::string("disk full"));
    Array::Ptr recent = k->getArray("recent");
    QVERIFY(recent);
    QCOMPARE(recent->size(), size_t(2));
    QCOMPARE(recent->getObject(0)->getValue<int64_t>("rows"), int64_t(5));

    // A sink that has written nothing yet: last_flush is null.
    Object::Ptr fresh = ev->getObject("sinks")->getObject("archive");
    QVERIFY(fresh);
    QVERIFY(fresh->isNull("last_flush"));
    QCOMPARE(fresh->getArray("recent")->size(), size_t(0));

    QCOMPARE(o->getObject("http_requests")->getObject("ingest")->getValue<int64_t>("202"),
             int64_t(7));
  }

  void keysKeepConfigOrder() {
    HostSnapshot s = Snapshot();
    StreamStats second = s.streams[0];
    second.name = "aaa";
    s.streams.push_back(second);
    const std::string text = JsonText(StatsToJson(s));
    QVERIFY(text.find("\"events\"") < text.find("\"aaa\""));
    QVERIFY(text.find("\"main\"") < text.find("\"archive\""));
  }

  void recentSinceKeepsOnlyNewerFlushes() {
    HostSnapshot s = Snapshot();
    SinkStats& k = s.streams[0].sinks[0];
    k.recent.clear();
    for (int64_t us : {1700000001000000, 1700000002000000, 1700000003000000}) {
      FlushRecord r = k.last_flush;
      // The clock has nanoseconds; `at` and recent_since have microseconds.
      r.finished_at = WallClock::time_point(std::chrono::microseconds(us)) +
                      std::chrono::nanoseconds(999);
      k.recent.push_back(r);
    }
    KeepRecentAfter(1700000002000000, &s);  // finished at exactly this time: already seen
    QCOMPARE(k.recent.size(), size_t(1));
    QCOMPARE(IsoTimestamp(k.recent[0].finished_at), std::string("2023-11-14T22:13:23.000000Z"));
    QVERIFY(k.has_last_flush);  // the last flush is always reported
    KeepRecentAfter(0, &s);
    QCOMPARE(k.recent.size(), size_t(1));
  }

  void walShape() {
    HostSnapshot s = Snapshot();
    QCOMPARE(Reparse(JsonText(StatsToJson(s)))->getObject("streams")->getObject("events")
                 ->getObject("wal")->size(),
             size_t(1));  // {"enabled": false}
    StreamStats& st = s.streams[0];
    st.wal = testing::SampleWalStats();
    Object::Ptr o = Reparse(JsonText(StatsToJson(s)))->getObject("streams")->getObject("events")
                        ->getObject("wal");
    QVERIFY(o);
    QCOMPARE(o->getValue<bool>("enabled"), true);
    QCOMPARE(o->getValue<std::string>("dir"), std::string("data/wal/events"));
    QCOMPARE(o->getValue<std::string>("fsync"), std::string("always"));
    QCOMPARE(o->getValue<int64_t>("segments"), int64_t(3));
    QCOMPARE(o->getValue<int64_t>("bytes"), int64_t(5000));
    QCOMPARE(o->getValue<int64_t>("max_bytes"), int64_t(8192));
    QCOMPARE(o->getValue<int64_t>("first_seq"), int64_t(4));
    QCOMPARE(o->getValue<int64_t>("last_seq"), int64_t(20));
    QCOMPARE(o->getValue<int64_t>("durable_seq"), int64_t(19));
    QCOMPARE(o->getValue<int64_t>("appends"), int64_t(17));
    QCOMPARE(o->getValue<int64_t>("appended_bytes"), int64_t(4000));
    QCOMPARE(o->getValue<int64_t>("fsyncs"), int64_t(6));
    QCOMPARE(o->getValue<int64_t>("rejected_full"), int64_t(2));
    QCOMPARE(o->getValue<int64_t>("rejected_no_space"), int64_t(1));
    QCOMPARE(o->getValue<int64_t>("segments_deleted"), int64_t(5));
    Object::Ptr c = o->getObject("consumers");
    QCOMPARE(c->getObject("main")->getValue<int64_t>("confirmed_seq"), int64_t(12));
    QCOMPARE(c->getObject("main")->getValue<int64_t>("pending_records"), int64_t(8));
    QCOMPARE(c->getObject("archive")->getValue<int64_t>("pending_records"), int64_t(0));
    Array::Ptr damage = o->getArray("damage");
    QCOMPARE(damage->size(), size_t(1));
    Object::Ptr dj = damage->getObject(0);
    QCOMPARE(dj->getValue<std::string>("kind"), std::string("bad payload checksum"));
    QCOMPARE(dj->getValue<std::string>("file"), std::string("00000000000000000004.seg"));
    QCOMPARE(dj->getValue<int64_t>("offset"), int64_t(4096));
    QCOMPARE(dj->getValue<int64_t>("bytes"), int64_t(120));
    QCOMPARE(dj->getValue<int64_t>("first_lost_seq"), int64_t(9));
    QCOMPARE(dj->getValue<int64_t>("last_lost_seq"), int64_t(10));
    QCOMPARE(dj->getValue<int64_t>("lost_records"), int64_t(2));
    QCOMPARE(dj->getValue<bool>("repaired"), false);
    QCOMPARE(dj->getValue<std::string>("description"),
             std::string("00000000000000000004.seg at 4096: bad payload checksum, 120 bytes, "
                         "records 9..10 lost"));
    QCOMPARE(o->getValue<int64_t>("damage_lost_records"), int64_t(2));
    QCOMPARE(o->getValue<int64_t>("damage_bytes"), int64_t(120));
    QCOMPARE(o->getValue<bool>("read_only"), true);
    QVERIFY(o->getValue<std::string>("error").find("fsync failed") != std::string::npos);
    QCOMPARE(o->getValue<bool>("replaying"), true);
    QCOMPARE(o->getValue<int64_t>("replay_from_seq"), int64_t(5));
    QCOMPARE(o->getValue<int64_t>("replay_to_seq"), int64_t(18));
    QCOMPARE(o->getValue<int64_t>("replayed_records"), int64_t(7));
    QCOMPARE(o->getValue<int64_t>("replayed_rows"), int64_t(70));
    QCOMPARE(o->getValue<int64_t>("unreadable_records"), int64_t(1));
    QCOMPARE(o->getValue<int64_t>("confirm_errors"), int64_t(3));
    QCOMPARE(o->getValue<bool>("spilling"), true);
    QCOMPARE(o->getValue<int64_t>("spills"), int64_t(4));
    QCOMPARE(o->getValue<int64_t>("spilled_records"), int64_t(40));
  }

  void flushShape() {
    FlushOutcome done;
    done.stream = "events";
    done.batch_seq = 7;
    done.rows_sealed = 12;
    done.completed = true;
    done.sinks.push_back({"main", true, SinkState::kOk, ""});
    FlushOutcome late;
    late.stream = "items";
    late.batch_seq = 3;
    late.completed = false;
    late.sinks.push_back({"slow", false, SinkState::kRetrying, "timeout"});
    Object::Ptr o = Reparse(JsonText(FlushToJson({done, late}, 1000, 1000.5)));
    QCOMPARE(o->getValue<bool>("completed"), false);
    QCOMPARE(o->getValue<int64_t>("timeout_ms"), int64_t(1000));
    Object::Ptr ev = o->getObject("streams")->getObject("events");
    QCOMPARE(ev->getValue<bool>("completed"), true);
    QCOMPARE(ev->getValue<int64_t>("rows_sealed"), int64_t(12));
    QCOMPARE(ev->getValue<int64_t>("batch"), int64_t(7));
    QCOMPARE(ev->getObject("sinks")->getObject("main")->getValue<bool>("done"), true);
    QCOMPARE(ev->getObject("sinks")->getObject("main")->getValue<std::string>("state"),
             std::string("ok"));
    Object::Ptr slow = o->getObject("streams")->getObject("items")->getObject("sinks")->getObject("slow");
    QCOMPARE(slow->getValue<bool>("done"), false);
    QCOMPARE(slow->getValue<std::string>("state"), std::string("retrying"));
    QCOMPARE(slow->getValue<std::string>("error"), std::string("timeout"));
  }
};

QTEST_GUILESS_MAIN(StatsJsonTest)
#include "stats_json_test.moc"
