// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// C++ helpers for the Arrow C Data Interface structs that cross the sink ABI:
// move-only owners that call `release` exactly once, the column types a
// stream can have with their Arrow format strings, and read-only views that
// give typed access to a record batch without copying it.
//
// Thread safety: owners are not thread-safe; views are read-only and may be
// shared between threads while the viewed batch is alive.
#ifndef SINKHOST_ARROW_HPP_
#define SINKHOST_ARROW_HPP_

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sinkhost/sink_abi.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

// ---------------------------------------------------------------------------
// Column types
// ---------------------------------------------------------------------------

enum class ColumnType { kString, kInt64, kFloat64, kBool, kTimestamp };

// The Arrow format string a column of this type crosses the ABI as.
inline const char* ArrowFormat(ColumnType type) {
  switch (type) {
    case ColumnType::kString: return "u";
    case ColumnType::kInt64: return "l";
    case ColumnType::kFloat64: return "g";
    case ColumnType::kBool: return "b";
    case ColumnType::kTimestamp: return "tsu:UTC";
  }
  return "";
}

inline std::optional<ColumnType> ColumnTypeFromArrowFormat(std::string_view format) {
  if (format == "u") return ColumnType::kString;
  if (format == "l") return ColumnType::kInt64;
  if (format == "g") return ColumnType::kFloat64;
  if (format == "b") return ColumnType::kBool;
  if (format == "tsu:UTC") return ColumnType::kTimestamp;
  return std::nullopt;
}

// The name used in config files and docs: string, int64, float64, bool, timestamp.
inline const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kString: return "string";
    case ColumnType::kInt64: return "int64";
    case ColumnType::kFloat64: return "float64";
    case ColumnType::kBool: return "bool";
    case ColumnType::kTimestamp: return "timestamp";
  }
  return "";
}

inline std::optional<ColumnType> ColumnTypeFromName(std::string_view name) {
  for (ColumnType t : {ColumnType::kString, ColumnType::kInt64, ColumnType::kFloat64,
                       ColumnType::kBool, ColumnType::kTimestamp}) {
    if (name == ColumnTypeName(t)) return t;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Owners: each holds one struct and calls its release callback exactly once.
// ---------------------------------------------------------------------------

template <typename T>
class UniqueArrow {
 public:
  UniqueArrow() { std::memset(&value_, 0, sizeof(value_)); }
  // Takes over `*src`: afterwards src->release is NULL (moved from).
  explicit UniqueArrow(T* src) {
    std::memcpy(&value_, src, sizeof(value_));
    src->release = nullptr;
  }
  UniqueArrow(UniqueArrow&& other) noexcept : UniqueArrow(&other.value_) {}
  UniqueArrow& operator=(UniqueArrow&& other) noexcept {
    if (this != &other) {
      reset();
      std::memcpy(&value_, &other.value_, sizeof(value_));
      other.value_.release = nullptr;
    }
    return *this;
  }
  UniqueArrow(const UniqueArrow&) = delete;
  UniqueArrow& operator=(const UniqueArrow&) = delete;
  ~UniqueArrow() { reset(); }

  T* get() { return &value_; }
  const T* get() const { return &value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  bool valid() const { return value_.release != nullptr; }

  // Moves the struct out into *dst, which must be released or empty.
  void move_to(T* dst) {
    std::memcpy(dst, &value_, sizeof(value_));
    value_.release = nullptr;
  }
  void reset() {
    if (value_.release != nullptr) value_.release(&value_);
    value_.release = nullptr;
  }

 private:
  T value_;
};

using UniqueSchema = UniqueArrow<ArrowSchema>;
using UniqueArray = UniqueArrow<ArrowArray>;

// Owns a sinkhost_error filled by a plugin; releases it once.
class UniqueError {
 public:
  UniqueError() {
    std::memset(&value_, 0, sizeof(value_));
    value_.struct_size = sizeof(value_);
  }
  UniqueError(const UniqueError&) = delete;
  UniqueError& operator=(const UniqueError&) = delete;
  ~UniqueError() { reset(); }
  sinkhost_error* get() { return &value_; }
  std::string message() const {
    return value_.message != nullptr ? std::string(value_.message) : std::string();
  }
  int64_t retry_after_ms() const { return value_.retry_after_ms; }
  void reset() {
    if (value_.release != nullptr) value_.release(&value_);
    std::memset(&value_, 0, sizeof(value_));
    value_.struct_size = sizeof(value_);
  }

 private:
  sinkhost_error value_;
};

// ---------------------------------------------------------------------------
// Read-only views of a record batch
// ---------------------------------------------------------------------------

// One column of a batch. Cheap to copy; valid while the batch is alive.
class ColumnView {
 public:
  ColumnView(ColumnType type, const ArrowArray* array, std::string_view name, bool nullable)
      : type_(type), array_(array), name_(name), nullable_(nullable) {}

  ColumnType type() const { return type_; }
  std::string_view name() const { return name_; }
  bool nullable() const { return nullable_; }
  int64_t length() const { return array_->length; }

  bool is_null(int64_t i) const {
    if (array_->null_count == 0) return false;
    const auto* validity = static_cast<const uint8_t*>(array_->buffers[0]);
    if (validity == nullptr) return false;
    int64_t j = i + array_->offset;
    return (validity[j >> 3] & (1u << (j & 7))) == 0;
  }
  // For kInt64 and kTimestamp (microseconds since the epoch).
  int64_t int64(int64_t i) const {
    return static_cast<const int64_t*>(array_->buffers[1])[i + array_->offset];
  }
  double float64(int64_t i) const {
    return static_cast<const double*>(array_->buffers[1])[i + array_->offset];
  }
  bool boolean(int64_t i) const {
    const auto* bits = static_cast<const uint8_t*>(array_->buffers[1]);
    int64_t j = i + array_->offset;
    return (bits[j >> 3] & (1u << (j & 7))) != 0;
  }
  std::string_view string(int64_t i) const {
    const auto* offsets = static_cast<const int32_t*>(array_->buffers[1]);
    const auto* data = static_cast<const char*>(array_->buffers[2]);
    int64_t j = i + array_->offset;
    return std::string_view(data + offsets[j], static_cast<size_t>(offsets[j + 1] - offsets[j]));
  }

 private:
  ColumnType type_;
  const ArrowArray* array_;
  std::string_view name_;
  bool nullable_;
};

// A struct-typed record batch seen through its schema.
class BatchView {
 public:
  // Checks that schema and batch match the shapes sinkhost sends.
  static Status Make(const ArrowSchema* schema, const ArrowArray* batch, BatchView* out) {
    if (schema == nullptr || batch == nullptr || schema->format == nullptr)
      return Status::InvalidArgument("batch or schema is null");
    if (std::string_view(schema->format) != "+s")
      return Status::InvalidArgument("batch schema must be a struct (\"+s\"), got \"" +
                                     std::string(schema->format) + "\"");
    if (schema->n_children != batch->n_children)
      return Status::InvalidArgument("schema has " + std::to_string(schema->n_children) +
                                     " columns but the batch has " +
                                     std::to_string(batch->n_children));
    out->columns_.clear();
    out->length_ = batch->length;
    for (int64_t c = 0; c < schema->n_children; ++c) {
      const ArrowSchema* field = schema->children[c];
      auto type = ColumnTypeFromArrowFormat(field->format ? field->format : "");
      const char* name = field->name ? field->name : "";
      if (!type)
        return Status::InvalidArgument("column '" + std::string(name) +
                                       "' has unsupported Arrow format \"" +
                                       std::string(field->format ? field->format : "") + "\"");
      if (batch->children[c]->length < batch->length + batch->offset)
        return Status::InvalidArgument("column '" + std::string(name) + "' is shorter than the batch");
      out->columns_.emplace_back(*type, batch->children[c], name,
                                 (field->flags & ARROW_FLAG_NULLABLE) != 0);
    }
    return Status::OK();
  }

  int64_t num_rows() const { return length_; }
  size_t num_columns() const { return columns_.size(); }
  const ColumnView& column(size_t i) const { return columns_[i]; }
  const std::vector<ColumnView>& columns() const { return columns_; }

 private:
  int64_t length_ = 0;
  std::vector<ColumnView> columns_;
};

}  // namespace sinkhost

#endif  // SINKHOST_ARROW_HPP_
