// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/batch/row_batch.h"

#include <cstring>

namespace sinkhost {

namespace {

inline size_t BytesForBits(int64_t bits) { return static_cast<size_t>((bits + 7) / 8); }

inline void SetBit(PodBuffer<uint8_t>& bits, int64_t i, bool v) {
  if (bits.size() < BytesForBits(i + 1)) bits.resize(BytesForBits(i + 1), 0);
  uint8_t mask = static_cast<uint8_t>(1u << (i & 7));
  if (v) bits[i >> 3] |= mask;
  else bits[i >> 3] &= static_cast<uint8_t>(~mask);
}

inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1u; }

// Appends `n` bits of `src` after the first `dst_len` bits of `dst`.
void AppendBits(PodBuffer<uint8_t>& dst, int64_t dst_len, const uint8_t* src, int64_t n) {
  dst.resize(BytesForBits(dst_len + n), 0);
  if ((dst_len & 7) == 0) {
    std::memcpy(dst.data() + (dst_len >> 3), src, BytesForBits(n));
    return;
  }
  uint8_t* d = dst.data();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t j = dst_len + i;
    const uint8_t mask = static_cast<uint8_t>(1u << (j & 7));
    if (GetBit(src, i)) d[j >> 3] |= mask;
    else d[j >> 3] &= static_cast<uint8_t>(~mask);
  }
}

// Sets bits [from, from + n) of `bits` to 1, growing it as needed.
void AppendOnes(PodBuffer<uint8_t>& bits, int64_t from, int64_t n) {
  bits.resize(BytesForBits(from + n), 0);
  uint8_t* d = bits.data();
  for (int64_t j = from; j < from + n; ++j) d[j >> 3] |= static_cast<uint8_t>(1u << (j & 7));
}

size_t ValueWidth(ColumnType t) {
  switch (t) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
    case ColumnType::kFloat64: return 8;
    default: return 0;
  }
}

}  // namespace

void ColumnBuilder::MaterializeValidity() {
  // All values so far were valid.
  validity_.assign(BytesForBits(length_), 0xFF);
}

void ColumnBuilder::MarkValid() {
  if (null_count_ > 0) SetBit(validity_, length_, true);
}

void ColumnBuilder::AppendNull() {
  if (null_count_ == 0) MaterializeValidity();
  SetBit(validity_, length_, false);
  ++null_count_;
  switch (type_) {
    case ColumnType::kString: offsets_.push_back(offsets_.back()); break;
    case ColumnType::kBool: SetBit(values_, length_, false); break;
    default: std::memset(values_.extend(8), 0, 8); break;
  }
  ++length_;
}

void ColumnBuilder::AppendInt64(int64_t v) {
  MarkValid();
  std::memcpy(values_.extend(8), &v, 8);
  ++length_;
}

void ColumnBuilder::AppendFloat64(double v) {
  MarkValid();
  std::memcpy(values_.extend(8), &v, 8);
  ++length_;
}

void ColumnBuilder::AppendBool(bool v) {
  MarkValid();
  SetBit(values_, length_, v);
  ++length_;
}

void ColumnBuilder::AppendString(std::string_view v) {
  MarkValid();
  strings_.append(v.data(), v.size());
  offsets_.push_back(static_cast<int32_t>(strings_.size()));
  ++length_;
}

void ColumnBuilder::AppendValue(const ColumnBuilder& other, int64_t row) {
  if (other.IsNull(row)) {
    AppendNull();
    return;
  }
  MarkValid();
  switch (type_) {
    case ColumnType::kString: {
      const int32_t begin = other.offsets_[static_cast<size_t>(row)];
      const int32_t end = other.offsets_[static_cast<size_t>(row) + 1];
      strings_.append(other.strings_.data() + begin, static_cast<size_t>(end - begin));
      offsets_.push_back(static_cast<int32_t>(strings_.size()));
      break;
    }
    case ColumnType::kBool: SetBit(values_, length_, GetBit(other.values_.data(), row)); break;
    default: std::memcpy(values_.extend(8), other.values_.data() + row * 8, 8); break;
  }
  ++length_;
}

void ColumnBuilder::AppendColumn(const ColumnBuilder& other) {
  const int64_t n = other.length_;
  if (n == 0) return;
  if (n == 1) return AppendValue(other, 0);
  AppendArrow(other.null_count_ > 0 ? other.validity_.data() : nullptr, other.null_count_,
              other.type_ == ColumnType::kString ? static_cast<const void*>(other.offsets_.data())
                                                 : other.values_.data(),
              other.strings_.data(), n);
}

void ColumnBuilder::AppendArrow(const uint8_t* validity, int64_t null_count, const void* values,
                                const char* strings, int64_t n) {
  if (n == 0) return;
  // Validity first: it depends on the old length.
  if (null_count > 0 || null_count_ > 0) {
    if (null_count_ == 0) MaterializeValidity();
    if (null_count > 0) {
      AppendBits(validity_, length_, validity, n);
    } else {
      AppendOnes(validity_, length_, n);
    }
  }
  switch (type_) {
    case ColumnType::kString: {
      // Offsets read with memcpy: in an encoded record they need not be
      // aligned.
      const auto* src = static_cast<const char*>(values);
      auto offset = [src](int64_t i) {
        int32_t v;
        std::memcpy(&v, src + i * 4, sizeof(v));
        return v;
      };
      const int32_t first = offset(0);
      const int32_t base = static_cast<int32_t>(strings_.size()) - first;
      strings_.append(strings + first, static_cast<size_t>(offset(n) - first));
      // extend grows geometrically (an exact reserve(size + n) per append,
      // as this was, reallocated and copied every offset on each one-row
      // append: quadratic in the batch size).
      int32_t* dst = offsets_.extend(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) dst[i] = base + offset(i + 1);
      break;
    }
    case ColumnType::kBool:
      AppendBits(values_, length_, static_cast<const uint8_t*>(values), n);
      break;
    default:
      values_.append(static_cast<const uint8_t*>(values), static_cast<size_t>(n) * 8);
      break;
  }
  length_ += n;
  null_count_ += null_count;
}

void ColumnBuilder::Truncate(int64_t length) {
  if (length >= length_) return;
  if (length == 0) {
    // Clear (every request's scratch rows, every batch back in the pool):
    // no need to count the nulls that go.
    null_count_ = 0;
    validity_.clear();
  } else if (null_count_ > 0) {
    int64_t removed_nulls = 0;
    for (int64_t i = length; i < length_; ++i)
      if (!GetBit(validity_.data(), i)) ++removed_nulls;
    null_count_ -= removed_nulls;
    if (null_count_ == 0) validity_.clear();
    else validity_.resize(BytesForBits(length));
  }
  switch (type_) {
    case ColumnType::kString:
      strings_.resize(static_cast<size_t>(offsets_[length]));
      offsets_.resize(static_cast<size_t>(length) + 1);
      break;
    case ColumnType::kBool: values_.resize(BytesForBits(length)); break;
    default: values_.resize(static_cast<size_t>(length) * ValueWidth(type_)); break;
  }
  length_ = length;
}

void ColumnBuilder::Reserve(int64_t rows, size_t string_bytes) {
  switch (type_) {
    case ColumnType::kString:
      offsets_.reserve(static_cast<size_t>(rows) + 1);
      strings_.reserve(string_bytes);
      break;
    case ColumnType::kBool: values_.reserve(BytesForBits(rows)); break;
    default: values_.reserve(static_cast<size_t>(rows) * 8); break;
  }
}

bool ColumnBuilder::IsNull(int64_t i) const {
  return null_count_ > 0 && !GetBit(validity_.data(), i);
}
int64_t ColumnBuilder::Int64(int64_t i) const {
  int64_t v;
  std::memcpy(&v, values_.data() + i * 8, 8);
  return v;
}
double ColumnBuilder::Float64(int64_t i) const {
  double v;
  std::memcpy(&v, values_.data() + i * 8, 8);
  return v;
}
bool ColumnBuilder::Bool(int64_t i) const { return GetBit(values_.data(), i); }
std::string_view ColumnBuilder::String(int64_t i) const {
  return std::string_view(strings_.data() + offsets_[i],
                          static_cast<size_t>(offsets_[i + 1] - offsets_[i]));
}

const void* ColumnBuilder::values_data() const {
  if (type_ == ColumnType::kString) return offsets_.data();
  // Arrow wants a non-null pointer even for empty buffers.
  static const uint64_t kEmpty = 0;
  return values_.empty() ? static_cast<const void*>(&kEmpty) : values_.data();
}

RowBatch::RowBatch(const Schema& schema) : schema_(&schema) {
  columns_.reserve(schema.num_columns());
  for (const Column& c : schema.columns()) columns_.emplace_back(c.type);
}

void RowBatch::AbandonRow() {
  for (ColumnBuilder& c : columns_) c.Truncate(rows_);
}

void RowBatch::Append(const RowBatch& other) {
  if (other.rows_ == 1) {
    // One row, the shape of every POST /api/event: value by value, without
    // the bit-at-a-time validity loop and the offset rebasing.
    for (size_t i = 0; i < columns_.size(); ++i) columns_[i].AppendValue(other.columns_[i], 0);
  } else {
    for (size_t i = 0; i < columns_.size(); ++i) columns_[i].AppendColumn(other.columns_[i]);
  }
  rows_ += other.rows_;
}

void RowBatch::AppendRows(const RowBatch& other, int64_t begin, int64_t end) {
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnBuilder& from = other.columns_[c];
    ColumnBuilder& to = columns_[c];
    for (int64_t r = begin; r < end; ++r) to.AppendValue(from, r);
  }
  rows_ += end - begin;
}

void RowBatch::Clear() {
  for (ColumnBuilder& c : columns_) c.Clear();
  rows_ = 0;
}

size_t RowBatch::byte_size() const {
  size_t n = 0;
  for (const ColumnBuilder& c : columns_) n += c.byte_size();
  return n;
}

namespace {

// Everything one exported ArrowArray points into; freed by its release.
struct ExportedBatch {
  std::shared_ptr<const RowBatch> batch;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;
  std::vector<const void*> buffers;  // 3 slots per child (some unused)
  const void* top_buffers[1] = {nullptr};
};

void ReleaseChildArray(ArrowArray* a) { a->release = nullptr; }

void ReleaseBatchArray(ArrowArray* a) {
  auto* owned = static_cast<ExportedBatch*>(a->private_data);
  for (ArrowArray& c : owned->children)
    if (c.release != nullptr) c.release(&c);
  delete owned;
  a->release = nullptr;
}

}  // namespace

void RowBatch::ExportToArrow(std::shared_ptr<const RowBatch> batch, ArrowArray* out) {
  auto* owned = new ExportedBatch();
  const size_t n = batch->columns_.size();
  owned->children.resize(n);
  owned->child_ptrs.resize(n);
  owned->buffers.resize(n * 3);
  for (size_t i = 0; i < n; ++i) {
    const ColumnBuilder& col = batch->columns_[i];
    ArrowArray& c = owned->children[i];
    std::memset(&c, 0, sizeof(c));
    c.length = col.length();
    c.null_count = col.null_count();
    const void** bufs = &owned->buffers[i * 3];
    bufs[0] = col.validity_data();
    bufs[1] = col.values_data();
    bufs[2] = col.string_data();
    c.n_buffers = col.type() == ColumnType::kString ? 3 : 2;
    c.buffers = bufs;
    c.release = &ReleaseChildArray;
    owned->child_ptrs[i] = &c;
  }
  std::memset(out, 0, sizeof(*out));
  out->length = batch->rows_;
  out->n_buffers = 1;  // struct arrays have only a validity buffer
  out->buffers = owned->top_buffers;
  out->n_children = static_cast<int64_t>(n);
  out->children = owned->child_ptrs.data();
  out->release = &ReleaseBatchArray;
  out->private_data = owned;
  owned->batch = std::move(batch);
}

std::shared_ptr<const RowBatch> RowBatch::ExportedFrom(const ArrowArray* array) {
  if (array == nullptr || array->release != &ReleaseBatchArray) return nullptr;
  return static_cast<const ExportedBatch*>(array->private_data)->batch;
}

}  // namespace sinkhost
