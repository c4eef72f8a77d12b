// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Text encodings that sinks share, so that every sink writes a value the
// same way: ISO-8601 UTC timestamps with microseconds, JSON strings and
// JSON numbers. Header-only, no allocation beyond the caller's string.
//
//   char buf[kTimestampBufferSize];
//   size_t n = FormatTimestampMicros(us, buf);   // "2026-11-24T16:18:54.123456Z"
//   AppendJsonString(&line, "say \"hi\"\n");     // "\"say \\\"hi\\\"\\n\""
//
// Thread safety: pure functions; call them from any thread.
#ifndef SINKHOST_FORMAT_HPP_
#define SINKHOST_FORMAT_HPP_

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sinkhost {

// Enough for every int64 timestamp plus a terminating NUL: the longest is
// "-290308-12-21T19:59:05.224192Z" (30 characters).
inline constexpr size_t kTimestampBufferSize = 32;

namespace format_internal {

// Proleptic Gregorian date of a day count since 1970-01-01, after Howard
// Hinnant's civil_from_days. Exact over the whole int64 range of days we can
// be given (about +-1e8), unlike gmtime, which stops where time_t or the
// C library does.
constexpr void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);                // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2 ? 1 : 0);
}

// Writes `v` as exactly `width` decimal digits (zero-padded).
inline char* PutDigits(char* p, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

// True for the bytes JSON requires to be escaped inside a string.
inline constexpr bool NeedsJsonEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

}  // namespace format_internal

// Writes the instant `us` microseconds after 1970-01-01T00:00:00Z as
// "YYYY-MM-DDTHH:MM:SS.ffffffZ" into `out` (at least kTimestampBufferSize
// bytes), NUL-terminates it and returns its length (27 for years 0000-9999).
// Years outside 0000-9999 use ISO-8601's expanded form with a sign and six
// digits ("+010000-01-01T...", "-000001-12-31T..."), so the text stays
// unambiguous; in the four-digit range the text sorts like the instants.
inline size_t FormatTimestampMicros(int64_t us, char* out) {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;
  // Floor division: instants before 1970 belong to the earlier day.
  int64_t days = us / kMicrosPerDay;
  int64_t rem = us % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  int64_t year;
  unsigned month, day;
  format_internal::CivilFromDays(days, &year, &month, &day);
  const uint64_t micros_of_day = static_cast<uint64_t>(rem);
  const uint64_t secs = micros_of_day / 1000000;
  const uint64_t frac = micros_of_day % 1000000;

  char* p = out;
  if (year >= 0 && year <= 9999) {
    p = format_internal::PutDigits(p, static_cast<uint64_t>(year), 4);
  } else {
    *p++ = year < 0 ? '-' : '+';
    const uint64_t abs_year = year < 0 ? static_cast<uint64_t>(-year) : static_cast<uint64_t>(year);
    p = format_internal::PutDigits(p, abs_year, 6);  // |year| <= 294247 for int64 micros
  }
  *p++ = '-';
  p = format_internal::PutDigits(p, month, 2);
  *p++ = '-';
  p = format_internal::PutDigits(p, day, 2);
  *p++ = 'T';
  p = format_internal::PutDigits(p, secs / 3600, 2);
  *p++ = ':';
  p = format_internal::PutDigits(p, secs / 60 % 60, 2);
  *p++ = ':';
  p = format_internal::PutDigits(p, secs % 60, 2);
  *p++ = '.';
  p = format_internal::PutDigits(p, frac, 6);
  *p++ = 'Z';
  *p = '\0';
  return static_cast<size_t>(p - out);
}

// Appends `s` to `*out` as a quoted JSON string. `s` must be valid UTF-8
// (every string column is); its bytes pass through unchanged except '"',
// '\\' and the control characters U+0000-U+001F, which become \" \\ \b \f
// \n \r \t or \u00XX as RFC 8259 requires.
inline void AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  const char* run = s.data();
  const char* const end = s.data() + s.size();
  for (const char* p = run; p != end; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (!format_internal::NeedsJsonEscape(c)) continue;
    // Copy the clean run before the escape in one append.
    out->append(run, static_cast<size_t>(p - run));
    run = p + 1;
    char esc[6] = {'\\', 0, 0, 0, 0, 0};
    size_t n = 2;
    switch (c) {
      case '"': esc[1] = '"'; break;
      case '\\': esc[1] = '\\'; break;
      case '\b': esc[1] = 'b'; break;
      case '\f': esc[1] = 'f'; break;
      case '\n': esc[1] = 'n'; break;
      case '\r': esc[1] = 'r'; break;
      case '\t': esc[1] = 't'; break;
      default:
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = kHex[c >> 4];
        esc[5] = kHex[c & 0xF];
        n = 6;
        break;
    }
    out->append(esc, n);
  }
  out->append(run, static_cast<size_t>(end - run));
  out->push_back('"');
}

// Appends `v` as a JSON number in the shortest text that reads back as the
// same double (std::to_chars). A value with neither fraction nor exponent
// gets ".0" ("3.0", not "3") so that readers which infer types from the
// text still see a float. JSON has no NaN or infinity: those append `null`
// and return false.
inline bool AppendJsonDouble(std::string* out, double v) {
  if (!std::isfinite(v)) {
    out->append("null", 4);
    return false;
  }
  char buf[32];  // shortest round-trip of any double is at most 24 characters
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;  // cannot fail: the buffer is large enough for every finite double
  bool integral_text = true;
  for (const char* p = buf; p != end; ++p) {
    if (*p == '.' || *p == 'e') {
      integral_text = false;
      break;
    }
  }
  out->append(buf, static_cast<size_t>(end - buf));
  if (integral_text) out->append(".0", 2);
  return true;
}

}  // namespace sinkhost

#endif  // SINKHOST_FORMAT_HPP_
