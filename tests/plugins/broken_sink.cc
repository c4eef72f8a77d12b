// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// A sink written straight against sink_abi.h that is broken on purpose, in
// one way chosen by its `flaw` option, so that the tests can show that
// sinkhost-plugin-check catches each kind of mistake and names the check.
// With flaw=none it is a correct NDJSON sink (the same lines as the file
// sink, so plugins/file/read_back.sh reads it back).
//
// Flaws (and the check each must trip):
//   accept_unknown_options  options.unknown
//   round_floats            types.edge_values   (15 significant digits)
//   empty_for_null          types.nulls         (NULL strings written as "")
//   tab_as_space            strings.awkward
//   lose_last_row           batch.100k_rows     (in batches of 1,000+ rows)
//   truncate_on_reopen      close_reopen
//   retry_foreign_batch     errors.permanent
//   keep_batch              arrow.release       (takes batches, never releases)
//   no_message              errors.messages
//   hang_in_flush           write.empty_batch   (the kit's watchdog)
//
// Faults for the worker supervisor (process isolation), each tried by
// tests/e2e/sink_worker_e2e_test.cc and the kit's own tests:
//   crash_in_write  a segmentation fault in every `every`-th write of this
//                   process (a new worker starts counting again)
//   crash_on_id     a segmentation fault in any write of a batch with a row
//                   whose first column (int64) is `id`: a poison row
//   abort_in_open   abort() in open
//   hang_in_write   write never returns; with `marker`, only while that
//                   file does not exist (it is created first): a hang once
//   leak_in_write   64 MiB more allocated and touched in every write
//   spin_in_write   write runs on the CPU for ever
//   garbage_output  binary junk and an endless line on stdout and stderr
//                   in every write, which then succeeds
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sinkhost/arrow.hpp"
#include "sinkhost/format.hpp"
#include "sinkhost/sink_abi.h"

namespace {

using sinkhost::BatchView;
using sinkhost::ColumnType;
using sinkhost::ColumnView;

struct BrokenSink {
  std::string path;
  std::string flaw = "none";
  long every = 1;       // crash_in_write
  long id = 0;          // crash_on_id
  std::string marker;   // hang_in_write
  long writes = 0;      // in this process
  FILE* file = nullptr;
  size_t opened_columns = 0;
  int opens = 0;
  std::vector<ArrowArray> kept;  // keep_batch: never released
};

void FreeMessage(sinkhost_error* error) {
  std::free(error->message);
  error->message = nullptr;
  error->release = nullptr;
}

sinkhost_status Fail(const BrokenSink* s, sinkhost_error* error, sinkhost_status code,
                     const std::string& message) {
  if (s != nullptr && s->flaw == "no_message" && s->file != nullptr) return code;  // in write
  error->message = strdup(("broken: " + message).c_str());
  error->release = &FreeMessage;
  return code;
}

void AppendValue(std::string* line, const BrokenSink& s, const ColumnView& col, int64_t row) {
  if (col.is_null(row)) {
    line->append(s.flaw == "empty_for_null" && col.type() == ColumnType::kString ? "\"\""
                                                                                : "null");
    return;
  }
  switch (col.type()) {
    case ColumnType::kString: {
      std::string text(col.string(row));
      if (s.flaw == "tab_as_space")
        for (char& c : text)
          if (c == '\t') c = ' ';
      sinkhost::AppendJsonString(line, text);
      break;
    }
    case ColumnType::kInt64: line->append(std::to_string(col.int64(row))); break;
    case ColumnType::kFloat64:
      if (s.flaw == "round_floats") {
        char buf[40];
        std::snprintf(buf, sizeof(buf), "%.15g", col.float64(row));
        line->append(buf);
      } else {
        sinkhost::AppendJsonDouble(line, col.float64(row));
      }
      break;
    case ColumnType::kBool: line->append(col.boolean(row) ? "true" : "false"); break;
    case ColumnType::kTimestamp: {
      char buf[sinkhost::kTimestampBufferSize];
      line->push_back('"');
      line->append(buf, sinkhost::FormatTimestampMicros(col.int64(row), buf));
      line->push_back('"');
      break;
    }
  }
}

sinkhost_status Create(const sinkhost_options* options, void** out, sinkhost_error* error) {
  auto* s = new BrokenSink();
  for (size_t i = 0; i < options->count; ++i) {
    const std::string key = options->keys[i], value = options->values[i];
    if (key == "path") s->path = value;
    else if (key == "flaw") s->flaw = value;
    else if (key == "every" || key == "id") {
      char* end = nullptr;
      const long v = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0') {
        sinkhost_status rc = Fail(s, error, SINKHOST_ERROR_INVALID_ARGUMENT,
                                  "option '" + key + "' must be an integer, got '" + value + "'");
        delete s;
        return rc;
      }
      (key == "every" ? s->every : s->id) = key == "every" ? std::max(1L, v) : v;
    } else if (key == "marker") {
      s->marker = value;
    }
  }
  for (size_t i = 0; i < options->count; ++i) {
    const std::string key = options->keys[i];
    const bool known = key == "path" || key == "flaw" || key == "every" || key == "id" ||
                       key == "marker";
    if (!known && s->flaw != "accept_unknown_options") {
      sinkhost_status rc = Fail(s, error, SINKHOST_ERROR_INVALID_ARGUMENT, "unknown option '" + key + "'");
      delete s;
      return rc;
    }
  }
  if (s->path.empty()) {
    sinkhost_status rc = Fail(s, error, SINKHOST_ERROR_INVALID_ARGUMENT, "option 'path' is required");
    delete s;
    return rc;
  }
  *out = s;
  return SINKHOST_OK;
}

// A real invalid memory access, with the default action restored first so
// that the process dies of SIGSEGV even where a sanitizer would catch it.
[[noreturn]] void Segfault() {
  std::signal(SIGSEGV, SIG_DFL);
  *static_cast<volatile int*>(nullptr) = 1;
  std::abort();  // not reached
}

// The faults the worker supervisor must survive (see the top).
void Misbehave(BrokenSink* s, const BatchView& view) {
  ++s->writes;
  if (s->flaw == "crash_in_write" && s->writes % s->every == 0) Segfault();
  if (s->flaw == "crash_on_id" && view.num_columns() > 0 &&
      view.column(0).type() == ColumnType::kInt64) {
    for (int64_t r = 0; r < view.num_rows(); ++r)
      if (!view.column(0).is_null(r) && view.column(0).int64(r) == s->id) Segfault();
  }
  if (s->flaw == "hang_in_write") {
    struct stat st;
    if (s->marker.empty() || ::stat(s->marker.c_str(), &st) != 0) {
      if (!s->marker.empty()) std::fclose(std::fopen(s->marker.c_str(), "w"));
      for (;;) ::pause();
    }
  }
  if (s->flaw == "spin_in_write") {
    for (volatile uint64_t i = 0;; i = i + 1) {
    }
  }
  if (s->flaw == "leak_in_write") {
    char* block = new char[64u << 20];
    std::memset(block, 1, 64u << 20);  // touched, so it is really used
  }
  if (s->flaw == "garbage_output") {
    std::string junk;
    for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>(i * 37));
    std::fwrite(junk.data(), 1, junk.size(), stdout);
    std::fwrite(junk.data(), 1, junk.size(), stderr);
    std::fputs(std::string(100000, 'x').c_str(), stderr);
    std::fflush(stdout);
    std::fflush(stderr);
  }
}

sinkhost_status Open(void* instance, const sinkhost_stream_info* stream, sinkhost_error* error) {
  auto* s = static_cast<BrokenSink*>(instance);
  if (s->flaw == "abort_in_open") std::abort();
  const bool truncate = s->flaw == "truncate_on_reopen" && ++s->opens > 1;
  s->file = std::fopen(s->path.c_str(), truncate ? "w" : "a");
  if (s->file == nullptr) return Fail(s, error, SINKHOST_ERROR_RETRYABLE, "cannot open " + s->path);
  s->opened_columns = static_cast<size_t>(stream->schema->n_children);
  return SINKHOST_OK;
}

sinkhost_status Write(void* instance, const ArrowSchema* schema, ArrowArray* batch,
                      const sinkhost_batch_info*, sinkhost_error* error) {
  auto* s = static_cast<BrokenSink*>(instance);
  BatchView view;
  sinkhost::Status st = BatchView::Make(schema, batch, &view);
  if (st.ok() && view.num_columns() != s->opened_columns)
    st = sinkhost::Status::InvalidArgument("batch columns differ from the stream's");
  if (!st.ok())
    return Fail(s, error,
                s->flaw == "retry_foreign_batch" ? SINKHOST_ERROR_RETRYABLE : SINKHOST_ERROR_PERMANENT,
                st.message());
  Misbehave(s, view);
  int64_t rows = view.num_rows();
  if (s->flaw == "lose_last_row" && rows >= 1000) --rows;
  std::string out;
  for (int64_t r = 0; r < rows; ++r) {
    out.push_back('{');
    for (size_t c = 0; c < view.num_columns(); ++c) {
      if (c > 0) out.push_back(',');
      sinkhost::AppendJsonString(&out, view.column(c).name());
      out.push_back(':');
      AppendValue(&out, *s, view.column(c), r);
    }
    out.append("}\n");
  }
  if (std::fwrite(out.data(), 1, out.size(), s->file) != out.size())
    return Fail(s, error, SINKHOST_ERROR_RETRYABLE, "cannot write " + s->path);
  if (s->flaw == "keep_batch") {
    s->kept.push_back(*batch);  // taken over, as the ABI allows...
    batch->release = nullptr;   // ...and never released, as it does not
  }
  return SINKHOST_OK;
}

sinkhost_status Flush(void* instance, sinkhost_error* error) {
  auto* s = static_cast<BrokenSink*>(instance);
  if (s->flaw == "hang_in_flush") ::pause();
  if (std::fflush(s->file) != 0) return Fail(s, error, SINKHOST_ERROR_RETRYABLE, "cannot flush");
  return SINKHOST_OK;
}

sinkhost_status Close(void* instance, sinkhost_error*) {
  auto* s = static_cast<BrokenSink*>(instance);
  if (s->file != nullptr) std::fclose(s->file);
  s->file = nullptr;
  return SINKHOST_OK;
}

void Destroy(void* instance) {
  auto* s = static_cast<BrokenSink*>(instance);
  if (s->file != nullptr) std::fclose(s->file);
  delete s;
}

const sinkhost_option_spec kPath = {sizeof(sinkhost_option_spec), "path", "path", nullptr,
                                    "NDJSON file to append to", SINKHOST_OPTION_REQUIRED};
const sinkhost_option_spec kFlaw = {sizeof(sinkhost_option_spec), "flaw", "string", "none",
                                    "which mistake to make (see broken_sink.cc)", 0};
const sinkhost_option_spec kEvery = {sizeof(sinkhost_option_spec), "every", "int", "1",
                                     "crash_in_write: crash in every n-th write", 0};
const sinkhost_option_spec kId = {sizeof(sinkhost_option_spec), "id", "int", "0",
                                  "crash_on_id: the poison row's first column", 0};
const sinkhost_option_spec kMarker = {sizeof(sinkhost_option_spec), "marker", "path", nullptr,
                                      "hang_in_write: hang only while this file is missing", 0};
const sinkhost_option_spec* const kOptions[] = {&kPath, &kFlaw, &kEvery, &kId, &kMarker, nullptr};

}  // namespace

extern "C" __attribute__((visibility("default"))) const sinkhost_descriptor
    sinkhost_plugin_descriptor = {sizeof(sinkhost_descriptor),
                                  SINKHOST_DESCRIPTOR_MAGIC,
                                  SINKHOST_ABI_VERSION_MAJOR,
                                  SINKHOST_ABI_VERSION_MINOR,
                                  "broken_sink",
                                  "0.0.1",
                                  "an NDJSON sink with one chosen flaw, for the conformance tests",
                                  0,
                                  kOptions};

extern "C" __attribute__((visibility("default"))) sinkhost_status sinkhost_plugin_init(
    uint16_t host_major, uint16_t, sinkhost_sink_api* table, sinkhost_error* error) {
  if (host_major != SINKHOST_ABI_VERSION_MAJOR)
    return Fail(nullptr, error, SINKHOST_ERROR_INVALID_ARGUMENT, "ABI major mismatch");
  table->create = &Create;
  table->open = &Open;
  table->write = &Write;
  table->flush = &Flush;
  table->close = &Close;
  table->destroy = &Destroy;
  return SINKHOST_OK;
}
