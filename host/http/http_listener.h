// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// HttpListener: one Poco HTTPServer on its own socket and thread pool
// (sinkhost runs two: ingest and admin). Binding is separate from serving,
// so a busy port fails startup before any stream starts.
//
// Each connection holds one pool thread for as long as it is kept alive;
// max_threads therefore bounds the connections served at once, and further
// accepted connections wait in a queue of max_queued.
//
// Stop() stops accepting, lets requests in progress finish and answer,
// closes idle keep-alive connections, then joins the threads.
//
// Thread safety: Bind, Start and Stop from one controlling thread; port()
// from any.
#ifndef SINKHOST_HOST_HTTP_HTTP_LISTENER_H_
#define SINKHOST_HOST_HTTP_HTTP_LISTENER_H_

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <cstdint>
#include <memory>
#include <string>

#include "host/config/host_config.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

struct ListenerOptions {
  std::string name;  // "ingest" or "admin": logs, errors, thread names
  ListenAddress listen;
  int max_threads = 16;
  int max_queued = 64;
  int64_t keep_alive_timeout_ms = 15000;
  int64_t request_timeout_ms = 60000;
};

class HttpListener {
 public:
  // Binds and listens (with SO_REUSEADDR); serves nothing yet.
  static Status Bind(const ListenerOptions& options, std::unique_ptr<HttpListener>* out);
  ~HttpListener();  // Stop()

  // Starts serving with `factory` (the server takes ownership).
  void Start(Poco::Net::HTTPRequestHandlerFactory::Ptr factory);
  void Stop();

  uint16_t port() const { return port_; }
  // "127.0.0.1:8080", with the real port when 0 was asked for.
  std::string address() const;
  const std::string& name() const { return options_.name; }

 private:
  explicit HttpListener(ListenerOptions options) : options_(std::move(options)) {}

  const ListenerOptions options_;
  uint16_t port_ = 0;
  Poco::Net::ServerSocket socket_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;  // null until Start
  bool stopped_ = false;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_HTTP_LISTENER_H_
