// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The floor of sinkhost's HTTP layer: the host's own ingest listener
// (HttpListener: Poco's HTTPServer with the host's thread pool, keep-alive
// and timeout settings) serving a handler that reads the body as the host's
// handler does (ReadBody) and answers 202 "ok" as it does (SendBody), with
// no parsing, no stream, no write-ahead log. bench/run.sh puts it beside
// nginx and the real host: what this cannot exceed, the host cannot either,
// so the host's gap to nginx splits into Poco's part (this vs nginx) and
// sinkhost's own (the host vs this).
//
//   bench_http_floor PORT THREADS
//
// Serves on 127.0.0.1:PORT until SIGTERM or SIGINT.
//
// Thread safety: Poco calls the handler from its pool threads; the handler
// keeps only per-thread state.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "host/http/http_listener.h"
#include "host/http/http_util.h"

using namespace sinkhost;

namespace {

class OkHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    static const std::string kAllowOrigin = "Access-Control-Allow-Origin";
    static const std::string kAny = "*";
    static const std::string kTextPlain = "text/plain; charset=utf-8";
    thread_local std::string body;
    response.set(kAllowOrigin, kAny);
    if (ReadBody(request, 10u << 20, &body) != BodyRead::kOk) {
      response.setKeepAlive(false);
      SendBody(response, 400, kTextPlain, "bad body");
      return;
    }
    SendBody(response, 202, kTextPlain, "ok");
  }
};

class OkFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new OkHandler();  // as the host's factory: one handler per request
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_http_floor PORT THREADS\n");
    return 2;
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before Poco starts threads

  ListenerOptions options;  // the host's ingest defaults (host_config.h)
  options.name = "ingest";
  options.listen = ListenAddress{"127.0.0.1", static_cast<uint16_t>(std::atoi(argv[1]))};
  options.max_threads = std::atoi(argv[2]);
  options.max_queued = 256;
  std::unique_ptr<HttpListener> listener;
  if (Status st = HttpListener::Bind(options, &listener); !st.ok()) {
    std::fprintf(stderr, "bench_http_floor: %s\n", st.ToString().c_str());
    return 1;
  }
  listener->Start(new OkFactory());
  int sig = 0;
  sigwait(&stop, &sig);
  listener->Stop();
  return 0;
}
