// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/revenue.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>

namespace sinkhost::ingest {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

namespace {

// Active ISO 4217 codes (incl. funds and precious-metal codes), sorted for
// binary search.
constexpr std::string_view kCurrencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS",
    "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW",
    "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
    "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL",
    "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR",
    "XOF", "XPD", "XPF", "XPT", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
};

bool AmountOf(const element& v, double* amount) {
  switch (v.type()) {
    case element_type::INT64: {
      int64_t i = 0;
      if (v.get_int64().get(i) != simdjson::SUCCESS) return false;
      *amount = static_cast<double>(i);
      return true;
    }
    case element_type::UINT64: {
      uint64_t u = 0;
      if (v.get_uint64().get(u) != simdjson::SUCCESS) return false;
      *amount = static_cast<double>(u);
      return true;
    }
    case element_type::DOUBLE: return v.get_double().get(*amount) == simdjson::SUCCESS;
    case element_type::STRING: {
      std::string_view s;
      return v.get_string().get(s) == simdjson::SUCCESS && ParseLeadingDecimal(s, amount);
    }
    default: return false;
  }
}

}  // namespace

bool IsCurrencyCode(std::string_view code, std::string_view* canonical) {
  auto it = std::lower_bound(std::begin(kCurrencies), std::end(kCurrencies), code);
  if (it == std::end(kCurrencies) || *it != code) return false;
  *canonical = *it;
  return true;
}

bool ParseLeadingDecimal(std::string_view text, double* value) {
  size_t i = 0;
  const size_t n = text.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  const size_t number_start = i;
  size_t count = digits();
  if (i < n && text[i] == '.') {
    ++i;
    count += digits();
  }
  if (count == 0) return false;
  size_t end = i;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() > 0) end = i;  // "12e" keeps 12, like Decimal.parse
  }
  double v = 0;
  auto r = std::from_chars(text.data() + number_start, text.data() + end, v);
  if (r.ec != std::errc() || !std::isfinite(v)) return false;
  *value = negative ? -v : v;
  return true;
}

Revenue ParseRevenue(const element* raw, NestedJsonParser* nested) {
  Revenue out;
  if (raw == nullptr) return out;
  object obj;
  if (raw->type() == element_type::OBJECT) {
    if (raw->get_object().get(obj) != simdjson::SUCCESS) return out;
  } else if (raw->type() == element_type::STRING) {
    std::string_view text;
    if (raw->get_string().get(text) != simdjson::SUCCESS || !nested->ParseObject(text, &obj))
      return out;
  } else {
    return out;
  }
  // The last of repeated keys wins, as with a decoded map.
  element amount, currency;
  bool has_amount = false, has_currency = false;
  for (simdjson::dom::key_value_pair field : obj) {
    if (field.key == "amount") {
      amount = field.value;
      has_amount = true;
    } else if (field.key == "currency") {
      currency = field.value;
      has_currency = true;
    }
  }
  if (!has_amount || !has_currency) return out;
  std::string_view code;
  if (currency.get_string().get(code) != simdjson::SUCCESS) return out;
  if (!IsCurrencyCode(code, &out.currency)) return out;
  if (!AmountOf(amount, &out.amount)) return out;
  out.present = true;
  return out;
}

}  // namespace sinkhost::ingest
