// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The C++ framework for writing a sink. A sink author derives from
// sinkhost::Sink, implements Init/Open/Write (and Flush/Close if needed),
// declares its options, and exports it with SINKHOST_EXPORT_SINK. The
// framework fills the C function table (sink_abi.h), validates options
// against the declared specs before Init runs, turns record batches into
// typed views, and catches every exception at the boundary, reporting it as
// a permanent error. No C++ type or exception crosses the ABI.
//
//   class CsvSink : public sinkhost::Sink { ... };
//   static const sinkhost_option_spec kPath = {sizeof(sinkhost_option_spec),
//       "path", "path", nullptr, "file to write", SINKHOST_OPTION_REQUIRED};
//   static const sinkhost_option_spec* const kOptions[] = {&kPath, nullptr};
//   SINKHOST_EXPORT_SINK(CsvSink, "csv", "1.0.0", "Writes CSV", 0, kOptions)
//
// Thread safety: the host never calls one instance concurrently, so a Sink
// needs no locking of its own members; shared static state must be locked.
#ifndef SINKHOST_SINK_HPP_
#define SINKHOST_SINK_HPP_

#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sinkhost/arrow.hpp"
#include "sinkhost/sink_abi.h"
#include "sinkhost/status.hpp"
#include "sinkhost/units.hpp"

namespace sinkhost {

// Options of one sink instance, already checked against the declared specs
// (unknown keys refused, required keys present, typed values parse) and with
// defaults filled in.
class Options {
 public:
  Options() = default;
  explicit Options(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  std::string GetString(const std::string& name, const std::string& fallback = "") const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  Status GetInt64(const std::string& name, int64_t* out) const {
    auto it = values_.find(name);
    if (it == values_.end()) return Status::InvalidArgument("option '" + name + "' is not set");
    return ParseInt64(it->second, out).WithContext("option '" + name + "'");
  }
  Status GetBool(const std::string& name, bool* out) const {
    auto it = values_.find(name);
    if (it == values_.end()) return Status::InvalidArgument("option '" + name + "' is not set");
    return ParseBool(it->second, out).WithContext("option '" + name + "'");
  }
  Status GetSize(const std::string& name, uint64_t* out) const {
    auto it = values_.find(name);
    if (it == values_.end()) return Status::InvalidArgument("option '" + name + "' is not set");
    return ParseSize(it->second, out).WithContext("option '" + name + "'");
  }
  Status GetDurationMs(const std::string& name, int64_t* out) const {
    auto it = values_.find(name);
    if (it == values_.end()) return Status::InvalidArgument("option '" + name + "' is not set");
    return ParseDurationMs(it->second, out).WithContext("option '" + name + "'");
  }
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

struct ColumnSpec {
  std::string name;
  ColumnType type;
  bool nullable;
};

// The stream an instance is opened for, copied out of the C struct.
struct StreamInfo {
  std::string name;
  std::vector<ColumnSpec> columns;
};

struct BatchInfo {
  std::string batch_id;
  uint64_t first_sequence = 0;
  uint64_t row_count = 0;
  uint32_t attempt = 0;
  // SINKHOST_BATCH_STABLE_POSITIONS: rows keep their positions across
  // restarts, so a ledger of committed positions may skip re-sent rows
  // (sinkhost/ledger.hpp). False from hosts older than ABI 1.1.
  bool stable_positions = false;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // Reads options; should not connect yet (Open may be retried, Init is not).
  virtual Status Init(const Options& options) = 0;
  // Connects, creates tables or files. Return Retryable when the backend is
  // not reachable yet.
  virtual Status Open(const StreamInfo& stream) = 0;
  virtual Status Write(const BatchView& batch, const BatchInfo& info) = 0;
  virtual Status Flush() { return Status::OK(); }
  virtual Status Close() { return Status::OK(); }
};

// Checks that `value` is valid text for an option of `type` (one of the
// sinkhost_option_spec types; "string" and "path" accept anything).
inline Status CheckOptionValue(std::string_view type, std::string_view value) {
  if (type == "int") {
    int64_t n;
    return ParseInt64(value, &n);
  }
  if (type == "bool") {
    bool b;
    return ParseBool(value, &b);
  }
  if (type == "size") {
    uint64_t n;
    return ParseSize(value, &n);
  }
  if (type == "duration") {
    int64_t ms;
    return ParseDurationMs(value, &ms);
  }
  return Status::OK();
}

namespace sdk_internal {

inline void ReleaseError(sinkhost_error* error) {
  std::free(error->message);
  error->message = nullptr;
  error->release = nullptr;
}

// The one place a C++ Status becomes a C status and error.
inline sinkhost_status ToAbi(const Status& st, sinkhost_error* error) {
  if (st.ok()) return SINKHOST_OK;
  sinkhost_status code = SINKHOST_ERROR_PERMANENT;
  switch (st.code()) {
    case Status::Code::kRetryable:
    case Status::Code::kBusy: code = SINKHOST_ERROR_RETRYABLE; break;
    case Status::Code::kInvalidArgument: code = SINKHOST_ERROR_INVALID_ARGUMENT; break;
    case Status::Code::kNotImplemented: code = SINKHOST_ERROR_NOT_IMPLEMENTED; break;
    default: code = SINKHOST_ERROR_PERMANENT; break;
  }
  if (error != nullptr && SINKHOST_HAS_FIELD(error, sinkhost_error, release)) {
    if (error->release != nullptr) error->release(error);
    error->message = strdup(st.message().c_str());
    error->retry_after_ms = st.retry_after_ms();
    error->private_data = nullptr;
    error->release = &ReleaseError;
  }
  return code;
}

// Runs `fn`, turning any escaping exception into a permanent error.
template <typename Fn>
sinkhost_status Guard(sinkhost_error* error, Fn&& fn) {
  try {
    return ToAbi(fn(), error);
  } catch (const std::exception& e) {
    return ToAbi(Status::Permanent(std::string("uncaught exception: ") + e.what()), error);
  } catch (...) {
    return ToAbi(Status::Permanent("uncaught exception of unknown type"), error);
  }
}

// Checks options against the descriptor's specs and fills in defaults.
inline Status ValidateOptions(const sinkhost_descriptor* desc, const sinkhost_options* in,
                              Options* out) {
  std::map<std::string, std::string> values;
  std::string known;
  for (auto* const* spec = desc->options; spec != nullptr && *spec != nullptr; ++spec) {
    known += (known.empty() ? "" : ", ") + std::string((*spec)->name);
  }
  auto find_spec = [&](std::string_view name) -> const sinkhost_option_spec* {
    for (auto* const* spec = desc->options; spec != nullptr && *spec != nullptr; ++spec)
      if (name == (*spec)->name) return *spec;
    return nullptr;
  };
  size_t count = in != nullptr ? in->count : 0;
  for (size_t i = 0; i < count; ++i) {
    std::string key = in->keys[i] ? in->keys[i] : "";
    std::string value = in->values[i] ? in->values[i] : "";
    const sinkhost_option_spec* spec = find_spec(key);
    if (spec == nullptr)
      return Status::InvalidArgument("unknown option '" + key + "' for sink '" + desc->name +
                                     "' (known: " + (known.empty() ? "none" : known) + ")");
    Status st = CheckOptionValue(spec->type ? spec->type : "string", value);
    if (!st.ok()) return st.WithContext("option '" + key + "'");
    values[key] = value;
  }
  for (auto* const* spec = desc->options; spec != nullptr && *spec != nullptr; ++spec) {
    if (values.count((*spec)->name)) continue;
    if ((*spec)->flags & SINKHOST_OPTION_REQUIRED)
      return Status::InvalidArgument("option '" + std::string((*spec)->name) +
                                     "' is required by sink '" + desc->name + "'");
    if ((*spec)->default_value != nullptr) values[(*spec)->name] = (*spec)->default_value;
  }
  *out = Options(std::move(values));
  return Status::OK();
}

inline Status ReadStreamInfo(const sinkhost_stream_info* in, StreamInfo* out) {
  if (in == nullptr || in->schema == nullptr) return Status::InvalidArgument("stream info is null");
  out->name = in->stream_name ? in->stream_name : "";
  out->columns.clear();
  const ArrowSchema* schema = in->schema;
  if (schema->format == nullptr || std::string_view(schema->format) != "+s")
    return Status::InvalidArgument("stream schema must be a struct (\"+s\")");
  for (int64_t i = 0; i < schema->n_children; ++i) {
    const ArrowSchema* child = schema->children[i];
    auto type = ColumnTypeFromArrowFormat(child->format ? child->format : "");
    if (!type)
      return Status::InvalidArgument("column '" + std::string(child->name ? child->name : "") +
                                     "' has unsupported Arrow format");
    out->columns.push_back(ColumnSpec{child->name ? child->name : "", *type,
                                      (child->flags & ARROW_FLAG_NULLABLE) != 0});
  }
  return Status::OK();
}

// Describes columns as "(name type, ...)" for error messages.
inline std::string DescribeColumns(const std::vector<ColumnSpec>& columns) {
  std::string out = "(";
  for (size_t i = 0; i < columns.size(); ++i)
    out += (i ? ", " : "") + columns[i].name + " " + std::string(ColumnTypeName(columns[i].type));
  return out + ")";
}

// A batch can only be written if its columns are the ones the instance was
// opened for; checked here once so that no sink has to remember to.
inline Status CheckBatchColumns(const std::vector<ColumnSpec>& opened, const BatchView& batch) {
  bool same = batch.num_columns() == opened.size();
  std::vector<ColumnSpec> got;
  for (size_t i = 0; i < batch.num_columns(); ++i) {
    const ColumnView& c = batch.column(i);
    got.push_back(ColumnSpec{std::string(c.name()), c.type(), c.nullable()});
    same = same && i < opened.size() && opened[i].name == c.name() && opened[i].type == c.type();
  }
  if (same) return Status::OK();
  return Status::Permanent("batch columns " + DescribeColumns(got) +
                           " are not the stream's " + DescribeColumns(opened));
}

// What the C table's opaque instance points to: the author's sink plus
// what the framework itself must remember between calls.
template <typename SinkClass>
struct Instance {
  SinkClass sink;
  std::vector<ColumnSpec> opened_columns;
};

template <typename SinkClass>
struct Adapter {
  static inline const sinkhost_descriptor* descriptor = nullptr;
  using Holder = Instance<SinkClass>;

  static sinkhost_status Create(const sinkhost_options* options, void** out,
                                sinkhost_error* error) {
    return Guard(error, [&]() -> Status {
      Options parsed;
      SINKHOST_RETURN_NOT_OK(ValidateOptions(descriptor, options, &parsed));
      auto holder = std::make_unique<Holder>();
      SINKHOST_RETURN_NOT_OK(holder->sink.Init(parsed));
      *out = holder.release();
      return Status::OK();
    });
  }
  static sinkhost_status Open(void* instance, const sinkhost_stream_info* stream,
                              sinkhost_error* error) {
    return Guard(error, [&]() -> Status {
      auto* holder = static_cast<Holder*>(instance);
      StreamInfo info;
      SINKHOST_RETURN_NOT_OK(ReadStreamInfo(stream, &info));
      SINKHOST_RETURN_NOT_OK(holder->sink.Open(info));
      holder->opened_columns = std::move(info.columns);
      return Status::OK();
    });
  }
  static sinkhost_status Write(void* instance, const ArrowSchema* schema, ArrowArray* batch,
                               const sinkhost_batch_info* info, sinkhost_error* error) {
    return Guard(error, [&]() -> Status {
      auto* holder = static_cast<Holder*>(instance);
      BatchView view;
      // INVALID_ARGUMENT is reserved for create/open; a malformed batch can
      // never be written, so it is permanent.
      if (Status st = BatchView::Make(schema, batch, &view); !st.ok())
        return Status::Permanent("malformed batch: " + st.message());
      SINKHOST_RETURN_NOT_OK(CheckBatchColumns(holder->opened_columns, view));
      BatchInfo bi;
      if (info != nullptr) {
        if (SINKHOST_HAS_FIELD(info, sinkhost_batch_info, batch_id) && info->batch_id)
          bi.batch_id = info->batch_id;
        if (SINKHOST_HAS_FIELD(info, sinkhost_batch_info, first_sequence))
          bi.first_sequence = info->first_sequence;
        if (SINKHOST_HAS_FIELD(info, sinkhost_batch_info, row_count)) bi.row_count = info->row_count;
        if (SINKHOST_HAS_FIELD(info, sinkhost_batch_info, attempt)) bi.attempt = info->attempt;
        if (SINKHOST_HAS_FIELD(info, sinkhost_batch_info, flags))
          bi.stable_positions = (info->flags & SINKHOST_BATCH_STABLE_POSITIONS) != 0;
      }
      return holder->sink.Write(view, bi);
    });
  }
  static sinkhost_status Flush(void* instance, sinkhost_error* error) {
    return Guard(error, [&] { return static_cast<Holder*>(instance)->sink.Flush(); });
  }
  static sinkhost_status Close(void* instance, sinkhost_error* error) {
    return Guard(error, [&] { return static_cast<Holder*>(instance)->sink.Close(); });
  }
  static void Destroy(void* instance) {
    try {
      delete static_cast<Holder*>(instance);
    } catch (...) {
      // A destructor that throws must not unwind into the host.
    }
  }
};

template <typename SinkClass>
sinkhost_status FillTable(const sinkhost_descriptor* desc, uint16_t host_major,
                          uint16_t host_minor, sinkhost_sink_api* table, sinkhost_error* error) {
  (void)host_minor;  // older minors simply receive a shorter table
  if (host_major != SINKHOST_ABI_VERSION_MAJOR) {
    return ToAbi(Status::InvalidArgument(
                     "plugin '" + std::string(desc->name) + "' implements sink ABI " +
                     std::to_string(SINKHOST_ABI_VERSION_MAJOR) + "." +
                     std::to_string(SINKHOST_ABI_VERSION_MINOR) + " but the host speaks " +
                     std::to_string(host_major) + "." + std::to_string(host_minor)),
                 error);
  }
  if (table == nullptr) return ToAbi(Status::InvalidArgument("function table is null"), error);
  Adapter<SinkClass>::descriptor = desc;
  sinkhost_sink_api mine;
  std::memset(&mine, 0, sizeof(mine));
  mine.create = &Adapter<SinkClass>::Create;
  mine.open = &Adapter<SinkClass>::Open;
  mine.write = &Adapter<SinkClass>::Write;
  mine.flush = &Adapter<SinkClass>::Flush;
  mine.close = &Adapter<SinkClass>::Close;
  mine.destroy = &Adapter<SinkClass>::Destroy;
  const uint32_t host_size = table->struct_size;
  std::memcpy(table, &mine, host_size < sizeof(mine) ? host_size : sizeof(mine));
  table->struct_size = host_size;
  return SINKHOST_OK;
}

}  // namespace sdk_internal
}  // namespace sinkhost

#define SINKHOST_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// Exports the descriptor and entry point for SinkClass. `options` is a
// NULL-terminated array of `const sinkhost_option_spec*`.
#define SINKHOST_EXPORT_SINK(SinkClass, name, version, description, capabilities, options) \
  SINKHOST_PLUGIN_EXPORT const sinkhost_descriptor sinkhost_plugin_descriptor = {         \
      sizeof(sinkhost_descriptor),                                                         \
      SINKHOST_DESCRIPTOR_MAGIC,                                                           \
      SINKHOST_ABI_VERSION_MAJOR,                                                          \
      SINKHOST_ABI_VERSION_MINOR,                                                          \
      name,                                                                                \
      version,                                                                             \
      description,                                                                         \
      capabilities,                                                                        \
      options};                                                                            \
  SINKHOST_PLUGIN_EXPORT sinkhost_status sinkhost_plugin_init(                              \
      uint16_t host_abi_major, uint16_t host_abi_minor, sinkhost_sink_api* table,          \
      sinkhost_error* error) {                                                             \
    return ::sinkhost::sdk_internal::FillTable<SinkClass>(                                 \
        &sinkhost_plugin_descriptor, host_abi_major, host_abi_minor, table, error);        \
  }

#endif  // SINKHOST_SINK_HPP_
