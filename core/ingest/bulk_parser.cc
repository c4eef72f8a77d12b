// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// POST /v1/streams/{stream}/events: splits an NDJSON or JSON-array body into
// objects, numbers them, and hands each to the converter for the stream's
// schema kind. All-or-nothing: rows are appended without CommitRow while the
// request is read, then committed together, or dropped with AbandonRow at
// the first error.
//
// Errors: body-level problems use field "request" (empty body, invalid UTF-8,
// invalid JSON, a line or element that is not an object); `line` is the
// 1-based NDJSON line (blank lines counted) or array element, and 0 when no
// single one is to blame (empty body, an array that does not parse).
#include <simdjson.h>

#include <cstring>

#include "core/ingest/ingest.h"
#include "core/ingest/json_rows.h"
#include "core/ingest/json_values.h"
#include "core/ingest/padded_buffer.h"
#include "core/ingest/plausible_event.h"
#include "core/ingest/utf8.h"

namespace sinkhost {

struct BulkParser::Impl {
  simdjson::dom::parser parser;
  ingest::PaddedBuffer body;
  ingest::PlausibleEventConverter plausible;
  ingest::JsonRowConverter custom;

  // Per request.
  bool is_plausible = false;
  int64_t pending_rows = 0;
  ingest::FieldErrors field_errors;
  std::string field, message;

  bool ConvertObject(const simdjson::dom::element& value, int64_t line, const char* what,
                     RowBatch* rows, IngestError* error);
  bool ParseArray(std::string_view text, RowBatch* rows, IngestError* error);
  bool ParseLines(std::string_view text, RowBatch* rows, IngestError* error);
};

namespace {

bool Fail(IngestError* error, int64_t line, std::string field, std::string message,
          int status = 400) {
  *error = IngestError();
  error->http_status = status;
  error->line = line;
  error->errors.emplace_back(std::move(field), std::move(message));
  return false;
}

inline bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string InvalidJson(simdjson::error_code code) {
  return std::string("invalid JSON: ") + simdjson::error_message(code);
}

}  // namespace

bool BulkParser::Impl::ConvertObject(const simdjson::dom::element& value, int64_t line,
                                     const char* what, RowBatch* rows, IngestError* error) {
  simdjson::dom::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS)
    return Fail(error, line, "request",
                std::string(what) + " must be a JSON object, got " + ingest::JsonTypeName(value));
  if (is_plausible) {
    field_errors.clear();
    const int64_t n = plausible.Convert(obj, rows, &field_errors);
    if (n == 0 && !field_errors.empty()) {
      *error = IngestError();
      error->line = line;
      error->errors = field_errors;
      return false;
    }
    pending_rows += n;
    return true;
  }
  if (!custom.Convert(obj, rows, &field, &message)) return Fail(error, line, field, message);
  ++pending_rows;
  return true;
}

bool BulkParser::Impl::ParseArray(std::string_view text, RowBatch* rows, IngestError* error) {
  simdjson::dom::element root;
  simdjson::dom::array array;
  auto code = parser.parse(text.data(), text.size(), false).get(root);
  if (code != simdjson::SUCCESS) return Fail(error, 0, "request", InvalidJson(code));
  if (root.get_array().get(array) != simdjson::SUCCESS)
    return Fail(error, 0, "request", "body must be NDJSON or a JSON array of objects");
  int64_t index = 0;
  for (simdjson::dom::element value : array) {
    ++index;
    if (!ConvertObject(value, index, "element", rows, error)) return false;
  }
  if (index == 0) return Fail(error, 0, "request", "body is empty (the array has no elements)");
  return true;
}

bool BulkParser::Impl::ParseLines(std::string_view text, RowBatch* rows, IngestError* error) {
  int64_t line_no = 0;
  int64_t objects = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const char* nl =
        static_cast<const char*>(std::memchr(text.data() + pos, '\n', text.size() - pos));
    const size_t end = nl == nullptr ? text.size() : static_cast<size_t>(nl - text.data());
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = 0;
    while (first < line.size() && IsJsonSpace(line[first])) ++first;
    if (first == line.size()) continue;  // blank line
    // The rest of the body (or the buffer's padding) follows the line, so
    // simdjson may read past its end without a copy.
    simdjson::dom::element root;
    auto code = parser.parse(line.data(), line.size(), false).get(root);
    if (code != simdjson::SUCCESS)
      return Fail(error, line_no, "request",
                  InvalidJson(code) + " (NDJSON: each line must hold one complete JSON object)");
    ++objects;
    if (!ConvertObject(root, line_no, "line", rows, error)) return false;
  }
  if (objects == 0) return Fail(error, 0, "request", "body is empty");
  return true;
}

BulkParser::BulkParser() : impl_(std::make_unique<Impl>()) {}
BulkParser::~BulkParser() = default;

bool BulkParser::Parse(std::string_view body, const RequestContext& ctx,
                       bool ignore_unknown_fields, RowBatch* rows, IngestError* error) {
  Impl& im = *impl_;
  im.is_plausible = rows->schema().kind() == Schema::Kind::kPlausible;
  if (im.is_plausible && !ingest::HasPlausibleLayout(rows->schema()))
    return Fail(error, 0, "request",
                "internal error: the stream's plausible schema has an unexpected layout", 500);

  size_t first = 0;
  while (first < body.size() && IsJsonSpace(body[first])) ++first;
  if (first == body.size()) return Fail(error, 0, "request", "body is empty");
  const bool is_array = body[first] == '[';

  if (!IsValidUtf8(body)) {
    const size_t bad = ingest::FindInvalidUtf8(body);
    int64_t line = 0;
    if (!is_array) {
      line = 1;
      for (size_t i = 0; i < bad; ++i) line += body[i] == '\n';
    }
    return Fail(error, line, "request",
                "body is not valid UTF-8 (invalid byte at offset " + std::to_string(bad) + ")");
  }

  if (im.is_plausible) im.plausible.BeginRequest(ctx);
  else im.custom.BeginRequest(rows->schema(), ctx, ignore_unknown_fields);
  im.pending_rows = 0;

  std::string_view text = im.body.Assign(body);
  const bool ok = is_array ? im.ParseArray(text, rows, error) : im.ParseLines(text, rows, error);
  if (!ok) {
    rows->AbandonRow();  // drops every value appended since the last commit
    return false;
  }
  for (int64_t i = 0; i < im.pending_rows; ++i) rows->CommitRow();
  return true;
}

}  // namespace sinkhost
