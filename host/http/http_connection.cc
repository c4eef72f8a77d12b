// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/http_connection.h"

#include <Poco/Exception.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <exception>

namespace sinkhost::http_internal {

namespace {

constexpr size_t kReadBufferBytes = 64 * 1024;
// After an answer that closes the connection, what the client still sends
// is read and dropped for a while (up to this much), so that closing does
// not reset the connection before the client has read the answer.
constexpr int64_t kLingerMs = 2000;
constexpr uint64_t kLingerMaxBytes = 64u << 20;

// Frees a string's heap buffer (an idle connection should hold none).
void Release(std::string* s) {
  s->clear();
  s->shrink_to_fit();
}

std::string FormatDateHeader(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof(buf), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
  return std::string(buf, n);
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// ---- ServerShared ---------------------------------------------------------

boost::asio::thread_pool& ServerShared::pool() {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (pool_ == nullptr)
    pool_ = std::make_unique<boost::asio::thread_pool>(std::max(1, options.blocking_threads));
  return *pool_;
}

void ServerShared::JoinPool() {
  boost::asio::thread_pool* p = nullptr;
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    p = pool_.get();
  }
  if (p != nullptr) p->join();
}

// ---- EventLoop ------------------------------------------------------------

EventLoop::EventLoop(ServerShared* s) : shared(s) {
  read_buffer.resize(kReadBufferBytes);
  date_second = std::time(nullptr);
  date_header = FormatDateHeader(date_second);
}

void EventLoop::Add(Connection* c) {
  c->index = connections.size();
  connections.push_back(c);
}

void EventLoop::Remove(Connection* c) {
  Connection* last = connections.back();
  connections[c->index] = last;
  last->index = c->index;
  connections.pop_back();
}

void EventLoop::Defer(Connection* c) {
  deferred.push_back(c);
  if (batch_end_posted) return;
  batch_end_posted = true;
  // Runs after the handler at work now (a ReadinessSet dispatch serving
  // every ready socket) has returned: its deferred requests form a batch.
  boost::asio::post(ioc, [this] { EndBatch(); });
}

void EventLoop::EndBatch() {
  batch_end_posted = false;
  std::vector<Connection*> batch;
  batch.swap(deferred);
  deferred_responses.clear();
  for (Connection* c : batch) deferred_responses.push_back(c->deferred_response());
  try {
    shared->handler->FinishBatch(deferred_responses);
  } catch (const std::exception& e) {
    shared->log->error(shared->options.name + ": answering a batch of requests: " + e.what());
    for (HttpResponse* r : deferred_responses) {
      r->Reset();
      r->SetError(500, std::string("internal error: ") + e.what());
      r->CloseAfterwards();
    }
  }
  for (Connection* c : batch) c->OnDeferredAnswered();
  // Keep the vector's capacity for the next batch.
  batch.clear();
  if (deferred.empty()) batch.swap(deferred);
}

void EventLoop::ScheduleSweep() {
  sweep_timer.expires_after(std::chrono::milliseconds(shared->options.sweep_interval_ms));
  sweep_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped) return;  // the server is stopping
    const std::time_t second = std::time(nullptr);
    if (second != date_second) {
      date_second = second;
      date_header = FormatDateHeader(second);
    }
    const int64_t now = NowMs();
    // Backwards: a connection that closes swaps the last one into its
    // place, which has been checked already.
    for (size_t i = connections.size(); i-- > 0;) {
      if (i < connections.size()) connections[i]->CheckDeadline(now);
    }
    ScheduleSweep();
  });
}

void EventLoop::Drain() {
  draining = true;
  for (size_t i = connections.size(); i-- > 0;) {
    if (i < connections.size()) connections[i]->Drain();
  }
}

void EventLoop::CloseAll() {
  while (!connections.empty()) connections.back()->Close();
}

void EventLoop::Stop() {
  stopped = true;
  sweep_timer.cancel();
  readiness.Stop();
}

// ---- Connection -----------------------------------------------------------

Connection::Connection(EventLoop* loop, int fd, std::string peer)
    : loop_(loop),
      shared_(loop->shared),
      fd_(fd),
      peer_(std::move(peer)),
      parser_(shared_->options.limits) {}

void Connection::Start(const std::string* refuse_message) {
  loop_->Add(this);
  deadline_ms_ = NowMs() + shared_->options.header_timeout_ms;
  if (shared_->stopping.load(std::memory_order_relaxed)) return Close();
  if (Status st = loop_->readiness.Add(fd_, this); !st.ok()) {
    shared_->log->warning(shared_->options.name + ": " + st.message());
    return Close();
  }
  if (refuse_message != nullptr) {
    HttpResponse& r = loop_->response;
    r.Reset();
    r.AddHeader("Retry-After", "1");
    r.SetError(503, *refuse_message);
    r.CloseAfterwards();
    Answer(r);
    FlushOut();
  }
  // Bytes may have arrived before the socket was watched.
  if (phase_ != Phase::kClosed) ReadAll();
}

void Connection::OnReady(uint32_t events) {
  if ((events & EPOLLOUT) != 0 && !pending_out_.empty()) OnWritable();
  // Input, or the peer's end: read now unless reading is paused (handling,
  // answers waiting), in which case resuming reads anyway.
  if (phase_ != Phase::kClosed && (events & ~static_cast<uint32_t>(EPOLLOUT)) != 0) ReadAll();
}

bool Connection::CanParse() const {
  return (phase_ == Phase::kIdle || phase_ == Phase::kHead || phase_ == Phase::kBody) &&
         !close_after_write_;
}

void Connection::ReadAll() {
  std::string& buf = loop_->read_buffer;
  auto can_read = [this] {
    return phase_ != Phase::kClosed && phase_ != Phase::kHandling && pending_out_.empty() &&
           (phase_ == Phase::kLingering || !close_after_write_);
  };
  while (can_read()) {
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n > 0) {
      const size_t got = static_cast<size_t>(n);
      if (phase_ == Phase::kLingering) {
        lingering_bytes_ += got;
        if (lingering_bytes_ > kLingerMaxBytes) return Close();
      } else if (stash_.empty()) {
        // The common case: parsed straight from the loop's buffer; only
        // an incomplete request's bytes are kept.
        const size_t used = Parse(buf.data(), got);
        if (used < got && !close_after_write_) stash_.assign(buf.data() + used, got - used);
      } else {
        stash_.append(buf.data(), got);
        const size_t used = Parse(stash_.data(), stash_.size());
        stash_.erase(0, used);
        if (close_after_write_ || stash_.empty()) Release(&stash_);
      }
      FlushOut();
      // A short read emptied the socket: the next byte raises a new
      // edge-triggered event.
      if (got < buf.size()) return;
      continue;
    }
    if (n == 0) return OnPeerClosed();
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    return Close();  // ECONNRESET and the like
  }
}

void Connection::ResumeInput() {
  if (!stash_.empty() && CanParse()) {
    const size_t used = Parse(stash_.data(), stash_.size());
    stash_.erase(0, used);
    if (close_after_write_ || stash_.empty()) Release(&stash_);
  }
  FlushOut();
  // Input that arrived while reading was paused raised its event then:
  // read it now.
  if (phase_ != Phase::kClosed) ReadAll();
}

void Connection::OnWritable() {
  const ssize_t n = ::send(fd_, pending_out_.data(), pending_out_.size(), MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return Close();
  if (n > 0) pending_out_.erase(0, static_cast<size_t>(n));
  if (!pending_out_.empty()) return;  // the next EPOLLOUT
  Release(&pending_out_);
  loop_->readiness.WatchOutput(fd_, this, false);
  ResumeInput();
}

void Connection::OnPeerClosed() {
  // A request cut short has nothing left to answer; answers already
  // queued still go out first.
  if (phase_ != Phase::kLingering && !pending_out_.empty()) {
    close_after_write_ = true;
    return;
  }
  Close();
}

size_t Connection::Parse(const char* data, size_t size) {
  size_t off = 0;
  while (off < size && CanParse()) {
    if (phase_ == Phase::kIdle) BeginRequest();
    const bool had_header = parser_.header_done();
    ParseError error;
    off += parser_.Put(data + off, size - off, &error);
    if (error.status != 0) {
      if (answered_early_) {
        close_after_write_ = true;  // the answer is out; the rest cannot be framed
      } else {
        Refuse(error.status, error.status == 413 && error.message.empty() ? MaxBodyMessage()
                                                                          : error.message);
      }
      break;
    }
    if (!had_header && parser_.header_done()) {
      OnHeader();
      if (!CanParse()) break;
    }
    // Waiting for more: the rest of the header, or of the body (the
    // parser bounds what it leaves unconsumed).
    if (!parser_.done()) break;
    OnRequestComplete();
  }
  if (phase_ == Phase::kBody && !close_after_write_) KeepRequest();
  return off;
}

void Connection::BeginRequest() {
  phase_ = Phase::kHead;
  deadline_ms_ = NowMs() + shared_->options.header_timeout_ms;
  parser_.Start(&request_, this);
  request_.peer_address = peer_;
}

void Connection::OnHeader() {
  phase_ = Phase::kBody;
  deadline_ms_ = NowMs() + shared_->options.request_timeout_ms;
  HttpResponse& r = loop_->response;
  r.Reset();
  bool early = false;
  try {
    early = shared_->handler->OnHead(request_, &r);
  } catch (const std::exception& e) {
    shared_->log->error(std::string(request_.method) + " " + std::string(request_.target) +
                        ": internal error: " + e.what());
    r.Reset();
    r.SetError(500, std::string("internal error: ") + e.what());
    r.CloseAfterwards();
    early = true;
  }
  const uint64_t length = parser_.content_length();
  if (!early && length > shared_->options.max_body) {
    // Refused before the body is read, and before a 100 Continue.
    r.Reset();
    r.SetError(413, MaxBodyMessage());
    r.CloseAfterwards();
    early = true;
  }
  if (early) {
    if (request_.has_body) {
      // The body is read and dropped so that the connection stays
      // usable, unless the client holds it back for a 100 Continue it
      // will not get, or it is larger than is worth reading.
      if (request_.expects_continue || length > shared_->options.max_body) {
        r.CloseAfterwards();
      } else {
        answered_early_ = true;
      }
    }
    if (!request_.has_body) answered_early_ = true;
    Answer(r);
    return;
  }
  if (request_.expects_continue && request_.has_body)
    loop_->out.append("HTTP/1.1 100 Continue\r\n\r\n");
}

bool Connection::Append(std::string_view piece) {
  body_bytes_ += piece.size();
  if (body_bytes_ > shared_->options.max_body) return false;
  if (answered_early_ || piece.empty()) return true;
  if (!body_kept_ && body_.empty()) {
    body_ = piece;  // the whole body in one piece: no copy
    return true;
  }
  if (!body_kept_) {
    body_storage_.assign(body_);
    body_kept_ = true;
  }
  body_storage_.append(piece);
  body_ = body_storage_;
  return true;
}

void Connection::KeepRequest() {
  if (parser_.header_done() && !head_kept_) {
    head_storage_.assign(parser_.raw_header());
    parser_.Rebase(head_storage_.data());
    head_kept_ = true;
  }
  if (!body_kept_ && !body_.empty()) {
    body_storage_.assign(body_);
    body_ = body_storage_;
    body_kept_ = true;
  }
}

void Connection::OnRequestComplete() {
  if (answered_early_) return EndRequest();
  request_.body = body_;
  bool may_block = false;
  try {
    may_block = shared_->handler->MayBlock(request_);
  } catch (const std::exception&) {
    may_block = true;  // Handle will meet the same problem and answer 500
  }
  if (may_block) return Offload();
  HttpResponse& r = loop_->response;
  request_.can_defer = true;
  RunHandler(&r);
  request_.can_defer = false;
  if (r.deferred()) {
    // The handler answers at the end of the loop's batch: the request is
    // done with (its data is the handler's now), the connection waits.
    phase_ = Phase::kHandling;
    if (later_ == nullptr) later_ = std::make_unique<HttpResponse>();
    later_->Reset();
    later_->Defer(r.tag());
    ++pending_ops_;
    return loop_->Defer(this);
  }
  Answer(r);
  EndRequest();
}

void Connection::OnDeferredAnswered() {
  --pending_ops_;
  OnAnswerReady();
}

void Connection::RunHandler(HttpResponse* response) {
  response->Reset();
  std::string what;
  try {
    shared_->handler->Handle(request_, response);
    return;
  } catch (const Poco::Exception& e) {
    what = e.displayText();
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  shared_->log->error(std::string(request_.method) + " " + std::string(request_.target) +
                      ": internal error: " + what);
  response->Reset();
  response->SetError(500, "internal error: " + what);
  response->CloseAfterwards();
}

void Connection::Offload() {
  phase_ = Phase::kHandling;
  // The blocking thread reads the request while the loop serves others:
  // its bytes must not be in the loop's buffer.
  KeepRequest();
  request_.body = body_;
  if (later_ == nullptr) later_ = std::make_unique<HttpResponse>();
  ++pending_ops_;
  boost::asio::post(shared_->pool(), [this] {
    RunHandler(later_.get());
    boost::asio::post(loop_->ioc, [this] {
      --pending_ops_;
      OnAnswerReady();
    });
  });
}

void Connection::OnAnswerReady() {
  if (phase_ == Phase::kClosed) return MaybeDelete();
  Answer(*later_);
  EndRequest();
  ResumeInput();
}

void Connection::Refuse(int status, std::string_view message) {
  HttpResponse& r = loop_->response;
  r.Reset();
  r.SetError(status, message);
  r.CloseAfterwards();
  Answer(r);
}

void Connection::Answer(HttpResponse& response) {
  const bool keep_alive = !response.closes() && parser_.header_done() && parser_.keep_alive() &&
                          !loop_->draining;
  if (!keep_alive) {
    response.CloseAfterwards();
    close_after_write_ = true;
  }
  response.AppendTo(&loop_->out, loop_->date_header, shared_->options.fixed_headers);
  shared_->counters->Count(response.status());
}

void Connection::EndRequest() {
  if (phase_ == Phase::kClosed) return;
  if (phase_ != Phase::kLingering) phase_ = Phase::kIdle;
  deadline_ms_ = NowMs() + shared_->options.keep_alive_timeout_ms;
  answered_early_ = false;
  body_ = {};
  body_kept_ = false;
  body_bytes_ = 0;
  head_kept_ = false;
  request_.body = {};
  if (body_storage_.capacity() > 0) Release(&body_storage_);
  if (head_storage_.capacity() > 0) Release(&head_storage_);
}

void Connection::FlushOut() {
  std::string& out = loop_->out;
  if (phase_ == Phase::kClosed) return out.clear();
  if (!out.empty()) {
    if (!pending_out_.empty()) {
      pending_out_.append(out);  // behind answers the socket has not taken yet
      out.clear();
      return;
    }
    const ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      out.clear();
      return Close();
    }
    const size_t sent = n > 0 ? static_cast<size_t>(n) : 0;
    if (sent < out.size()) {
      pending_out_.assign(out, sent);
      out.clear();
      write_deadline_ms_ = NowMs() + shared_->options.request_timeout_ms;
      return loop_->readiness.WatchOutput(fd_, this, true);
    }
    out.clear();
  }
  if (close_after_write_ && pending_out_.empty() && phase_ != Phase::kLingering &&
      phase_ != Phase::kHandling)
    StartLingering();
}

void Connection::StartLingering() {
  ::shutdown(fd_, SHUT_WR);
  phase_ = Phase::kLingering;
  deadline_ms_ = NowMs() + kLingerMs;
  Release(&stash_);
  if (body_storage_.capacity() > 0) Release(&body_storage_);
  if (head_storage_.capacity() > 0) Release(&head_storage_);
}

void Connection::CheckDeadline(int64_t now_ms) {
  if (phase_ == Phase::kClosed || phase_ == Phase::kHandling) return;
  if (!pending_out_.empty()) {
    if (now_ms > write_deadline_ms_) Close();  // the client stopped reading
    return;
  }
  if (now_ms <= deadline_ms_) return;
  const HttpServerOptions& o = shared_->options;
  switch (phase_) {
    case Phase::kHead:
      Refuse(408, "the request header did not arrive within " + std::to_string(o.header_timeout_ms) +
                      " ms (" + o.name + ".header_timeout)");
      break;
    case Phase::kBody:
      if (answered_early_) return Close();
      Refuse(408, "the request body did not arrive within " + std::to_string(o.request_timeout_ms) +
                      " ms (" + o.name + ".request_timeout)");
      break;
    default:  // idle keep-alive, or lingering after the last answer
      return Close();
  }
  FlushOut();
  if (phase_ != Phase::kClosed) ReadAll();
}

void Connection::Drain() {
  if (phase_ == Phase::kIdle && stash_.empty() && pending_out_.empty()) Close();
  // Otherwise Answer() sees loop_->draining and closes after the answer.
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  loop_->Remove(this);
  ::close(fd_);  // which also takes it out of the ReadinessSet
  shared_->open_connections.fetch_sub(1, std::memory_order_relaxed);
  // Deleted from a handler of its own, never from inside a call that may
  // still touch this connection on its way out.
  ++pending_ops_;
  boost::asio::post(loop_->ioc, [this] {
    --pending_ops_;
    MaybeDelete();
  });
}

void Connection::MaybeDelete() {
  if (phase_ == Phase::kClosed && pending_ops_ == 0) delete this;
}

std::string Connection::MaxBodyMessage() const {
  const HttpServerOptions& o = shared_->options;
  return "request body is larger than " + o.max_body_key + " (" + std::to_string(o.max_body) +
         " bytes)";
}

}  // namespace sinkhost::http_internal
