// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/clickhouse/sql_text.h"

namespace sinkhost::clickhouse {

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`' || c == '\\') out += '\\';
    out += c;
  }
  out += '`';
  return out;
}

Status CheckExpression(std::string_view option, std::string_view expr) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("option '" + std::string(option) + "': '" + std::string(expr) +
                                   "' " + std::string(why));
  };
  int depth = 0;
  for (size_t i = 0; i < expr.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(expr[i]);
    const char next = i + 1 < expr.size() ? expr[i + 1] : '\0';
    if (c == ';') return bad("must not contain ';'");
    if (c == '\'' || c == '"' || c == '`')
      return bad("must not contain quotes (only names, numbers, operators and function calls)");
    if (c == '\\') return bad("must not contain a backslash");
    if (c == '#' || (c == '-' && next == '-') || (c == '/' && next == '*'))
      return bad("must not contain a comment");
    if (c < 0x20 || c == 0x7f) return bad("must not contain control characters");
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) return bad("has a ')' without its '('");
  }
  if (depth != 0) return bad("has a '(' without its ')'");
  return Status::OK();
}

std::vector<std::vector<std::string>> ParseTabSeparated(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool any = false;  // something seen since the last row ended
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\t') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else if (c == '\\' && i + 1 < text.size()) {
      const char e = text[++i];
      switch (e) {
        case 't': field += '\t'; break;
        case 'n': field += '\n'; break;
        case 'r': field += '\r'; break;
        case 'b': field += '\b'; break;
        case 'f': field += '\f'; break;
        case '0': field += '\0'; break;
        default: field += e; break;  // \\ \' and anything else stand for themselves
      }
      any = true;
    } else {
      field += c;
      any = true;
    }
  }
  if (any) {  // a last row without its newline
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace sinkhost::clickhouse
