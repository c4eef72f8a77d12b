// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/wal_tool.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <vector>

#include "core/wal/wal_inspect.h"

namespace sinkhost {

namespace {

namespace fs = std::filesystem;

std::string Line(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Line(const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof(buf), format, args);
  va_end(args);
  return std::string(buf) + "\n";
}

std::string SeqRange(uint64_t first, uint64_t last) {
  if (first == 0) return "-";
  return std::to_string(first) + ".." + std::to_string(last);
}

std::string Report(const WalReport& r) {
  std::string out = "wal " + r.dir + "\n";
  out += Line("  %zu segment%s, %llu bytes, %llu intact records, seq %s", r.segments.size(),
              r.segments.size() == 1 ? "" : "s", static_cast<unsigned long long>(r.bytes),
              static_cast<unsigned long long>(r.records),
              SeqRange(r.first_seq, r.last_seq).c_str());
  out += "  segments:\n";
  for (const WalSegmentInfo& s : r.segments) {
    out += Line("    %s  %12llu bytes  %8llu records  seq %s%s", s.file.c_str(),
                static_cast<unsigned long long>(s.bytes),
                static_cast<unsigned long long>(s.records),
                SeqRange(s.first_record_seq, s.last_record_seq).c_str(),
                !s.header_ok            ? "  bad header"
                : s.damaged_regions > 0 ? "  damaged"
                                        : "");
  }
  out += "  consumers:";
  out += r.consumers.empty() ? " none\n" : "\n";
  for (const WalConsumerInfo& c : r.consumers) {
    if (c.ok)
      out += Line("    %-24s confirmed %llu, %llu records pending", c.name.c_str(),
                  static_cast<unsigned long long>(c.confirmed_seq),
                  static_cast<unsigned long long>(c.pending_records));
    else
      out += Line("    %-24s position file damaged (the host replays everything to it)",
                  c.name.c_str());
  }
  if (r.damage.empty()) {
    out += "  damage: none\n";
  } else {
    out += Line("  damage: %zu region%s, %llu records known lost", r.damage.size(),
                r.damage.size() == 1 ? "" : "s", static_cast<unsigned long long>(r.lost_records));
    for (const WalDamage& d : r.damage) out += "    " + d.ToString() + "\n";
  }
  return out;
}

bool IsLog(const std::string& dir, WalReport* report) {
  return InspectWal(dir, report).ok() && !report->segments.empty();
}

// The log in `dir`, or the logs one level below it, or below dir/wal.
std::vector<std::string> FindLogs(const std::string& dir) {
  WalReport probe;
  if (IsLog(dir, &probe)) return {dir};
  std::vector<std::string> found;
  for (const fs::path& parent : {fs::path(dir), fs::path(dir) / "wal"}) {
    std::error_code ec;
    std::vector<std::string> children;
    for (const auto& e : fs::directory_iterator(parent, ec))
      if (e.is_directory(ec)) children.push_back(e.path().string());
    std::sort(children.begin(), children.end());
    for (const std::string& c : children)
      if (IsLog(c, &probe)) found.push_back(c);
    if (!found.empty()) break;
  }
  return found;
}

}  // namespace

int RunWalTool(WalToolCommand command, const std::string& dir, std::string* out,
               std::string* err) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    *err += "wal " + dir + ": not a directory\n";
    return 1;
  }
  const std::vector<std::string> logs = FindLogs(dir);
  if (logs.empty()) {
    *err += "wal " + dir +
            ": no write-ahead log here (a log directory holds NNN.seg segment files; the host "
            "keeps one per stream in <data_dir>/wal/<stream>)\n";
    return 1;
  }
  int code = 0;
  for (const std::string& log : logs) {
    WalReport report;
    Status st = command == WalToolCommand::kVerify ? VerifyWal(log, &report)
                                                   : InspectWal(log, &report);
    if (!report.dir.empty()) *out += Report(report);
    if (st.ok()) {
      if (command == WalToolCommand::kVerify) *out += "  verify: intact\n";
      continue;
    }
    *err += st.message() + "\n";
    code = 1;
  }
  return code;
}

}  // namespace sinkhost
