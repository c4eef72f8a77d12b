// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// libFuzzer target: POST /api/event bodies through PlausibleEventParser, the
// Plausible-compatible parser (JSON object -> rows of Schema::Plausible()).
//
// Besides the sanitizers it checks that a request is all-or-nothing (a
// refused body leaves the batch as it was), that accepted rows are well
// formed and survive the log encoding, and that the error body is JSON.
// The parser and the batch live across inputs, as they do per HTTP thread.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/batch/row_batch.h"
#include "core/ingest/ingest.h"
#include "core/schema/schema.h"
#include "fuzz/fuzz_checks.h"

using namespace sinkhost;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static PlausibleEventParser parser;
  static RowBatch rows(Schema::Plausible());
  if (rows.num_rows() > 256) rows.Clear();

  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const RequestContext ctx{1714564800123456, "Mozilla/5.0 (X11; Linux x86_64) fuzz"};
  const int64_t before = rows.num_rows();
  IngestError error;
  if (parser.Parse(body, ctx, &rows, &error)) {
    FUZZ_CHECK(rows.num_rows() > before);
    fuzzing::CheckBatch(rows);
    fuzzing::CheckRoundTrip(rows);
  } else {
    FUZZ_CHECK(rows.num_rows() == before);
    fuzzing::CheckBatch(rows);
    FUZZ_CHECK(!error.errors.empty());
    FUZZ_CHECK(error.http_status == 400, error.ToString());
    fuzzing::CheckJson(error.PlausibleJson());
  }
  return 0;
}
