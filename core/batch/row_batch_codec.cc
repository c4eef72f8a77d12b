// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/batch/row_batch_codec.h"

#include <bit>
#include <cstring>
#include <vector>

namespace sinkhost {

// The layout is written with plain memcpy of native integers and Arrow
// buffers; a big-endian port would need byte swaps here.
static_assert(std::endian::native == std::endian::little, "row batch codec assumes little-endian");

namespace {

constexpr char kMagic[4] = {'S', 'K', 'R', 'B'};
// Version 2 added the first row's stream position; version 1 records (32-
// byte header, no position) are still read.
constexpr uint8_t kVersion = 2;
constexpr size_t kHeaderSizeV1 = 32;
constexpr size_t kHeaderSize = 40;
constexpr size_t kPositionOffset = 32;
constexpr size_t kColumnHeaderSize = 8;
constexpr uint8_t kHasValidity = 1;

// Stable on disk, unlike the enum's values.
uint8_t TypeCode(ColumnType t) {
  switch (t) {
    case ColumnType::kString: return 1;
    case ColumnType::kInt64: return 2;
    case ColumnType::kFloat64: return 3;
    case ColumnType::kBool: return 4;
    case ColumnType::kTimestamp: return 5;
  }
  return 0;
}

inline uint64_t BitmapBytes(uint64_t rows) { return (rows + 7) / 8; }

// Bytes of the values part of one column (offsets and string data included).
uint64_t ValueBytes(ColumnType t, uint64_t rows, uint64_t data_bytes) {
  switch (t) {
    case ColumnType::kString: return (rows + 1) * 4 + data_bytes;
    case ColumnType::kBool: return BitmapBytes(rows);
    default: return rows * 8;
  }
}

template <typename T>
T Get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline bool Bit(const uint8_t* bits, uint64_t i) { return (bits[i >> 3] >> (i & 7)) & 1u; }

// One column's parts inside the payload, located and checked before any
// value is appended, so that a bad payload leaves the batch untouched.
struct ColumnParts {
  const uint8_t* validity = nullptr;  // null: no nulls
  const char* values = nullptr;
  const char* strings = nullptr;
};

Status Bad(const std::string& why) { return Status::InvalidArgument("row batch record: " + why); }

}  // namespace

uint64_t SchemaFingerprint(const Schema& schema) {
  return PrefixFingerprint(schema, schema.num_columns());
}

uint64_t PrefixFingerprint(const Schema& schema, size_t columns) {
  // FNV-1a over name, type code and nullability of each column.
  uint64_t h = 14695981039346656037ull;
  auto mix = [&](const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 1099511628211ull;
    }
  };
  for (size_t i = 0; i < columns && i < schema.num_columns(); ++i) {
    const Column& c = schema.column(i);
    mix(c.name.data(), c.name.size());
    const uint8_t tail[3] = {0, TypeCode(c.type), static_cast<uint8_t>(c.nullable ? 1 : 0)};
    mix(tail, sizeof(tail));
  }
  return h;
}

bool IsEarlierSchema(const Schema& schema, uint64_t fingerprint, uint64_t columns) {
  if (columns == 0 || columns >= schema.num_columns()) return false;
  for (size_t c = columns; c < schema.num_columns(); ++c)
    if (!schema.column(c).nullable) return false;
  return PrefixFingerprint(schema, columns) == fingerprint;
}

size_t EncodedRowBatchSize(const RowBatch& rows) {
  const uint64_t n = static_cast<uint64_t>(rows.num_rows());
  size_t total = kHeaderSize;
  for (size_t c = 0; c < rows.num_columns(); ++c) {
    const ColumnBuilder& col = rows.column(c);
    uint64_t data_bytes = 0;
    if (col.type() == ColumnType::kString)
      data_bytes = static_cast<uint64_t>(static_cast<const int32_t*>(col.values_data())[n]);
    total += kColumnHeaderSize + (col.null_count() > 0 ? BitmapBytes(n) : 0) +
             ValueBytes(col.type(), n, data_bytes);
  }
  return total;
}

void EncodeRowBatchTo(const RowBatch& rows, uint64_t schema_fingerprint, char* out,
                      uint64_t first_position) {
  const uint64_t n = static_cast<uint64_t>(rows.num_rows());
  auto put_bytes = [&out](const void* p, size_t bytes) {
    std::memcpy(out, p, bytes);
    out += bytes;
  };
  auto put = [&put_bytes](auto v) { put_bytes(&v, sizeof(v)); };
  put_bytes(kMagic, sizeof(kMagic));
  put(uint8_t{kVersion});
  put(uint8_t{0});
  put(uint16_t{0});
  put(uint64_t{schema_fingerprint});
  put(uint64_t{n});
  put(static_cast<uint32_t>(rows.num_columns()));
  put(uint32_t{0});
  put(uint64_t{first_position});
  for (size_t c = 0; c < rows.num_columns(); ++c) {
    const ColumnBuilder& col = rows.column(c);
    const bool has_validity = col.null_count() > 0;
    const auto* offsets = static_cast<const int32_t*>(col.values_data());
    const uint32_t data_bytes =
        col.type() == ColumnType::kString ? static_cast<uint32_t>(offsets[n]) : 0;
    put(static_cast<uint8_t>(TypeCode(col.type())));
    put(static_cast<uint8_t>(has_validity ? kHasValidity : 0));
    put(uint16_t{0});
    put(uint32_t{data_bytes});
    if (has_validity) put_bytes(col.validity_data(), BitmapBytes(n));
    if (col.type() == ColumnType::kString) {
      put_bytes(offsets, (n + 1) * 4);
      put_bytes(col.string_data(), data_bytes);
    } else {
      put_bytes(col.values_data(), ValueBytes(col.type(), n, 0));
    }
  }
}

void EncodeRowBatch(const RowBatch& rows, uint64_t schema_fingerprint, std::string* out,
                    uint64_t first_position) {
  const size_t at = out->size();
  // resize_and_overwrite would skip the zero fill; C++23.
  out->resize(at + EncodedRowBatchSize(rows));
  EncodeRowBatchTo(rows, schema_fingerprint, out->data() + at, first_position);
}

void SetRowBatchFirstPosition(std::string* encoded, size_t at, uint64_t first_position) {
  std::memcpy(encoded->data() + at + kPositionOffset, &first_position, sizeof(first_position));
}

Status PeekRowBatchHeader(std::string_view data, RowBatchHeader* out) {
  if (data.size() < kHeaderSizeV1)
    return Bad("shorter than its " + std::to_string(kHeaderSizeV1) + "-byte header (" +
               std::to_string(data.size()) + " bytes)");
  if (std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) return Bad("bad magic");
  const uint8_t version = static_cast<uint8_t>(data[4]);
  if (version != kVersion && version != 1)
    return Bad("version " + std::to_string(version) + " is not supported (this build reads 1 and " +
               std::to_string(kVersion) + ")");
  if (version == kVersion && data.size() < kHeaderSize)
    return Bad("shorter than its " + std::to_string(kHeaderSize) + "-byte header (" +
               std::to_string(data.size()) + " bytes)");
  out->schema_fingerprint = Get<uint64_t>(data.data() + 8);
  out->rows = Get<uint64_t>(data.data() + 16);
  out->columns = Get<uint32_t>(data.data() + 24);
  out->has_position = version >= 2;
  out->first_position = out->has_position ? Get<uint64_t>(data.data() + kPositionOffset) : 0;
  out->header_bytes = out->has_position ? kHeaderSize : kHeaderSizeV1;
  return Status::OK();
}

Status DecodeRowBatch(std::string_view data, uint64_t schema_fingerprint, RowBatch* out) {
  RowBatchHeader h;
  SINKHOST_RETURN_NOT_OK(PeekRowBatchHeader(data, &h));
  const Schema& schema = out->schema();
  // A record of an earlier version of the schema, which has since gained
  // nullable columns at its end, reads with NULL in those.
  const bool earlier = h.schema_fingerprint != schema_fingerprint &&
                       IsEarlierSchema(schema, h.schema_fingerprint, h.columns);
  if (h.schema_fingerprint != schema_fingerprint && !earlier)
    return Bad("written under another schema (columns changed since it was logged)");
  if (!earlier && h.columns != schema.num_columns())
    return Bad("has " + std::to_string(h.columns) + " columns, the schema " +
               std::to_string(schema.num_columns()));
  const size_t logged_columns = static_cast<size_t>(h.columns);
  const uint64_t n = h.rows;
  // Every column stores at least one bit per row: a bound that keeps the
  // size arithmetic below far from overflow.
  if (n > static_cast<uint64_t>(data.size()) * 8 || n > static_cast<uint64_t>(INT32_MAX))
    return Bad("claims " + std::to_string(n) + " rows in " + std::to_string(data.size()) +
               " bytes");

  std::vector<ColumnParts> parts(logged_columns);
  uint64_t at = h.header_bytes;
  auto take = [&](uint64_t bytes, const char** p) {
    if (bytes > data.size() - at) return false;
    *p = data.data() + at;
    at += bytes;
    return true;
  };
  for (size_t c = 0; c < logged_columns; ++c) {
    const ColumnType type = schema.column(c).type;
    const std::string where = "column " + std::to_string(c) + " (" + schema.column(c).name + ")";
    const char* head = nullptr;
    if (!take(kColumnHeaderSize, &head)) return Bad(where + ": cut off");
    if (static_cast<uint8_t>(head[0]) != TypeCode(type))
      return Bad(where + ": type code " + std::to_string(static_cast<uint8_t>(head[0])) +
                 ", the schema says " + ColumnTypeName(type));
    const uint8_t flags = static_cast<uint8_t>(head[1]);
    if ((flags & ~kHasValidity) != 0) return Bad(where + ": unknown flags");
    const uint32_t data_bytes = Get<uint32_t>(head + 4);
    if (type != ColumnType::kString && data_bytes != 0)
      return Bad(where + ": string bytes on a non-string column");
    if (data_bytes > static_cast<uint32_t>(INT32_MAX))
      return Bad(where + ": too many string bytes");
    ColumnParts& p = parts[c];
    const char* validity = nullptr;
    if ((flags & kHasValidity) != 0) {
      if (!take(BitmapBytes(n), &validity)) return Bad(where + ": validity cut off");
      p.validity = reinterpret_cast<const uint8_t*>(validity);
    }
    if (type == ColumnType::kString) {
      if (!take((n + 1) * 4, &p.values) || !take(data_bytes, &p.strings))
        return Bad(where + ": strings cut off");
      int32_t prev = Get<int32_t>(p.values);
      if (prev != 0) return Bad(where + ": the first string offset is not 0");
      for (uint64_t i = 1; i <= n; ++i) {
        const int32_t next = Get<int32_t>(p.values + i * 4);
        if (next < prev) return Bad(where + ": string offsets go backwards");
        prev = next;
      }
      if (static_cast<uint32_t>(prev) != data_bytes)
        return Bad(where + ": string offsets end at " + std::to_string(prev) + ", not " +
                   std::to_string(data_bytes));
    } else if (!take(ValueBytes(type, n, 0), &p.values)) {
      return Bad(where + ": values cut off");
    }
  }
  if (at != data.size())
    return Bad(std::to_string(data.size() - at) + " bytes after the last column");

  for (size_t c = 0; c < logged_columns; ++c) {
    const ColumnParts& p = parts[c];
    ColumnBuilder& col = out->column(c);
    const ColumnType type = col.type();
    // Reserve takes totals, not increments.
    size_t string_bytes = 0;
    if (type == ColumnType::kString)
      string_bytes =
          static_cast<size_t>(static_cast<const int32_t*>(col.values_data())[col.length()]) +
          static_cast<size_t>(Get<int32_t>(p.values + n * 4));
    col.Reserve(col.length() + static_cast<int64_t>(n), string_bytes);
    int64_t nulls = 0;
    if (p.validity != nullptr) {
      for (uint64_t i = 0; i < n; ++i) nulls += Bit(p.validity, i) ? 0 : 1;
    }
    // The encoding is the Arrow layout: whole buffers at once.
    col.AppendArrow(nulls > 0 ? p.validity : nullptr, nulls, p.values, p.strings,
                    static_cast<int64_t>(n));
  }
  for (size_t c = logged_columns; c < schema.num_columns(); ++c)
    for (uint64_t i = 0; i < n; ++i) out->column(c).AppendNull();
  for (uint64_t i = 0; i < n; ++i) out->CommitRow();
  return Status::OK();
}

}  // namespace sinkhost
