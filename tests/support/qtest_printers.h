// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Readable QCOMPARE failures for std::string and tables of strings. Include
// this instead of <QtTest>: the overloads must be declared before QtTest's
// templates are, or QCOMPARE prints only "<unknown>".
#ifndef SINKHOST_TESTS_SUPPORT_QTEST_PRINTERS_H_
#define SINKHOST_TESTS_SUPPORT_QTEST_PRINTERS_H_

#include <string>
#include <vector>

namespace QTest {
inline char* toString(const std::string& s);
inline char* toString(const std::vector<std::vector<std::string>>& rows);
}  // namespace QTest

#include <QtTest>

// Long values (100 KB strings, hex dumps) are cut so a failure stays readable.
inline char* QTest::toString(const std::string& s) {
  const std::string shown =
      s.size() > 600 ? s.substr(0, 600) + "...(" + std::to_string(s.size()) + " bytes)" : s;
  return QTest::toPrettyCString(shown.data(), static_cast<qsizetype>(shown.size()));
}

inline char* QTest::toString(const std::vector<std::vector<std::string>>& rows) {
  std::string out = "[";
  for (const auto& row : rows) {
    out += out.size() > 1 ? ", [" : "[";
    for (size_t i = 0; i < row.size(); ++i) out += (i ? ", " : "") + row[i];
    out += "]";
  }
  out += "]";
  if (out.size() > 2000) out = out.substr(0, 2000) + "...";
  return qstrdup(out.c_str());
}

#endif  // SINKHOST_TESTS_SUPPORT_QTEST_PRINTERS_H_
