// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/postgres/copy_text.h"

#include <array>
#include <charconv>
#include <cmath>

#include "sinkhost/format.hpp"

namespace sinkhost::postgres {

namespace {

// What each byte becomes inside a COPY text field: 0 = itself, 1 = refused
// (NUL), otherwise the letter after a backslash.
constexpr std::array<char, 256> MakeEscapeTable() {
  std::array<char, 256> t{};
  t['\0'] = 1;
  t['\\'] = '\\';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\r'] = 'r';
  return t;
}
constexpr std::array<char, 256> kEscape = MakeEscapeTable();

// Microseconds since the epoch of 0001-01-01T00:00:00Z and of
// 10000-01-01T00:00:00Z: between them format.hpp's text is what PostgreSQL
// reads; outside, the year must be respelled.
constexpr int64_t kYear1Micros = -62135596800LL * 1000000;
constexpr int64_t kYear10000Micros = 253402300800LL * 1000000;

}  // namespace

bool AppendCopyString(std::string* out, std::string_view s) {
  const size_t start = out->size();
  const char* run = s.data();
  const char* const end = s.data() + s.size();
  for (const char* p = run; p != end; ++p) {
    const char e = kEscape[static_cast<unsigned char>(*p)];
    if (e == 0) continue;
    if (e == 1) {
      out->resize(start);
      return false;
    }
    // Copy the clean run before the escape in one append.
    out->append(run, static_cast<size_t>(p - run));
    const char esc[2] = {'\\', e};
    out->append(esc, 2);
    run = p + 1;
  }
  out->append(run, static_cast<size_t>(end - run));
  return true;
}

void AppendCopyDouble(std::string* out, double v) {
  // float8in reads these words (case-insensitively); JSON has no spelling
  // for them, so AppendJsonDouble would write null.
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "Infinity" : "-Infinity");
  } else {
    AppendJsonDouble(out, v);  // shortest round-trip text, e.g. "0.1", "1e+300"
  }
}

void AppendCopyTimestamp(std::string* out, int64_t us) {
  char buf[kTimestampBufferSize];
  const size_t n = FormatTimestampMicros(us, buf);
  if (us >= kYear1Micros && us < kYear10000Micros) {
    out->append(buf, n);
    return;
  }
  // format.hpp writes ISO-8601's expanded years ("+010000-...",
  // "0000-...", "-000001-..."), which PostgreSQL does not read. It reads
  // plain digits for years after 9999 and a " BC" suffix for years before
  // 1, where ISO year 0 is 1 BC and ISO year -n is n+1 BC.
  const char* p = buf;
  const bool negative = *p == '-';
  if (*p == '+' || *p == '-') ++p;
  int64_t year = 0;
  while (*p >= '0' && *p <= '9') year = year * 10 + (*p++ - '0');
  if (negative) year = -year;
  const std::string_view rest(p, n - static_cast<size_t>(p - buf));  // "-MM-DDTHH:MM:SS.ffffffZ"
  char digits[24];
  const int64_t shown = year >= 1 ? year : 1 - year;
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), shown);
  (void)ec;  // cannot fail: 24 characters hold any int64
  for (ptrdiff_t pad = 4 - (end - digits); pad > 0; --pad) out->push_back('0');
  out->append(digits, static_cast<size_t>(end - digits));
  out->append(rest);
  if (year < 1) out->append(" BC");
}

Status AppendCopyRow(const BatchView& batch, int64_t row, std::string* out) {
  const size_t start = out->size();
  const std::vector<ColumnView>& cols = batch.columns();
  for (size_t c = 0; c < cols.size(); ++c) {
    const ColumnView& col = cols[c];
    if (c != 0) out->push_back('\t');
    if (col.is_null(row)) {
      out->append("\\N", 2);
      continue;
    }
    switch (col.type()) {
      case ColumnType::kString:
        if (!AppendCopyString(out, col.string(row))) {
          out->resize(start);
          return Status::Permanent("row " + std::to_string(row) + " of the batch, column '" +
                                   std::string(col.name()) +
                                   "': PostgreSQL text cannot contain a NUL byte (0x00)");
        }
        break;
      case ColumnType::kInt64: {
        char buf[24];
        auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), col.int64(row));
        (void)ec;  // cannot fail: 24 characters hold any int64
        out->append(buf, static_cast<size_t>(end - buf));
        break;
      }
      case ColumnType::kFloat64: AppendCopyDouble(out, col.float64(row)); break;
      case ColumnType::kBool: out->push_back(col.boolean(row) ? 't' : 'f'); break;
      case ColumnType::kTimestamp: AppendCopyTimestamp(out, col.int64(row)); break;
    }
  }
  out->push_back('\n');
  return Status::OK();
}

}  // namespace sinkhost::postgres
