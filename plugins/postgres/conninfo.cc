// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/postgres/conninfo.h"

#include <libpq-fe.h>

#include <map>

namespace sinkhost::postgres {

namespace {

// key='value' with \ and ' escaped, as libpq's conninfo syntax requires.
void AppendSetting(std::string* out, std::string_view key, std::string_view value) {
  if (!out->empty()) out->push_back(' ');
  out->append(key);
  out->append("='");
  for (char c : value) {
    if (c == '\\' || c == '\'') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

}  // namespace

Status BuildConnectionString(std::string_view option_text, int64_t connect_timeout_s,
                             std::string* out) {
  if (option_text.empty())
    return Status::InvalidArgument(
        "option 'connection' must not be empty (e.g. 'host=127.0.0.1 dbname=events' or "
        "'postgresql://user@host/events')");
  char* err = nullptr;
  const std::string text(option_text);
  PQconninfoOption* parsed = PQconninfoParse(text.c_str(), &err);
  if (parsed == nullptr) {
    std::string why = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    // libpq quotes a bad URI whole, password and all.
    for (size_t at; (at = why.find(text)) != std::string::npos;)
      why.replace(at, text.size(), "<the connection string>");
    return Status::InvalidArgument("option 'connection' is not a libpq connection string: " + why);
  }
  std::map<std::string, std::string> settings;
  for (const PQconninfoOption* o = parsed; o->keyword != nullptr; ++o)
    if (o->val != nullptr) settings[o->keyword] = o->val;
  PQconninfoFree(parsed);

  settings["connect_timeout"] = std::to_string(connect_timeout_s);
  settings["client_encoding"] = "UTF8";
  if (!settings.count("fallback_application_name"))
    settings["fallback_application_name"] = "sinkhost";
  out->clear();
  for (const auto& [key, value] : settings) AppendSetting(out, key, value);
  return Status::OK();
}

}  // namespace sinkhost::postgres
