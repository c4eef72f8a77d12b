// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/config/host_config.h"

#include <QtTest>

#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace sinkhost;

namespace {

const char* kFull = R"(
ingest:
  listen: "0.0.0.0:9090"
  max_body: 1MiB
  max_threads: 8
  max_queued: 16
  keep_alive_timeout: 2s
  request_timeout: 10s
  plausible_stream: web
admin: {listen: "[::1]:9091", max_threads: 2}
data_dir: /var/lib/sinkhost
plugin_dirs: [/opt/a, plugins]
log: {level: warn}
shutdown_timeout: 45s
streams:
  web:
    schema: plausible
    buffer:
      max_events: 500
      max_bytes: 2MiB
      flush_interval: 250ms
      when_full: drop_newest
      block_timeout: 0
      max_pending_batches: 2
    retry: {initial_delay: 50ms, max_delay: 1m}
    wal: {fsync: always, fsync_interval: 20ms, segment_size: 64KiB, max_size: 2GiB}
    sinks:
      - {plugin: sqlite, options: {path: data/web.db, table: events, batch: 500, wal: true, ratio: 0.5}}
      - {plugin: file, name: archive, options: {path: "data/web.ndjson"}}
  items:
    columns:
      - {name: id, type: int64}
      - {name: label, type: string, nullable: true, default: "none"}
      - {name: score, type: float64, default: 1.5}
      - {name: ok, type: bool, default: yes}
      - {name: at, type: timestamp, default: now}
      - {name: since, type: timestamp, default: "2024-01-02T03:04:05Z"}
    unknown_fields: ignore
    sinks: [{plugin: sqlite}]
)";

// A minimal valid config to which each error case adds or changes one thing.
std::string WithStream(const std::string& stream_body) {
  return "streams:\n  events:\n" + stream_body;
}

const char* kSink = "    sinks: [{plugin: sqlite}]\n";

}  // namespace

class HostConfigTest : public QObject {
  Q_OBJECT
 private slots:
  // The environment the ${...} tests read; names no real setting uses.
  void initTestCase() {
    setenv("SINKHOST_TEST_TOKEN", "0123456789abcdef0123", 1);
    setenv("SINKHOST_TEST_PW", "s3cr\"t", 1);
    setenv("SINKHOST_TEST_THREADS", "12", 1);
    setenv("SINKHOST_TEST_WORD", "abc", 1);
    setenv("SINKHOST_TEST_EMPTY", "", 1);
    unsetenv("SINKHOST_TEST_UNSET");
    unsetenv("PG_URL_SINKHOST_TEST");
  }

  void fullConfigParses() {
    HostConfig c;
    Status st = ParseHostConfig(kFull, &c);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(c.ingest.listen.host, std::string("0.0.0.0"));
    QCOMPARE(c.ingest.listen.port, uint16_t(9090));
    QCOMPARE(c.ingest.max_body, uint64_t(1) << 20);
    QCOMPARE(c.ingest.max_threads, 8);
    QCOMPARE(c.ingest.max_queued, 16);
    QCOMPARE(c.ingest.keep_alive_timeout_ms, int64_t(2000));
    QCOMPARE(c.ingest.request_timeout_ms, int64_t(10000));
    QCOMPARE(c.ingest.plausible_stream, std::string("web"));
    QCOMPARE(c.admin.listen.host, std::string("::1"));
    QCOMPARE(c.admin.listen.ToString(), std::string("[::1]:9091"));
    QCOMPARE(c.admin.max_threads, 2);
    QCOMPARE(c.data_dir, std::string("/var/lib/sinkhost"));
    QCOMPARE(c.plugin_dirs, (std::vector<std::string>{"/opt/a", "plugins"}));
    QCOMPARE(c.log_level, std::string("warning"));
    QCOMPARE(c.shutdown_timeout_ms, int64_t(45000));
    QCOMPARE(c.streams.size(), size_t(2));

    const StreamConfig& web = c.streams[0];
    QCOMPARE(web.name, std::string("web"));
    QVERIFY(web.schema.kind() == Schema::Kind::kPlausible);
    QCOMPARE(web.schema.num_columns(), Schema::Plausible().num_columns());
    QCOMPARE(web.options.buffer.max_events, int64_t(500));
    QCOMPARE(web.options.buffer.max_bytes, uint64_t(2) << 20);
    QCOMPARE(web.options.buffer.flush_interval_ms, int64_t(250));
    QVERIFY(web.options.buffer.when_full == BufferOptions::WhenFull::kDropNewest);
    QCOMPARE(web.options.buffer.block_timeout_ms, int64_t(0));
    QCOMPARE(web.options.buffer.max_pending_batches, 2);
    QCOMPARE(web.options.retry.initial_delay_ms, int64_t(50));
    QCOMPARE(web.options.retry.max_delay_ms, int64_t(60000));
    QVERIFY(!web.options.ignore_unknown_fields);
    QVERIFY(web.options.wal.fsync == FsyncPolicy::kAlways);
    QCOMPARE(web.options.wal.fsync_interval_ms, int64_t(20));
    QCOMPARE(web.options.wal.segment_bytes, uint64_t(64) << 10);
    QCOMPARE(web.options.wal.max_total_bytes, uint64_t(2) << 30);
    QVERIFY(web.options.wal_dir.empty());  // the host derives it from data_dir
    QCOMPARE(web.sinks.size(), size_t(2));
    QCOMPARE(web.sinks[0].name, std::string("sqlite"));  // defaults to the plugin
    QCOMPARE(web.sinks[0].plugin, std::string("sqlite"));
    // Scalars of every YAML type reach the plugin as their text.
    QCOMPARE(web.sinks[0].options.at("path"), std::string("data/web.db"));
    QCOMPARE(web.sinks[0].options.at("batch"), std::string("500"));
    QCOMPARE(web.sinks[0].options.at("wal"), std::string("true"));
    QCOMPARE(web.sinks[0].options.at("ratio"), std::string("0.5"));
    QCOMPARE(web.sinks[1].name, std::string("archive"));
    QCOMPARE(web.sinks[1].plugin, std::string("file"));

    const StreamConfig& items = c.streams[1];
    QVERIFY(items.schema.kind() == Schema::Kind::kCustom);
    QVERIFY(items.options.ignore_unknown_fields);
    const auto& cols = items.schema.columns();
    QCOMPARE(cols.size(), size_t(6));
    QVERIFY(cols[0].type == ColumnType::kInt64 && !cols[0].nullable);
    QVERIFY(std::holds_alternative<std::monostate>(cols[0].default_value));
    QVERIFY(cols[1].nullable);
    QCOMPARE(std::get<std::string>(cols[1].default_value), std::string("none"));
    QCOMPARE(std::get<double>(cols[2].default_value), 1.5);
    QCOMPARE(std::get<bool>(cols[3].default_value), true);
    QVERIFY(std::holds_alternative<NowDefault>(cols[4].default_value));
    QCOMPARE(std::get<int64_t>(cols[5].default_value), int64_t(1704164645) * 1000000);
  }

  void defaultsApply() {
    HostConfig c;
    Status st = ParseHostConfig(WithStream("    schema: plausible\n" + std::string(kSink)), &c);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(c.ingest.listen.ToString(), std::string("127.0.0.1:8080"));
    QCOMPARE(c.admin.listen.ToString(), std::string("127.0.0.1:8081"));
    QVERIFY(c.admin.enabled);
    QCOMPARE(c.ingest.max_body, uint64_t(10) << 20);
    QCOMPARE(c.ingest.max_threads, 64);
    QCOMPARE(c.ingest.max_queued, 256);
    QCOMPARE(c.data_dir, std::string("data"));
    QVERIFY(c.plugin_dirs.empty());
    QCOMPARE(c.log_level, std::string("information"));
    QCOMPARE(c.shutdown_timeout_ms, int64_t(30000));
    // "events" with the plausible schema takes POST /api/event by default.
    QCOMPARE(c.ingest.plausible_stream, std::string("events"));
    const BufferOptions& b = c.streams[0].options.buffer;
    QCOMPARE(b.max_events, int64_t(10000));
    QCOMPARE(b.max_bytes, uint64_t(16) << 20);
    QCOMPARE(b.flush_interval_ms, int64_t(5000));
    QVERIFY(b.when_full == BufferOptions::WhenFull::kBlock);
    const WalOptions& w = c.streams[0].options.wal;
    QVERIFY(w.fsync == FsyncPolicy::kInterval);
    QCOMPARE(w.fsync_interval_ms, int64_t(100));
    QCOMPARE(w.segment_bytes, uint64_t(16) << 20);
    QCOMPARE(w.max_total_bytes, uint64_t(1) << 30);
  }

  void walPoliciesParse() {
    for (const char* policy : {"always", "interval", "never"}) {
      HostConfig c;
      Status st = ParseHostConfig(WithStream("    schema: plausible\n    wal: {fsync: " +
                                             std::string(policy) + "}\n" + kSink),
                                  &c);
      QVERIFY2(st.ok(), st.ToString().c_str());
      QCOMPARE(std::string(FsyncPolicyName(c.streams[0].options.wal.fsync)), std::string(policy));
    }
    // A small cap is fine as long as a whole segment fits under it.
    HostConfig c;
    QVERIFY(ParseHostConfig(WithStream("    schema: plausible\n    wal: {segment_size: 1MiB, "
                                       "max_size: 1MiB}\n" + std::string(kSink)),
                            &c)
                .ok());
  }

  void plausibleStreamDefaultsToFirstPlausibleOrNone() {
    HostConfig c;
    Status st = ParseHostConfig(R"(streams:
  items: {columns: [{name: id, type: int64}], sinks: [{plugin: x}]}
  web: {schema: plausible, sinks: [{plugin: x}]}
)",
                                &c);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(c.ingest.plausible_stream, std::string("web"));
    st = ParseHostConfig("streams: {items: {columns: [{name: id, type: int64}], sinks: [{plugin: x}]}}",
                         &c);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(c.ingest.plausible_stream, std::string());
  }

  void listenAddresses() {
    ListenAddress a;
    QVERIFY(ParseListenAddress(":8080", &a).ok());
    QCOMPARE(a.host, std::string("0.0.0.0"));
    QVERIFY(ParseListenAddress("localhost:0", &a).ok());
    QCOMPARE(a.port, uint16_t(0));
    QVERIFY(!ParseListenAddress("8080", &a).ok());
    QVERIFY(!ParseListenAddress("1.2.3.4:70000", &a).ok());
    QVERIFY(!ParseListenAddress("::1:80", &a).ok());
    QVERIFY(!ParseListenAddress("[::1]", &a).ok());
  }

  // Each error names the key path and the broken rule.
  void errorsNameTheirKey_data() {
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const std::string& yaml, const char* expected) {
      QTest::newRow(name) << QString::fromStdString(yaml) << QString(expected);
    };
    const std::string sink = kSink;
    row("unknown top-level key", "stream: {}\n",
        "stream: unknown key (known: ingest, admin, data_dir, plugin_dirs, log, shutdown_timeout, "
        "streams)");
    row("unknown stream key",
        WithStream("    schema: plausible\n    bufer: {}\n" + sink),
        "streams.events.bufer: unknown key (known: schema, columns, unknown_fields, buffer, retry, "
        "wal, sinks, enrich)");
    row("unknown wal key", WithStream("    schema: plausible\n    wal: {sync: always}\n" + sink),
        "streams.events.wal.sync: unknown key (known: fsync, fsync_interval, segment_size, "
        "max_size)");
    row("wal fsync invalid",
        WithStream("    schema: plausible\n    wal: {fsync: sometimes}\n" + sink),
        "streams.events.wal.fsync: must be always or interval or never, got \"sometimes\"");
    row("wal fsync_interval zero",
        WithStream("    schema: plausible\n    wal: {fsync_interval: 0ms}\n" + sink),
        "streams.events.wal.fsync_interval: must be longer than zero, got \"0ms\"");
    row("wal fsync_interval bad",
        WithStream("    schema: plausible\n    wal: {fsync_interval: often}\n" + sink),
        "streams.events.wal.fsync_interval: 'often' is not a duration");
    row("wal segment_size too small",
        WithStream("    schema: plausible\n    wal: {segment_size: 1KiB}\n" + sink),
        "streams.events.wal.segment_size: must be from 4KiB to 1GiB, got \"1KiB\"");
    row("wal segment_size too large",
        WithStream("    schema: plausible\n    wal: {segment_size: 2GiB, max_size: 4GiB}\n" + sink),
        "streams.events.wal.segment_size: must be from 4KiB to 1GiB, got \"2GiB\"");
    row("wal max_size zero", WithStream("    schema: plausible\n    wal: {max_size: 0}\n" + sink),
        "streams.events.wal.max_size: must be greater than zero");
    row("wal max_size below segment_size",
        WithStream("    schema: plausible\n    wal: {segment_size: 16MiB, max_size: 1MiB}\n" +
                   sink),
        "streams.events.wal.max_size: must be at least segment_size (16777216 bytes), got 1048576 "
        "bytes");
    row("wal max_size below the default segment_size",
        WithStream("    schema: plausible\n    wal: {max_size: 8MiB}\n" + sink),
        "streams.events.wal.max_size: must be at least segment_size (16777216 bytes)");
    row("wal not a mapping", WithStream("    schema: plausible\n    wal: always\n" + sink),
        "streams.events.wal: must be a mapping");
    row("max_events not a number",
        WithStream("    schema: plausible\n    buffer: {max_events: abc}\n" + sink),
        "streams.events.buffer.max_events: must be a positive integer, got \"abc\"");
    row("max_events zero",
        WithStream("    schema: plausible\n    buffer: {max_events: 0}\n" + sink),
        "streams.events.buffer.max_events: must be a positive integer, got \"0\"");
    row("max_events a mapping",
        WithStream("    schema: plausible\n    buffer: {max_events: {a: 1}}\n" + sink),
        "streams.events.buffer.max_events: must be a positive integer, got a mapping");
    row("bad size", "ingest: {max_body: 10 parsecs}\n" + WithStream("    schema: plausible\n" + sink),
        "ingest.max_body: '10 parsecs' has unknown size unit 'parsecs'");
    row("zero size",
        WithStream("    schema: plausible\n    buffer: {max_bytes: 0MiB}\n" + sink),
        "streams.events.buffer.max_bytes: must be greater than zero");
    row("bad duration",
        WithStream("    schema: plausible\n    buffer: {flush_interval: soon}\n" + sink),
        "streams.events.buffer.flush_interval: 'soon' is not a duration");
    row("bad duration unit", "shutdown_timeout: 5 weeks\n" + WithStream("    schema: plausible\n" + sink),
        "shutdown_timeout: '5 weeks' has unknown duration unit 'weeks'");
    row("missing plugin",
        WithStream("    schema: plausible\n    sinks: [{name: main, options: {a: b}}]\n"),
        "streams.events.sinks[0].plugin: is required");
    row("missing sinks", WithStream("    schema: plausible\n"), "streams.events.sinks: is required");
    row("empty sinks", WithStream("    schema: plausible\n    sinks: []\n"),
        "streams.events.sinks: must list at least one sink");
    row("duplicate sink name",
        WithStream("    schema: plausible\n    sinks: [{plugin: sqlite}, {plugin: sqlite}]\n"),
        "streams.events.sinks[1].name: sink name 'sqlite' is already used by sinks[0]");
    row("bad stream name", "streams:\n  9lives:\n    schema: plausible\n" + sink,
        "streams.9lives: stream name '9lives' must start with a letter or underscore");
    row("bad column type",
        WithStream("    columns: [{name: id, type: integer}]\n" + sink),
        "streams.events.columns[0].type: unknown type \"integer\" (known: string, int64, float64, "
        "bool, timestamp)");
    row("bad column name", WithStream("    columns: [{name: my-id, type: int64}]\n" + sink),
        "streams.events.columns[0].name: column name 'my-id' may contain only letters, digits and "
        "underscores");
    row("duplicate column",
        WithStream("    columns: [{name: id, type: int64}, {name: id, type: string}]\n" + sink),
        "streams.events.columns[1].name: column 'id' is defined twice");
    row("default of wrong type",
        WithStream("    columns: [{name: n, type: int64, default: many}]\n" + sink),
        "streams.events.columns[0].default: must be an integer for a int64 column, got \"many\"");
    row("timestamp default of wrong type",
        WithStream("    columns: [{name: t, type: timestamp, default: yesterday}]\n" + sink),
        "streams.events.columns[0].default: must be \"now\", an ISO-8601 time or microseconds");
    row("bool default of wrong type",
        WithStream("    columns: [{name: b, type: bool, default: maybe}]\n" + sink),
        "streams.events.columns[0].default: must be true or false for a bool column, got \"maybe\"");
    row("when_full invalid",
        WithStream("    schema: plausible\n    buffer: {when_full: wait}\n" + sink),
        "streams.events.buffer.when_full: must be block or drop_newest, got \"wait\"");
    row("unknown_fields invalid",
        WithStream("    schema: plausible\n    unknown_fields: drop\n" + sink),
        "streams.events.unknown_fields: must be reject or ignore, got \"drop\"");
    row("schema invalid", WithStream("    schema: matomo\n" + sink),
        "streams.events.schema: must be plausible or custom, got \"matomo\"");
    row("no schema, no columns", WithStream(sink), "streams.events: needs either schema: plausible or a columns list");
    row("plausible with columns",
        WithStream("    schema: plausible\n    columns: [{name: id, type: int64}]\n" + sink),
        "streams.events.columns: is not allowed with schema: plausible");
    row("empty streams", "streams: {}\n", "streams: must name at least one stream");
    row("missing streams", "data_dir: x\n", "streams: is required");
    row("streams a list", "streams: [a, b]\n", "streams: must be a mapping, got a list");
    row("empty document", "", "config: must be a mapping");
    row("bad listen", "ingest: {listen: localhost}\n" + WithStream("    schema: plausible\n" + sink),
        "ingest.listen: missing port");
    row("max_threads out of range",
        "ingest: {max_threads: 100000}\n" + WithStream("    schema: plausible\n" + sink),
        "ingest.max_threads: must be an integer from 1 to 4096, got \"100000\"");
    row("unknown log level", "log: {level: loud}\n" + WithStream("    schema: plausible\n" + sink),
        "log.level: unknown log level \"loud\"");
    row("plausible_stream unknown",
        "ingest: {plausible_stream: web}\n" + WithStream("    schema: plausible\n" + sink),
        "ingest.plausible_stream: no stream is named \"web\"");
    row("plausible_stream not plausible",
        "ingest: {plausible_stream: events}\n" +
            WithStream("    columns: [{name: id, type: int64}]\n" + sink),
        "ingest.plausible_stream: stream \"events\" does not have schema: plausible");
    row("option not a scalar",
        WithStream("    schema: plausible\n    sinks: [{plugin: sqlite, options: {path: [a, b]}}]\n"),
        "streams.events.sinks[0].options.path: must be a single value, got a list");
    row("duplicate key",
        WithStream("    schema: plausible\n    buffer: {max_events: 1, max_events: 2}\n" + sink),
        "streams.events.buffer.max_events: is given twice");
    row("retry max below initial",
        WithStream("    schema: plausible\n    retry: {initial_delay: 5s, max_delay: 1s}\n" + sink),
        "streams.events.retry.max_delay: must not be shorter than initial_delay");
    row("plugin_dirs not a list", "plugin_dirs: /opt\n" + WithStream("    schema: plausible\n" + sink),
        "plugin_dirs: must be a list, got \"/opt\"");
    row("admin enabled not bool",
        "admin: {enabled: perhaps}\n" + WithStream("    schema: plausible\n" + sink),
        "admin.enabled: must be true or false, got \"perhaps\"");
    row("admin on the network without a token",
        "admin: {listen: \"0.0.0.0:8081\"}\n" + WithStream("    schema: plausible\n" + sink),
        "admin.listen: is '0.0.0.0:8081', not a loopback address: set admin.token");
    row("short admin token",
        "admin: {token: abc}\n" + WithStream("    schema: plausible\n" + sink),
        "admin.token: is too short: use at least 16 characters");
    row("yaml syntax", "streams: {events: [\n", "line ");
    row("log format invalid", "log: {format: xml}\n" + WithStream("    schema: plausible\n" + sink),
        "log.format: must be text or json, got \"xml\"");

    // Environment references: the key path, the variable, the value as written.
    row("unset variable in a sink option",
        WithStream("    schema: plausible\n    sinks: [{plugin: postgres, options: "
                   "{connection: \"${PG_URL_SINKHOST_TEST}\"}}]\n"),
        "streams.events.sinks[0].options.connection: environment variable PG_URL_SINKHOST_TEST "
        "is not set (from \"${PG_URL_SINKHOST_TEST}\")");
    row("unset variable in a host key",
        "admin: {token: \"x${SINKHOST_TEST_UNSET}\"}\n" +
            WithStream("    schema: plausible\n" + sink),
        "admin.token: environment variable SINKHOST_TEST_UNSET is not set (from "
        "\"x${SINKHOST_TEST_UNSET}\")");
    row("unset variable in a list item",
        "plugin_dirs: [a, \"${SINKHOST_TEST_UNSET}/b\"]\n" +
            WithStream("    schema: plausible\n" + sink),
        "plugin_dirs[1]: environment variable SINKHOST_TEST_UNSET is not set");
    row("reference without a closing brace",
        "data_dir: \"/var/${SINKHOST_TEST_PW\"\n" + WithStream("    schema: plausible\n" + sink),
        "data_dir: \"${\" at offset 5 has no closing \"}\" (write $${ for a literal ${) (from "
        "\"/var/${SINKHOST_TEST_PW\")");
    row("reference with a bad name",
        "data_dir: \"${1DIR}\"\n" + WithStream("    schema: plausible\n" + sink),
        "data_dir: \"${1DIR}\" is not a valid reference: write ${NAME} or ${NAME:-default}");
    row("empty reference", "data_dir: \"${}\"\n" + WithStream("    schema: plausible\n" + sink),
        "data_dir: \"${}\" is not a valid reference");
    row("default without the dash",
        "data_dir: \"${DIR:data}\"\n" + WithStream("    schema: plausible\n" + sink),
        "data_dir: \"${DIR:data}\" is not a valid reference");
    row("expanded value of the wrong type",
        "ingest: {max_threads: \"${SINKHOST_TEST_WORD}\"}\n" +
            WithStream("    schema: plausible\n" + sink),
        "ingest.max_threads: must be an integer from 1 to 4096, got \"abc\" (from "
        "\"${SINKHOST_TEST_WORD}\")");
    row("expanded value empty",
        "data_dir: \"${SINKHOST_TEST_EMPTY}\"\n" + WithStream("    schema: plausible\n" + sink),
        "data_dir: must not be empty");

    row("token and token_file",
        "admin: {token: 0123456789abcdef0123, token_file: /run/t}\n" +
            WithStream("    schema: plausible\n" + sink),
        "admin.token_file: cannot be used together with admin.token: set one of them");
    row("token_file missing",
        "admin: {token_file: /nonexistent/sinkhost-token}\n" +
            WithStream("    schema: plausible\n" + sink),
        "admin.token_file: cannot read \"/nonexistent/sinkhost-token\": No such file or directory");
    row("token_file a directory",
        "admin: {token_file: /}\n" + WithStream("    schema: plausible\n" + sink),
        "admin.token_file: cannot read \"/\": Is a directory");
    row("token_file empty value",
        "admin: {token_file: \"\"}\n" + WithStream("    schema: plausible\n" + sink),
        "admin.token_file: must not be empty");
  }

  void adminOnTheNetworkNeedsAToken() {
    HostConfig c;
    const std::string streams = WithStream("    schema: plausible\n" + std::string(kSink));
    Status st = ParseHostConfig(
        "admin: {listen: \"0.0.0.0:8081\", token: 0123456789abcdef0123}\n" + streams, &c);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(c.admin.token, std::string("0123456789abcdef0123"));
    QVERIFY(ParseHostConfig("admin: {listen: \"[::1]:8081\"}\n" + streams, &c).ok());
    QVERIFY(ParseHostConfig("admin: {listen: \"localhost:8081\"}\n" + streams, &c).ok());
    QVERIFY(ParseHostConfig("admin: {enabled: false, listen: \"0.0.0.0:1\"}\n" + streams, &c).ok());
  }

  void errorsNameTheirKey() {
    QFETCH(QString, yaml);
    QFETCH(QString, expected);
    HostConfig c;
    Status st = ParseHostConfig(yaml.toStdString(), &c);
    QVERIFY2(!st.ok(), "the config was accepted");
    QVERIFY(st.IsInvalidArgument());
    const std::string msg = st.message();
    // The key path comes first, then the rule.
    QVERIFY2(msg.rfind(expected.toStdString(), 0) == 0,
             ("got: " + msg + "\nwanted it to start with: " + expected.toStdString()).c_str());
  }

  void fileErrorsNameFileAndLine() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("bad.yaml").toStdString();
    {
      std::ofstream out(path);
      out << "streams:\n  events:\n    schema: plausible\n    buffer:\n      max_events: abc\n"
          << kSink;
    }
    HostConfig c;
    Status st = LoadHostConfig(path, &c);
    QVERIFY(!st.ok());
    QCOMPARE(st.message(),
             path + ":5: streams.events.buffer.max_events: must be a positive integer, got \"abc\"");
    st = LoadHostConfig(dir.filePath("missing.yaml").toStdString(), &c);
    QVERIFY(!st.ok());
    QVERIFY(st.message().find("missing.yaml") != std::string::npos);
  }

  // ${NAME} works in every scalar value, host keys and sink options alike.
  void environmentReferencesExpandInEveryValue() {
    const std::string yaml =
        "ingest: {max_threads: \"${SINKHOST_TEST_THREADS}\", listen: "
        "\"${SINKHOST_TEST_UNSET:-127.0.0.1:9090}\"}\n"
        "admin: {token: \"${SINKHOST_TEST_TOKEN}\", listen: \"0.0.0.0:9091\"}\n"
        "data_dir: \"$HOME/data\"\n"
        "shutdown_timeout: ${SINKHOST_TEST_EMPTY:-7s}\n"
        "log: {format: \"${SINKHOST_TEST_UNSET:-json}\"}\n"
        "streams:\n"
        "  events:\n"
        "    schema: plausible\n"
        "    sinks:\n"
        "      - plugin: postgres\n"
        "        options:\n"
        "          connection: \"postgresql://u:${SINKHOST_TEST_PW}@db/x\"\n"
        "          literal: \"$${SINKHOST_TEST_PW} costs 5$ or $$\"\n"
        "          empty: \"${SINKHOST_TEST_EMPTY}\"\n"
        "          twice: \"${SINKHOST_TEST_THREADS}${SINKHOST_TEST_THREADS}\"\n"
        "          fallback: \"${SINKHOST_TEST_UNSET:-a:-b $x}\"\n"
        "          empty_default: \"${SINKHOST_TEST_UNSET:-}\"\n";
    HostConfig c;
    Status st = ParseHostConfig(yaml, &c);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(c.ingest.max_threads, 12);
    QCOMPARE(c.ingest.listen.ToString(), std::string("127.0.0.1:9090"));
    QCOMPARE(c.admin.token, std::string("0123456789abcdef0123"));
    QCOMPARE(c.data_dir, std::string("$HOME/data"));  // only ${...} is a reference
    QCOMPARE(c.shutdown_timeout_ms, int64_t(7000));     // empty counts as unset for :-
    QCOMPARE(c.log_format, std::string("json"));
    const auto& o = c.streams[0].sinks[0].options;
    QCOMPARE(o.at("connection"), std::string("postgresql://u:s3cr\"t@db/x"));
    QCOMPARE(o.at("literal"), std::string("${SINKHOST_TEST_PW} costs 5$ or $$"));
    QCOMPARE(o.at("empty"), std::string(""));
    QCOMPARE(o.at("twice"), std::string("1212"));
    QCOMPARE(o.at("fallback"), std::string("a:-b $x"));
    QCOMPARE(o.at("empty_default"), std::string(""));
  }

  void environmentErrorsNameFileAndLine() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("env.yaml").toStdString();
    std::ofstream(path) << "streams:\n  events:\n    schema: plausible\n    sinks:\n"
                           "      - plugin: postgres\n        options:\n"
                           "          connection: \"${PG_URL_SINKHOST_TEST}\"\n";
    HostConfig c;
    Status st = LoadHostConfig(path, &c);
    QVERIFY(!st.ok());
    QCOMPARE(st.message(), path + ":7: streams.events.sinks[0].options.connection: environment "
                                  "variable PG_URL_SINKHOST_TEST is not set (from "
                                  "\"${PG_URL_SINKHOST_TEST}\")");
  }

  void adminTokenFromAFile() {
    QTemporaryDir dir;
    const std::string streams = WithStream("    schema: plausible\n" + std::string(kSink));
    auto write = [&](const char* name, const std::string& content) {
      const std::string p = dir.filePath(name).toStdString();
      std::ofstream(p, std::ios::binary) << content;
      return p;
    };
    auto parse = [&](const std::string& file, HostConfig* c) {
      return ParseHostConfig("admin: {listen: \"0.0.0.0:8081\", token_file: \"" + file + "\"}\n" +
                                 streams,
                             c);
    };
    HostConfig c;
    // Trailing newlines go, whatever the editor wrote; the token is enough
    // for a non-loopback listener.
    for (const char* content : {"0123456789abcdef0123", "0123456789abcdef0123\n",
                                "0123456789abcdef0123\n\n", "0123456789abcdef0123\r\n"}) {
      c = HostConfig();
      Status st = parse(write("token", content), &c);
      QVERIFY2(st.ok(), st.ToString().c_str());
      QCOMPARE(c.admin.token, std::string("0123456789abcdef0123"));
    }

    // systemd's LoadCredential=: the file is in $CREDENTIALS_DIRECTORY.
    write("admin_token", "fedcba9876543210fedcba\n");
    setenv("SINKHOST_TEST_CREDENTIALS", dir.path().toStdString().c_str(), 1);
    Status st = parse("${SINKHOST_TEST_CREDENTIALS}/admin_token", &c);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(c.admin.token, std::string("fedcba9876543210fedcba"));

    const std::string empty = write("empty", "\n");
    st = parse(empty, &c);
    QVERIFY(!st.ok());
    QCOMPARE(st.message(), "admin.token_file: \"" + empty + "\" is empty");

    const std::string shorter = write("short", "abc123\n");
    st = parse(shorter, &c);
    QVERIFY(!st.ok());
    QCOMPARE(st.message(), "admin.token_file: the token in \"" + shorter +
                               "\" is too short (6 characters): use at least 16 (e.g. openssl "
                               "rand -hex 24)");

    const std::string two = write("two", "0123456789abcdef0123\nsecond line\n");
    st = parse(two, &c);
    QVERIFY(!st.ok());
    const std::string want = "admin.token_file: \"" + two + "\" holds more than one line";
    QVERIFY2(st.message().rfind(want, 0) == 0, st.message().c_str());
    // No error shows the secret.
    QVERIFY(st.message().find("0123456789abcdef") == std::string::npos);
  }

  void shippedConfigParses() {
    const char* src = std::getenv("SINKHOST_SOURCE_DIR");
    QVERIFY(src != nullptr);
    HostConfig c;
    Status st = LoadHostConfig(std::string(src) + "/config/sinkhost.yaml", &c);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(c.ingest.plausible_stream, std::string("events"));
    QCOMPARE(c.streams[0].sinks[0].options.at("path"), std::string("data/events.db"));
    QCOMPARE(c.streams[0].sinks[0].options.at("table"), std::string("events"));
    QCOMPARE(c.data_dir, std::string("data"));
  }
};

QTEST_GUILESS_MAIN(HostConfigTest)
#include "host_config_test.moc"
