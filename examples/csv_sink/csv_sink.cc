// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// csv: appends each batch to a CSV file (RFC 4180 quoting, one header line
// for a new file). An example of a complete sink written against the
// installed SDK alone; see docs/plugin-abi.md in the sinkhost repository.
//
// Options:
//   path    the file to append to (required; its folder must exist)
//   header  write a header line into a new or empty file (default true)
//
// Thread safety: the host never calls one instance concurrently; instances
// share nothing.
#include <cstdio>
#include <string>
#include <vector>

#include "sinkhost/format.hpp"
#include "sinkhost/sink.hpp"

namespace {

using sinkhost::BatchInfo;
using sinkhost::BatchView;
using sinkhost::ColumnType;
using sinkhost::ColumnView;
using sinkhost::Options;
using sinkhost::Status;
using sinkhost::StreamInfo;

// A field needs quotes when it holds the separator, a quote or a line break;
// quotes inside are doubled. An empty string is quoted too (""), because an
// empty unquoted field is NULL (as in PostgreSQL's CSV format).
void AppendCsvField(std::string* out, std::string_view s) {
  if (!s.empty() && s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendValue(std::string* out, const ColumnView& col, int64_t row) {
  if (col.is_null(row)) return;  // NULL is an empty, unquoted field
  switch (col.type()) {
    case ColumnType::kString: AppendCsvField(out, col.string(row)); break;
    case ColumnType::kInt64: out->append(std::to_string(col.int64(row))); break;
    case ColumnType::kFloat64: sinkhost::AppendJsonDouble(out, col.float64(row)); break;
    case ColumnType::kBool: out->append(col.boolean(row) ? "true" : "false"); break;
    case ColumnType::kTimestamp: {
      char buf[sinkhost::kTimestampBufferSize];
      out->append(buf, sinkhost::FormatTimestampMicros(col.int64(row), buf));
      break;
    }
  }
}

class CsvSink : public sinkhost::Sink {
 public:
  ~CsvSink() override { (void)Close(); }

  Status Init(const Options& options) override {
    path_ = options.GetString("path");
    return options.GetBool("header", &header_);
  }

  Status Open(const StreamInfo& stream) override {
    file_ = std::fopen(path_.c_str(), "ab");
    if (file_ == nullptr)
      return Status::InvalidArgument("csv: cannot open '" + path_ + "' for appending");
    if (header_ && std::ftell(file_) == 0) {
      std::string line;
      for (size_t i = 0; i < stream.columns.size(); ++i) {
        if (i > 0) line.push_back(',');
        AppendCsvField(&line, stream.columns[i].name);
      }
      line.push_back('\n');
      return WriteAll(line);
    }
    return Status::OK();
  }

  Status Write(const BatchView& batch, const BatchInfo&) override {
    buffer_.clear();
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        if (c > 0) buffer_.push_back(',');
        AppendValue(&buffer_, batch.column(c), r);
      }
      buffer_.push_back('\n');
    }
    return WriteAll(buffer_);
  }

  Status Close() override {
    if (file_ != nullptr && std::fclose(file_) != 0) {
      file_ = nullptr;
      return Status::Retryable("csv: closing '" + path_ + "' failed");
    }
    file_ = nullptr;
    return Status::OK();
  }

 private:
  Status WriteAll(const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0)
      return Status::Retryable("csv: writing to '" + path_ + "' failed");
    return Status::OK();
  }

  std::string path_;
  bool header_ = true;
  std::FILE* file_ = nullptr;
  std::string buffer_;  // reused between batches
};

const sinkhost_option_spec kPath = {sizeof(sinkhost_option_spec), "path", "path", nullptr,
                                    "CSV file to append to", SINKHOST_OPTION_REQUIRED};
const sinkhost_option_spec kHeader = {sizeof(sinkhost_option_spec), "header", "bool", "true",
                                      "write a header line into a new file", 0};
const sinkhost_option_spec* const kOptions[] = {&kPath, &kHeader, nullptr};

}  // namespace

SINKHOST_EXPORT_SINK(CsvSink, "csv", "1.0.0", "Appends rows to a CSV file", 0, kOptions)
