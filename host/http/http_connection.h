// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The inside of HttpServer (http_server.h): an event loop, what every
// connection of a server shares, and one connection's state machine.
//
// A connection moves through
//
//   idle --first byte--> head --header in--> body --body in--> (answer) --> idle
//                                                  \--may block--> handling --> (answer)
//                                                  \--deferred---> handling --batch end--> (answer)
//   any --answer that closes--> lingering --EOF, timeout--> closed
//
// and reads only while it is not handling a request and its answers have
// all been taken by the socket, so neither pipelined requests nor a slow
// reader make it buffer without bound. The socket is non-blocking and in
// its loop's ReadinessSet (edge-triggered epoll): the connection reads
// into the loop's buffer until recv() has nothing more, so an idle
// connection holds no read buffer.
//
// Thread safety: a connection and its loop's members are used only on the
// loop's thread; a request handed to the blocking threads is read there
// while its connection waits, and its answer comes back through the loop.
#ifndef SINKHOST_HOST_HTTP_HTTP_CONNECTION_H_
#define SINKHOST_HOST_HTTP_HTTP_CONNECTION_H_

#include <Poco/Logger.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "host/http/http_handler.h"
#include "host/http/http_request.h"
#include "host/http/http_response.h"
#include "host/http/http_server.h"
#include "host/http/readiness_set.h"
#include "host/http/request_counters.h"
#include "host/http/request_parser.h"

namespace sinkhost::http_internal {

int64_t NowMs();

// What every connection of one server shares. Constant while serving,
// except the atomics and the lazily started pool.
struct ServerShared {
  HttpServerOptions options;
  HttpHandler* handler = nullptr;
  RequestCounters* counters = nullptr;
  Poco::Logger* log = nullptr;
  std::atomic<size_t> open_connections{0};
  std::atomic<bool> stopping{false};

  // Threads for requests that may block, started by the first one.
  boost::asio::thread_pool& pool();
  void JoinPool();

 private:
  std::mutex pool_mu_;
  std::unique_ptr<boost::asio::thread_pool> pool_;  // guarded by pool_mu_
};

class Connection;

// One event loop and the state its connections share: used only on its
// own thread, but for `ioc`, which other threads post to.
struct EventLoop {
  explicit EventLoop(ServerShared* shared);

  ServerShared* const shared;
  boost::asio::io_context ioc{1};  // one thread runs it
  boost::asio::steady_timer sweep_timer{ioc};
  ReadinessSet readiness{ioc};
  std::vector<Connection*> connections;  // index kept in each connection
  // Scratch reused by every connection of the loop, one at a time.
  std::string read_buffer;
  std::string out;  // answers being written by the connection at hand
  HttpResponse response;
  std::string date_header;  // "Date: ...\r\n", refreshed by the sweep
  int64_t date_second = -1;
  bool draining = false;
  // Connections whose answers the handler deferred, in order; the batch
  // end that answers them is posted once per batch.
  std::vector<Connection*> deferred;
  std::vector<HttpResponse*> deferred_responses;  // scratch for FinishBatch
  bool batch_end_posted = false;
  bool stopped = false;  // set by Stop: nothing is scheduled again

  void Add(Connection* c);
  void Remove(Connection* c);
  // A connection waits for its deferred answer: the loop will call the
  // handler's FinishBatch once the handlers running now have returned.
  void Defer(Connection* c);
  void EndBatch();
  // Every half second: the Date header and each connection's deadline.
  void ScheduleSweep();
  void Drain();
  void CloseAll();
  // Cancels the sweep and the readiness wait, so that the loop's run()
  // returns once its last handlers have run. A sweep whose timer had
  // already fired when this ran sees `stopped` and does not schedule
  // another.
  void Stop();
};

class Connection final : private BodySink, private ReadinessSet::Client {
 public:
  // Takes over `fd`, a connected, non-blocking socket.
  Connection(EventLoop* loop, int fd, std::string peer);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts reading; `refuse_message`, when set, answers 503 with it and
  // closes instead (a server at max_connections).
  void Start(const std::string* refuse_message);
  void CheckDeadline(int64_t now_ms);
  // The server is stopping: closes the connection when it is between
  // requests; otherwise its current answer will close it.
  void Drain();
  void Close();
  // The handler filled the deferred answer (EventLoop::EndBatch).
  HttpResponse* deferred_response() { return later_.get(); }
  void OnDeferredAnswered();

  size_t index = 0;  // in loop->connections

 private:
  enum class Phase { kIdle, kHead, kBody, kHandling, kLingering, kClosed };

  ~Connection() = default;  // through MaybeDelete only

  // BodySink.
  bool Append(std::string_view piece) override;
  // ReadinessSet::Client.
  void OnReady(uint32_t events) override;

  void ReadAll();
  void ResumeInput();
  void OnWritable();
  void OnPeerClosed();
  // Parses requests from data[0, size) and answers them; returns the
  // bytes consumed.
  size_t Parse(const char* data, size_t size);
  void BeginRequest();
  void OnHeader();
  void OnRequestComplete();
  void RunHandler(HttpResponse* response);
  void Offload();
  void OnAnswerReady();
  void Refuse(int status, std::string_view message);
  void Answer(HttpResponse& response);
  void EndRequest();
  // Copies the current request's bytes into this connection's own
  // buffers, before the buffer they are in is reused.
  void KeepRequest();
  void FlushOut();
  void StartLingering();
  bool CanParse() const;
  void MaybeDelete();
  std::string MaxBodyMessage() const;

  EventLoop* const loop_;
  ServerShared* const shared_;
  const int fd_;
  const std::string peer_;

  Phase phase_ = Phase::kIdle;
  int64_t deadline_ms_ = 0;        // of the phase
  int64_t write_deadline_ms_ = 0;  // while pending_out_ waits for the socket
  int pending_ops_ = 0;  // handlers under way that use it; deleted at 0 once closed
  bool close_after_write_ = false;

  RequestParser parser_;
  HttpRequest request_;
  bool head_kept_ = false;    // the header's bytes are in head_storage_
  bool answered_early_ = false;  // by OnHead: the body is read and dropped
  std::string_view body_;     // the body so far: in body_storage_ or the input
  bool body_kept_ = false;
  uint64_t body_bytes_ = 0;
  std::string head_storage_;
  std::string body_storage_;
  std::string stash_;        // bytes received, not yet parsed
  std::string pending_out_;  // answers the socket has not taken yet
  // The answer being prepared elsewhere: on a blocking thread, or deferred
  // to the end of the loop's batch.
  std::unique_ptr<HttpResponse> later_;
  uint64_t lingering_bytes_ = 0;
};

}  // namespace sinkhost::http_internal

#endif  // SINKHOST_HOST_HTTP_HTTP_CONNECTION_H_
