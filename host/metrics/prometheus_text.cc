// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/metrics/prometheus_text.h"

#include <charconv>
#include <cmath>

namespace sinkhost {

void PrometheusText::Family(std::string_view name, std::string_view type,
                            std::string_view help) {
  family_.assign(name);
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendHelp(&out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusText::BeginSample(Labels labels) {
  out_ += family_;
  if (labels.size() > 0) {
    out_ += '{';
    bool first = true;
    for (const auto& [key, value] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += key;
      out_ += "=\"";
      AppendLabelValue(&out_, value);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

void PrometheusText::Sample(Labels labels, double value) {
  BeginSample(labels);
  AppendValue(&out_, value);
  out_ += '\n';
}

void PrometheusText::Sample(Labels labels, uint64_t value) {
  BeginSample(labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void PrometheusText::Sample(Labels labels, int64_t value) {
  BeginSample(labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void PrometheusText::AppendLabelValue(std::string* out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': *out += "\\\\"; break;
      case '"': *out += "\\\""; break;
      case '\n': *out += "\\n"; break;
      default: *out += c;
    }
  }
}

void PrometheusText::AppendHelp(std::string* out, std::string_view help) {
  for (char c : help) {
    switch (c) {
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      default: *out += c;
    }
  }
}

void PrometheusText::AppendValue(std::string* out, double value) {
  if (std::isnan(value)) {
    *out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    *out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;  // 32 bytes hold the shortest form of every double
  out->append(buf, static_cast<size_t>(end - buf));
}

}  // namespace sinkhost
