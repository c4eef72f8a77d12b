// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// YamlReader: typed reads of YAML nodes for the config parser. Every read
// takes the node's key path ("streams.events.buffer.max_events") and every
// error it returns reads "PATH: RULE, got VALUE", so a user can find the
// line to fix. The reader also remembers the line of the last error so the
// file loader can prefix "FILE:LINE: ".
//
// Every scalar value is read through one place (Text), which replaces
// environment references (${NAME}, ${NAME:-default}, $${; see env_refs.h),
// so they work in every value, host keys and sink options alike; mapping
// keys are names and are taken as written. An unset variable is an error at
// the value's path:
//   admin.token: environment variable T is not set (from "${T}")
//
// All access goes through const nodes: yaml-cpp's non-const operator[]
// inserts missing keys, which would hide "is required" errors.
//
// Thread safety: one reader per parse; not shared between threads.
#ifndef SINKHOST_HOST_CONFIG_YAML_READER_H_
#define SINKHOST_HOST_CONFIG_YAML_READER_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sinkhost/status.hpp"

namespace sinkhost {

class YamlReader {
 public:
  // "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
  static std::string Child(const std::string& path, std::string_view key);
  // "a.sinks" + 0 -> "a.sinks[0]".
  static std::string Index(const std::string& path, size_t i);
  // How a value reads in an error: "\"abc\"", "a mapping", "a list", "nothing";
  // a value with references as it was read and as written:
  // "\"abc\" (from \"${X}\")".
  static std::string Describe(const YAML::Node& node);

  // 1-based line of the node the last error was about; 0 when unknown.
  int error_line() const { return error_line_; }

  // InvalidArgument("PATH: WHY"), remembering where `at` is.
  Status Fail(const YAML::Node& at, const std::string& path, std::string_view why);

  // Fails unless `node` is a mapping whose keys are unique scalars from
  // `known`; the error lists the known keys.
  Status CheckMap(const YAML::Node& node, const std::string& path,
                  std::initializer_list<std::string_view> known);
  // Fails unless `node` is a mapping with unique scalar keys (any names).
  Status CheckOpenMap(const YAML::Node& node, const std::string& path);
  Status CheckList(const YAML::Node& node, const std::string& path);

  // Readers of a defined node; callers skip absent keys to keep defaults.
  Status Scalar(const YAML::Node& node, const std::string& path, std::string* out);
  Status NonEmptyString(const YAML::Node& node, const std::string& path, std::string* out);
  // An integer in [min, max].
  Status Int(const YAML::Node& node, const std::string& path, int64_t min, int64_t max,
             int64_t* out);
  // A size ("16MiB", "1024"), greater than zero.
  Status Size(const YAML::Node& node, const std::string& path, uint64_t* out);
  // A duration ("5s", "250ms"); zero only when `allow_zero`.
  Status Duration(const YAML::Node& node, const std::string& path, bool allow_zero,
                  int64_t* out);
  Status Bool(const YAML::Node& node, const std::string& path, bool* out);
  Status OneOf(const YAML::Node& node, const std::string& path,
               std::initializer_list<std::string_view> choices, std::string* out);

 private:
  // The scalar's text with its environment references replaced.
  Status Text(const YAML::Node& node, const std::string& path, std::string* out);

  int error_line_ = 0;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_CONFIG_YAML_READER_H_
