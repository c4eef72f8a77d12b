// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// POST /api/event: the body checks around PlausibleEventConverter.
#include <simdjson.h>

#include "core/ingest/ingest.h"
#include "core/ingest/padded_buffer.h"
#include "core/ingest/plausible_event.h"
#include "core/ingest/utf8.h"

namespace sinkhost {

namespace {
// Plausible's wording for any body that is not a JSON object.
constexpr std::string_view kNotJson = "Unable to parse request body as json";
}  // namespace

struct PlausibleEventParser::Impl {
  simdjson::dom::parser parser;
  ingest::PaddedBuffer body;
  ingest::PlausibleEventConverter converter;
};

PlausibleEventParser::PlausibleEventParser() : impl_(std::make_unique<Impl>()) {}
PlausibleEventParser::~PlausibleEventParser() = default;

bool PlausibleEventParser::Parse(std::string_view body, const RequestContext& ctx, RowBatch* rows,
                                 IngestError* error) {
  auto fail = [&](int status, std::string_view field, std::string message) {
    *error = IngestError();
    error->http_status = status;
    error->errors.emplace_back(std::string(field), std::move(message));
    return false;
  };
  if (!ingest::HasPlausibleLayout(rows->schema()))
    return fail(500, "request",
                "internal error: the target batch does not have the plausible schema");
  if (!IsValidUtf8(body))
    return fail(400, "request",
                "request body is not valid UTF-8 (invalid byte at offset " +
                    std::to_string(ingest::FindInvalidUtf8(body)) + ")");

  std::string_view text = impl_->body.Assign(body);
  simdjson::dom::element root;
  simdjson::dom::object event;
  if (impl_->parser.parse(text.data(), text.size(), false).get(root) != simdjson::SUCCESS ||
      root.get_object().get(event) != simdjson::SUCCESS)
    return fail(400, "request", std::string(kNotJson));

  impl_->converter.BeginRequest(ctx);
  ingest::FieldErrors field_errors;
  const int64_t n = impl_->converter.Convert(event, rows, &field_errors);
  if (n == 0 && !field_errors.empty()) {
    *error = IngestError();
    error->errors = std::move(field_errors);
    return false;
  }
  for (int64_t i = 0; i < n; ++i) rows->CommitRow();
  return true;
}

}  // namespace sinkhost
