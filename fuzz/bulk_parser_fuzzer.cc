// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// libFuzzer target: bulk bodies (NDJSON or a JSON array) through BulkParser
// into typed rows, three ways per input: a custom schema with every column
// type (required, nullable, with defaults: fuzzing::AllTypesSchema), the
// same ignoring unknown fields, and a plausible-schema stream.
//
// Besides the sanitizers it checks that a request is all-or-nothing (a
// refused body leaves the batch as it was), that accepted rows are well
// formed and survive the log encoding, and that the error body is JSON.
// The parser and the batches live across inputs, as they do per HTTP thread.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/batch/row_batch.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"
#include "fuzz/fuzz_checks.h"

using namespace sinkhost;

namespace {

void ParseInto(BulkParser* parser, std::string_view body, bool ignore_unknown, RowBatch* rows) {
  if (rows->num_rows() > 256) rows->Clear();
  const RequestContext ctx{1714564800123456, "curl/8.0"};
  const int64_t before = rows->num_rows();
  IngestError error;
  if (parser->Parse(body, ctx, ignore_unknown, rows, &error)) {
    FUZZ_CHECK(rows->num_rows() > before);
    fuzzing::CheckBatch(*rows);
    fuzzing::CheckRoundTrip(*rows);
  } else {
    FUZZ_CHECK(rows->num_rows() == before);
    fuzzing::CheckBatch(*rows);
    FUZZ_CHECK(!error.errors.empty());
    FUZZ_CHECK(error.http_status == 400, error.ToString());
    FUZZ_CHECK(error.line >= 0);
    fuzzing::CheckJson(error.BulkJson());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static BulkParser parser;  // one parser for all three: schemas alternate
  static RowBatch strict(fuzzing::AllTypesSchema());
  static RowBatch lenient(fuzzing::AllTypesSchema());
  static RowBatch plausible(Schema::Plausible());

  const std::string_view body(reinterpret_cast<const char*>(data), size);
  ParseInto(&parser, body, false, &strict);
  ParseInto(&parser, body, true, &lenient);
  ParseInto(&parser, body, false, &plausible);
  return 0;
}
