// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The floor of sinkhost's HTTP layer: the host's own HttpServer (event
// loops, Beast's parser, the ingest listener's defaults and fixed headers)
// with a handler that answers 202 "ok" to every request, as the host's
// /api/event does, with no parsing, no stream, no write-ahead log.
// bench/run.sh puts it beside nginx and the real host: what this cannot
// exceed, the host cannot either, so the host's gap to nginx splits into
// the server's part (this vs nginx) and sinkhost's own (the host vs this).
//
//   bench_http_floor PORT IO_THREADS
//
// Serves on 127.0.0.1:PORT until SIGTERM or SIGINT.
//
// Thread safety: the handler is stateless.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "host/http/http_server.h"

using namespace sinkhost;

namespace {

class OkHandler final : public HttpHandler {
 public:
  void Handle(const HttpRequest&, HttpResponse* response) override {
    response->SetBody(202, "text/plain; charset=utf-8", "ok");
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_http_floor PORT IO_THREADS\n");
    return 2;
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before any thread starts

  HttpServerOptions options;  // the host's ingest defaults (host/app/host.cc)
  options.name = "ingest";
  options.listen = ListenAddress{"127.0.0.1", static_cast<uint16_t>(std::atoi(argv[1]))};
  options.io_threads = std::atoi(argv[2]);
  options.fixed_headers = "Server: sinkhost\r\nAccess-Control-Allow-Origin: *\r\n";
  std::unique_ptr<HttpServer> server;
  if (Status st = HttpServer::Bind(options, &server); !st.ok()) {
    std::fprintf(stderr, "bench_http_floor: %s\n", st.ToString().c_str());
    return 1;
  }
  OkHandler handler;
  RequestCounters counters("ingest");
  server->Start(&handler, &counters);
  int sig = 0;
  sigwait(&stop, &sig);
  server->Stop();
  return 0;
}
