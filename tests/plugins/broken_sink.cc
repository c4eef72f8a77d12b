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
#include <unistd.h>

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
  }
  for (size_t i = 0; i < options->count; ++i) {
    const std::string key = options->keys[i];
    if (key != "path" && key != "flaw" && s->flaw != "accept_unknown_options") {
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

sinkhost_status Open(void* instance, const sinkhost_stream_info* stream, sinkhost_error* error) {
  auto* s = static_cast<BrokenSink*>(instance);
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
const sinkhost_option_spec* const kOptions[] = {&kPath, &kFlaw, nullptr};

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
