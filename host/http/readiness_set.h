// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// ReadinessSet: the sockets one event loop serves, in an epoll set of its
// own nested in the loop's io_context. Each socket is added once,
// edge-triggered; when any is ready the io_context wakes, and one
// epoll_wait hands every ready socket its events.
//
// Why not asio's own socket waits: each async_wait re-arms its socket with
// an epoll_ctl, and each async_read_some first tries a read that finds
// nothing: either way a third system call per keep-alive request, beside
// the read and the write, where system calls are most of the cost of a
// small request. Here a request costs its read and its write, and the
// wake-up is shared by every socket ready at the time.
//
// Edge-triggered: a client reads until the socket has nothing more (or a
// short read shows it was emptied) before it relies on a new event; one
// that stops reading earlier (while it waits for a blocking handler) reads
// again by itself when it resumes.
//
// Thread safety: used only on its loop's thread.
#ifndef SINKHOST_HOST_HTTP_READINESS_SET_H_
#define SINKHOST_HOST_HTTP_READINESS_SET_H_

#include <sys/epoll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>

#include "sinkhost/status.hpp"

namespace sinkhost::http_internal {

class ReadinessSet {
 public:
  class Client {
   public:
    virtual ~Client() = default;
    // EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLHUP, EPOLLERR as epoll gives them.
    virtual void OnReady(uint32_t events) = 0;
  };

  explicit ReadinessSet(boost::asio::io_context& ioc);
  ~ReadinessSet();
  ReadinessSet(const ReadinessSet&) = delete;
  ReadinessSet& operator=(const ReadinessSet&) = delete;

  // Watches `fd` for input (and hang-ups) until it is closed; `client` gets
  // its events and must outlive the registration.
  Status Add(int fd, Client* client);
  // Watches for output room too (after a write the socket did not take
  // whole), or no longer.
  void WatchOutput(int fd, Client* client, bool on);

  // Starts waiting (on the loop's thread, or before it runs); Stop cancels.
  void Start();
  void Stop();

 private:
  void Wait();
  void Dispatch();

  int epoll_fd_ = -1;
  boost::asio::posix::stream_descriptor descriptor_;  // epoll_fd_, as asio sees it
  bool stopped_ = false;
  static constexpr int kBatch = 256;
  epoll_event events_[kBatch];
};

}  // namespace sinkhost::http_internal

#endif  // SINKHOST_HOST_HTTP_READINESS_SET_H_
