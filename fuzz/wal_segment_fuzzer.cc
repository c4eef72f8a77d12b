// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// libFuzzer target: the write-ahead log's reading side. The input is the
// bytes of one segment file (fuzz/corpus/wal_segment holds real ones from
// make_wal_seeds). Each input goes
//   1. through SegmentScanner in memory, the parser every reader uses:
//      records must lie inside the input in rising sequence order, damage
//      regions too; each record payload is decoded as a row batch of the
//      plausible and of the all-types schema, as replay does, and a batch
//      that decodes must be well formed and re-encode to the same values;
//   2. through recovery, as a file in a temporary log directory:
//      WriteAheadLog::Open repairs it, a reader replays it, one record is
//      appended, and after closing, a fresh reader must find that record
//      with a number above every number seen before.
// The WAL format is not changed by any of this.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/batch/row_batch.h"
#include "core/batch/row_batch_codec.h"
#include "core/schema/schema.h"
#include "core/wal/segment_scanner.h"
#include "core/wal/wal_format.h"
#include "core/wal/wal_io.h"
#include "core/wal/wal_reader.h"
#include "core/wal/write_ahead_log.h"
#include "fuzz/fuzz_checks.h"

using namespace sinkhost;

namespace {

// Writes go to the file; syncs are skipped (the directory is scratch).
class NoSyncIo : public WalIo {
 public:
  int SyncData(int) override { return 0; }
  int SyncDir(int) override { return 0; }
};

// Made once per process and removed at exit. Never destroyed, so that the
// exit handler can still read it.
const std::string& ScratchDir() {
  static const std::string* const dir = [] {
    std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    if (const char* t = std::getenv("TMPDIR"); t != nullptr && *t != '\0') base = t;
    std::string templ = base + "/sinkhost-fuzz-wal.XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) fuzzing::Fail("mkdtemp", templ);
    auto* made = new std::string(std::move(templ));
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(ScratchDir(), ec);
    });
    return made;
  }();
  return *dir;
}

void DecodeAs(std::string_view payload, RowBatch* rows) {
  if (rows->num_rows() > 256) rows->Clear();
  const int64_t before = rows->num_rows();
  const Status st = DecodeRowBatch(payload, SchemaFingerprint(rows->schema()), rows);
  if (!st.ok()) FUZZ_CHECK(rows->num_rows() == before, st.ToString());
  fuzzing::CheckBatch(*rows);
  if (st.ok()) fuzzing::CheckRoundTrip(*rows);
}

// Step 1. Returns the highest sequence number the scanner saw.
uint64_t Scan(std::string_view bytes, uint64_t first_seq) {
  static RowBatch plausible(Schema::Plausible());
  static RowBatch all_types(fuzzing::AllTypesSchema());

  SegmentScanner scanner(bytes, wal_format::SegmentFileName(first_seq), first_seq);
  ScannedRecord r;
  uint64_t last = 0, count = 0;
  while (scanner.Next(&r)) {
    FUZZ_CHECK(r.seq >= first_seq && r.seq > last);
    FUZZ_CHECK(r.offset >= wal_format::kSegmentHeaderSize);
    FUZZ_CHECK(r.offset + wal_format::kRecordHeaderSize + r.payload.size() <= bytes.size());
    FUZZ_CHECK(r.payload.data() == bytes.data() + r.offset + wal_format::kRecordHeaderSize);
    last = r.seq;
    ++count;
    DecodeAs(r.payload, &plausible);
    DecodeAs(r.payload, &all_types);
  }
  FUZZ_CHECK(scanner.records() == count);
  FUZZ_CHECK(scanner.last_record_seq() == last);
  FUZZ_CHECK(scanner.valid_end() <= bytes.size());
  FUZZ_CHECK(scanner.max_seen_seq() >= last);
  for (const WalDamage& d : scanner.damage()) {
    FUZZ_CHECK(d.offset + d.bytes <= bytes.size(), d.ToString());
    FUZZ_CHECK(d.lost_records() == 0 || d.first_lost_seq >= first_seq, d.ToString());
  }
  const uint64_t max_seen = scanner.max_seen_seq();
  scanner.EndBefore("next.seg", scanner.next_expected_seq() + 3);
  FUZZ_CHECK(!scanner.damage().empty());
  return max_seen;
}

// Step 2.
void Recover(std::string_view bytes, uint64_t first_seq, uint64_t max_seen) {
  static NoSyncIo io;
  const std::string& dir = ScratchDir();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    std::filesystem::remove_all(entry.path(), ec);
  {
    const std::string path = dir + "/" + wal_format::SegmentFileName(first_seq);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    FUZZ_CHECK(fd >= 0, path);
    FUZZ_CHECK(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  }

  WalOptions options;
  options.fsync = FsyncPolicy::kNever;
  options.segment_bytes = 1 << 20;
  options.max_total_bytes = 0;
  options.io = &io;
  std::unique_ptr<WriteAheadLog> log;
  Status st = WriteAheadLog::Open(dir, options, &log);
  FUZZ_CHECK(st.ok(), st.ToString());

  uint64_t last = 0;
  {
    std::unique_ptr<WalReader> reader;
    st = log->NewReader(1, &reader);
    FUZZ_CHECK(st.ok(), st.ToString());
    WalRecord r;
    while (reader->Next(&r)) {
      FUZZ_CHECK(r.seq > last);
      last = r.seq;
    }
    FUZZ_CHECK(reader->status().ok(), reader->status().ToString());
  }

  constexpr std::string_view kPayload = "appended after recovery";
  uint64_t seq = 0;
  st = log->Append(kPayload, 7, &seq);
  FUZZ_CHECK(st.ok(), st.ToString());
  FUZZ_CHECK(seq > last && seq > max_seen && seq >= first_seq,
             "seq " + std::to_string(seq) + ", last read " + std::to_string(last) +
                 ", max seen " + std::to_string(max_seen));
  st = log->Close();
  FUZZ_CHECK(st.ok(), st.ToString());
  log.reset();

  std::unique_ptr<WalReader> reader;
  st = WalReader::Open(dir, seq, &reader);
  FUZZ_CHECK(st.ok(), st.ToString());
  WalRecord r;
  FUZZ_CHECK(reader->Next(&r), "the appended record is not read back");
  FUZZ_CHECK(r.seq == seq && r.type == 7 && r.payload == kPayload);
  FUZZ_CHECK(!reader->Next(&r));
  FUZZ_CHECK(reader->status().ok(), reader->status().ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The file name gives the first sequence number; take the one in the
  // header when it checks out, so that intact seeds read as intact.
  uint64_t first_seq = 1;
  if (size >= wal_format::kSegmentHeaderSize) {
    uint64_t h = 0;
    if (wal_format::DecodeSegmentHeader(data, &h) && h != 0 && h < (uint64_t{1} << 62))
      first_seq = h;
  }
  const uint64_t max_seen = Scan(bytes, first_seq);
  Recover(bytes, first_seq, max_seen);
  return 0;
}
