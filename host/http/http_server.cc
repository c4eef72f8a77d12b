// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/http_server.h"

#include <pthread.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "host/http/http_connection.h"

namespace sinkhost {

using boost::asio::ip::tcp;
using http_internal::Connection;
using http_internal::EventLoop;

namespace {

// Past max_connections, a new connection is answered 503 (and closed) up
// to this many more; beyond them it is closed without an answer.
size_t RefusalSlack(size_t max_connections) { return max_connections / 16 + 64; }

bool IsResourceShortage(const boost::system::error_code& ec) {
  return ec == boost::asio::error::no_descriptors || ec == boost::asio::error::no_buffer_space ||
         ec == boost::asio::error::no_memory || ec.value() == ENFILE;
}

// Runs `fn` on the loop's thread and waits for it.
template <typename Fn>
void RunOnLoop(EventLoop* loop, Fn fn) {
  std::promise<void> done;
  boost::asio::post(loop->ioc, [&] {
    fn();
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace

struct HttpServer::Impl {
  explicit Impl(const HttpServerOptions& o) {
    shared.options = o;
    shared.options.io_threads = std::max(1, o.io_threads);
    shared.log = &Poco::Logger::get(o.name == "admin" ? "sinkhost.admin" : "sinkhost.http");
    for (int i = 0; i < shared.options.io_threads; ++i)
      loops.push_back(std::make_unique<EventLoop>(&shared));
    acceptor = std::make_unique<tcp::acceptor>(loops.front()->ioc);
    accept_retry = std::make_unique<boost::asio::steady_timer>(loops.front()->ioc);
    refuse_message = "the " + o.name + " listener has " + std::to_string(o.max_connections) +
                     " connections open (" + o.name + ".max_connections); retry later";
  }

  void Accept();
  void Admit(EventLoop* loop, tcp::socket socket);

  http_internal::ServerShared shared;
  std::vector<std::unique_ptr<EventLoop>> loops;
  std::unique_ptr<tcp::acceptor> acceptor;  // on loops[0]
  std::unique_ptr<boost::asio::steady_timer> accept_retry;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  std::string refuse_message;
  // On loops[0]'s thread only.
  size_t next_loop = 0;
  int64_t last_accept_warning_ms = 0;
  // The controlling thread's.
  bool started = false;
  bool stopped = false;
};

void HttpServer::Impl::Accept() {
  EventLoop* target = loops[next_loop++ % loops.size()].get();
  // The new socket belongs to `target`'s loop from the start.
  acceptor->async_accept(target->ioc, [this, target](const boost::system::error_code& ec,
                                                     tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor->is_open()) return;
    if (ec) {
      if (!IsResourceShortage(ec)) return Accept();
      // Out of file descriptors: accepting again at once would spin.
      const int64_t now = http_internal::NowMs();
      if (now - last_accept_warning_ms > 10000) {
        last_accept_warning_ms = now;
        shared.log->warning(shared.options.name + ": cannot accept connections: " + ec.message() +
                            " (raise the open-files limit, or lower " + shared.options.name +
                            ".max_connections)");
      }
      accept_retry->expires_after(std::chrono::milliseconds(100));
      accept_retry->async_wait([this](const boost::system::error_code& e) {
        if (!e) Accept();
      });
      return;
    }
    Admit(target, std::move(socket));
    Accept();
  });
}

void HttpServer::Impl::Admit(EventLoop* loop, tcp::socket socket) {
  const size_t open = shared.open_connections.load(std::memory_order_relaxed);
  const size_t max = shared.options.max_connections;
  if (open >= max + RefusalSlack(max)) return;  // closed by the socket's destructor
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  socket.native_non_blocking(true, ec);
  if (ec) return;
  std::string peer;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (!ec) peer = remote.address().to_string();
  // From here the loop's ReadinessSet watches the socket, not asio.
  const int fd = socket.release(ec);
  if (ec) return;
  shared.open_connections.fetch_add(1, std::memory_order_relaxed);
  const bool refuse = open >= max;
  boost::asio::post(loop->ioc, [this, loop, refuse, fd, peer = std::move(peer)]() mutable {
    auto* c = new Connection(loop, fd, std::move(peer));
    c->Start(refuse ? &refuse_message : nullptr);
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Status HttpServer::Bind(const HttpServerOptions& options, std::unique_ptr<HttpServer>* out) {
  auto impl = std::make_unique<Impl>(options);
  auto fail = [&](const std::string& why) {
    return Status::IoError(options.name + ".listen: cannot listen on " +
                           options.listen.ToString() + ": " + why);
  };
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  const boost::asio::ip::address address =
      boost::asio::ip::make_address(options.listen.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, options.listen.port);
  } else {
    // A name such as "localhost": its first address.
    tcp::resolver resolver(impl->loops.front()->ioc);
    auto results = resolver.resolve(options.listen.host, std::to_string(options.listen.port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty()) return fail("cannot resolve '" + options.listen.host + "'");
    endpoint = results.begin()->endpoint();
  }
  tcp::acceptor& a = *impl->acceptor;
  if (a.open(endpoint.protocol(), ec) ||
      a.set_option(tcp::acceptor::reuse_address(true), ec) || a.bind(endpoint, ec) ||
      a.listen(std::max(64, options.backlog), ec))
    return fail(ec.message());
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(impl)));
  server->port_ = server->impl_->acceptor->local_endpoint(ec).port();
  *out = std::move(server);
  return Status::OK();
}

HttpServer::~HttpServer() { Stop(); }

const std::string& HttpServer::name() const { return impl_->shared.options.name; }

std::string HttpServer::address() const {
  ListenAddress a = impl_->shared.options.listen;
  a.port = port_;
  return a.ToString();
}

size_t HttpServer::open_connections() const {
  return impl_->shared.open_connections.load(std::memory_order_relaxed);
}

void HttpServer::Start(HttpHandler* handler, RequestCounters* counters) {
  Impl& m = *impl_;
  if (m.started || m.stopped) return;
  m.started = true;
  m.shared.handler = handler;
  m.shared.counters = counters;
  m.Accept();
  for (size_t i = 0; i < m.loops.size(); ++i) {
    EventLoop* loop = m.loops[i].get();
    m.guards.push_back(boost::asio::make_work_guard(loop->ioc));
    loop->ScheduleSweep();
    loop->readiness.Start();
    std::string thread_name = m.shared.options.name + "-io-" + std::to_string(i);
    m.threads.emplace_back([loop, thread_name] {
      pthread_setname_np(pthread_self(), thread_name.substr(0, 15).c_str());
      loop->ioc.run();
    });
  }
}

void HttpServer::Stop() {
  Impl& m = *impl_;
  if (m.stopped) return;
  m.stopped = true;
  if (!m.started) {
    boost::system::error_code ec;
    m.acceptor->close(ec);
    return;
  }
  m.shared.stopping = true;
  RunOnLoop(m.loops.front().get(), [&m] {
    boost::system::error_code ec;
    m.acceptor->close(ec);
    m.accept_retry->cancel();
  });
  for (auto& loop : m.loops) RunOnLoop(loop.get(), [&loop] { loop->Drain(); });
  // Requests in progress finish and answer (with Connection: close).
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(m.shared.options.drain_timeout_ms);
  while (m.shared.open_connections.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (auto& loop : m.loops) RunOnLoop(loop.get(), [&loop] { loop->CloseAll(); });
  // No connection is left to hand a request over; those handed over
  // finish, and their answers reach closed connections.
  m.shared.JoinPool();
  for (auto& loop : m.loops) RunOnLoop(loop.get(), [&loop] { loop->Stop(); });
  m.guards.clear();  // each loop ends once its closed connections are gone
  for (std::thread& t : m.threads) t.join();
  m.threads.clear();
}

}  // namespace sinkhost
