// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The bits of ClickHouse SQL text the sink writes or reads: the identifier
// rule for database and table names, backtick quoting, the conservative
// check for the ORDER BY / PARTITION BY expressions an operator writes, and
// the TabSeparated escaping of query results.
//
// Every name the sink puts into SQL is quoted (`name`), so keywords and
// mixed case are plain names; ClickHouse names are case-sensitive either
// way. Values never become SQL text: they travel as RowBinary.
//
// Thread safety: pure functions.
#ifndef SINKHOST_PLUGINS_CLICKHOUSE_SQL_TEXT_H_
#define SINKHOST_PLUGINS_CLICKHOUSE_SQL_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "sinkhost/identifier.hpp"
#include "sinkhost/status.hpp"

namespace sinkhost::clickhouse {

// Names are checked with sinkhost::ValidateIdentifier (sinkhost/identifier.hpp),
// the rule the host applies to stream and column names. Such a name also
// needs no escaping inside a '...' literal, which the system.columns query
// relies on.
using ::sinkhost::ValidateIdentifier;

// `name`, with embedded backticks and backslashes escaped.
std::string QuoteIdentifier(std::string_view name);

// An ORDER BY or PARTITION BY expression is SQL the operator writes, put
// into CREATE TABLE as it is. It is accepted only when it cannot end the
// statement or hide text from the parser: no ';', no quotes of any kind, no
// backslash, no comments ('--', '/*', '#'), no control characters, and
// balanced parentheses. That still allows column lists and function calls
// such as `(domain, timestamp)` or `toYYYYMM(timestamp)`. InvalidArgument
// naming `option` otherwise.
Status CheckExpression(std::string_view option, std::string_view expr);

// Splits a TabSeparated result into rows of unescaped fields (\t, \n, \\,
// \', \0 and the other escapes ClickHouse writes).
std::vector<std::vector<std::string>> ParseTabSeparated(std::string_view text);

// `text` URL-encoded for a query-string value.
std::string UrlEncode(std::string_view text);

}  // namespace sinkhost::clickhouse

#endif  // SINKHOST_PLUGINS_CLICKHOUSE_SQL_TEXT_H_
