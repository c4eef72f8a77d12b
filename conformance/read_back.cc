// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "conformance/read_back.h"

#include <simdjson.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "core/ingest/timestamp.h"

namespace sinkhost::check {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Read-back output may hold 100,000 rows of up to 64 KiB strings: one
// parse_many window must hold the longest line.
constexpr size_t kMaxLineBytes = 16 << 20;

std::string ColumnName(size_t index) {
  return CheckSchema().columns()[index].name;
}

bool ParseInt(std::string_view s, int64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

Status ToInt64(element e, int64_t* out) {
  switch (e.type()) {
    case element_type::INT64: *out = int64_t(e); return Status::OK();
    case element_type::STRING:
      if (ParseInt(std::string_view(e), out)) return Status::OK();
      break;
    default: break;
  }
  return Status::InvalidArgument("expected an int64, got " + simdjson::minify(e));
}

Status ToDouble(element e, double* out) {
  switch (e.type()) {
    case element_type::DOUBLE: *out = double(e); return Status::OK();
    case element_type::INT64: *out = static_cast<double>(int64_t(e)); return Status::OK();
    case element_type::UINT64: *out = static_cast<double>(uint64_t(e)); return Status::OK();
    case element_type::STRING: {
      std::string s{std::string_view(e)};
      char* end = nullptr;
      *out = std::strtod(s.c_str(), &end);
      if (!s.empty() && end == s.c_str() + s.size()) return Status::OK();
      break;
    }
    default: break;
  }
  return Status::InvalidArgument("expected a float64, got " + simdjson::minify(e));
}

Status ToBool(element e, bool* out) {
  switch (e.type()) {
    case element_type::BOOL: *out = bool(e); return Status::OK();
    case element_type::INT64:
    case element_type::UINT64: {
      const int64_t v = int64_t(e);
      if (v == 0 || v == 1) {
        *out = v == 1;
        return Status::OK();
      }
      break;
    }
    case element_type::STRING: {
      std::string_view s(e);
      if (s == "t" || s == "true" || s == "1") *out = true;
      else if (s == "f" || s == "false" || s == "0") *out = false;
      else break;
      return Status::OK();
    }
    default: break;
  }
  return Status::InvalidArgument("expected a bool, got " + simdjson::minify(e));
}

Status ToTimestamp(element e, int64_t* out) {
  if (e.type() == element_type::INT64) {
    *out = int64_t(e);
    return Status::OK();
  }
  if (e.type() == element_type::STRING) {
    std::string_view s(e);
    if (ParseInt(s, out) || ingest::ParseRfc3339(s, out)) return Status::OK();
  }
  return Status::InvalidArgument(
      "expected a timestamp (microseconds or RFC 3339 text), got " + simdjson::minify(e));
}

Status ToString(element e, std::string* out) {
  if (e.type() != element_type::STRING)
    return Status::InvalidArgument("expected a string, got " + simdjson::minify(e));
  *out = std::string(std::string_view(e));
  return Status::OK();
}

// Converts `e` with `convert` into the required `*field`, or refuses null.
template <typename T, typename Fn>
Status Required(element e, T* field, Fn convert) {
  if (e.is_null()) return Status::InvalidArgument("NULL in a NOT NULL column");
  return convert(e, field);
}

template <typename T, typename Fn>
Status Optional(element e, std::optional<T>* field, Fn convert) {
  if (e.is_null()) {
    field->reset();
    return Status::OK();
  }
  T v{};
  SINKHOST_RETURN_NOT_OK(convert(e, &v));
  *field = std::move(v);
  return Status::OK();
}

Status SetCell(element e, size_t index, CheckRow* r) {
  switch (index) {
    case 0: return Required(e, &r->id, ToInt64);
    case 1: return Required(e, &r->s, ToString);
    case 2: return Optional(e, &r->s_n, ToString);
    case 3: return Required(e, &r->i, ToInt64);
    case 4: return Optional(e, &r->i_n, ToInt64);
    case 5: return Required(e, &r->f, ToDouble);
    case 6: return Optional(e, &r->f_n, ToDouble);
    case 7: return Required(e, &r->b, ToBool);
    case 8: return Optional(e, &r->b_n, ToBool);
    case 9: return Required(e, &r->ts, ToTimestamp);
    case 10: return Optional(e, &r->ts_n, ToTimestamp);
  }
  return Status::InvalidArgument("no such column");
}

Status RowFromObject(element e, size_t position, CheckRow* row) {
  const std::string where = "read-back row " + std::to_string(position + 1);
  simdjson::dom::object obj;
  if (e.get(obj) != simdjson::SUCCESS)
    return Status::InvalidArgument(where + " is not a JSON object: " + simdjson::minify(e));
  const size_t n = CheckSchema().columns().size();
  for (size_t i = 0; i < n; ++i) {
    const std::string name = ColumnName(i);
    element value;
    if (obj[name].get(value) != simdjson::SUCCESS)
      return Status::InvalidArgument(where + " lacks column '" + name + "'");
    Status st = SetCell(value, i, row);
    if (!st.ok()) {
      std::string id = i > 0 ? " (id " + std::to_string(row->id) + ")" : "";
      return Status::InvalidArgument(where + id + ", column '" + name + "': " + st.message());
    }
  }
  return Status::OK();
}

// The line of `text` that starts at `offset`, shortened and quoted.
std::string LineAt(std::string_view text, size_t offset) {
  if (offset > text.size()) offset = text.size();
  std::string_view line = text.substr(offset);
  line = line.substr(0, line.find('\n'));
  return QuoteForMessage(line, 400);
}

}  // namespace

void ExportReadBackEnvironment(const std::string& stream,
                               const std::map<std::string, std::string>& options) {
  ::setenv("SINKHOST_CHECK_STREAM", stream.c_str(), 1);
  for (const auto& [key, value] : options) {
    std::string name = "SINKHOST_OPTION_";
    for (char c : key) name.push_back(std::isalnum(static_cast<unsigned char>(c))
                                          ? static_cast<char>(std::toupper(c))
                                          : '_');
    ::setenv(name.c_str(), value.c_str(), 1);
  }
}

Status RunReadBack(const std::string& command, std::string* output) {
  output->clear();
  std::fflush(nullptr);  // the child must not repeat our buffered output
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return Status::IoError("cannot run read-back command: " + command);
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) output->append(buf, n);
  const int rc = ::pclose(pipe);
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    const int code = rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return Status::IoError("read-back command exited with " + std::to_string(code) + ": " +
                           command);
  }
  return Status::OK();
}

Status ParseReadBack(std::string_view text, std::vector<CheckRow>* rows) {
  rows->clear();
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return Status::OK();  // nothing stored
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  if (text[start] == '[') {
    simdjson::dom::array array;
    if (auto err = parser.parse(padded).get(array); err != simdjson::SUCCESS)
      return Status::InvalidArgument(std::string("read-back output is not JSON: ") +
                                     simdjson::error_message(err));
    for (element e : array) {
      CheckRow row;
      SINKHOST_RETURN_NOT_OK(RowFromObject(e, rows->size(), &row));
      rows->push_back(std::move(row));
    }
    return Status::OK();
  }
  simdjson::dom::document_stream stream;
  if (auto err = parser.parse_many(padded, kMaxLineBytes).get(stream); err != simdjson::SUCCESS)
    return Status::InvalidArgument(std::string("read-back output is not JSON: ") +
                                   simdjson::error_message(err));
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    element e;
    if (auto err = (*it).get(e); err != simdjson::SUCCESS)
      return Status::InvalidArgument("read-back row " + std::to_string(rows->size() + 1) +
                                     " is not JSON (" + simdjson::error_message(err) +
                                     "): " + LineAt(text, it.current_index()));
    CheckRow row;
    SINKHOST_RETURN_NOT_OK(RowFromObject(e, rows->size(), &row));
    rows->push_back(std::move(row));
  }
  if (stream.truncated_bytes() > 0)
    return Status::InvalidArgument("read-back output ends in an incomplete JSON value");
  return Status::OK();
}

std::string CompareRows(const std::map<int64_t, CheckRow>& expected, std::vector<CheckRow> actual,
                        std::set<int64_t>* reported, size_t max_problems) {
  std::sort(actual.begin(), actual.end(),
            [](const CheckRow& a, const CheckRow& b) { return a.id < b.id; });
  std::vector<std::string> problems;
  size_t more = 0;
  std::set<int64_t> wrong;
  auto note = [&](int64_t id, std::string p) {
    if (reported->count(id)) return;
    wrong.insert(id);
    if (problems.size() < max_problems) problems.push_back("id " + std::to_string(id) + p);
    else ++more;
  };
  const size_t columns = CheckSchema().columns().size();
  auto want = expected.begin();
  for (size_t k = 0; k < actual.size(); ++k) {
    const CheckRow& got = actual[k];
    if (k > 0 && actual[k - 1].id == got.id) {
      note(got.id, " read back more than once");
      continue;
    }
    for (; want != expected.end() && want->first < got.id; ++want) note(want->first, " is missing");
    if (want == expected.end() || want->first != got.id) {
      note(got.id, " was never written");
      continue;
    }
    for (size_t c = 1; c < columns; ++c) {
      if (CellEquals(want->second, got, c)) continue;
      note(got.id, ", column '" + ColumnName(c) + "': wrote " + DescribeCell(want->second, c) +
                       ", read back " + DescribeCell(got, c));
    }
    ++want;
  }
  for (; want != expected.end(); ++want) note(want->first, " is missing");
  if (wrong.empty()) return "";
  reported->insert(wrong.begin(), wrong.end());
  std::string out = std::to_string(actual.size()) + " rows read back, " +
                    std::to_string(expected.size()) + " written";
  for (const std::string& p : problems) out += "; " + p;
  if (more > 0) out += "; and " + std::to_string(more) + " more";
  return out;
}

}  // namespace sinkhost::check
