// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// A damaged write-ahead log at host level: a host is SIGKILLed with every
// record still unconfirmed (its only batch interval is an hour away), its
// segment files are damaged one of three ways, and it is started again. It
// must start, name the damage in its log (and in /api/stats once that
// reports the log), deliver every intact record's events exactly once, and
// lose only the records the damage destroyed:
//   * the last segment truncated in the middle of a record: that record and
//     everything after it in the file are gone; the record is named lost;
//   * bytes flipped inside one record's payload in a middle segment: that
//     one record is lost, everything before and after it is delivered;
//   * the tail of the last segment zero-filled from the middle of a record
//     (as after a power loss): the records from there on are gone.
// `sinkhost wal inspect`/`verify` name the same damage before the restart,
// and the log verifies clean once the damaged part has been confirmed.
#include <QTemporaryDir>
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <vector>

#include "tests/support/host_process.h"
#include "tests/support/numbered_load.h"
#include "tests/support/qtest_printers.h"
#include "tests/support/test_env.h"
#include "tests/support/wal_status.h"

using namespace sinkhost::testing;

namespace {

constexpr int kRequests = 40;
constexpr int kPer = 10;     // events per request: one request is one record
constexpr size_t kPad = 40;  // label padding: about 5 records per 4 KiB segment

// Nothing is sealed before the kill: every record stays unconfirmed.
const char* const kConfig =
    "ingest: {listen: \"{ingest}\"}\n"
    "admin: {listen: \"{admin}\"}\n"
    "data_dir: \"{dir}/data\"\n"
    "plugin_dirs: [\"{plugins}\"]\n"
    "shutdown_timeout: 20s\n"
    "streams:\n"
    "  items:\n"
    "    columns:\n"
    "      - {name: id, type: int64}\n"
    "      - {name: label, type: string, nullable: true}\n"
    "    buffer: {max_events: 100000, flush_interval: 1h}\n"
    "    wal: {fsync: always, segment_size: 4KiB}\n"
    "    sinks:\n"
    "      - {plugin: sqlite, options: {path: \"{dir}/items.db\", table: items}}\n";

// One record as laid out on disk (core/wal/wal_format.h): a 24-byte header
// with the payload length at +4 and the sequence number at +8.
struct RecordAt {
  std::string path;
  uint64_t offset = 0;
  uint32_t length = 0;
  uint64_t seq = 0;
};
constexpr uint64_t kSegmentHeader = 32, kRecordHeader = 24;

uint64_t Le(const std::string& bytes, size_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(bytes[at + i])} << (8 * i);
  return v;
}

// The segments of an intact log in order, each with its records.
std::vector<std::vector<RecordAt>> ReadSegments(const std::string& wal_dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(wal_dir))
    if (e.path().extension() == ".seg") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<std::vector<RecordAt>> segments;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<RecordAt> records;
    for (uint64_t at = kSegmentHeader; at + kRecordHeader <= bytes.size();) {
      RecordAt r{path, at, static_cast<uint32_t>(Le(bytes, at + 4, 4)), Le(bytes, at + 8, 8)};
      records.push_back(r);
      at += kRecordHeader + r.length;
    }
    segments.push_back(records);
  }
  return segments;
}

void Overwrite(const std::string& path, uint64_t offset, const std::string& bytes) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::multiset<int64_t> StoredIds(const std::string& db) {
  return SqliteIds(db, "SELECT id FROM items");
}

// The ids of the requests whose record sequence numbers are in `seqs`
// (request r, 0-based, is record r+1).
std::multiset<int64_t> IdsOf(const std::set<uint64_t>& seqs) {
  std::multiset<int64_t> ids;
  for (uint64_t seq : seqs)
    for (int64_t id = (static_cast<int64_t>(seq) - 1) * kPer; id < static_cast<int64_t>(seq) * kPer;
         ++id)
      ids.insert(id);
  return ids;
}

std::string Lines(const std::string& text, const std::string& needle) {
  std::string out;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    if (line.find(needle) != std::string::npos) out += line + "\n";
    begin = end + 1;
  }
  return out;
}

}  // namespace

class WalCorruptionE2ETest : public QObject {
  Q_OBJECT

  // Runs a host to the kill, applies `damage` to the log's segments (it
  // returns the sequence numbers that must survive and fills the strings
  // that the damage report must contain), restarts and checks; the host
  // must count `reported_lost` records as known lost.
  void Run(const std::string& label,
           const std::function<std::set<uint64_t>(const std::vector<std::vector<RecordAt>>&,
                                                  std::vector<std::string>*)>& damage,
           uint64_t reported_lost) {
    HostProcess host;
    QVERIFY2(host.Start(kConfig), host.output().c_str());
    for (int r = 0; r < kRequests; ++r) {
      const HttpResult res = host.Ingest("POST", "/v1/streams/items/events",
                                         NumberedItems(int64_t{r} * kPer, kPer, kPad),
                                         "application/x-ndjson");
      QVERIFY2(res.status == 202, res.body.c_str());
    }
    host.Kill();  // SIGKILL: nothing was sealed, nothing confirmed
    const std::string wal = host.dir() + "/data/wal/items";
    const auto segments = ReadSegments(wal);
    size_t records = 0;
    for (const auto& s : segments) records += s.size();
    QCOMPARE(records, size_t{kRequests});
    QVERIFY2(segments.size() >= 4, std::to_string(segments.size()).c_str());

    std::vector<std::string> expect_report;
    const std::set<uint64_t> survivors = damage(segments, &expect_report);

    std::string inspect;
    QCOMPARE(RunSinkhostCli({"wal", "verify", QString::fromStdString(wal)}, &inspect), 1);
    for (const std::string& s : expect_report)
      QVERIFY2(inspect.find(s) != std::string::npos, ("'" + s + "' not in:\n" + inspect).c_str());

    const size_t before = host.output().size();
    QVERIFY2(host.Restart(), host.output().c_str());
    HttpResult flush = host.Admin("POST", "/api/flush");
    QVERIFY2(flush.status == 200, flush.body.c_str());
    WalStatus wal_status;
    std::string error;
    QVERIFY2(GetWalStatus(host, "items", &wal_status, &error), error.c_str());
    qInfo("%s: /api/stats wal after the restart: %s", label.c_str(), wal_status.json.c_str());

    // Every surviving record's events, each exactly once; nothing else.
    const std::multiset<int64_t> want = IdsOf(survivors);
    const std::multiset<int64_t> stored = StoredIds(host.dir() + "/items.db");
    QCOMPARE(stored, want);

    // The repaired log takes new events.
    const HttpResult more = host.Ingest("POST", "/v1/streams/items/events",
                                        NumberedItems(100000, 5), "application/x-ndjson");
    QCOMPARE(more.status, 202);
    flush = host.Admin("POST", "/api/flush");
    QVERIFY2(flush.status == 200, flush.body.c_str());
    QCOMPARE(StoredIds(host.dir() + "/items.db").size(), want.size() + 5);
    QCOMPARE(host.Terminate(), 0);

    const std::string log = host.output().substr(before);
    const std::string damage_lines = Lines(log, "damage: ");
    QVERIFY2(!damage_lines.empty(), log.c_str());
    for (const std::string& s : expect_report)
      QVERIFY2(damage_lines.find(s) != std::string::npos,
               ("'" + s + "' not in the host's log:\n" + log).c_str());
    // /api/stats lists the same damage and counts the records it lost.
    std::string described;
    for (const WalDamageStatus& d : wal_status.damage) described += d.description + "\n";
    for (const std::string& s : expect_report)
      QVERIFY2(described.find(s) != std::string::npos,
               ("'" + s + "' not in /api/stats: " + wal_status.json).c_str());
    QCOMPARE(wal_status.damage_lost_records, reported_lost);
    QCOMPARE(wal_status.unreadable_records, uint64_t{0});
    QVERIFY2(!wal_status.read_only, wal_status.json.c_str());
    // Every sink is past the damage, so the damaged segments are gone.
    std::string verify;
    QVERIFY2(RunSinkhostCli({"wal", "verify", QString::fromStdString(wal)}, &verify) == 0,
             verify.c_str());
    qInfo("%s: %zu segments, %d records (%d events) acknowledged; %zu records (%zu events) "
          "delivered, %zu records lost, %llu of them named lost; host log:\n%s",
          label.c_str(), segments.size(), kRequests, kRequests * kPer, survivors.size(),
          stored.size(), kRequests - survivors.size(),
          static_cast<unsigned long long>(wal_status.damage_lost_records), damage_lines.c_str());
  }

 private slots:
  // The last segment cut in the middle of its second-to-last record.
  void aTruncatedLastSegment() {
    Run("truncated", [](const auto& segments, std::vector<std::string>* report) {
      const std::vector<RecordAt>& last = segments.back();
      const RecordAt& r = last.size() >= 2 ? last[last.size() - 2] : last.back();
      std::filesystem::resize_file(r.path, r.offset + kRecordHeader + r.length / 2);
      const std::string seq = std::to_string(r.seq);
      *report = {"truncated record", "records " + seq + ".." + seq + " lost"};
      std::set<uint64_t> keep;
      for (uint64_t s = 1; s < r.seq; ++s) keep.insert(s);
      return keep;
    }, 1);
  }

  // Four bytes flipped in the middle of one record's payload, in the
  // middle record of a middle segment.
  void flippedBytesInAMiddleSegment() {
    Run("flipped", [](const auto& segments, std::vector<std::string>* report) {
      const std::vector<RecordAt>& seg = segments[segments.size() / 2];
      const RecordAt& r = seg[seg.size() / 2];
      const uint64_t at = r.offset + kRecordHeader + r.length / 2;
      std::ifstream in(r.path, std::ios::binary);
      std::string bytes(4, '\0');
      in.seekg(static_cast<std::streamoff>(at));
      in.read(bytes.data(), 4);
      for (char& c : bytes) c = static_cast<char>(~c);
      Overwrite(r.path, at, bytes);
      const std::string seq = std::to_string(r.seq);
      *report = {"bad payload checksum", "records " + seq + ".." + seq + " lost"};
      std::set<uint64_t> keep;
      for (uint64_t s = 1; s <= kRequests; ++s)
        if (s != r.seq) keep.insert(s);
      return keep;
    }, 1);
  }

  // The last segment's tail zero-filled from the middle of its
  // second-to-last record, its size unchanged.
  void aZeroFilledTail() {
    Run("zero-filled", [](const auto& segments, std::vector<std::string>* report) {
      const std::vector<RecordAt>& last = segments.back();
      const RecordAt& r = last.size() >= 2 ? last[last.size() - 2] : last.back();
      const uint64_t from = r.offset + kRecordHeader + r.length / 2;
      const uint64_t size = std::filesystem::file_size(r.path);
      Overwrite(r.path, from, std::string(size - from, '\0'));
      const std::string seq = std::to_string(r.seq);
      *report = {"records " + seq + ".." + seq + " lost"};
      std::set<uint64_t> keep;
      for (uint64_t s = 1; s < r.seq; ++s) keep.insert(s);
      return keep;
    }, 1);
  }
};

QTEST_GUILESS_MAIN(WalCorruptionE2ETest)
#include "wal_corruption_e2e_test.moc"
