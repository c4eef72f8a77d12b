// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "conformance/check_rows.h"

#include <cstdio>
#include <cstdlib>
#include <limits>

#include "sinkhost/format.hpp"

namespace sinkhost::check {

namespace {

constexpr int64_t kYear1 = -62135596800000000;          // 0001-01-01T00:00:00Z
constexpr int64_t kYear9999End = 253402300799999999;   // 9999-12-31T23:59:59.999999Z
constexpr int64_t kSomeTime = 1764000000000000;        // 2025-11-24T16:00:00Z
constexpr int64_t kDayMicros = 86400000000;

Schema BuildSchema() {
  using T = ColumnType;
  std::vector<Column> columns = {
      {"id", T::kInt64, false, {}},     {"s", T::kString, false, {}},
      {"s_n", T::kString, true, {}},    {"i", T::kInt64, false, {}},
      {"i_n", T::kInt64, true, {}},     {"f", T::kFloat64, false, {}},
      {"f_n", T::kFloat64, true, {}},   {"b", T::kBool, false, {}},
      {"b_n", T::kBool, true, {}},      {"ts", T::kTimestamp, false, {}},
      {"ts_n", T::kTimestamp, true, {}},
  };
  Schema schema;
  Status st = Schema::Make(Schema::Kind::kCustom, std::move(columns), &schema);
  if (!st.ok()) {  // a fixed schema: failing here is a bug in this file
    std::fprintf(stderr, "check schema: %s\n", st.ToString().c_str());
    std::abort();
  }
  return schema;
}

template <typename T, typename AppendFn>
void AppendOptional(ColumnBuilder& col, const std::optional<T>& v, AppendFn append) {
  if (v) append(col, *v);
  else col.AppendNull();
}

// A row whose every column holds a plain non-null value derived from `id`.
CheckRow Plain(int64_t id) {
  CheckRow r;
  r.id = id;
  r.s = "row " + std::to_string(id);
  r.s_n = "n" + std::to_string(id);
  r.i = id * 7919 - 5000000;
  r.i_n = -id;
  r.f = static_cast<double>(id) * 0.25;
  r.f_n = static_cast<double>(id) / 3.0;
  r.b = id % 2 == 1;
  r.b_n = id % 4 == 0;
  r.ts = kSomeTime + id * 1000003;
  r.ts_n = r.ts - kDayMicros;
  return r;
}

std::string AllAsciiButNul() {
  std::string s;
  for (int c = 1; c < 0x80; ++c) s.push_back(static_cast<char>(c));
  return s;
}

std::string LongMixedText() {
  std::string s;
  while (s.size() < 64 * 1024) s += "long text, \"quoted\", tab\there, 😀 ✓ é\n";
  return s;
}

}  // namespace

const Schema& CheckSchema() {
  static const Schema schema = BuildSchema();
  return schema;
}

std::shared_ptr<RowBatch> MakeBatch(const std::vector<CheckRow>& rows) {
  auto batch = std::make_shared<RowBatch>(CheckSchema());
  auto str = [](ColumnBuilder& c, const std::string& v) { c.AppendString(v); };
  auto i64 = [](ColumnBuilder& c, int64_t v) { c.AppendInt64(v); };
  auto f64 = [](ColumnBuilder& c, double v) { c.AppendFloat64(v); };
  auto boo = [](ColumnBuilder& c, bool v) { c.AppendBool(v); };
  for (const CheckRow& r : rows) {
    batch->column(0).AppendInt64(r.id);
    batch->column(1).AppendString(r.s);
    AppendOptional(batch->column(2), r.s_n, str);
    batch->column(3).AppendInt64(r.i);
    AppendOptional(batch->column(4), r.i_n, i64);
    batch->column(5).AppendFloat64(r.f);
    AppendOptional(batch->column(6), r.f_n, f64);
    batch->column(7).AppendBool(r.b);
    AppendOptional(batch->column(8), r.b_n, boo);
    batch->column(9).AppendInt64(r.ts);
    AppendOptional(batch->column(10), r.ts_n, i64);
    batch->CommitRow();
  }
  return batch;
}

std::vector<CheckRow> EdgeValueRows(int64_t first_id) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr double kHuge = std::numeric_limits<double>::max();
  constexpr double kTiny = std::numeric_limits<double>::denorm_min();
  constexpr double kNormalMin = std::numeric_limits<double>::min();
  struct Edge {
    int64_t i;
    double f;
    bool b;
    int64_t ts;
  };
  const Edge edges[] = {
      {0, 0.0, false, 0},
      {kMin, -kHuge, true, kYear1},
      {kMax, kHuge, false, kYear9999End},
      {-1, kTiny, true, -1},
      {1, -kTiny, false, 1},
      {(int64_t{1} << 53) + 1, kNormalMin, true, 951782400000000},  // 2000-02-29
      {-(int64_t{1} << 53) - 1, 0.1, false, -kDayMicros * 365 * 70 - 123457},
      {1234567890123, 1.0 / 3.0, true, kSomeTime + 999999},
      {-42, -123456789.125, false, 4102444800000000},  // 2100-01-01
      {7, 2.5e-300, true, 253402214400000000},         // 9999-12-31
  };
  std::vector<CheckRow> rows;
  int64_t id = first_id;
  for (const Edge& e : edges) {
    CheckRow r;
    r.id = id++;
    r.s = "edge";
    r.s_n = "edge";
    r.i = e.i;
    r.i_n = e.i;
    r.f = e.f;
    r.f_n = e.f;
    r.b = e.b;
    r.b_n = !e.b;
    r.ts = e.ts;
    r.ts_n = e.ts;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<CheckRow> NullRows(int64_t first_id) {
  std::vector<CheckRow> rows;
  CheckRow all_null = Plain(first_id);
  all_null.s_n.reset();
  all_null.i_n.reset();
  all_null.f_n.reset();
  all_null.b_n.reset();
  all_null.ts_n.reset();
  rows.push_back(all_null);
  // 20 rows: every column's nulls fall in a different pattern, across bytes.
  for (int64_t k = 1; k <= 20; ++k) {
    CheckRow r = Plain(first_id + k);
    if (k % 2 == 0) r.s_n.reset();
    if (k % 3 == 0) r.i_n.reset();
    if (k % 5 == 0 || k > 16) r.f_n.reset();
    if (k % 7 == 0) r.b_n.reset();
    if (k > 9) r.ts_n.reset();
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<CheckRow> AwkwardStringRows(int64_t first_id) {
  const std::vector<std::string> texts = {
      "",
      "it's",
      "say \"hi\"",
      "back\\slash \\\\ \\n \\t",
      "\\N",
      "NULL",
      "null",
      "tab\there\tand\tthere",
      "new\nline\n",
      "cr\rlf\r\n",
      "\x01\x02\x03\x1b\x1f\x7f",
      "comma,semi;colon|pipe",
      "'); DROP TABLE plugin_check; --",
      "{\"json\": [1, 2], \"k\": null}",
      "  leading and trailing  ",
      "\xc3\xa9 \xc3\xb1 \xc3\xbc \xc3\x9f",                   // é ñ ü ß
      "\xe2\x82\xac \xe4\xb8\xad\xe6\x96\x87 \xe2\x80\x95",    // € 中文 ―
      "\xf0\x9f\x98\x80 \xf0\x9d\x84\x9e \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",  // 😀 𝄞 👍🏽
      "\xe2\x80\xa8 \xe2\x80\xa9 \xef\xbb\xbf \xef\xbf\xbd \xef\xbf\xbf",  // U+2028/9, BOM, U+FFFD/F
      "\xf4\x8f\xbf\xbf",                                     // U+10FFFF
      AllAsciiButNul(),
      LongMixedText(),
  };
  std::vector<CheckRow> rows;
  int64_t id = first_id;
  for (const std::string& t : texts) {
    CheckRow r = Plain(id++);
    r.s = t;
    r.s_n = t;  // in a nullable column too: "" and "NULL" must stay strings
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<CheckRow> PlainRows(int64_t first_id, int64_t count) {
  std::vector<CheckRow> rows;
  rows.reserve(static_cast<size_t>(count));
  for (int64_t id = first_id; id < first_id + count; ++id) {
    CheckRow r = Plain(id);
    if (id % 3 == 0) r.s_n.reset();
    if (id % 4 == 1) r.i_n.reset();
    if (id % 5 == 2) r.f_n.reset();
    if (id % 6 == 3) r.b_n.reset();
    if (id % 7 == 4) r.ts_n.reset();
    rows.push_back(std::move(r));
  }
  return rows;
}

bool CellEquals(const CheckRow& a, const CheckRow& b, size_t index) {
  switch (index) {
    case 0: return a.id == b.id;
    case 1: return a.s == b.s;
    case 2: return a.s_n == b.s_n;
    case 3: return a.i == b.i;
    case 4: return a.i_n == b.i_n;
    case 5: return a.f == b.f;
    case 6: return a.f_n == b.f_n;
    case 7: return a.b == b.b;
    case 8: return a.b_n == b.b_n;
    case 9: return a.ts == b.ts;
    case 10: return a.ts_n == b.ts_n;
  }
  return false;
}

std::string QuoteForMessage(std::string_view text, size_t keep) {
  std::string_view shown = text;
  if (text.size() > keep) {
    size_t cut = keep;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    shown = text.substr(0, cut);
  }
  std::string out;
  AppendJsonString(&out, shown);
  // JSON leaves DEL as it is; a terminal should not see it raw.
  for (size_t p = out.find('\x7f'); p != std::string::npos; p = out.find('\x7f', p))
    out.replace(p, 1, "\\u007f");
  if (shown.size() < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::string DescribeCell(const CheckRow& r, size_t index) {
  auto text = [](const std::string& s) { return QuoteForMessage(s); };
  auto real = [](double v) {
    std::string out;
    AppendJsonDouble(&out, v);
    return out;
  };
  auto time = [](int64_t us) {
    char buf[kTimestampBufferSize];
    return std::string(buf, FormatTimestampMicros(us, buf)) + " (" + std::to_string(us) + " us)";
  };
  auto boolean = [](bool b) { return std::string(b ? "true" : "false"); };
  auto opt = [](const auto& v, auto fn) { return v ? fn(*v) : std::string("NULL"); };
  auto integer = [](int64_t v) { return std::to_string(v); };
  switch (index) {
    case 0: return integer(r.id);
    case 1: return text(r.s);
    case 2: return opt(r.s_n, text);
    case 3: return integer(r.i);
    case 4: return opt(r.i_n, integer);
    case 5: return real(r.f);
    case 6: return opt(r.f_n, real);
    case 7: return boolean(r.b);
    case 8: return opt(r.b_n, boolean);
    case 9: return time(r.ts);
    case 10: return opt(r.ts_n, time);
  }
  return "?";
}

}  // namespace sinkhost::check
