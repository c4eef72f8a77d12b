// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Values for the enriched columns of the plausible schema (browser ..
// session_id, core/enrich) in batches that tests build by hand: row i gets
// a plausible mix, with NULLs where the enrichment stage can leave them.
#ifndef SINKHOST_TESTS_SUPPORT_ENRICHED_COLUMNS_H_
#define SINKHOST_TESTS_SUPPORT_ENRICHED_COLUMNS_H_

#include <cstdint>

#include "core/batch/row_batch.h"
#include "core/schema/schema.h"

namespace sinkhost::testing {

inline void AppendEnrichedColumns(RowBatch* b, int64_t i) {
  namespace pc = plausible_columns;
  const bool mobile = i % 3 == 0;
  b->column(pc::kBrowser).AppendString(mobile ? "Safari" : "Chrome");
  b->column(pc::kBrowserVersion).AppendString(mobile ? "17.1" : "120.0");
  b->column(pc::kOperatingSystem).AppendString(mobile ? "iOS" : "GNU/Linux");
  b->column(pc::kOperatingSystemVersion).AppendString(mobile ? "17.1" : "");
  b->column(pc::kScreenSize).AppendString(mobile ? "Mobile" : "Desktop");
  b->column(pc::kReferrerSource).AppendString(i % 3 == 0 ? "" : "Google");
  b->column(pc::kUtmMedium).AppendString(i % 7 == 0 ? "(gclid)" : "");
  b->column(pc::kUtmSource).AppendString(i % 5 == 0 ? "newsletter" : "");
  b->column(pc::kUtmCampaign).AppendString(i % 5 == 0 ? "spring \"sale\"" : "");
  b->column(pc::kUtmContent).AppendString("");
  b->column(pc::kUtmTerm).AppendString("");
  b->column(pc::kClickIdParam).AppendString(i % 7 == 0 ? "gclid" : "");
  if (i % 11 == 0) {
    b->column(pc::kCountryCode).AppendNull();
    b->column(pc::kSubdivision1Code).AppendNull();
    b->column(pc::kSubdivision2Code).AppendNull();
    b->column(pc::kCityGeonameId).AppendNull();
  } else {
    b->column(pc::kCountryCode).AppendString("GB");
    b->column(pc::kSubdivision1Code).AppendString("GB-ENG");
    b->column(pc::kSubdivision2Code).AppendString(i % 2 ? "GB-WBK" : "");
    b->column(pc::kCityGeonameId).AppendInt64(2655045);
  }
  // Visitor and session ids use all 64 bits (stored as signed).
  b->column(pc::kUserId).AppendInt64(static_cast<int64_t>(0x9E3779B97F4A7C15ull * (i + 1)));
  b->column(pc::kSessionId).AppendInt64(static_cast<int64_t>(0xC2B2AE3D27D4EB4Full * (i / 4 + 1)));
}

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_ENRICHED_COLUMNS_H_
