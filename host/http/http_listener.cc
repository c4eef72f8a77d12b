// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/http_listener.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>

#include "host/app/version.h"

namespace sinkhost {

Status HttpListener::Bind(const ListenerOptions& options, std::unique_ptr<HttpListener>* out) {
  std::unique_ptr<HttpListener> l(new HttpListener(options));
  try {
    Poco::Net::SocketAddress address(options.listen.host, options.listen.port);
    l->socket_.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    l->socket_.listen(std::max(64, options.max_queued));
    l->port_ = l->socket_.address().port();
  } catch (const Poco::Exception& e) {
    return Status::IoError(options.name + ".listen: cannot listen on " +
                           options.listen.ToString() + ": " + e.displayText());
  }
  *out = std::move(l);
  return Status::OK();
}

HttpListener::~HttpListener() { Stop(); }

std::string HttpListener::address() const {
  ListenAddress a = options_.listen;
  a.port = port_;
  return a.ToString();
}

void HttpListener::Start(Poco::Net::HTTPRequestHandlerFactory::Ptr factory) {
  const int threads = options_.max_threads;
  // Poco's default pool holds only 16 threads; each listener has its own.
  pool_ = std::make_unique<Poco::ThreadPool>(options_.name, std::min(2, threads), threads,
                                             /*idleTime=*/60);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(threads);
  params->setMaxQueued(options_.max_queued);
  // A dispatcher thread that misses its stop notice (a race inside Poco's
  // TCPServerDispatcher at stop) idles this long before it ends, and Stop()
  // joins it: with 60 s a SIGTERM sometimes took a minute. Restarting an idle
  // dispatcher later costs next to nothing, since the pool keeps its threads.
  params->setThreadIdleTime(Poco::Timespan(1, 0));
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);  // unlimited
  params->setKeepAliveTimeout(Poco::Timespan(options_.keep_alive_timeout_ms * 1000));
  params->setTimeout(Poco::Timespan(options_.request_timeout_ms * 1000));
  params->setSoftwareVersion(std::string("sinkhost/") + HostVersion());
  server_ = std::make_unique<Poco::Net::HTTPServer>(factory, *pool_, socket_, params);
  server_->start();
}

void HttpListener::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (server_ != nullptr) {
    // Waits for each request in progress to finish, then shuts the
    // connections down (idle keep-alive ones at once).
    server_->stopAll(/*abortCurrent=*/false);
    pool_->joinAll();
    server_.reset();
  }
  try {
    socket_.close();
  } catch (const Poco::Exception&) {
  }
}

}  // namespace sinkhost
