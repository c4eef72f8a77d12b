// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/config/yaml_reader.h"

#include <charconv>
#include <set>

#include "host/config/env_refs.h"
#include "sinkhost/units.hpp"

namespace sinkhost {

namespace {

// A scalar as written, quoted and cut to a readable length.
std::string Quote(const std::string& raw) {
  std::string text = raw;
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return "\"" + text + "\"";
}

std::string JoinKnown(std::initializer_list<std::string_view> known) {
  std::string out;
  for (std::string_view k : known) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

}  // namespace

std::string YamlReader::Child(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

std::string YamlReader::Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string YamlReader::Describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  // The value a reader saw, and where it came from when that differs.
  std::string expanded;
  if (MayHaveEnvRefs(node.Scalar()) && ExpandEnvRefs(node.Scalar(), &expanded).ok() &&
      expanded != node.Scalar())
    return Quote(expanded) + " (from " + Quote(node.Scalar()) + ")";
  return Quote(node.Scalar());
}

Status YamlReader::Text(const YAML::Node& node, const std::string& path, std::string* out) {
  const std::string& raw = node.Scalar();
  if (!MayHaveEnvRefs(raw)) {
    *out = raw;
    return Status::OK();
  }
  Status st = ExpandEnvRefs(raw, out);
  return st.ok() ? st : Fail(node, path, st.message() + " (from " + Quote(raw) + ")");
}

Status YamlReader::Fail(const YAML::Node& at, const std::string& path, std::string_view why) {
  const YAML::Mark mark = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  error_line_ = mark.line >= 0 ? mark.line + 1 : 0;
  return Status::InvalidArgument(path + ": " + std::string(why));
}

Status YamlReader::CheckOpenMap(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) return Fail(node, path, "must be a mapping, got " + Describe(node));
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) return Fail(key, path, "keys must be plain names, got " + Describe(key));
    if (!seen.insert(key.Scalar()).second)
      return Fail(key, Child(path, key.Scalar()), "is given twice");
  }
  return Status::OK();
}

Status YamlReader::CheckMap(const YAML::Node& node, const std::string& path,
                            std::initializer_list<std::string_view> known) {
  SINKHOST_RETURN_NOT_OK(CheckOpenMap(node, path));
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& key = it->first.Scalar();
    bool found = false;
    for (std::string_view k : known) found = found || k == key;
    if (!found)
      return Fail(it->first, Child(path, key), "unknown key (known: " + JoinKnown(known) + ")");
  }
  return Status::OK();
}

Status YamlReader::CheckList(const YAML::Node& node, const std::string& path) {
  if (!node.IsSequence()) return Fail(node, path, "must be a list, got " + Describe(node));
  return Status::OK();
}

Status YamlReader::Scalar(const YAML::Node& node, const std::string& path, std::string* out) {
  if (!node.IsScalar()) return Fail(node, path, "must be a single value, got " + Describe(node));
  return Text(node, path, out);
}

Status YamlReader::NonEmptyString(const YAML::Node& node, const std::string& path,
                                  std::string* out) {
  SINKHOST_RETURN_NOT_OK(Scalar(node, path, out));
  if (out->empty()) return Fail(node, path, "must not be empty");
  return Status::OK();
}

Status YamlReader::Int(const YAML::Node& node, const std::string& path, int64_t min, int64_t max,
                       int64_t* out) {
  auto rule = [&] {
    if (min == 1 && max == INT64_MAX) return std::string("must be a positive integer");
    if (min == 0 && max == INT64_MAX) return std::string("must be a non-negative integer");
    return "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  };
  if (!node.IsScalar()) return Fail(node, path, rule() + ", got " + Describe(node));
  std::string text;
  SINKHOST_RETURN_NOT_OK(Text(node, path, &text));
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
    return Fail(node, path, rule() + ", got " + Describe(node));
  *out = v;
  return Status::OK();
}

Status YamlReader::Size(const YAML::Node& node, const std::string& path, uint64_t* out) {
  if (!node.IsScalar())
    return Fail(node, path, "must be a size such as 16MiB, got " + Describe(node));
  std::string text;
  SINKHOST_RETURN_NOT_OK(Text(node, path, &text));
  uint64_t v = 0;
  if (Status st = ParseSize(text, &v); !st.ok()) return Fail(node, path, st.message());
  if (v == 0) return Fail(node, path, "must be greater than zero, got " + Describe(node));
  *out = v;
  return Status::OK();
}

Status YamlReader::Duration(const YAML::Node& node, const std::string& path, bool allow_zero,
                            int64_t* out) {
  if (!node.IsScalar())
    return Fail(node, path, "must be a duration such as 5s or 250ms, got " + Describe(node));
  std::string text;
  SINKHOST_RETURN_NOT_OK(Text(node, path, &text));
  int64_t v = 0;
  if (Status st = ParseDurationMs(text, &v); !st.ok())
    return Fail(node, path, st.message());
  if (v == 0 && !allow_zero)
    return Fail(node, path, "must be longer than zero, got " + Describe(node));
  *out = v;
  return Status::OK();
}

Status YamlReader::Bool(const YAML::Node& node, const std::string& path, bool* out) {
  if (!node.IsScalar()) return Fail(node, path, "must be true or false, got " + Describe(node));
  std::string text;
  SINKHOST_RETURN_NOT_OK(Text(node, path, &text));
  if (!ParseBool(text, out).ok())
    return Fail(node, path, "must be true or false, got " + Describe(node));
  return Status::OK();
}

Status YamlReader::OneOf(const YAML::Node& node, const std::string& path,
                         std::initializer_list<std::string_view> choices, std::string* out) {
  if (node.IsScalar()) {
    std::string text;
    SINKHOST_RETURN_NOT_OK(Text(node, path, &text));
    for (std::string_view c : choices) {
      if (text == c) {
        *out = std::string(c);
        return Status::OK();
      }
    }
  }
  std::string list;
  for (std::string_view c : choices) {
    if (!list.empty()) list += " or ";
    list += c;
  }
  return Fail(node, path, "must be " + list + ", got " + Describe(node));
}

}  // namespace sinkhost
