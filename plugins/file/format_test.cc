// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Tests of include/sinkhost/format.hpp: the timestamp text is checked
// against glibc's gmtime_r over the whole int64 range, the JSON encoders by
// parsing their output back with simdjson.
#include <simdjson.h>

#include <string>

#include "tests/support/qtest_printers.h"

#include <QtTest>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <random>

#include "sinkhost/format.hpp"

namespace sinkhost {
namespace {

std::string Ts(int64_t us) {
  char buf[kTimestampBufferSize];
  size_t n = FormatTimestampMicros(us, buf);
  return std::string(buf, n);
}

// The same text built from gmtime_r, which handles any 64-bit time_t.
std::string ViaGmtime(int64_t us) {
  int64_t secs = us / 1000000;
  int64_t frac = us % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  if (gmtime_r(&t, &tm) == nullptr) return "gmtime failed";
  const long long year = static_cast<long long>(tm.tm_year) + 1900;
  char buf[64];
  if (year >= 0 && year <= 9999)
    snprintf(buf, sizeof(buf), "%04lld", year);
  else
    snprintf(buf, sizeof(buf), "%c%06lld", year < 0 ? '-' : '+', std::llabs(year));
  char rest[64];
  snprintf(rest, sizeof(rest), "-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_mon + 1, tm.tm_mday,
           tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(frac));
  return std::string(buf) + rest;
}

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

std::string JsonDouble(double v) {
  std::string out;
  AppendJsonDouble(&out, v);
  return out;
}

}  // namespace

class FormatTest : public QObject {
  Q_OBJECT

 private slots:
  void timestampKnownValues() {
    QCOMPARE(Ts(0), std::string("1970-01-01T00:00:00.000000Z"));
    QCOMPARE(Ts(-1), std::string("1969-12-31T23:59:59.999999Z"));
    QCOMPARE(Ts(1795537134123456), std::string("2026-11-24T16:18:54.123456Z"));
    QCOMPARE(Ts(951868799500000), std::string("2000-02-29T23:59:59.500000Z"));
    QCOMPARE(Ts(-2203847999999999), std::string("1900-03-01T12:00:00.000001Z"));
    QCOMPARE(Ts(-62135596800000000), std::string("0001-01-01T00:00:00.000000Z"));
    QCOMPARE(Ts(-62167219200000000), std::string("0000-01-01T00:00:00.000000Z"));
    QCOMPARE(Ts(-62167219200000001), std::string("-000001-12-31T23:59:59.999999Z"));
    QCOMPARE(Ts(253402300799999999), std::string("9999-12-31T23:59:59.999999Z"));
    QCOMPARE(Ts(253402300800000000), std::string("+010000-01-01T00:00:00.000000Z"));
    QCOMPARE(Ts(std::numeric_limits<int64_t>::min()),
             std::string("-290308-12-21T19:59:05.224192Z"));
    QCOMPARE(Ts(std::numeric_limits<int64_t>::max()),
             std::string("+294247-01-10T04:00:54.775807Z"));
  }

  void timestampMatchesGmtimeEverywhere() {
    std::mt19937_64 rng(42);
    // Across the whole range, and densely around 1970 and leap days.
    std::uniform_int_distribution<int64_t> all(std::numeric_limits<int64_t>::min(),
                                               std::numeric_limits<int64_t>::max());
    std::uniform_int_distribution<int64_t> near(-4102444800000000LL, 4102444800000000LL);
    for (int i = 0; i < 200000; ++i) {
      const int64_t us = i % 2 ? all(rng) : near(rng);
      const std::string got = Ts(us);
      if (got != ViaGmtime(us)) QCOMPARE(got, ViaGmtime(us));  // report the first miss only
    }
    // Every day boundary over 1600-2400, including each Feb 29th.
    for (int64_t day = -135140; day <= 157026; ++day) {
      const int64_t us = day * 86400000000LL;
      for (int64_t d : {us - 1, us}) {
        if (Ts(d) != ViaGmtime(d)) QCOMPARE(Ts(d), ViaGmtime(d));
      }
    }
  }

  void timestampStaysInItsBuffer() {
    for (int64_t us : {int64_t{0}, std::numeric_limits<int64_t>::min(),
                       std::numeric_limits<int64_t>::max()}) {
      char buf[kTimestampBufferSize + 8];
      std::memset(buf, '#', sizeof(buf));
      size_t n = FormatTimestampMicros(us, buf);
      QVERIFY(n < kTimestampBufferSize);
      QCOMPARE(buf[n], '\0');
      for (size_t i = kTimestampBufferSize; i < sizeof(buf); ++i) QCOMPARE(buf[i], '#');
    }
  }

  void jsonStringEscapes() {
    QCOMPARE(Json(""), std::string("\"\""));
    QCOMPARE(Json("plain"), std::string("\"plain\""));
    QCOMPARE(Json("a\"b\\c"), std::string("\"a\\\"b\\\\c\""));
    QCOMPARE(Json("\n\t\r\b\f"), std::string("\"\\n\\t\\r\\b\\f\""));
    QCOMPARE(Json(std::string("\x00\x01\x1f", 3)), std::string("\"\\u0000\\u0001\\u001f\""));
    // DEL, '/' and non-ASCII need no escape in JSON and pass through.
    QCOMPARE(Json("\x7f/"), std::string("\"\x7f/\""));
    const std::string emoji = "\xF0\x9F\x98\x80 \xE2\x82\xAC \xC3\xA9 \xE2\x80\xA8";
    QCOMPARE(Json(emoji), "\"" + emoji + "\"");
  }

  void jsonStringParsesBack() {
    simdjson::dom::parser parser;
    // Every single byte below 0x80, then every pair of them.
    std::vector<std::string> inputs;
    for (int c = 0; c < 0x80; ++c) inputs.emplace_back(1, static_cast<char>(c));
    std::string all;
    for (int c = 0; c < 0x80; ++c) all += static_cast<char>(c);
    inputs.push_back(all + "\xF0\x9F\x98\x80" + all);
    for (const std::string& in : inputs) {
      const std::string text = Json(in);
      std::string_view back;
      auto error = parser.parse(text).get_string().get(back);
      QVERIFY2(!error, text.c_str());
      QCOMPARE(std::string(back), in);
    }
  }

  void jsonDoubleIsShortestAndTyped() {
    QCOMPARE(JsonDouble(0.0), std::string("0.0"));
    QCOMPARE(JsonDouble(-0.0), std::string("-0.0"));
    QCOMPARE(JsonDouble(3.0), std::string("3.0"));
    QCOMPARE(JsonDouble(0.1), std::string("0.1"));
    QCOMPARE(JsonDouble(-2.5), std::string("-2.5"));
    QCOMPARE(JsonDouble(1e300), std::string("1e+300"));
    QCOMPARE(JsonDouble(5e-324), std::string("5e-324"));
    QCOMPARE(JsonDouble(DBL_MAX), std::string("1.7976931348623157e+308"));
    QCOMPARE(JsonDouble(INFINITY), std::string("null"));
    QCOMPARE(JsonDouble(-INFINITY), std::string("null"));
    QCOMPARE(JsonDouble(std::nan("")), std::string("null"));
  }

  void jsonDoubleRoundTrips() {
    simdjson::dom::parser parser;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 100000; ++i) {
      uint64_t bits = rng();
      double v;
      std::memcpy(&v, &bits, sizeof(v));
      if (!std::isfinite(v)) continue;
      const std::string text = JsonDouble(v);
      double back = 0;
      auto error = parser.parse(text).get_double().get(back);
      QVERIFY2(!error, text.c_str());
      uint64_t back_bits;
      std::memcpy(&back_bits, &back, sizeof(back));
      if (back_bits != bits) QFAIL(("not round-tripped: " + text).c_str());
    }
  }
};

}  // namespace sinkhost

QTEST_GUILESS_MAIN(sinkhost::FormatTest)
#include "format_test.moc"
