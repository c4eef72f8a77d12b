// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Names that sinkhost and its sinks put into SQL text: stream, table and
// column names. One rule everywhere, so a table named after its stream
// always passes a sink's check: [A-Za-z_][A-Za-z0-9_]*, at most 63 bytes
// (PostgreSQL's limit, the tightest of the backends).
//
// Thread safety: pure functions.
#ifndef SINKHOST_IDENTIFIER_HPP_
#define SINKHOST_IDENTIFIER_HPP_

#include <string>
#include <string_view>

#include "sinkhost/status.hpp"

namespace sinkhost {

// `what` names the thing checked in the message, e.g. "column name".
inline Status ValidateIdentifier(std::string_view what, std::string_view name) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(std::string(what) + " '" + std::string(name) + "' " +
                                   std::string(why));
  };
  if (name.empty()) return Status::InvalidArgument(std::string(what) + " must not be empty");
  if (name.size() > 63) return bad("is longer than 63 bytes");
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return bad("must start with a letter or underscore");
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9'))
      return bad("may contain only letters, digits and underscores");
  }
  return Status::OK();
}

// Standard SQL quoting (SQLite, PostgreSQL): "name", embedded quotes
// doubled, so a name is never taken for a keyword or anything but a name.
inline std::string QuoteSqlIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace sinkhost

#endif  // SINKHOST_IDENTIFIER_HPP_
