// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// `sinkhost wal inspect DIR` and `sinkhost wal verify DIR` on logs a real
// host wrote: segments, record counts, seq ranges, sink positions and
// damage, and verify's exit code.
#include <QProcess>
#include <filesystem>
#include <fstream>

#include "tests/support/host_process.h"
#include "tests/support/qtest_printers.h"
#include "tests/support/test_env.h"

using namespace sinkhost::testing;

namespace {

// Two streams; nothing is delivered before a flush.
const char* kConfig =
    "ingest: {listen: \"{ingest}\"}\n"
    "admin: {listen: \"{admin}\"}\n"
    "data_dir: \"{dir}/data\"\n"
    "plugin_dirs: [\"{plugins}\"]\n"
    "streams:\n"
    "  items:\n"
    "    columns: [{name: id, type: int64}]\n"
    "    buffer: {flush_interval: 1h}\n"
    "    wal: {fsync: never}\n"
    "    sinks:\n"
    "      - {plugin: sqlite, options: {path: \"{dir}/items.db\", table: items}}\n"
    "      - {plugin: file, name: archive, options: {path: \"{dir}/items.ndjson\"}}\n"
    "  other:\n"
    "    columns: [{name: id, type: int64}]\n"
    "    buffer: {flush_interval: 1h}\n"
    "    wal: {fsync: never}\n"
    "    sinks:\n"
    "      - {plugin: sqlite, options: {path: \"{dir}/other.db\", table: other}}\n";

struct Run {
  int code = -1;
  std::string out, err;
};

Run Sinkhost(const QStringList& args) {
  QProcess p;
  p.start(QString::fromStdString(BuildDir() + "/bin/sinkhost"), args);
  Run r;
  if (!p.waitForFinished(30000)) {
    p.kill();
    p.waitForFinished();
    return r;
  }
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  return r;
}

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

bool Post(HostProcess& host, const std::string& stream, int first, int count) {
  std::string body;
  for (int id = first; id < first + count; ++id) body += "{\"id\":" + std::to_string(id) + "}\n";
  return host.Ingest("POST", "/v1/streams/" + stream + "/events", body, "application/x-ndjson")
             .status == 202;
}

}  // namespace

class WalCliTest : public QObject {
  Q_OBJECT
 private slots:
  void inspectAndVerifyReportLogsPositionsAndDamage() {
    HostProcess host;
    QVERIFY2(host.Start(kConfig), host.output().c_str());
    for (int r = 0; r < 6; ++r) QVERIFY(Post(host, "items", r * 10, 10));
    QVERIFY(Post(host, "other", 0, 3));
    // items is delivered (positions 6), other is not (position 0).
    QCOMPARE(host.Admin("POST", "/api/flush?stream=items").status, 200);
    for (int r = 6; r < 8; ++r) QVERIFY(Post(host, "items", r * 10, 10));
    host.Kill();

    const std::string data = host.dir() + "/data";
    const std::string items = data + "/wal/items";
    Run one = Sinkhost({"wal", "inspect", QString::fromStdString(items)});
    QVERIFY2(one.code == 0, (one.out + one.err).c_str());
    QVERIFY2(Has(one.out, "wal " + items + "\n"), one.out.c_str());
    QVERIFY2(Has(one.out, "1 segment, "), one.out.c_str());
    QVERIFY2(Has(one.out, "8 intact records, seq 1..8"), one.out.c_str());
    QVERIFY2(Has(one.out, "00000000000000000001.seg"), one.out.c_str());
    QVERIFY2(Has(one.out, "confirmed 6, 2 records pending"), one.out.c_str());
    QVERIFY2(Has(one.out, "archive"), one.out.c_str());
    QVERIFY2(Has(one.out, "sqlite"), one.out.c_str());
    QVERIFY2(Has(one.out, "damage: none"), one.out.c_str());
    QVERIFY(!Has(one.out, "other"));

    // The data directory: every stream's log, in name order.
    Run all = Sinkhost({"wal", "inspect", QString::fromStdString(data)});
    QCOMPARE(all.code, 0);
    const size_t other_at = all.out.find("wal " + data + "/wal/other\n");
    const size_t items_at = all.out.find("wal " + items + "\n");
    QVERIFY2(other_at != std::string::npos && items_at != std::string::npos && items_at < other_at,
             all.out.c_str());
    QVERIFY2(Has(all.out, "1 intact records, seq 1..1"), all.out.c_str());
    QVERIFY2(Has(all.out, "confirmed 0, 1 records pending"), all.out.c_str());

    Run ok = Sinkhost({"wal", "verify", QString::fromStdString(data)});
    QVERIFY2(ok.code == 0, (ok.out + ok.err).c_str());
    QVERIFY2(Has(ok.out, "verify: intact"), ok.out.c_str());

    // One flipped byte in the middle of the segment costs one record.
    const std::string seg = items + "/00000000000000000001.seg";
    {
      std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(static_cast<std::streamoff>(std::filesystem::file_size(seg) / 2));
      char c = 0;
      f.get(c);
      f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(seg) / 2));
      f.put(static_cast<char>(c ^ 0x5A));
    }
    Run bad = Sinkhost({"wal", "verify", QString::fromStdString(items)});
    QCOMPARE(bad.code, 1);
    QVERIFY2(Has(bad.out, "damage: 1 region, 1 records known lost"), bad.out.c_str());
    QVERIFY2(Has(bad.out, "7 intact records"), bad.out.c_str());
    QVERIFY2(Has(bad.out, "  damaged"), bad.out.c_str());
    QVERIFY2(Has(bad.err, "sinkhost: error: wal " + items + ": 1 damaged region"), bad.err.c_str());
    // inspect reports the same damage but is not a check.
    Run shown = Sinkhost({"wal", "inspect", QString::fromStdString(items)});
    QCOMPARE(shown.code, 0);
    QVERIFY2(Has(shown.out, "checksum"), shown.out.c_str());
    // The other log is intact, the directory as a whole is not.
    QCOMPARE(Sinkhost({"wal", "verify", QString::fromStdString(data + "/wal/other")}).code, 0);
    QCOMPARE(Sinkhost({"wal", "verify", QString::fromStdString(data)}).code, 1);
  }

  void usageAndMissingLogs() {
    QTemporaryDir empty;
    Run none = Sinkhost({"wal", "inspect", empty.path()});
    QCOMPARE(none.code, 1);
    QVERIFY2(Has(none.err, "no write-ahead log here"), none.err.c_str());
    Run missing = Sinkhost({"wal", "verify", empty.path() + "/nope"});
    QCOMPARE(missing.code, 1);
    QVERIFY2(Has(missing.err, "not a directory"), missing.err.c_str());
    QCOMPARE(Sinkhost({"wal"}).code, 2);
    QCOMPARE(Sinkhost({"wal", "verify"}).code, 2);
    QCOMPARE(Sinkhost({"wal", "check", empty.path()}).code, 2);
    Run help = Sinkhost({"wal", "--help"});
    QCOMPARE(help.code, 0);
    QVERIFY2(Has(help.out, "inspect") && Has(help.out, "verify"), help.out.c_str());
  }
};

QTEST_GUILESS_MAIN(WalCliTest)
#include "wal_cli_test.moc"
