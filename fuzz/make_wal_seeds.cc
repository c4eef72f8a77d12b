// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Writes the seed segments of fuzz/corpus/wal_segment: real segment files
// written by WriteAheadLog, holding row batches encoded as a stream logs
// them, plus a few damaged copies. Built with the fuzz targets; run it to
// regenerate the checked-in seeds (each under 3 KB):
//   build-fuzz/bin/make_wal_seeds fuzz/corpus/wal_segment
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "core/batch/row_batch.h"
#include "core/batch/row_batch_codec.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"
#include "core/wal/wal_format.h"
#include "core/wal/write_ahead_log.h"
#include "fuzz/fuzz_checks.h"

using namespace sinkhost;
namespace fs = std::filesystem;

namespace {

void Check(const Status& st, const char* what) {
  if (!st.ok()) fuzzing::Fail(what, st.ToString());
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) fuzzing::Fail("write", path.string());
}

// A log in `dir` with one record per batch; `segment_bytes` small enough
// makes it roll. Returns the segment files, oldest first.
std::vector<fs::path> WriteLog(const fs::path& dir, const std::vector<std::string>& payloads,
                               uint64_t segment_bytes) {
  fs::remove_all(dir);
  WalOptions options;
  options.fsync = FsyncPolicy::kNever;
  options.segment_bytes = segment_bytes;
  options.max_total_bytes = 0;
  std::unique_ptr<WriteAheadLog> log;
  Check(WriteAheadLog::Open(dir.string(), options, &log), "open log");
  for (const std::string& p : payloads) Check(log->Append(p, 1, nullptr), "append");
  Check(log->Close(), "close");
  std::vector<fs::path> segments;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == wal_format::kSegmentSuffix) segments.push_back(e.path());
  std::sort(segments.begin(), segments.end());
  return segments;
}

std::string PlausibleRecord(const char* body) {
  PlausibleEventParser parser;
  RowBatch rows(Schema::Plausible());
  IngestError error;
  if (!parser.Parse(body, RequestContext{1714564800123456, "Mozilla/5.0 seed"}, &rows, &error))
    fuzzing::Fail("seed event", error.ToString());
  std::string out;
  EncodeRowBatch(rows, SchemaFingerprint(rows.schema()), &out);
  return out;
}

std::string AllTypesRecord(const char* ndjson) {
  BulkParser parser;
  RowBatch rows(fuzzing::AllTypesSchema());
  IngestError error;
  if (!parser.Parse(ndjson, RequestContext{1714564800123456, "curl/8.0"}, false, &rows, &error))
    fuzzing::Fail("seed rows", error.ToString());
  std::string out;
  EncodeRowBatch(rows, SchemaFingerprint(rows.schema()), &out);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_wal_seeds OUTPUT_DIR\n");
    return 2;
  }
  const fs::path out = argv[1];
  fs::create_directories(out);
  const fs::path scratch = fs::temp_directory_path() / "sinkhost-wal-seeds";

  const std::vector<std::string> plausible = {
      PlausibleRecord(R"({"n":"pageview","u":"https://example.com/a?x=1","d":"example.com","r":null,"w":1280})"),
      PlausibleRecord(R"({"n":"signup","u":"https://www.example.com/join#x","d":"example.com,example.org","p":{"plan":"pro","n":3},"$":{"amount":"9.99","currency":"EUR"}})"),
      PlausibleRecord(R"({"n":"engagement","u":"https://example.com/","d":"example.com","sd":40,"e":1200,"i":false})"),
  };
  const std::vector<std::string> all_types = {
      AllTypesRecord(R"({"s":"a","i":1,"f":1.5,"b":true,"ts":"2024-05-01T12:00:00Z"})"),
      AllTypesRecord("{\"s\":\"\\u00e9\",\"s_n\":null,\"i\":-9223372036854775808,\"i_n\":9223372036854775807,"
                     "\"f\":-0.0,\"f_n\":1e300,\"b\":false,\"b_n\":null,\"ts\":1714564800.5,"
                     "\"ts_n\":\"2024-05-01T12:00:00.123456+02:00\",\"s_d\":\"x\",\"i_d\":2,\"b_d\":false}\n"
                     "{\"s\":\"b\",\"i\":2,\"f\":0,\"b\":true,\"ts\":0}\n"),
  };

  auto segs = WriteLog(scratch, plausible, 1 << 20);
  const std::string three = ReadFile(segs.at(0));
  WriteFile(out / "plausible_3_records.seg", three);
  // Damaged copies: a torn tail, a zero-filled tail, a flipped payload byte.
  WriteFile(out / "torn_tail.seg", three.substr(0, three.size() - 5));
  std::string zeroed = three;
  zeroed.append(64, '\0');
  WriteFile(out / "zero_filled_tail.seg", zeroed);
  std::string flipped = three;
  flipped[wal_format::kSegmentHeaderSize + wal_format::kRecordHeaderSize + 10] ^= 0x5a;
  WriteFile(out / "bad_payload_checksum.seg", flipped);

  segs = WriteLog(scratch, all_types, 1 << 20);
  WriteFile(out / "all_types_2_records.seg", ReadFile(segs.at(0)));

  // Small segments: the log rolls, and the later segments start past seq 1.
  std::vector<std::string> many = plausible;
  many.insert(many.end(), all_types.begin(), all_types.end());
  many.push_back("opaque payload, not a row batch");
  segs = WriteLog(scratch, many, 600);
  if (segs.size() < 2) fuzzing::Fail("expected the small log to roll");
  WriteFile(out / "later_segment.seg", ReadFile(segs.at(1)));
  WriteFile(out / "last_segment.seg", ReadFile(segs.back()));

  segs = WriteLog(scratch, {}, 1 << 20);
  WriteFile(out / "header_only.seg", ReadFile(segs.at(0)));

  fs::remove_all(scratch);
  for (const auto& e : fs::directory_iterator(out))
    std::printf("%s %ju bytes\n", e.path().filename().c_str(),
                static_cast<uintmax_t>(fs::file_size(e.path())));
  return 0;
}
