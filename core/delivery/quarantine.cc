// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/delivery/quarantine.h"

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/ingest/json_rows.h"
#include "sinkhost/arrow.hpp"
#include "sinkhost/format.hpp"
#include "sinkhost/row_json.hpp"

namespace sinkhost {

namespace {

std::string ErrnoText(const std::string& what, const std::string& path) {
  return "quarantine: " + what + " '" + path + "': " + std::strerror(errno);
}

// Appends `text` to `path` and fsyncs it, creating file and folder as needed.
Status AppendDurably(const std::string& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Retryable(ErrnoText("cannot open", path));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status st = Status::Retryable(ErrnoText("cannot append to", path));
      ::close(fd);
      return st;
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  Status st = synced ? Status::OK() : Status::Retryable(ErrnoText("cannot fsync", path));
  ::close(fd);
  return st;
}

int64_t CountLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  int64_t lines = 0;
  char buf[1 << 16];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) lines += buf[i] == '\n';
  }
  return lines;
}

std::string NowText() {
  const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  char buf[kTimestampBufferSize];
  return std::string(buf, FormatTimestampMicros(us, buf));
}

}  // namespace

Quarantine::Quarantine(std::string path, std::string stream, std::string sink, const Schema& schema)
    : path_(std::move(path)),
      replaying_path_(path_ + ".replaying"),
      stream_(std::move(stream)),
      sink_(std::move(sink)),
      schema_(schema) {}

Status Quarantine::Open(std::string path, std::string stream, std::string sink,
                        const Schema& schema, std::unique_ptr<Quarantine>* out) {
  std::unique_ptr<Quarantine> q(new Quarantine(std::move(path), std::move(stream),
                                               std::move(sink), schema));
  // A replay the last run did not finish: its rows go back into quarantine
  // (at least once: some may have been delivered before the host stopped).
  if (std::filesystem::exists(q->replaying_path_)) {
    std::ifstream in(q->replaying_path_, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    SINKHOST_RETURN_NOT_OK(AppendDurably(q->path_, text.str()));
    std::error_code ec;
    std::filesystem::remove(q->replaying_path_, ec);
  }
  q->rows_ = CountLines(q->path_);
  *out = std::move(q);
  return Status::OK();
}

Status Quarantine::Add(const RowBatch& rows, int64_t begin, int64_t end,
                       const std::string& batch_id, const std::string& error) {
  auto slice = std::make_shared<RowBatch>(schema_);
  slice->AppendRows(rows, begin, end);
  UniqueSchema arrow_schema;
  schema_.ExportToArrow(arrow_schema.get());
  UniqueArray array;
  RowBatch::ExportToArrow(slice, array.get());
  BatchView view;
  SINKHOST_RETURN_NOT_OK(BatchView::Make(arrow_schema.get(), array.get(), &view));

  std::string prefix = "{\"time\":\"" + NowText() + "\",\"stream\":";
  AppendJsonString(&prefix, stream_);
  prefix += ",\"sink\":";
  AppendJsonString(&prefix, sink_);
  prefix += ",\"batch\":";
  AppendJsonString(&prefix, batch_id);
  prefix += ",\"error\":";
  AppendJsonString(&prefix, error);
  prefix += ",\"row\":{";
  std::string text;
  for (int64_t r = 0; r < view.num_rows(); ++r) {
    text += prefix;
    for (size_t c = 0; c < view.num_columns(); ++c) {
      if (c > 0) text.push_back(',');
      AppendJsonString(&text, view.column(c).name());
      text.push_back(':');
      AppendJsonValue(&text, view.column(c), r);
    }
    text += "}}\n";
  }
  std::lock_guard<std::mutex> lock(mu_);
  SINKHOST_RETURN_NOT_OK(AppendDurably(path_, text));
  rows_ += view.num_rows();
  return Status::OK();
}

int64_t Quarantine::rows() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rows_;
}

Status Quarantine::Take(std::shared_ptr<RowBatch>* rows) {
  std::lock_guard<std::mutex> lock(mu_);
  if (replaying_) return Status::Busy("quarantine of sink '" + sink_ + "' is being replayed");
  *rows = std::make_shared<RowBatch>(schema_);
  if (rows_ == 0 && !std::filesystem::exists(path_)) return Status::OK();
  if (::rename(path_.c_str(), replaying_path_.c_str()) != 0)
    return Status::IoError(ErrnoText("cannot move aside", path_));
  Status st = ReadRows(replaying_path_, rows->get());
  if (!st.ok()) {
    // Put the file back: nothing may be lost because it could not be read.
    (void)::rename(replaying_path_.c_str(), path_.c_str());
    return st;
  }
  replaying_ = true;
  rows_ = 0;
  return Status::OK();
}

void Quarantine::FinishReplay() {
  std::lock_guard<std::mutex> lock(mu_);
  std::error_code ec;
  std::filesystem::remove(replaying_path_, ec);
  replaying_ = false;
}

Status Quarantine::ReadRows(const std::string& file, RowBatch* rows) const {
  simdjson::padded_string text;
  if (auto err = simdjson::padded_string::load(file).get(text); err != simdjson::SUCCESS)
    return Status::IoError("quarantine: cannot read '" + file + "': " +
                           simdjson::error_message(err));
  ingest::JsonRowConverter converter;
  converter.BeginRequest(schema_, RequestContext{}, /*ignore_unknown_fields=*/false);
  simdjson::dom::parser parser;
  simdjson::dom::document_stream docs;
  if (auto err = parser.parse_many(text, 64 << 20).get(docs); err != simdjson::SUCCESS)
    return Status::InvalidArgument("quarantine: '" + file + "': " + simdjson::error_message(err));
  int64_t line = 0;
  for (auto doc : docs) {
    ++line;
    const std::string where = "quarantine: '" + file + "' line " + std::to_string(line);
    simdjson::dom::object row;
    if (auto err = doc["row"].get(row); err != simdjson::SUCCESS)
      return Status::InvalidArgument(where + ": no \"row\" object (" +
                                     simdjson::error_message(err) + ")");
    std::string field, message;
    if (!converter.Convert(row, rows, &field, &message)) {
      rows->AbandonRow();
      return Status::InvalidArgument(where + ", field '" + field + "': " + message);
    }
    rows->CommitRow();
  }
  return Status::OK();
}

}  // namespace sinkhost
