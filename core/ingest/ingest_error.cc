// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Rendering of IngestError for the two HTTP shapes and for logs.
#include <string>

#include "core/ingest/ingest.h"
#include "core/ingest/json_values.h"

namespace sinkhost {

using ingest::AppendJsonString;

std::string IngestError::PlausibleJson() const {
  // {"errors":{"url":["is required"],"domain":["can't be blank"]}}: fields in
  // the order their first message was added, messages grouped under them,
  // as Ecto's traverse_errors groups a changeset's errors.
  std::string out = "{\"errors\":{";
  std::vector<bool> done(errors.size(), false);
  bool first_field = true;
  for (size_t i = 0; i < errors.size(); ++i) {
    if (done[i]) continue;
    if (!first_field) out.push_back(',');
    first_field = false;
    AppendJsonString(&out, errors[i].first);
    out.append(":[");
    for (size_t j = i; j < errors.size(); ++j) {
      if (done[j] || errors[j].first != errors[i].first) continue;
      if (j != i) out.push_back(',');
      AppendJsonString(&out, errors[j].second);
      done[j] = true;
    }
    out.push_back(']');
  }
  out.append("}}");
  return out;
}

std::string IngestError::BulkJson() const {
  // Bulk requests stop at the first problem, so only errors[0] is shown.
  std::string out = "{\"error\":{\"line\":";
  out.append(std::to_string(line));
  out.append(",\"field\":");
  AppendJsonString(&out, errors.empty() ? std::string_view("request")
                                        : std::string_view(errors[0].first));
  out.append(",\"message\":");
  AppendJsonString(&out, errors.empty() ? std::string_view("invalid request")
                                        : std::string_view(errors[0].second));
  out.append("}}");
  return out;
}

std::string IngestError::ToString() const {
  std::string out;
  if (line > 0) out = "line " + std::to_string(line) + ": ";
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out.append("; ");
    out.append(errors[i].first);
    out.append(": ");
    out.append(errors[i].second);
  }
  if (errors.empty()) out.append("invalid request");
  return out;
}

}  // namespace sinkhost
