// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/clickhouse/row_binary.h"

#include <bit>
#include <cstring>
#include <limits>

#include "sinkhost/format.hpp"

namespace sinkhost::clickhouse {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
// DateTime is a UInt32 of seconds.
constexpr int64_t kMaxDateTimeSeconds = 4294967295LL;  // 2106-02-07T06:28:15Z

constexpr int64_t Pow10(int n) {
  int64_t v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

// Floor division: instants before 1970 belong to the earlier second.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// The DateTime64(scale) ticks of `us` microseconds; false on overflow.
inline bool MicrosToTicks(int64_t us, int scale, int64_t* ticks) {
  if (scale == 6) {
    *ticks = us;
    return true;
  }
  if (scale < 6) {
    *ticks = FloorDiv(us, Pow10(6 - scale));
    return true;
  }
  return !__builtin_mul_overflow(us, Pow10(scale - 6), ticks);
}

inline void PutU64(std::string* buf, uint64_t v) {
  if constexpr (std::endian::native != std::endian::little) v = __builtin_bswap64(v);
  char bytes[8];
  std::memcpy(bytes, &v, 8);
  buf->append(bytes, 8);
}

inline void PutU32(std::string* buf, uint32_t v) {
  if constexpr (std::endian::native != std::endian::little) v = __builtin_bswap32(v);
  char bytes[4];
  std::memcpy(bytes, &v, 4);
  buf->append(bytes, 4);
}

// LEB128: seven bits at a time, low bits first, high bit set on all but the
// last byte.
inline void PutVarUInt(std::string* buf, uint64_t v) {
  char bytes[10];
  size_t n = 0;
  while (v >= 0x80) {
    bytes[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  bytes[n++] = static_cast<char>(v);
  buf->append(bytes, n);
}

std::string TimestampText(int64_t us) {
  char text[kTimestampBufferSize];
  size_t n = FormatTimestampMicros(us, text);
  return std::string(text, n);
}

}  // namespace

Status RowBinaryEncoder::Check(const BatchView& batch) const {
  if (batch.num_columns() != columns_.size())
    return Status::Permanent("batch has " + std::to_string(batch.num_columns()) +
                             " columns, the encoder expects " + std::to_string(columns_.size()));
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnEncoding& enc = columns_[c];
    const ColumnView& col = batch.column(c);
    if (enc.kind != ColumnEncoding::Kind::kDateTime &&
        enc.kind != ColumnEncoding::Kind::kDateTime64)
      continue;
    if (enc.kind == ColumnEncoding::Kind::kDateTime64 && enc.scale <= 6) continue;  // always fits
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      if (col.is_null(r)) continue;
      const int64_t us = col.int64(r);
      int64_t ticks;
      bool fits;
      std::string range;
      if (enc.kind == ColumnEncoding::Kind::kDateTime) {
        const int64_t s = FloorDiv(us, kMicrosPerSecond);
        fits = s >= 0 && s <= kMaxDateTimeSeconds;
        range = "DateTime holds 1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z";
      } else {
        fits = MicrosToTicks(us, enc.scale, &ticks);
        range = "DateTime64(" + std::to_string(enc.scale) + ") overflows Int64 ticks";
      }
      if (!fits)
        return Status::Permanent("column '" + std::string(col.name()) + "', row " +
                                 std::to_string(r) + ": timestamp " + TimestampText(us) +
                                 " is out of range (" + range + ")");
    }
  }
  return Status::OK();
}

void RowBinaryEncoder::EncodeRows(const BatchView& batch, int64_t begin, int64_t end,
                                  std::string* buf) const {
  const size_t ncols = columns_.size();
  for (int64_t r = begin; r < end; ++r) {
    for (size_t c = 0; c < ncols; ++c) {
      const ColumnEncoding& enc = columns_[c];
      const ColumnView& col = batch.column(c);
      if (enc.nullable) {
        const bool null = col.is_null(r);
        buf->push_back(null ? 1 : 0);
        if (null) continue;
      }
      switch (enc.kind) {
        case ColumnEncoding::Kind::kString: {
          const std::string_view s = col.string(r);
          PutVarUInt(buf, s.size());
          buf->append(s.data(), s.size());
          break;
        }
        case ColumnEncoding::Kind::kInt64: PutU64(buf, static_cast<uint64_t>(col.int64(r))); break;
        case ColumnEncoding::Kind::kFloat64:
          PutU64(buf, std::bit_cast<uint64_t>(col.float64(r)));
          break;
        case ColumnEncoding::Kind::kUInt8: buf->push_back(col.boolean(r) ? 1 : 0); break;
        case ColumnEncoding::Kind::kDateTime:
          // Check() has made sure it fits; sub-second digits are dropped.
          PutU32(buf, static_cast<uint32_t>(FloorDiv(col.int64(r), kMicrosPerSecond)));
          break;
        case ColumnEncoding::Kind::kDateTime64: {
          int64_t ticks = 0;
          MicrosToTicks(col.int64(r), enc.scale, &ticks);
          PutU64(buf, static_cast<uint64_t>(ticks));
          break;
        }
      }
    }
  }
}

void RowBinaryEncoder::Encode(const BatchView& batch, std::ostream& out) {
  // Rows go into the buffer a slice at a time; a slice ends once the buffer
  // holds kFlushBytes, so the buffer grows beyond that only by one row.
  buffer_.clear();
  if (buffer_.capacity() < kFlushBytes + 64 * 1024) buffer_.reserve(kFlushBytes + 64 * 1024);
  const int64_t rows = batch.num_rows();
  for (int64_t r = 0; r < rows; ++r) {
    EncodeRows(batch, r, r + 1, &buffer_);
    if (buffer_.size() >= kFlushBytes) {
      out.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
      buffer_.clear();
    }
  }
  if (!buffer_.empty()) out.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  // A buffer that one huge row blew up is not kept for every later batch.
  if (buffer_.capacity() > 4 * kFlushBytes) std::string().swap(buffer_);
}

void RowBinaryEncoder::EncodeTo(const BatchView& batch, std::string* out) {
  EncodeRows(batch, 0, batch.num_rows(), out);
}

}  // namespace sinkhost::clickhouse
