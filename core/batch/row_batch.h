// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// RowBatch: rows of one schema held column by column in the Arrow memory
// layout, so that a sealed batch crosses the plugin ABI without a copy.
//
// Ingest fills a small RowBatch per request (outside any lock); the write
// buffer then appends it to its open batch with a few memcpys per column
// (Append), which is what keeps the buffer's critical section short.
//
// Thread safety: not thread-safe while being built. Once sealed and shared
// as `std::shared_ptr<const RowBatch>`, it is read-only and may be read and
// exported from any number of threads.
#ifndef SINKHOST_CORE_BATCH_ROW_BATCH_H_
#define SINKHOST_CORE_BATCH_ROW_BATCH_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/batch/pod_buffer.h"
#include "core/schema/schema.h"
#include "sinkhost/arrow.hpp"

namespace sinkhost {

// One typed column in Arrow layout. Appends never shrink capacity, so a
// buffer that is cleared and refilled stops allocating after warm-up.
class ColumnBuilder {
 public:
  explicit ColumnBuilder(ColumnType type) : type_(type) {
    if (type == ColumnType::kString) offsets_.push_back(0);
  }

  ColumnType type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  void AppendNull();
  void AppendInt64(int64_t v);  // int64 and timestamp (microseconds)
  void AppendFloat64(double v);
  void AppendBool(bool v);
  void AppendString(std::string_view v);  // must be valid UTF-8

  // Appends every value of `other` (same type).
  void AppendColumn(const ColumnBuilder& other);
  // Appends `n` values given as Arrow buffers of this column's type:
  // `validity` (bit i set = valid; null when `null_count` is 0), `values`
  // (int64/double values, bool bits, or a string column's n + 1 offsets,
  // from any first offset) and `strings` (the string bytes offsets point
  // into). Bulk copies, no work per value beyond the offsets' rebase.
  void AppendArrow(const uint8_t* validity, int64_t null_count, const void* values,
                   const char* strings, int64_t n);
  // Appends the value (or null) at `row` of `other` (same type).
  void AppendValue(const ColumnBuilder& other, int64_t row);
  // Drops values after the first `length` (used to undo a half-built row).
  void Truncate(int64_t length);
  void Clear() { Truncate(0); }
  void Reserve(int64_t rows, size_t string_bytes);

  // Bytes of value data held (validity, values, offsets, string data).
  size_t byte_size() const;

  // Read access, mostly for tests and for sinks in-process.
  bool IsNull(int64_t i) const;
  int64_t Int64(int64_t i) const;
  double Float64(int64_t i) const;
  bool Bool(int64_t i) const;
  std::string_view String(int64_t i) const;

  // Arrow buffers: [validity or null, values or offsets, string data].
  const uint8_t* validity_data() const { return null_count_ > 0 ? validity_.data() : nullptr; }
  const void* values_data() const;
  const char* string_data() const { return strings_.empty() ? "" : strings_.data(); }

 private:
  void MarkValid();
  void MaterializeValidity();

  ColumnType type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  // Bit-packed, 1 = valid; kept empty until the first null (most columns
  // never have one).
  PodBuffer<uint8_t> validity_;
  // int64/double values, or bit-packed bools.
  PodBuffer<uint8_t> values_;
  // Strings: length_ + 1 offsets into strings_ (the first, 0, is set by
  // the constructor).
  PodBuffer<int32_t> offsets_;
  PodBuffer<char> strings_;
};

inline size_t ColumnBuilder::byte_size() const {
  size_t n = validity_.size() + values_.size();
  if (type_ == ColumnType::kString) n += offsets_.size() * sizeof(int32_t) + strings_.size();
  return n;
}

class RowBatch {
 public:
  explicit RowBatch(const Schema& schema);

  const Schema& schema() const { return *schema_; }
  int64_t num_rows() const { return rows_; }
  size_t num_columns() const { return columns_.size(); }
  ColumnBuilder& column(size_t i) { return columns_[i]; }
  const ColumnBuilder& column(size_t i) const { return columns_[i]; }

  // Call after exactly one value was appended to every column.
  void CommitRow() { ++rows_; }
  // Undoes values appended since the last CommitRow.
  void AbandonRow();

  // Appends all rows of `other`, which must have the same schema.
  void Append(const RowBatch& other);
  // Appends rows [begin, end) of `other` (same schema), value by value: for
  // the rare paths that split batches (isolating rows a sink refuses).
  void AppendRows(const RowBatch& other, int64_t begin, int64_t end);
  void Clear();
  size_t byte_size() const;

  // Fills `out` with a struct array of this batch. The array keeps `batch`
  // alive until released; call once per consumer, each gets its own array.
  static void ExportToArrow(std::shared_ptr<const RowBatch> batch, ArrowArray* out);
  // The batch behind an array ExportToArrow filled (and nobody has
  // released), or null for any other array.
  static std::shared_ptr<const RowBatch> ExportedFrom(const ArrowArray* array);

 private:
  const Schema* schema_;  // not owned; outlives every batch of the stream
  int64_t rows_ = 0;
  std::vector<ColumnBuilder> columns_;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_BATCH_ROW_BATCH_H_
