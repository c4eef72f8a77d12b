// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// RowBatchCodec: a compact binary form of a RowBatch, the payload of the
// write-ahead log's records. A stream logs the rows it accepted, not the
// request body: replaying a body would parse it again with a new arrival
// time and User-Agent context, and under whatever schema options the config
// holds by then, so the rows delivered after a crash could differ from the
// rows acknowledged. The rows themselves replay exactly.
//
// The encoding is the batch's Arrow buffers, column by column, so encoding
// is a handful of memcpys per column (cheap enough for the ingest path):
//
//   header (40 bytes, little-endian)
//     0  magic        "SKRB"
//     4  version      u8 = 2 (1: the same without first_position, 32 bytes)
//     5  reserved     3 bytes = 0
//     8  schema       u64, SchemaFingerprint of the stream's schema
//    16  rows         u64
//    24  columns      u32
//    28  reserved     u32 = 0
//    32  first_position u64: the stream position of the first row; row i
//                     of the record is at first_position + i. Positions
//                     survive restarts, so a sink can tell a re-sent row
//                     from a new one (see docs/reliability.md).
//   then per column
//     0  type         u8: 1 string, 2 int64, 3 float64, 4 bool, 5 timestamp
//     1  flags        u8: bit 0 set when a validity bitmap follows
//     2  reserved     u16 = 0
//     4  data_bytes   u32: string bytes (0 for other types)
//     8  [validity]   ceil(rows/8) bytes, bit i set = row i is not null
//        values       int64/float64/timestamp: rows x 8 bytes; bool:
//                     ceil(rows/8) bytes of bits; string: rows+1 int32
//                     offsets from 0, then data_bytes bytes of UTF-8
//
// Decoding checks every length, offset and type against the schema, so a
// malformed payload is an error, never an out-of-bounds read; it does not
// re-validate UTF-8 (log records are checksummed and were valid when
// written).
//
// Thread safety: free functions without shared state.
#ifndef SINKHOST_CORE_BATCH_ROW_BATCH_CODEC_H_
#define SINKHOST_CORE_BATCH_ROW_BATCH_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/batch/row_batch.h"
#include "core/schema/schema.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

// Identifies a schema's column names, types and nullability (defaults are
// applied at ingest, so they do not matter to stored rows). A record whose
// fingerprint differs was written under other columns.
uint64_t SchemaFingerprint(const Schema& schema);
// The fingerprint of the schema's first `columns` columns.
uint64_t PrefixFingerprint(const Schema& schema, size_t columns);
// True when a record of `columns` columns with `fingerprint` was written
// under an earlier version of `schema`: its first columns, before the
// schema gained nullable columns at its end (the plausible schema did, for
// enrichment). DecodeRowBatch reads such records with NULL in the new
// columns, so an upgrade delivers what the old version logged.
bool IsEarlierSchema(const Schema& schema, uint64_t fingerprint, uint64_t columns);

// Appends the encoding of `rows` to *out, growing it at most once.
void EncodeRowBatch(const RowBatch& rows, uint64_t schema_fingerprint, std::string* out,
                    uint64_t first_position = 0);
// The same into memory the caller holds (a mapping shared with a sink's
// worker, say): EncodedRowBatchSize(rows) bytes at `out`.
size_t EncodedRowBatchSize(const RowBatch& rows);
void EncodeRowBatchTo(const RowBatch& rows, uint64_t schema_fingerprint, char* out,
                      uint64_t first_position = 0);
// Overwrites first_position of the record encoded at (*encoded)[at...]: a
// caller can encode outside a lock and number the rows under it.
void SetRowBatchFirstPosition(std::string* encoded, size_t at, uint64_t first_position);

struct RowBatchHeader {
  uint64_t schema_fingerprint = 0;
  uint64_t rows = 0;
  uint32_t columns = 0;
  bool has_position = false;    // false for version 1 records
  uint64_t first_position = 0;  // valid when has_position
  uint64_t header_bytes = 0;
};
// Reads only the fixed header (magic, version, counts).
Status PeekRowBatchHeader(std::string_view data, RowBatchHeader* out);

// Appends the encoded rows to *out, whose schema must have
// `schema_fingerprint`. InvalidArgument, with *out unchanged, when the
// payload is malformed or was written under another schema.
Status DecodeRowBatch(std::string_view data, uint64_t schema_fingerprint, RowBatch* out);

}  // namespace sinkhost

#endif  // SINKHOST_CORE_BATCH_ROW_BATCH_CODEC_H_
