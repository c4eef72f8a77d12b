// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "conformance/checked_sink.h"

#include <algorithm>
#include <chrono>


#include "sinkhost/arrow.hpp"

namespace sinkhost::check {

namespace {

// Wraps an exported batch's release so that the kit sees when it runs,
// whether the plugin released the batch during write or kept it and
// released it later (after close, at the latest at destroy).
struct ReleaseTracker {
  void (*release)(ArrowArray*);
  void* private_data;
  std::shared_ptr<int64_t> unreleased;
};

void TrackedRelease(ArrowArray* array) {
  auto* tracker = static_cast<ReleaseTracker*>(array->private_data);
  array->release = tracker->release;
  array->private_data = tracker->private_data;
  array->release(array);
  --*tracker->unreleased;
  delete tracker;
}

void Track(ArrowArray* array, std::shared_ptr<int64_t> unreleased) {
  ++*unreleased;
  array->private_data = new ReleaseTracker{array->release, array->private_data, std::move(unreleased)};
  array->release = &TrackedRelease;
}

}  // namespace

const char* StatusName(sinkhost_status code) {
  switch (code) {
    case SINKHOST_OK: return "OK";
    case SINKHOST_ERROR_RETRYABLE: return "RETRYABLE";
    case SINKHOST_ERROR_PERMANENT: return "PERMANENT";
    case SINKHOST_ERROR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case SINKHOST_ERROR_NOT_IMPLEMENTED: return "NOT_IMPLEMENTED";
  }
  return "UNKNOWN_STATUS";
}

std::string CallResult::Describe() const {
  if (ok()) return "OK";
  std::string out = StatusName(code);
  if (code != SINKHOST_ERROR_RETRYABLE && code != SINKHOST_ERROR_PERMANENT &&
      code != SINKHOST_ERROR_INVALID_ARGUMENT && code != SINKHOST_ERROR_NOT_IMPLEMENTED)
    out += " (" + std::to_string(code) + ")";
  return out + ": " + (message_missing ? std::string("(no message)") : message);
}

CheckedSink::CheckedSink(std::shared_ptr<PluginLibrary> library) : library_(std::move(library)) {}

CheckedSink::~CheckedSink() {
  if (open_) (void)Close();
  Destroy();
}

CallResult CheckedSink::Finish(sinkhost_status code, sinkhost_error* error) {
  CallResult r;
  r.code = code;
  if (code != SINKHOST_OK) {
    r.message_missing = error->message == nullptr || error->message[0] == '\0';
    r.release_missing = error->message != nullptr && error->release == nullptr;
    if (error->message != nullptr) r.message = error->message;
    r.retry_after_ms = error->retry_after_ms;
    if (r.message_missing || r.release_missing) ++errors_without_message_;
  }
  return r;
}

CallResult CheckedSink::Create(const std::map<std::string, std::string>& options) {
  AbiOptions opts(options);
  UniqueError error;
  void* instance = nullptr;
  CallResult r = Finish(library_->api().create(opts.get(), &instance, error.get()), error.get());
  if (r.ok()) instance_ = instance;
  return r;
}

CallResult CheckedSink::Open(const std::string& stream, const Schema& schema) {
  UniqueSchema arrow_schema;
  schema.ExportToArrow(arrow_schema.get());
  sinkhost_stream_info info;
  info.struct_size = sizeof(info);
  info.stream_name = stream.c_str();
  stream_ = stream;
  if (next_sequence_ == 0)
    next_sequence_ = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
  info.schema = arrow_schema.get();
  UniqueError error;
  CallResult r = Finish(library_->api().open(instance_, &info, error.get()), error.get());
  open_ = r.ok();
  return r;
}

CallResult CheckedSink::Write(std::shared_ptr<const RowBatch> batch, const Schema& schema) {
  return WriteAt(std::move(batch), schema, next_sequence_);
}

CallResult CheckedSink::WriteAt(std::shared_ptr<const RowBatch> batch, const Schema& schema,
                                uint64_t first_sequence) {
  UniqueSchema arrow_schema;
  schema.ExportToArrow(arrow_schema.get());
  const auto rows = static_cast<uint64_t>(batch->num_rows());
  UniqueArray array;
  RowBatch::ExportToArrow(std::move(batch), array.get());
  Track(array.get(), unreleased_);
  ++batches_written_;
  const std::string id = stream_ + ":plugin_check:" + std::to_string(first_sequence) + "-" +
                         std::to_string(first_sequence + rows);
  sinkhost_batch_info info{};
  info.struct_size = sizeof(info);
  info.batch_id = id.c_str();
  info.first_sequence = first_sequence;
  info.row_count = rows;
  info.attempt = 0;
  info.flags = SINKHOST_BATCH_STABLE_POSITIONS;
  UniqueError error;
  CallResult r = Finish(
      library_->api().write(instance_, arrow_schema.get(), array.get(), &info, error.get()),
      error.get());
  next_sequence_ = std::max(next_sequence_, first_sequence + rows);
  return r;  // `array` releases here unless the plugin took it over
}

CallResult CheckedSink::Flush() {
  if (library_->api().flush == nullptr) return CallResult{};
  UniqueError error;
  return Finish(library_->api().flush(instance_, error.get()), error.get());
}

CallResult CheckedSink::Close() {
  open_ = false;
  UniqueError error;
  return Finish(library_->api().close(instance_, error.get()), error.get());
}

void CheckedSink::Destroy() {
  if (instance_ == nullptr) return;
  if (open_) (void)Close();
  library_->api().destroy(instance_);
  instance_ = nullptr;
}

}  // namespace sinkhost::check
