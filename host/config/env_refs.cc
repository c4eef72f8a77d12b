// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/config/env_refs.h"

#include <cstdlib>

namespace sinkhost {

namespace {

bool IsNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsName(std::string_view s) {
  if (s.empty() || !IsNameStart(s[0])) return false;
  for (char c : s)
    if (!IsNameChar(c)) return false;
  return true;
}

}  // namespace

Status ExpandEnvRefs(std::string_view text, std::string* out) {
  std::string result;
  result.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      result.push_back(c);
      ++i;
      continue;
    }
    if (text.compare(i, 3, "$${") == 0) {
      result.append("${");
      i += 3;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      result.push_back('$');
      ++i;
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos)
      return Status::InvalidArgument("\"${\" at offset " + std::to_string(i) +
                                     " has no closing \"}\" (write $${ for a literal ${)");
    const std::string_view body = text.substr(i + 2, close - i - 2);
    const size_t dash = body.find(":-");
    const std::string_view name = body.substr(0, dash);
    if (!IsName(name))
      return Status::InvalidArgument(
          "\"${" + std::string(body) +
          "}\" is not a valid reference: write ${NAME} or ${NAME:-default}, NAME made of "
          "letters, digits and _ and not starting with a digit (and $${ for a literal ${)");
    const char* value = std::getenv(std::string(name).c_str());
    if (dash != std::string_view::npos) {
      if (value != nullptr && *value != '\0') result.append(value);
      else result.append(body.substr(dash + 2));
    } else if (value != nullptr) {
      result.append(value);
    } else {
      return Status::InvalidArgument("environment variable " + std::string(name) +
                                     " is not set");
    }
    i = close + 1;
  }
  *out = std::move(result);
  return Status::OK();
}

}  // namespace sinkhost
