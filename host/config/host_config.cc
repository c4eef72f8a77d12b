// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/config/host_config.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "host/config/secret_file.h"
#include "host/config/yaml_reader.h"
#include "sinkhost/units.hpp"

namespace sinkhost {

namespace {

using Path = std::string;

// The keys of each mapping, as listed in errors about unknown keys.
#define KNOWN(...) \
  { __VA_ARGS__ }

class ConfigParser {
 public:
  explicit ConfigParser(HostConfig* out) : out_(out) {}
  Status Parse(const YAML::Node& root);
  int error_line() const { return r_.error_line(); }

 private:
  Status ParseIngest(const YAML::Node& n, const Path& path);
  Status ParseAdmin(const YAML::Node& n, const Path& path);
  Status ParseRateLimit(const YAML::Node& n, const Path& path);
  Status ParseListen(const YAML::Node& n, const Path& path, ListenAddress* out);
  Status ParseEnrich(const YAML::Node& n, const Path& path, enrich::EnrichOptions* out);
  Status ParseStream(const std::string& name, const YAML::Node& n, const Path& path,
                     StreamConfig* out);
  Status ParseColumns(const YAML::Node& n, const Path& path, Schema* out);
  Status ParseColumn(const YAML::Node& n, const Path& path, Column* out);
  Status ParseDefault(const YAML::Node& n, const Path& path, ColumnType type, DefaultValue* out);
  Status ParseBuffer(const YAML::Node& n, const Path& path, BufferOptions* out);
  Status ParseRetry(const YAML::Node& n, const Path& path, RetryPolicy* out);
  Status ParseWal(const YAML::Node& n, const Path& path, WalOptions* out);
  Status ParseSinks(const YAML::Node& n, const Path& path, std::vector<SinkConfig>* out);
  // isolation, timeouts and worker of one sink.
  Status ParseSinkIsolation(const YAML::Node& s, const Path& p, SinkConfig* sink);
  Status ResolvePlausibleStream(const YAML::Node& root);
  // Calls `fn` with the child when `key` is present.
  template <typename Fn>
  Status IfPresent(const YAML::Node& map, std::string_view key, const Path& path, Fn fn) {
    const YAML::Node child = map[std::string(key)];
    if (!child.IsDefined()) return Status::OK();
    return fn(child, YamlReader::Child(path, key));
  }
  Status Identifier(const YAML::Node& n, const Path& path, std::string_view what,
                    const std::string& name) {
    Status st = ValidateIdentifier(what, name);
    return st.ok() ? st : r_.Fail(n, path, st.message());
  }

  HostConfig* out_;
  YamlReader r_;
};

Status ConfigParser::Parse(const YAML::Node& root) {
  if (!root.IsMap())
    return r_.Fail(root, "config", "must be a mapping with at least a 'streams' key, got " +
                                       YamlReader::Describe(root));
  SINKHOST_RETURN_NOT_OK(r_.CheckMap(
      root, "",
      KNOWN("ingest", "admin", "data_dir", "plugin_dirs", "log", "shutdown_timeout", "streams")));
  HostConfig& c = *out_;
  SINKHOST_RETURN_NOT_OK(IfPresent(root, "ingest", "", [&](const auto& n, const auto& p) {
    return ParseIngest(n, p);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(root, "admin", "", [&](const auto& n, const auto& p) {
    return ParseAdmin(n, p);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(root, "data_dir", "", [&](const auto& n, const auto& p) {
    return r_.NonEmptyString(n, p, &c.data_dir);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(root, "plugin_dirs", "", [&](const auto& n, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.CheckList(n, p));
    for (size_t i = 0; i < n.size(); ++i) {
      std::string dir;
      SINKHOST_RETURN_NOT_OK(r_.NonEmptyString(n[i], YamlReader::Index(p, i), &dir));
      c.plugin_dirs.push_back(dir);
    }
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(root, "log", "", [&](const auto& n, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.CheckMap(n, p, KNOWN("level", "format")));
    SINKHOST_RETURN_NOT_OK(IfPresent(n, "level", p, [&](const auto& ln, const auto& lp) {
      std::string level;
      SINKHOST_RETURN_NOT_OK(r_.Scalar(ln, lp, &level));
      Status st = NormalizeLogLevel(level, &c.log_level);
      return st.ok() ? st : r_.Fail(ln, lp, st.message());
    }));
    return IfPresent(n, "format", p, [&](const auto& fn, const auto& fp) {
      return r_.OneOf(fn, fp, {"text", "json"}, &c.log_format);
    });
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(root, "shutdown_timeout", "", [&](const auto& n, const auto& p) {
    return r_.Duration(n, p, /*allow_zero=*/true, &c.shutdown_timeout_ms);
  }));

  const YAML::Node streams = root["streams"];
  if (!streams.IsDefined()) return r_.Fail(root, "streams", "is required");
  SINKHOST_RETURN_NOT_OK(r_.CheckOpenMap(streams, "streams"));
  if (streams.size() == 0) return r_.Fail(streams, "streams", "must name at least one stream");
  for (auto it = streams.begin(); it != streams.end(); ++it) {
    const std::string name = it->first.Scalar();
    const Path path = YamlReader::Child("streams", name);
    SINKHOST_RETURN_NOT_OK(Identifier(it->first, path, "stream name", name));
    StreamConfig s;
    SINKHOST_RETURN_NOT_OK(ParseStream(name, it->second, path, &s));
    c.streams.push_back(std::move(s));
  }
  return ResolvePlausibleStream(root);
}

Status ConfigParser::ParseListen(const YAML::Node& n, const Path& path, ListenAddress* out) {
  std::string text;
  SINKHOST_RETURN_NOT_OK(r_.Scalar(n, path, &text));
  Status st = ParseListenAddress(text, out);
  return st.ok() ? st : r_.Fail(n, path, st.message());
}

Status ConfigParser::ParseIngest(const YAML::Node& n, const Path& path) {
  SINKHOST_RETURN_NOT_OK(r_.CheckMap(n, path,
                                     KNOWN("listen", "max_body", "io_threads", "max_threads",
                                           "max_queued", "max_connections", "keep_alive_timeout",
                                           "header_timeout", "request_timeout",
                                           "plausible_stream", "rate_limit",
                                           "trusted_proxy_hops")));
  IngestConfig& c = out_->ingest;
  int64_t v = 0;
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "trusted_proxy_hops", path, [&](const auto& x, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.Int(x, p, 0, 16, &v));
    c.trusted_proxy_hops = static_cast<int>(v);
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "listen", path, [&](const auto& x, const auto& p) {
    return ParseListen(x, p, &c.listen);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_body", path, [&](const auto& x, const auto& p) {
    return r_.Size(x, p, &c.max_body);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "io_threads", path, [&](const auto& x, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.Int(x, p, 0, 256, &v));
    c.io_threads = static_cast<int>(v);
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_threads", path, [&](const auto& x, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.Int(x, p, 1, 4096, &v));
    c.max_threads = static_cast<int>(v);
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_connections", path, [&](const auto& x, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.Int(x, p, 1, 1000000, &v));
    c.max_connections = static_cast<int>(v);
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_queued", path, [&](const auto& x, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.Int(x, p, 1, 65535, &v));
    c.max_queued = static_cast<int>(v);
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(
      IfPresent(n, "keep_alive_timeout", path, [&](const auto& x, const auto& p) {
        return r_.Duration(x, p, /*allow_zero=*/false, &c.keep_alive_timeout_ms);
      }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "header_timeout", path, [&](const auto& x, const auto& p) {
    return r_.Duration(x, p, /*allow_zero=*/false, &c.header_timeout_ms);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "request_timeout", path, [&](const auto& x, const auto& p) {
    return r_.Duration(x, p, /*allow_zero=*/false, &c.request_timeout_ms);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "rate_limit", path, [&](const auto& x, const auto& p) {
    return ParseRateLimit(x, p);
  }));
  // Checked against the streams in ResolvePlausibleStream.
  return IfPresent(n, "plausible_stream", path, [&](const auto& x, const auto& p) {
    return r_.NonEmptyString(x, p, &c.plausible_stream);
  });
}

Status ConfigParser::ParseRateLimit(const YAML::Node& n, const Path& path) {
  SINKHOST_RETURN_NOT_OK(
      r_.CheckMap(n, path, KNOWN("requests_per_second", "burst", "trust_forwarded_for")));
  IngestConfig& c = out_->ingest;
  int64_t v = 0;
  SINKHOST_RETURN_NOT_OK(
      IfPresent(n, "requests_per_second", path, [&](const auto& x, const auto& p) {
        SINKHOST_RETURN_NOT_OK(r_.Int(x, p, 1, 10000000, &v));
        c.rate_limit_per_second = static_cast<double>(v);
        return Status::OK();
      }));
  if (c.rate_limit_per_second == 0)
    return r_.Fail(n, YamlReader::Child(path, "requests_per_second"), "is required");
  c.rate_limit_burst = c.rate_limit_per_second;
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "burst", path, [&](const auto& x, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.Int(x, p, 1, 100000000, &v));
    c.rate_limit_burst = static_cast<double>(v);
    return Status::OK();
  }));
  return IfPresent(n, "trust_forwarded_for", path, [&](const auto& x, const auto& p) {
    return r_.Bool(x, p, &c.trust_forwarded_for);
  });
}

// Shorter admin tokens are refused: they could be guessed.
constexpr size_t kMinTokenLength = 16;

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

Status ConfigParser::ParseAdmin(const YAML::Node& n, const Path& path) {
  SINKHOST_RETURN_NOT_OK(
      r_.CheckMap(n, path, KNOWN("enabled", "listen", "max_threads", "token", "token_file")));
  AdminConfig& c = out_->admin;
  if (n["token"].IsDefined() && n["token_file"].IsDefined())
    return r_.Fail(n["token_file"], YamlReader::Child(path, "token_file"),
                   "cannot be used together with admin.token: set one of them");
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "token", path, [&](const auto& x, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.NonEmptyString(x, p, &c.token));
    if (c.token.size() < kMinTokenLength)
      return r_.Fail(x, p, "is too short: use at least 16 characters (e.g. openssl rand -hex 24)");
    return Status::OK();
  }));
  // The same token from a file, so that it need not be in the config (e.g.
  // "${CREDENTIALS_DIRECTORY}/admin_token" with systemd's LoadCredential=).
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "token_file", path, [&](const auto& x, const auto& p) {
    std::string file;
    SINKHOST_RETURN_NOT_OK(r_.NonEmptyString(x, p, &file));
    if (Status st = ReadSecretFile(file, &c.token); !st.ok()) return r_.Fail(x, p, st.message());
    if (c.token.size() < kMinTokenLength)
      return r_.Fail(x, p,
                     "the token in \"" + file + "\" is too short (" +
                         std::to_string(c.token.size()) +
                         " characters): use at least 16 (e.g. openssl rand -hex 24)");
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "enabled", path, [&](const auto& x, const auto& p) {
    return r_.Bool(x, p, &c.enabled);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "listen", path, [&](const auto& x, const auto& p) {
    return ParseListen(x, p, &c.listen);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_threads", path, [&](const auto& x, const auto& p) {
    int64_t v = 0;
    SINKHOST_RETURN_NOT_OK(r_.Int(x, p, 1, 64, &v));
    c.max_threads = static_cast<int>(v);
    return Status::OK();
  }));
  // Flushes and stats must not be open to the network without a secret.
  if (c.enabled && c.token.empty() && !IsLoopbackHost(c.listen.host))
    return r_.Fail(n["listen"], YamlReader::Child(path, "listen"),
                   "is '" + c.listen.ToString() +
                       "', not a loopback address: set admin.token (or admin.token_file), or "
                       "listen on 127.0.0.1");
  return Status::OK();
}

Status ConfigParser::ParseStream(const std::string& name, const YAML::Node& n, const Path& path,
                                 StreamConfig* out) {
  SINKHOST_RETURN_NOT_OK(r_.CheckMap(
      n, path,
      KNOWN("schema", "columns", "unknown_fields", "buffer", "retry", "wal", "sinks", "enrich")));
  out->name = name;
  std::string kind;
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "schema", path, [&](const auto& x, const auto& p) {
    return r_.OneOf(x, p, {"plausible", "custom"}, &kind);
  }));
  const YAML::Node columns = n["columns"];
  if (kind == "plausible") {
    if (columns.IsDefined())
      return r_.Fail(columns, YamlReader::Child(path, "columns"),
                     "is not allowed with schema: plausible (its columns are built in)");
    out->schema = Schema::Plausible();
  } else if (columns.IsDefined()) {
    SINKHOST_RETURN_NOT_OK(ParseColumns(columns, YamlReader::Child(path, "columns"),
                                        &out->schema));
  } else if (kind == "custom") {
    return r_.Fail(n, YamlReader::Child(path, "columns"), "is required with schema: custom");
  } else {
    return r_.Fail(n, path, "needs either schema: plausible or a columns list");
  }

  SINKHOST_RETURN_NOT_OK(IfPresent(n, "unknown_fields", path, [&](const auto& x, const auto& p) {
    std::string v;
    SINKHOST_RETURN_NOT_OK(r_.OneOf(x, p, {"reject", "ignore"}, &v));
    out->options.ignore_unknown_fields = v == "ignore";
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "buffer", path, [&](const auto& x, const auto& p) {
    return ParseBuffer(x, p, &out->options.buffer);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "retry", path, [&](const auto& x, const auto& p) {
    return ParseRetry(x, p, &out->options.retry);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "wal", path, [&](const auto& x, const auto& p) {
    return ParseWal(x, p, &out->options.wal);
  }));
  out->enrich.enabled = out->schema.kind() == Schema::Kind::kPlausible;
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "enrich", path, [&](const auto& x, const auto& p) {
    if (out->schema.kind() != Schema::Kind::kPlausible)
      return r_.Fail(x, p,
                     "needs schema: plausible (only its columns hold what enrichment derives)");
    return ParseEnrich(x, p, &out->enrich);
  }));
  const YAML::Node sinks = n["sinks"];
  if (!sinks.IsDefined()) return r_.Fail(n, YamlReader::Child(path, "sinks"), "is required");
  return ParseSinks(sinks, YamlReader::Child(path, "sinks"), &out->sinks);
}

Status ConfigParser::ParseEnrich(const YAML::Node& n, const Path& path,
                                 enrich::EnrichOptions* out) {
  if (n.IsScalar()) {
    std::string v;
    SINKHOST_RETURN_NOT_OK(r_.OneOf(n, path, {"plausible", "none"}, &v));
    out->enabled = v == "plausible";
    return Status::OK();
  }
  SINKHOST_RETURN_NOT_OK(r_.CheckMap(
      n, path,
      KNOWN("device", "drop_bots", "user_agent_rules", "user_agent_cache", "traffic_source",
            "referrer_database", "geo_database", "visitor_id", "sessions", "session_timeout",
            "max_sessions")));
  out->enabled = true;
  auto flag = [&](const char* key, bool* b) {
    return IfPresent(n, key, path, [&](const auto& x, const auto& p) { return r_.Bool(x, p, b); });
  };
  auto file = [&](const char* key, std::string* f) {
    return IfPresent(n, key, path,
                     [&](const auto& x, const auto& p) { return r_.NonEmptyString(x, p, f); });
  };
  SINKHOST_RETURN_NOT_OK(flag("device", &out->device));
  SINKHOST_RETURN_NOT_OK(flag("drop_bots", &out->drop_bots));
  SINKHOST_RETURN_NOT_OK(flag("traffic_source", &out->traffic_source));
  SINKHOST_RETURN_NOT_OK(flag("visitor_id", &out->visitor_id));
  SINKHOST_RETURN_NOT_OK(flag("sessions", &out->sessions));
  SINKHOST_RETURN_NOT_OK(file("user_agent_rules", &out->user_agent_rules));
  SINKHOST_RETURN_NOT_OK(file("referrer_database", &out->referrer_database));
  SINKHOST_RETURN_NOT_OK(file("geo_database", &out->geo_database));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "user_agent_cache", path, [&](const auto& x, const auto& p) {
    return r_.Int(x, p, 1, 1000000, &out->user_agent_cache);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_sessions", path, [&](const auto& x, const auto& p) {
    return r_.Int(x, p, 1, 100000000, &out->max_sessions);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "session_timeout", path, [&](const auto& x, const auto& p) {
    return r_.Duration(x, p, /*allow_zero=*/false, &out->session_timeout_ms);
  }));
  if (out->drop_bots && !out->device && n["drop_bots"].IsDefined())
    return r_.Fail(n["drop_bots"], YamlReader::Child(path, "drop_bots"),
                   "needs device: true (bots are told by their User-Agent)");
  if (out->sessions && !out->visitor_id && n["sessions"].IsDefined())
    return r_.Fail(n["sessions"], YamlReader::Child(path, "sessions"),
                   "needs visitor_id: true (a session belongs to a visitor)");
  if (!out->device) out->drop_bots = false;
  if (!out->visitor_id) out->sessions = false;
  return Status::OK();
}

Status ConfigParser::ParseColumns(const YAML::Node& n, const Path& path, Schema* out) {
  SINKHOST_RETURN_NOT_OK(r_.CheckList(n, path));
  if (n.size() == 0) return r_.Fail(n, path, "must list at least one column");
  std::vector<Column> columns;
  std::set<std::string> names;
  for (size_t i = 0; i < n.size(); ++i) {
    const Path p = YamlReader::Index(path, i);
    Column c;
    SINKHOST_RETURN_NOT_OK(ParseColumn(n[i], p, &c));
    if (!names.insert(c.name).second)
      return r_.Fail(n[i]["name"], YamlReader::Child(p, "name"),
                     "column '" + c.name + "' is defined twice");
    columns.push_back(std::move(c));
  }
  Status st = Schema::Make(Schema::Kind::kCustom, std::move(columns), out);
  return st.ok() ? st : r_.Fail(n, path, st.message());
}

Status ConfigParser::ParseColumn(const YAML::Node& n, const Path& path, Column* out) {
  SINKHOST_RETURN_NOT_OK(r_.CheckMap(n, path, KNOWN("name", "type", "nullable", "default")));
  const YAML::Node name = n["name"];
  if (!name.IsDefined()) return r_.Fail(n, YamlReader::Child(path, "name"), "is required");
  SINKHOST_RETURN_NOT_OK(r_.Scalar(name, YamlReader::Child(path, "name"), &out->name));
  SINKHOST_RETURN_NOT_OK(
      Identifier(name, YamlReader::Child(path, "name"), "column name", out->name));
  const YAML::Node type = n["type"];
  const Path type_path = YamlReader::Child(path, "type");
  if (!type.IsDefined()) return r_.Fail(n, type_path, "is required");
  std::string type_name;
  SINKHOST_RETURN_NOT_OK(r_.Scalar(type, type_path, &type_name));
  std::optional<ColumnType> t = ColumnTypeFromName(type_name);
  if (!t)
    return r_.Fail(type, type_path,
                   "unknown type \"" + type_name +
                       "\" (known: string, int64, float64, bool, timestamp)");
  out->type = *t;
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "nullable", path, [&](const auto& x, const auto& p) {
    return r_.Bool(x, p, &out->nullable);
  }));
  return IfPresent(n, "default", path, [&](const auto& x, const auto& p) {
    return ParseDefault(x, p, out->type, &out->default_value);
  });
}

Status ConfigParser::ParseDefault(const YAML::Node& n, const Path& path, ColumnType type,
                                  DefaultValue* out) {
  if (n.IsNull()) return Status::OK();  // "default: null" is no default
  std::string text;
  SINKHOST_RETURN_NOT_OK(r_.Scalar(n, path, &text));
  auto mismatch = [&](std::string_view expected) {
    return r_.Fail(n, path,
                   "must be " + std::string(expected) + " for a " + ColumnTypeName(type) +
                       " column, got " + YamlReader::Describe(n));
  };
  auto parse_int = [&](int64_t* v) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *v);
    return ec == std::errc() && end == text.data() + text.size();
  };
  switch (type) {
    case ColumnType::kString:
      *out = text;
      return Status::OK();
    case ColumnType::kInt64: {
      int64_t v = 0;
      if (!parse_int(&v)) return mismatch("an integer");
      *out = v;
      return Status::OK();
    }
    case ColumnType::kFloat64: {
      char* end = nullptr;
      double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
        return mismatch("a number");
      *out = v;
      return Status::OK();
    }
    case ColumnType::kBool: {
      bool v = false;
      if (!ParseBool(text, &v).ok()) return mismatch("true or false");
      *out = v;
      return Status::OK();
    }
    case ColumnType::kTimestamp: {
      if (text == "now") {
        *out = NowDefault{};
        return Status::OK();
      }
      int64_t us = 0;
      if (parse_int(&us)) {
        *out = us;  // microseconds since the epoch
        return Status::OK();
      }
      // Poco's parser skips what it does not understand, so the shape is
      // checked first.
      static const std::regex kIso(
          R"(^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})?$)");
      Poco::DateTime dt;
      int tzd = 0;
      if (!std::regex_match(text, kIso) ||
          !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, dt,
                                          tzd))
        return mismatch("\"now\", an ISO-8601 time or microseconds since 1970");
      *out = static_cast<int64_t>(dt.timestamp().epochMicroseconds()) -
             static_cast<int64_t>(tzd) * 1000000;
      return Status::OK();
    }
  }
  return mismatch("a value");
}

Status ConfigParser::ParseBuffer(const YAML::Node& n, const Path& path, BufferOptions* out) {
  SINKHOST_RETURN_NOT_OK(r_.CheckMap(n, path,
                                     KNOWN("max_events", "max_bytes", "flush_interval",
                                           "when_full", "block_timeout", "max_pending_batches")));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_events", path, [&](const auto& x, const auto& p) {
    return r_.Int(x, p, 1, INT64_MAX, &out->max_events);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_bytes", path, [&](const auto& x, const auto& p) {
    return r_.Size(x, p, &out->max_bytes);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "flush_interval", path, [&](const auto& x, const auto& p) {
    return r_.Duration(x, p, /*allow_zero=*/true, &out->flush_interval_ms);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "when_full", path, [&](const auto& x, const auto& p) {
    std::string v;
    SINKHOST_RETURN_NOT_OK(r_.OneOf(x, p, {"block", "drop_newest"}, &v));
    out->when_full =
        v == "block" ? BufferOptions::WhenFull::kBlock : BufferOptions::WhenFull::kDropNewest;
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "block_timeout", path, [&](const auto& x, const auto& p) {
    return r_.Duration(x, p, /*allow_zero=*/true, &out->block_timeout_ms);
  }));
  return IfPresent(n, "max_pending_batches", path, [&](const auto& x, const auto& p) {
    int64_t v = 0;
    SINKHOST_RETURN_NOT_OK(r_.Int(x, p, 1, 1000000, &v));
    out->max_pending_batches = static_cast<int>(v);
    return Status::OK();
  });
}

Status ConfigParser::ParseRetry(const YAML::Node& n, const Path& path, RetryPolicy* out) {
  SINKHOST_RETURN_NOT_OK(r_.CheckMap(n, path, KNOWN("initial_delay", "max_delay")));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "initial_delay", path, [&](const auto& x, const auto& p) {
    return r_.Duration(x, p, /*allow_zero=*/false, &out->initial_delay_ms);
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_delay", path, [&](const auto& x, const auto& p) {
    return r_.Duration(x, p, /*allow_zero=*/false, &out->max_delay_ms);
  }));
  if (out->max_delay_ms < out->initial_delay_ms)
    return r_.Fail(n, YamlReader::Child(path, "max_delay"),
                   "must not be shorter than initial_delay (" +
                       std::to_string(out->initial_delay_ms) + " ms), got " +
                       std::to_string(out->max_delay_ms) + " ms");
  return Status::OK();
}

Status ConfigParser::ParseWal(const YAML::Node& n, const Path& path, WalOptions* out) {
  SINKHOST_RETURN_NOT_OK(
      r_.CheckMap(n, path, KNOWN("fsync", "fsync_interval", "segment_size", "max_size")));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "fsync", path, [&](const auto& x, const auto& p) {
    std::string v;
    SINKHOST_RETURN_NOT_OK(r_.OneOf(x, p, {"always", "interval", "never"}, &v));
    (void)ParseFsyncPolicy(v, &out->fsync);
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "fsync_interval", path, [&](const auto& x, const auto& p) {
    return r_.Duration(x, p, /*allow_zero=*/false, &out->fsync_interval_ms);
  }));
  // A segment is read whole into memory at replay, and the log's records
  // must fit in one; these bounds keep both sane.
  constexpr uint64_t kMinSegment = 4u << 10, kMaxSegment = 1u << 30;
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "segment_size", path, [&](const auto& x, const auto& p) {
    SINKHOST_RETURN_NOT_OK(r_.Size(x, p, &out->segment_bytes));
    if (out->segment_bytes < kMinSegment || out->segment_bytes > kMaxSegment)
      return r_.Fail(x, p, "must be from 4KiB to 1GiB, got " + YamlReader::Describe(x));
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(n, "max_size", path, [&](const auto& x, const auto& p) {
    return r_.Size(x, p, &out->max_total_bytes);
  }));
  if (out->max_total_bytes < out->segment_bytes)
    return r_.Fail(n["max_size"].IsDefined() ? n["max_size"] : n,
                   YamlReader::Child(path, "max_size"),
                   "must be at least segment_size (" + std::to_string(out->segment_bytes) +
                       " bytes), got " + std::to_string(out->max_total_bytes) + " bytes");
  return Status::OK();
}

Status ConfigParser::ParseSinks(const YAML::Node& n, const Path& path,
                                std::vector<SinkConfig>* out) {
  SINKHOST_RETURN_NOT_OK(r_.CheckList(n, path));
  if (n.size() == 0) return r_.Fail(n, path, "must list at least one sink");
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node s = n[i];
    const Path p = YamlReader::Index(path, i);
    SINKHOST_RETURN_NOT_OK(r_.CheckMap(
        s, p, KNOWN("plugin", "name", "options", "isolation", "timeouts", "worker")));
    SinkConfig sink;
    const YAML::Node plugin = s["plugin"];
    const Path plugin_path = YamlReader::Child(p, "plugin");
    if (!plugin.IsDefined()) return r_.Fail(s, plugin_path, "is required");
    SINKHOST_RETURN_NOT_OK(r_.NonEmptyString(plugin, plugin_path, &sink.plugin));
    SINKHOST_RETURN_NOT_OK(Identifier(plugin, plugin_path, "plugin name", sink.plugin));
    sink.name = sink.plugin;
    SINKHOST_RETURN_NOT_OK(IfPresent(s, "name", p, [&](const auto& x, const auto& np) {
      SINKHOST_RETURN_NOT_OK(r_.NonEmptyString(x, np, &sink.name));
      return Identifier(x, np, "sink name", sink.name);
    }));
    for (size_t j = 0; j < out->size(); ++j) {
      if ((*out)[j].name == sink.name)
        return r_.Fail(s, YamlReader::Child(p, "name"),
                       "sink name '" + sink.name + "' is already used by " +
                           YamlReader::Index("sinks", j) +
                           " (a sink's name defaults to its plugin; give each one a distinct "
                           "name)");
    }
    SINKHOST_RETURN_NOT_OK(IfPresent(s, "options", p, [&](const auto& x, const auto& op) {
      SINKHOST_RETURN_NOT_OK(r_.CheckOpenMap(x, op));
      for (auto it = x.begin(); it != x.end(); ++it) {
        std::string value;
        SINKHOST_RETURN_NOT_OK(
            r_.Scalar(it->second, YamlReader::Child(op, it->first.Scalar()), &value));
        sink.options[it->first.Scalar()] = value;
      }
      return Status::OK();
    }));
    SINKHOST_RETURN_NOT_OK(ParseSinkIsolation(s, p, &sink));
    out->push_back(std::move(sink));
  }
  return Status::OK();
}

Status ConfigParser::ParseSinkIsolation(const YAML::Node& s, const Path& p, SinkConfig* sink) {
  SINKHOST_RETURN_NOT_OK(IfPresent(s, "isolation", p, [&](const auto& x, const auto& ip) {
    std::string text;
    SINKHOST_RETURN_NOT_OK(r_.NonEmptyString(x, ip, &text));
    if (!ParseIsolation(text, &sink->isolation))
      return r_.Fail(x, ip, "must be process or in_process, got \"" + text + "\"");
    sink->isolation_set = true;
    return Status::OK();
  }));
  SINKHOST_RETURN_NOT_OK(IfPresent(s, "timeouts", p, [&](const auto& x, const auto& tp) {
    SINKHOST_RETURN_NOT_OK(r_.CheckMap(x, tp, KNOWN("open", "write", "flush", "close")));
    CallTimeouts& t = sink->timeouts;
    // Plain pair members, not a structured binding: clang 14 cannot capture those in a lambda.
    for (const auto& kind : {std::pair{"open", &t.open_ms}, std::pair{"write", &t.write_ms},
                             std::pair{"flush", &t.flush_ms}, std::pair{"close", &t.close_ms}}) {
      int64_t* ms = kind.second;
      SINKHOST_RETURN_NOT_OK(IfPresent(x, kind.first, tp, [&](const auto& y, const auto& yp) {
        return r_.Duration(y, yp, /*allow_zero=*/false, ms);
      }));
    }
    return Status::OK();
  }));
  return IfPresent(s, "worker", p, [&](const auto& x, const auto& wp) {
    SINKHOST_RETURN_NOT_OK(
        r_.CheckMap(x, wp, KNOWN("memory_limit", "cpu_per_call", "crash_limit")));
    SINKHOST_RETURN_NOT_OK(IfPresent(x, "memory_limit", wp, [&](const auto& y, const auto& yp) {
      SINKHOST_RETURN_NOT_OK(r_.Size(y, yp, &sink->worker_memory_limit));
      if (sink->worker_memory_limit < (uint64_t{64} << 20))
        return r_.Fail(y, yp, "must be at least 64MiB (a worker needs that much to start)");
      return Status::OK();
    }));
    SINKHOST_RETURN_NOT_OK(IfPresent(x, "cpu_per_call", wp, [&](const auto& y, const auto& yp) {
      int64_t ms = 0;
      SINKHOST_RETURN_NOT_OK(r_.Duration(y, yp, /*allow_zero=*/false, &ms));
      if (ms < 1000) return r_.Fail(y, yp, "must be at least 1s (CPU time is counted in seconds)");
      sink->worker_cpu_per_call_s = ms / 1000;
      return Status::OK();
    }));
    return IfPresent(x, "crash_limit", wp, [&](const auto& y, const auto& yp) {
      int64_t v = 0;
      SINKHOST_RETURN_NOT_OK(r_.Int(y, yp, 1, 100, &v));
      sink->worker_crash_limit = static_cast<int>(v);
      return Status::OK();
    });
  });
}

Status ConfigParser::ResolvePlausibleStream(const YAML::Node& root) {
  std::string& chosen = out_->ingest.plausible_stream;
  if (!chosen.empty()) {
    const YAML::Node at = root["ingest"]["plausible_stream"];
    const StreamConfig* s = out_->FindStream(chosen);
    if (s == nullptr)
      return r_.Fail(at, "ingest.plausible_stream", "no stream is named \"" + chosen + "\"");
    if (s->schema.kind() != Schema::Kind::kPlausible)
      return r_.Fail(at, "ingest.plausible_stream",
                     "stream \"" + chosen + "\" does not have schema: plausible");
    return Status::OK();
  }
  // Default: the stream called "events" when it takes Plausible events,
  // else the first one that does, else none (POST /api/event answers 404).
  const StreamConfig* events = out_->FindStream("events");
  if (events != nullptr && events->schema.kind() == Schema::Kind::kPlausible) {
    chosen = "events";
    return Status::OK();
  }
  for (const StreamConfig& s : out_->streams) {
    if (s.schema.kind() == Schema::Kind::kPlausible) {
      chosen = s.name;
      break;
    }
  }
  return Status::OK();
}

}  // namespace

std::string ListenAddress::ToString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Status ParseListenAddress(std::string_view text, ListenAddress* out) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(std::string(why) + " (expected HOST:PORT such as " +
                                   "127.0.0.1:8080, [::1]:8080 or :8080), got \"" +
                                   std::string(text) + "\"");
  };
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("an IPv6 address needs brackets and a port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("missing port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("an IPv6 address needs brackets");
  }
  int p = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p < 0 ||
      p > 65535)
    return bad("the port must be a number from 0 to 65535");
  out->host = host.empty() ? "0.0.0.0" : std::string(host);
  out->port = static_cast<uint16_t>(p);
  return Status::OK();
}

const StreamConfig* HostConfig::FindStream(std::string_view name) const {
  for (const StreamConfig& s : streams)
    if (s.name == name) return &s;
  return nullptr;
}

Status NormalizeLogLevel(std::string_view name, std::string* out) {
  static const char* const kLevels[] = {"none",   "fatal",       "critical", "error", "warning",
                                        "notice", "information", "debug",    "trace"};
  if (name == "info") name = "information";
  if (name == "warn") name = "warning";
  for (const char* level : kLevels) {
    if (name == level) {
      *out = level;
      return Status::OK();
    }
  }
  return Status::InvalidArgument("unknown log level \"" + std::string(name) +
                                 "\" (known: trace, debug, information, notice, warning, error, "
                                 "critical, fatal, none)");
}

Status ParseHostConfig(std::string_view yaml_text, HostConfig* out) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  HostConfig config;
  ConfigParser parser(&config);
  SINKHOST_RETURN_NOT_OK(parser.Parse(root));
  *out = std::move(config);
  return Status::OK();
}

Status LoadHostConfig(const std::string& path, HostConfig* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read config file " + path);
  std::stringstream text;
  text << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  HostConfig config;
  ConfigParser parser(&config);
  Status st = parser.Parse(root);
  if (!st.ok()) {
    const int line = parser.error_line();
    return st.WithContext(line > 0 ? path + ":" + std::to_string(line) : path);
  }
  *out = std::move(config);
  return Status::OK();
}

}  // namespace sinkhost
