// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// PrometheusText: writes the Prometheus text exposition format 0.0.4 by
// hand (Debian 12 has no prometheus-cpp). A family is started with its
// # HELP and # TYPE lines and all its samples follow it, as the format
// requires; label values and help text are escaped here.
//
//   PrometheusText t;
//   t.Family("sinkhost_buffer_events", "gauge", "Events in the open batch.");
//   t.Sample({{"stream", "events"}}, 4);     // sinkhost_buffer_events{stream="events"} 4
//   std::string body = t.Take();
//
// Thread safety: one writer per response; not shared.
#ifndef SINKHOST_HOST_METRICS_PROMETHEUS_TEXT_H_
#define SINKHOST_HOST_METRICS_PROMETHEUS_TEXT_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace sinkhost {

class PrometheusText {
 public:
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Starts a family; `type` is counter, gauge or untyped.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  // One sample of the current family. Integers print exactly; doubles in
  // the shortest form that reads back the same; NaN as NaN, infinities as
  // +Inf/-Inf.
  void Sample(Labels labels, double value);
  void Sample(Labels labels, uint64_t value);
  void Sample(Labels labels, int64_t value);
  void Sample(Labels labels, int value) { Sample(labels, static_cast<int64_t>(value)); }

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

  // Label values: backslash, double quote and newline become \\ \" \n.
  static void AppendLabelValue(std::string* out, std::string_view value);
  // Help text: backslash and newline become \\ and \n.
  static void AppendHelp(std::string* out, std::string_view help);
  static void AppendValue(std::string* out, double value);

 private:
  void BeginSample(Labels labels);

  std::string out_;
  std::string family_;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_METRICS_PROMETHEUS_TEXT_H_
