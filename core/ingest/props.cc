// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/ingest/props.h"

#include <algorithm>

#include "core/ingest/utf8.h"

namespace sinkhost::ingest {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

namespace {

// Events for which Plausible copies the pathname into a "path" prop, so the
// goal can be broken down by path.
bool IsGoalWithPath(std::string_view name) {
  return name == "404" || name == "WP Form Completions" || name == "Form: Submission";
}

}  // namespace

void PropsEncoder::Collect(const object& props) {
  entries_.clear();
  for (simdjson::dom::key_value_pair field : props) {
    Entry& e = entries_.emplace_back();
    e.key = field.key;
    const element& v = field.value;
    switch (v.type()) {
      case element_type::STRING: {
        std::string_view s;
        e.valid = v.get_string().get(s) == simdjson::SUCCESS;
        e.text = s;
        break;
      }
      case element_type::INT64:
      case element_type::UINT64:
      case element_type::DOUBLE:
        e.number_len = static_cast<uint8_t>(FormatJsonNumber(v, e.number));
        e.valid = e.number_len > 0;
        break;
      case element_type::BOOL: {
        bool b = false;
        e.valid = v.get_bool().get(b) == simdjson::SUCCESS;
        e.text = b ? "true" : "false";
        break;
      }
      default:  // null, array, object
        e.valid = false;
        break;
    }
    if (e.valid && (TrimLeadingSpace(e.key).empty() || TrimLeadingSpace(e.value()).empty()))
      e.valid = false;
  }
}

void PropsEncoder::DropSuperseded() {
  // A repeated key keeps its last occurrence, even when that one is dropped
  // as invalid. Quadratic for the usual handful of props; sorted otherwise.
  const size_t n = entries_.size();
  if (n <= 64) {
    for (size_t i = 0; i < n; ++i) {
      if (!entries_[i].valid) continue;
      for (size_t j = i + 1; j < n; ++j) {
        if (entries_[j].key == entries_[i].key) {
          entries_[i].valid = false;
          break;
        }
      }
    }
    return;
  }
  order_.resize(n);
  for (size_t i = 0; i < n; ++i) order_[i] = static_cast<uint32_t>(i);
  std::stable_sort(order_.begin(), order_.end(), [this](uint32_t a, uint32_t b) {
    return entries_[a].key < entries_[b].key;
  });
  for (size_t k = 0; k + 1 < n; ++k) {
    if (entries_[order_[k]].key == entries_[order_[k + 1]].key) entries_[order_[k]].valid = false;
  }
}

bool PropsEncoder::Encode(const element* raw, std::string_view event_name,
                          std::string_view pathname, NestedJsonParser* nested, std::string* json) {
  entries_.clear();
  object props;
  bool have = false;
  if (raw != nullptr) {
    if (raw->type() == element_type::OBJECT) {
      have = raw->get_object().get(props) == simdjson::SUCCESS;
    } else if (raw->type() == element_type::STRING) {
      std::string_view text;
      have = raw->get_string().get(text) == simdjson::SUCCESS && nested->ParseObject(text, &props);
    }
  }
  if (have) {
    Collect(props);
    DropSuperseded();
  }

  bool add_path = IsGoalWithPath(event_name);
  if (add_path) {
    for (const Entry& e : entries_) {
      if (e.valid && e.key == "path") {
        add_path = false;
        break;
      }
    }
  }

  json->clear();
  json->push_back('{');
  size_t kept = 0;
  bool ok = true;
  auto emit = [&](std::string_view key, std::string_view value) {
    if (key.size() > kMaxPropKeyBytes || value.size() > kMaxPropValueBytes) ok = false;
    if (kept > 0) json->push_back(',');
    AppendJsonString(json, key);
    json->push_back(':');
    AppendJsonString(json, value);
    ++kept;
  };
  if (add_path) emit("path", pathname);
  for (const Entry& e : entries_) {
    if (kept == kMaxProps) break;
    if (e.valid) emit(e.key, e.value());
  }
  json->push_back('}');
  return ok;
}

}  // namespace sinkhost::ingest
