#include "plugins/postgres/identifier.h"

namespace sinkhost::postgres {

Status CheckIdentifier(std::string_view what, std::string_view name) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(std::string(what) + " '" + std::string(name) + "' " +
                                   std::string(why));
  };
  if (name.empty()) return Status::InvalidArgument(std::string(what) + " must not be empty");
  if (name.size() > 63) return bad("is longer than 63 bytes");
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return bad("must start with a letter or underscore");
  for (char c : name)
    if (!alpha(c) && !(c >= '0' && c <= '9'))
      return bad("may contain only letters, digits and underscores");
  return Status::OK();
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace sinkhost::postgres
