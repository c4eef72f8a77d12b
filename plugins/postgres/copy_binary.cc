// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/postgres/copy_binary.h"

#include <cstring>

#include "sinkhost/format.hpp"

namespace sinkhost::postgres {

namespace {

// PostgreSQL counts timestamps from 2000-01-01T00:00:00Z.
constexpr int64_t kPgEpochMicros = 946684800LL * 1000000;

inline char* Put16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
  return p + 2;
}
inline char* Put32(char* p, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v);
  return p + 4;
}
inline char* Put64(char* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v);
  return p + 8;
}

// A fixed-size field: its length, then `size` bytes of `bits`, big-endian.
inline void AppendFixed(std::string* out, uint64_t bits, int size) {
  char buf[12];
  char* p = Put32(buf, static_cast<uint32_t>(size));
  p = size == 8 ? Put64(p, bits) : (*p = static_cast<char>(bits), p + 1);
  out->append(buf, static_cast<size_t>(p - buf));
}

}  // namespace

void AppendCopyBinaryHeader(std::string* out) {
  // Signature, flags (no OIDs), header extension length.
  static constexpr char kHeader[19] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0',
                                       0,   0,   0,   0,   0,   0,   0,    0};
  out->append(kHeader, sizeof(kHeader));
}

void AppendCopyBinaryTrailer(std::string* out) {
  char buf[2];
  Put16(buf, 0xFFFF);  // a field count of -1
  out->append(buf, 2);
}

Status AppendCopyBinaryRow(const BatchView& batch, int64_t row, std::string* out) {
  const size_t start = out->size();
  const std::vector<ColumnView>& cols = batch.columns();
  char buf[4];
  Put16(buf, static_cast<uint16_t>(cols.size()));
  out->append(buf, 2);
  for (const ColumnView& col : cols) {
    if (col.is_null(row)) {
      Put32(buf, 0xFFFFFFFFu);  // length -1: NULL
      out->append(buf, 4);
      continue;
    }
    switch (col.type()) {
      case ColumnType::kString: {
        const std::string_view s = col.string(row);
        if (std::memchr(s.data(), '\0', s.size()) != nullptr) {
          out->resize(start);
          return Status::Permanent("row " + std::to_string(row) + " of the batch, column '" +
                                   std::string(col.name()) +
                                   "': PostgreSQL text cannot contain a NUL byte (0x00)");
        }
        Put32(buf, static_cast<uint32_t>(s.size()));
        out->append(buf, 4);
        out->append(s);
        break;
      }
      case ColumnType::kInt64: AppendFixed(out, static_cast<uint64_t>(col.int64(row)), 8); break;
      case ColumnType::kFloat64: {
        const double v = col.float64(row);
        uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        AppendFixed(out, bits, 8);
        break;
      }
      case ColumnType::kBool: AppendFixed(out, col.boolean(row) ? 1 : 0, 1); break;
      case ColumnType::kTimestamp: {
        const int64_t us = col.int64(row);
        // Also keeps the subtraction below from overflowing into
        // PostgreSQL's -infinity (INT64_MIN).
        if (us < kPgMinTimestampMicros) {
          out->resize(start);
          char text[kTimestampBufferSize];
          FormatTimestampMicros(us, text);
          return Status::Permanent("row " + std::to_string(row) + " of the batch, column '" +
                                   std::string(col.name()) + "': timestamp out of range: " + text +
                                   " is before 4714-11-24T00:00:00Z BC, PostgreSQL's first");
        }
        AppendFixed(out, static_cast<uint64_t>(us - kPgEpochMicros), 8);
        break;
      }
    }
  }
  return Status::OK();
}

}  // namespace sinkhost::postgres
