// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Plausible revenue ("$"/"revenue") to the revenue_amount and
// revenue_currency columns, following Plausible.Ingestion.Request.Revenue:
// revenue is optional and never fails an event; anything unusable is
// dropped silently (both columns NULL).
//
// The field is an object, or a string holding a JSON object, that has both
// an "amount" and a "currency" key. The currency must be an active ISO 4217
// code in upper case ("USD"). The amount is a JSON number, or a string that
// starts with a decimal number ("12.30", "-5", "1e3"; text after the number
// is ignored, as Decimal.parse does); infinities, NaN and values that
// overflow a double are dropped.
//
// Thread safety: pure functions (the nested parser is the caller's).
#ifndef SINKHOST_CORE_INGEST_REVENUE_H_
#define SINKHOST_CORE_INGEST_REVENUE_H_

#include <simdjson.h>

#include <string_view>

#include "core/ingest/nested_json.h"

namespace sinkhost::ingest {

struct Revenue {
  bool present = false;
  double amount = 0;
  std::string_view currency;  // points to static storage
};

// `raw` is nullptr when the event has no revenue field.
Revenue ParseRevenue(const simdjson::dom::element* raw, NestedJsonParser* nested);

// True for an active ISO 4217 currency code; *canonical then points to
// static storage holding the same code.
bool IsCurrencyCode(std::string_view code, std::string_view* canonical);

// Decimal.parse-like: the longest prefix of `text` that is a decimal number
// ([+-] digits [. digits] [e[+-]digits], at least one digit). False when
// there is none or it is not finite as a double.
bool ParseLeadingDecimal(std::string_view text, double* value);

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_REVENUE_H_
