// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Parsing of the size ("16MiB") and duration ("5s") values used by the host
// config and by sink options, so that both read them the same way.
//
// Thread safety: pure functions.
#ifndef SINKHOST_UNITS_HPP_
#define SINKHOST_UNITS_HPP_

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sinkhost/status.hpp"

namespace sinkhost {

namespace units_internal {
// Splits "16MiB" into 16 and "MiB". Fails unless there is a leading number.
inline bool SplitNumber(std::string_view text, double* number, std::string_view* suffix) {
  std::string s(text);
  const char* begin = s.c_str();
  while (std::isspace(static_cast<unsigned char>(*begin))) ++begin;
  if (*begin == '-' || *begin == '+') return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  if (end == begin || errno != 0) return false;
  while (std::isspace(static_cast<unsigned char>(*end))) ++end;
  *number = v;
  *suffix = text.substr(static_cast<size_t>(end - s.c_str()));
  while (!suffix->empty() && std::isspace(static_cast<unsigned char>(suffix->back())))
    suffix->remove_suffix(1);
  return true;
}
}  // namespace units_internal

// Bytes from "1024", "64KiB", "16MiB", "1GiB", "10MB", "1kB" (SI and IEC
// suffixes, case of the B is not significant).
inline Status ParseSize(std::string_view text, uint64_t* bytes) {
  double n = 0;
  std::string_view suffix;
  if (!units_internal::SplitNumber(text, &n, &suffix))
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a size (expected e.g. 1024, 64KiB, 16MiB)");
  std::string unit;
  for (char c : suffix) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb") mult = 1e3;
  else if (unit == "m" || unit == "mb") mult = 1e6;
  else if (unit == "g" || unit == "gb") mult = 1e9;
  else if (unit == "kib") mult = 1024.0;
  else if (unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "gib") mult = 1024.0 * 1024 * 1024;
  else
    return Status::InvalidArgument("'" + std::string(text) + "' has unknown size unit '" +
                                   std::string(suffix) + "' (use B, KiB, MiB, GiB, kB, MB, GB)");
  double v = n * mult;
  if (v > 9.0e18) return Status::InvalidArgument("'" + std::string(text) + "' is too large");
  *bytes = static_cast<uint64_t>(v);
  return Status::OK();
}

// Milliseconds from "250ms", "5s", "2m", "1h", or a bare number of seconds.
inline Status ParseDurationMs(std::string_view text, int64_t* ms) {
  double n = 0;
  std::string_view suffix;
  if (!units_internal::SplitNumber(text, &n, &suffix))
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a duration (expected e.g. 250ms, 5s, 2m)");
  double mult = 0;
  if (suffix.empty() || suffix == "s") mult = 1000;
  else if (suffix == "ms") mult = 1;
  else if (suffix == "m" || suffix == "min") mult = 60000;
  else if (suffix == "h") mult = 3600000;
  else
    return Status::InvalidArgument("'" + std::string(text) + "' has unknown duration unit '" +
                                   std::string(suffix) + "' (use ms, s, m, h)");
  double v = n * mult;
  if (v > 9.0e15) return Status::InvalidArgument("'" + std::string(text) + "' is too long");
  *ms = static_cast<int64_t>(v);
  return Status::OK();
}

// A whole decimal number that fits in int64, and nothing else.
inline Status ParseInt64(std::string_view text, int64_t* value) {
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno != 0)
    return Status::InvalidArgument("'" + s + "' is not an integer");
  *value = v;
  return Status::OK();
}

// true/false, yes/no, on/off, 1/0.
inline Status ParseBool(std::string_view text, bool* value) {
  if (text == "true" || text == "yes" || text == "on" || text == "1") {
    *value = true;
  } else if (text == "false" || text == "no" || text == "off" || text == "0") {
    *value = false;
  } else {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a boolean (use true or false)");
  }
  return Status::OK();
}

}  // namespace sinkhost

#endif  // SINKHOST_UNITS_HPP_
