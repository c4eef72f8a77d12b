// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Sinks in-process, and the bare baselines they are compared with, on the
// same rows (bench_events.h: the host's own parser output).
//
//   bench_sink sink PLUGIN_DIR PLUGIN ROWS BATCH [key=value ...]
//       Loads PLUGIN.so through the host's loader, opens it for stream
//       "events" (plausible schema) and writes ROWS rows in batches of BATCH
//       rows, as the host's sink thread does (Arrow export, write, flush).
//       Open is not timed. Prints "<rows/s> <seconds>". With the option
//       isolation=process (taken by bench_sink, not passed to the plugin),
//       the plugin runs in a sinkhost-sink-worker as with the host's
//       `isolation: process` ($SINKHOST_SINK_WORKER names the worker).
//   bench_sink sqlite-raw PATH ROWS BATCH
//       The baseline for the sqlite sink: a bare prepared-statement loop,
//       one transaction per BATCH rows, the sink's pragmas (journal_mode=WAL,
//       synchronous=NORMAL) and table layout. Prints "<rows/s> <seconds>".
//   bench_sink dump tsv|rowbinary ROWS BATCH PREFIX
//       Writes the rows as PREFIX.000, PREFIX.001, ... (one file per batch)
//       for psql \copy (PostgreSQL text COPY) and curl (ClickHouse
//       RowBinary for the table the clickhouse sink creates).
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_events.h"
#include "core/isolation/worker_executable.h"
#include "core/isolation/worker_sink.h"
#include "core/plugin/plugin_library.h"
#include "sinkhost/format.hpp"

using namespace sinkhost;

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_sink: %s\n", what.c_str());
  std::exit(1);
}

void Check(const Status& st, const char* what) {
  if (!st.ok()) Die(std::string(what) + ": " + st.ToString());
}

// ROWS rows cut into batches of BATCH; the events repeat with period
// kDistinctEvents but timestamps keep increasing.
std::vector<std::shared_ptr<const RowBatch>> Batches(int rows, int batch) {
  std::vector<std::shared_ptr<const RowBatch>> out;
  for (int first = 0; first < rows; first += batch)
    out.push_back(bench::Rows(first, std::min(batch, rows - first)));
  return out;
}

void Report(int64_t rows, Clock::time_point start) {
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%.0f %.6f\n", double(rows) / secs, secs);
}

int RunSink(int argc, char** argv) {
  if (argc < 6) Die("usage: bench_sink sink PLUGIN_DIR PLUGIN ROWS BATCH [key=value ...]");
  const std::string dir = argv[2], plugin = argv[3];
  const int rows = std::atoi(argv[4]), batch = std::atoi(argv[5]);
  std::map<std::string, std::string> options;
  for (int i = 6; i < argc; ++i) {
    const char* eq = std::strchr(argv[i], '=');
    if (eq == nullptr) Die(std::string("option without '=': ") + argv[i]);
    options[std::string(argv[i], size_t(eq - argv[i]))] = eq + 1;
  }
  const bool in_worker = options["isolation"] == "process";
  options.erase("isolation");
  std::unique_ptr<SinkInstance> sink;
  if (in_worker) {
    WorkerSinkOptions worker;
    worker.executable = WorkerExecutable();
    Check(PluginLibrary::FindPath(plugin, {dir}, &worker.plugin_path), "find");
    worker.plugin_name = plugin;
    worker.log_name = "bench_sink";
    Check(WorkerSinkInstance::Create(worker, options, &sink), "create in a worker");
  } else {
    std::shared_ptr<PluginLibrary> lib;
    Check(PluginLibrary::Find(plugin, {dir}, &lib), "load");
    Check(SinkInstance::Create(lib, options, &sink), "create");
  }
  Check(sink->Open("events", Schema::Plausible()), "open");
  const auto batches = Batches(rows, batch);
  UniqueSchema schema;
  Schema::Plausible().ExportToArrow(schema.get());

  const auto start = Clock::now();
  uint64_t first = 0;
  for (const auto& b : batches) {
    UniqueArray array;
    RowBatch::ExportToArrow(b, array.get());
    const std::string id = "events:bench:" + std::to_string(first);
    sinkhost_batch_info info{sizeof(sinkhost_batch_info), id.c_str(), first,
                             uint64_t(b->num_rows()), 0};
    Check(sink->Write(schema.get(), std::move(array), info), "write");
    Check(sink->Flush(), "flush");
    first += b->num_rows();
  }
  Report(rows, start);
  Check(sink->Close(), "close");
  return 0;
}

int RunSqliteRaw(int argc, char** argv) {
  if (argc != 5) Die("usage: bench_sink sqlite-raw PATH ROWS BATCH");
  const int rows = std::atoi(argv[3]), batch = std::atoi(argv[4]);
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[2], &db) != SQLITE_OK) Die("cannot open " + std::string(argv[2]));
  auto exec = [&](const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK)
      Die(sql + ": " + (err ? err : "?"));
  };
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  // The layout the sqlite sink creates (plugins/sqlite/README.md).
  const Schema& s = Schema::Plausible();
  std::string create = "CREATE TABLE IF NOT EXISTS events (", insert = "INSERT INTO events VALUES (";
  for (size_t i = 0; i < s.num_columns(); ++i) {
    const Column& c = s.column(i);
    const char* type = c.type == ColumnType::kFloat64                                ? "REAL"
                       : c.type == ColumnType::kString || c.type == ColumnType::kTimestamp ? "TEXT"
                                                                                           : "INTEGER";
    create += (i ? ", \"" : "\"") + c.name + "\" " + type + (c.nullable ? "" : " NOT NULL");
    insert += i ? ",?" : "?";
  }
  exec(create + ")");
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, (insert + ")").c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    Die(sqlite3_errmsg(db));
  const auto batches = Batches(rows, batch);

  const auto start = Clock::now();
  char ts[kTimestampBufferSize];
  for (const auto& b : batches) {
    exec("BEGIN");
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      for (size_t c = 0; c < s.num_columns(); ++c) {
        const ColumnBuilder& col = b->column(c);
        const int p = int(c) + 1;
        if (col.IsNull(r)) {
          sqlite3_bind_null(stmt, p);
          continue;
        }
        switch (col.type()) {
          case ColumnType::kString: {
            const std::string_view v = col.String(r);
            sqlite3_bind_text(stmt, p, v.data(), int(v.size()), SQLITE_STATIC);
            break;
          }
          case ColumnType::kTimestamp:
            sqlite3_bind_text(stmt, p, ts, int(FormatTimestampMicros(col.Int64(r), ts)),
                              SQLITE_TRANSIENT);
            break;
          case ColumnType::kInt64: sqlite3_bind_int64(stmt, p, col.Int64(r)); break;
          case ColumnType::kFloat64: sqlite3_bind_double(stmt, p, col.Float64(r)); break;
          case ColumnType::kBool: sqlite3_bind_int(stmt, p, col.Bool(r) ? 1 : 0); break;
        }
      }
      if (sqlite3_step(stmt) != SQLITE_DONE) Die(sqlite3_errmsg(db));
      sqlite3_reset(stmt);
    }
    exec("COMMIT");
  }
  Report(rows, start);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return 0;
}

// PostgreSQL text COPY: tab-separated, \N for NULL, escapes for \ TAB LF CR.
void AppendCopyText(std::string* out, std::string_view v) {
  for (char ch : v) {
    switch (ch) {
      case '\\': out->append("\\\\"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      default: out->push_back(ch);
    }
  }
}

void DumpTsv(const RowBatch& b, std::string* out) {
  char ts[kTimestampBufferSize];
  for (int64_t r = 0; r < b.num_rows(); ++r) {
    for (size_t c = 0; c < b.num_columns(); ++c) {
      if (c) out->push_back('\t');
      const ColumnBuilder& col = b.column(c);
      if (col.IsNull(r)) {
        out->append("\\N");
        continue;
      }
      switch (col.type()) {
        case ColumnType::kString: AppendCopyText(out, col.String(r)); break;
        case ColumnType::kTimestamp: out->append(ts, FormatTimestampMicros(col.Int64(r), ts)); break;
        case ColumnType::kInt64: out->append(std::to_string(col.Int64(r))); break;
        case ColumnType::kFloat64: AppendJsonDouble(out, col.Float64(r)); break;
        case ColumnType::kBool: out->append(col.Bool(r) ? "t" : "f"); break;
      }
    }
    out->push_back('\n');
  }
}

// ClickHouse RowBinary for the table the clickhouse sink creates: Int64
// microseconds for timestamps, UInt8 for bools, Nullable(T) for nullable
// columns (one null byte, then the value).
void DumpRowBinary(const RowBatch& b, std::string* out) {
  auto put = [&](const void* p, size_t n) { out->append(static_cast<const char*>(p), n); };
  for (int64_t r = 0; r < b.num_rows(); ++r) {
    for (size_t c = 0; c < b.num_columns(); ++c) {
      const ColumnBuilder& col = b.column(c);
      if (b.schema().column(c).nullable) {
        out->push_back(col.IsNull(r) ? 1 : 0);
        if (col.IsNull(r)) continue;
      }
      switch (col.type()) {
        case ColumnType::kString: {
          const std::string_view v = col.String(r);
          uint64_t n = v.size();
          do {  // LEB128 length
            uint8_t byte = n & 0x7f;
            n >>= 7;
            out->push_back(char(n ? byte | 0x80 : byte));
          } while (n);
          out->append(v);
          break;
        }
        case ColumnType::kTimestamp:
        case ColumnType::kInt64: {
          const int64_t v = col.Int64(r);
          put(&v, 8);
          break;
        }
        case ColumnType::kFloat64: {
          const double v = col.Float64(r);
          put(&v, 8);
          break;
        }
        case ColumnType::kBool: out->push_back(col.Bool(r) ? 1 : 0); break;
      }
    }
  }
}

int RunDump(int argc, char** argv) {
  if (argc != 6) Die("usage: bench_sink dump tsv|rowbinary ROWS BATCH PREFIX");
  const std::string format = argv[2], prefix = argv[5];
  const auto batches = Batches(std::atoi(argv[3]), std::atoi(argv[4]));
  int n = 0;
  for (const auto& b : batches) {
    std::string data;
    if (format == "tsv") DumpTsv(*b, &data);
    else if (format == "rowbinary") DumpRowBinary(*b, &data);
    else Die("unknown format " + format);
    char name[16];
    std::snprintf(name, sizeof name, ".%03d", n++);
    std::FILE* f = std::fopen((prefix + name).c_str(), "wb");
    if (f == nullptr || std::fwrite(data.data(), 1, data.size(), f) != data.size() ||
        std::fclose(f) != 0)
      Die("cannot write " + prefix + name);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "sink") return RunSink(argc, argv);
  if (mode == "sqlite-raw") return RunSqliteRaw(argc, argv);
  if (mode == "dump") return RunDump(argc, argv);
  Die("usage: bench_sink sink|sqlite-raw|dump ...");
}
