// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/app/host.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>

#include "host/app/open_files.h"
#include "host/app/plugin_dirs.h"
#include "host/app/version.h"

namespace sinkhost {

namespace {

Poco::Logger& MainLog() {
  static Poco::Logger& log = Poco::Logger::get("sinkhost.main");
  return log;
}

// Admin requests carry no meaningful bodies.
constexpr uint64_t kMaxAdminBody = 64 * 1024;
// Dashboards and scrapers: a handful each.
constexpr size_t kAdminMaxConnections = 256;
// A burst of new connections (1,024 clients opening at once) must not
// overflow the listen queue before the accepting loop gets to them.
constexpr int kMinBacklog = 1024;

std::string ServerHeader() { return std::string("Server: sinkhost/") + HostVersion() + "\r\n"; }

std::string JoinDirs(const std::vector<std::string>& dirs) {
  std::string out;
  for (const std::string& d : dirs) out += (out.empty() ? "" : ", ") + d;
  return out;
}

}  // namespace

Status Host::Create(const HostConfig& config, std::unique_ptr<Host>* out) {
  std::unique_ptr<Host> host(new Host());
  host->config_ = config;
  host->plugin_dirs_ = PluginDirs(config);

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec)
    return Status::IoError("data_dir: cannot create '" + config.data_dir + "': " + ec.message());

  // Sockets first: a busy port should fail before any sink is opened.
  HttpServerOptions ingest;
  ingest.name = "ingest";
  ingest.listen = config.ingest.listen;
  ingest.io_threads = config.ingest.io_threads > 0
                          ? config.ingest.io_threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ingest.blocking_threads = config.ingest.max_threads;
  ingest.backlog = std::max(config.ingest.max_queued, kMinBacklog);
  std::string limit_warning;
  ingest.max_connections = ConnectionsWithinOpenFilesLimit(
      static_cast<size_t>(config.ingest.max_connections), &limit_warning);
  if (!limit_warning.empty()) MainLog().warning(limit_warning);
  ingest.max_body = config.ingest.max_body;
  ingest.max_body_key = "ingest.max_body";
  ingest.keep_alive_timeout_ms = config.ingest.keep_alive_timeout_ms;
  ingest.header_timeout_ms = config.ingest.header_timeout_ms;
  ingest.request_timeout_ms = config.ingest.request_timeout_ms;
  // The official tracker posts from any site: CORS on every answer.
  ingest.fixed_headers = ServerHeader() + "Access-Control-Allow-Origin: *\r\n";
  SINKHOST_RETURN_NOT_OK(HttpServer::Bind(ingest, &host->ingest_));
  if (config.admin.enabled) {
    HttpServerOptions admin;
    admin.name = "admin";
    admin.listen = config.admin.listen;
    admin.io_threads = 1;
    admin.blocking_threads = config.admin.max_threads;
    admin.max_connections = kAdminMaxConnections;
    admin.max_body = kMaxAdminBody;
    admin.max_body_key = "the admin API's request limit";
    admin.fixed_headers = ServerHeader();
    SINKHOST_RETURN_NOT_OK(HttpServer::Bind(admin, &host->admin_));
  }

  MainLog().debug("plugin directories: " + JoinDirs(host->plugin_dirs_));
  SINKHOST_RETURN_NOT_OK(StreamSet::Create(config, host->plugin_dirs_, &host->streams_));
  host->ingest_counters_ = std::make_unique<RequestCounters>("ingest");
  host->admin_counters_ = std::make_unique<RequestCounters>("admin");
  *out = std::move(host);
  return Status::OK();
}

Host::~Host() { Stop(); }

void Host::Start() {
  if (started_) return;
  started_ = true;
  started_at_ = WallClock::now();
  started_steady_ = Clock::now();
  streams_->Start();

  IngestEndpoints ie;
  ie.streams = streams_.get();
  ie.max_body = config_.ingest.max_body;
  if (config_.ingest.rate_limit_per_second > 0) {
    rate_limiter_ = std::make_unique<RateLimiter>(config_.ingest.rate_limit_per_second,
                                                  config_.ingest.rate_limit_burst);
    ie.rate_limiter = rate_limiter_.get();
    ie.trust_forwarded_for = config_.ingest.trust_forwarded_for;
  }
  ie.trusted_proxy_hops = config_.ingest.trusted_proxy_hops;
  ingest_handler_ = std::make_unique<IngestHandler>(ie);
  ingest_->Start(ingest_handler_.get(), ingest_counters_.get());
  if (admin_ != nullptr) {
    AdminEndpoints ae;
    ae.streams = streams_.get();
    ae.snapshot = [this] { return Snapshot(); };
    ae.default_flush_timeout_ms = config_.shutdown_timeout_ms;
    ae.token = config_.admin.token;
    admin_handler_ = std::make_unique<AdminHandler>(std::move(ae));
    admin_->Start(admin_handler_.get(), admin_counters_.get());
  }

  for (const auto& e : streams_->entries()) {
    const Stream& s = *e->stream;
    std::string sinks;
    for (const StreamConfig& sc : config_.streams) {
      if (sc.name != s.name()) continue;
      for (const SinkConfig& k : sc.sinks)
        sinks += (sinks.empty() ? "" : ", ") + k.name + " (" + k.plugin + ")";
    }
    MainLog().information("stream '" + s.name() + "' (" +
                          (s.schema().kind() == Schema::Kind::kPlausible ? "plausible" : "custom") +
                          " schema) -> " + sinks);
  }
  if (streams_->plausible() != nullptr)
    MainLog().information("POST /api/event feeds stream '" + streams_->plausible()->name() + "'");
  MainLog().information("ingest listening on " + ingest_->address());
  if (admin_ != nullptr) MainLog().information("admin listening on " + admin_->address());
  MainLog().information(std::string("sinkhost ") + HostVersion() + " ready");
}

int64_t Host::Stop() {
  if (stopped_) return undelivered_;
  stopped_ = true;
  // Also reached from ~Host after a failed Create, with parts missing.
  if (started_) MainLog().information("stopping: closing the ingest listener");
  if (ingest_ != nullptr) ingest_->Stop();
  if (started_)
    MainLog().information("flushing every stream to its sinks (up to " +
                          std::to_string(config_.shutdown_timeout_ms) + " ms)");
  if (streams_ != nullptr)
    undelivered_ = streams_->Shutdown(
        std::chrono::milliseconds(started_ ? config_.shutdown_timeout_ms : 0));
  if (admin_ != nullptr) admin_->Stop();
  if (undelivered_ > 0) {
    MainLog().error(std::to_string(undelivered_) +
                    " rows were not delivered before shutdown_timeout");
  } else if (started_) {
    MainLog().information("stopped cleanly");
  }
  return undelivered_;
}

bool Host::stuck_at_stop() const {
  if (streams_ == nullptr) return false;
  for (const auto& e : streams_->entries())
    if (e->stream->stuck_at_shutdown()) return true;
  return false;
}

uint16_t Host::ingest_port() const { return ingest_->port(); }
uint16_t Host::admin_port() const { return admin_ != nullptr ? admin_->port() : 0; }

HostSnapshot Host::Snapshot() const {
  HostSnapshot s;
  s.version = HostVersion();
  s.started_at_us =
      std::chrono::duration_cast<std::chrono::microseconds>(started_at_.time_since_epoch())
          .count();
  s.uptime_seconds = std::chrono::duration<double>(Clock::now() - started_steady_).count();
  if (streams_->plausible() != nullptr) s.plausible_stream = streams_->plausible()->name();
  s.streams = streams_->Stats();
  for (const auto& e : streams_->entries())
    if (e->enricher != nullptr) s.enrichment.emplace_back(e->stream->name(), e->enricher->stats());
  s.listeners.push_back(ingest_counters_->Snapshot());
  s.listeners.push_back(admin_counters_->Snapshot());
  return s;
}

}  // namespace sinkhost
