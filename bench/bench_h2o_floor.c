// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The floor of the h2o library (Debian 12's libh2o-evloop 2.2.5): a minimal
// h2o server answering every request (any method, any path) with 202
// Accepted, "Access-Control-Allow-Origin: *", a text/plain body "ok", and
// keep-alive, as the host's ingest does, with no work behind it. Beside
// nginx and a Boost.Beast/Asio server it shows the fastest an h2o server
// answers on this machine.
//
//   bench_h2o_floor PORT THREADS
//
// Serves HTTP/1.1 on 127.0.0.1:PORT until SIGTERM or SIGINT, then exits 0.
// Each of the THREADS threads runs its own h2o event loop and h2o context
// with its own listening socket, all bound to the same port with
// SO_REUSEPORT, so the kernel spreads the connections over the threads (by
// a hash of the connection's addresses: with few connections the spread can
// be uneven). h2o 2.2.5 reads a request's whole body (Content-Length or
// chunked) into req->entity before it calls the handler; the handler
// ignores it, so bodies are read and discarded.
//
// Thread safety: the h2o_globalconf_t is built before the threads start and
// only read afterwards; everything else (loop, context, listener, the
// connections) belongs to one thread. SIGTERM and SIGINT are blocked in
// every thread and taken by the main thread with sigwait, which sets a flag
// the loops check between h2o_evloop_run calls of at most 100 ms.

// h2o's headers need POSIX declarations (struct addrinfo) that a strict
// -std=c11 hides, and they assume libuv unless told otherwise; this is
// the evloop build of the library.
#define _GNU_SOURCE
#define H2O_USE_LIBUV 0

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <h2o.h>

enum { kMaxThreads = 256, kAcceptsPerWakeup = 16, kLoopWaitMs = 100 };

typedef struct {
  pthread_t thread;
  int listen_fd;
  h2o_context_t ctx;
  h2o_accept_ctx_t accept_ctx;
} worker_t;

static h2o_globalconf_t g_config;
static atomic_int g_stopping;

static int OnRequest(h2o_handler_t* self, h2o_req_t* req) {
  static h2o_generator_t generator = {NULL, NULL};
  static const char kBody[] = "ok";
  (void)self;
  req->res.status = 202;
  req->res.reason = "Accepted";
  req->res.content_length = sizeof(kBody) - 1;
  // Without orig_name h2o writes a token's name in lower case.
  h2o_add_header(&req->pool, &req->res.headers,
                 H2O_TOKEN_ACCESS_CONTROL_ALLOW_ORIGIN,
                 "Access-Control-Allow-Origin", H2O_STRLIT("*"));
  h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
                 "Content-Type", H2O_STRLIT("text/plain; charset=utf-8"));
  h2o_start_response(req, &generator);
  // The body is static, so h2o may keep pointing at it until it is written.
  h2o_iovec_t body = h2o_iovec_init(kBody, sizeof(kBody) - 1);
  if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"))) {
    h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
  } else {
    h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
  }
  return 0;
}

static void OnAccept(h2o_socket_t* listener, const char* err) {
  worker_t* w = listener->data;
  if (err != NULL) return;
  // The listener is level-triggered: take a few per wake-up, leave the rest
  // for the next turn of the loop.
  for (int i = 0; i < kAcceptsPerWakeup; ++i) {
    h2o_socket_t* sock = h2o_evloop_socket_accept(listener);
    if (sock == NULL) break;  // h2o sets TCP_NODELAY on it already
    h2o_accept(&w->accept_ctx, sock);
  }
}

// A non-blocking listening socket on 127.0.0.1:port that shares the port
// with the other threads' sockets. Returns -1 (errno set) on failure.
static int Listen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons((uint16_t)port);
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
      bind(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0 ||
      listen(fd, SOMAXCONN) != 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

static void* RunWorker(void* arg) {
  worker_t* w = arg;
  h2o_context_init(&w->ctx, h2o_evloop_create(), &g_config);
  w->accept_ctx.ctx = &w->ctx;
  w->accept_ctx.hosts = g_config.hosts;
  h2o_socket_t* listener = h2o_evloop_socket_create(
      w->ctx.loop, w->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
  listener->data = w;
  h2o_socket_read_start(listener, OnAccept);
  while (!atomic_load(&g_stopping)) {
    h2o_evloop_run(w->ctx.loop, kLoopWaitMs);
  }
  // Stop accepting; the process exits next, which closes the connections.
  h2o_socket_read_stop(listener);
  h2o_socket_close(listener);
  h2o_evloop_run(w->ctx.loop, 0);
  return NULL;
}

static int ParseInt(const char* s, int lo, int hi, int* out) {
  char* end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) return -1;
  *out = (int)v;
  return 0;
}

int main(int argc, char** argv) {
  int port = 0;
  int threads = 0;
  if (argc != 3 || ParseInt(argv[1], 1, 65535, &port) != 0 ||
      ParseInt(argv[2], 1, kMaxThreads, &threads) != 0) {
    fprintf(stderr, "usage: %s PORT THREADS (THREADS 1..%d)\n", argv[0],
            kMaxThreads);
    return 2;
  }

  signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  // Blocked before any thread starts, so every thread inherits the mask
  // and only sigwait below takes these signals.
  pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

  h2o_config_init(&g_config);
  g_config.http1.upgrade_to_http2 = 0; /* plain HTTP/1.1 only */
  h2o_hostconf_t* host = h2o_config_register_host(
      &g_config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
  h2o_pathconf_t* path = h2o_config_register_path(host, "/", 0);
  h2o_handler_t* handler = h2o_create_handler(path, sizeof(*handler));
  handler->on_req = OnRequest;

  worker_t* workers = calloc((size_t)threads, sizeof(*workers));
  if (workers == NULL) {
    perror("calloc");
    return 1;
  }
  // All sockets are bound before serving starts, so a port in use is an
  // error at start-up, not a thread missing later.
  for (int i = 0; i < threads; ++i) {
    if ((workers[i].listen_fd = Listen(port)) < 0) {
      fprintf(stderr, "listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
      return 1;
    }
  }
  for (int i = 0; i < threads; ++i) {
    int rc = pthread_create(&workers[i].thread, NULL, RunWorker, &workers[i]);
    if (rc != 0) {
      fprintf(stderr, "pthread_create: %s\n", strerror(rc));
      return 1;
    }
  }

  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  atomic_store(&g_stopping, 1);
  for (int i = 0; i < threads; ++i) pthread_join(workers[i].thread, NULL);
  free(workers);
  return 0;
}
