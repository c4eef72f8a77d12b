// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/readiness_set.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace sinkhost::http_internal {

namespace {

int CreateEpoll() {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  return fd;
}

constexpr uint32_t kInput = EPOLLIN | EPOLLRDHUP | EPOLLET;

}  // namespace

ReadinessSet::ReadinessSet(boost::asio::io_context& ioc)
    : epoll_fd_(CreateEpoll()), descriptor_(ioc, epoll_fd_) {}

ReadinessSet::~ReadinessSet() {
  boost::system::error_code ec;
  descriptor_.close(ec);  // closes epoll_fd_
}

Status ReadinessSet::Add(int fd, Client* client) {
  epoll_event ev{};
  ev.events = kInput;
  ev.data.ptr = client;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0)
    return Status::IoError(std::string("epoll_ctl: ") + std::strerror(errno));
  return Status::OK();
}

void ReadinessSet::WatchOutput(int fd, Client* client, bool on) {
  epoll_event ev{};
  ev.events = on ? kInput | EPOLLOUT : kInput;
  ev.data.ptr = client;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void ReadinessSet::Start() { Wait(); }

void ReadinessSet::Stop() {
  stopped_ = true;
  boost::system::error_code ec;
  descriptor_.cancel(ec);
}

void ReadinessSet::Wait() {
  if (stopped_) return;
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this](const boost::system::error_code& ec) {
                           if (ec || stopped_) return;
                           Dispatch();
                           Wait();
                         });
}

void ReadinessSet::Dispatch() {
  // A full batch may leave more ready sockets: take them too, before the
  // io_context runs its other handlers again.
  for (;;) {
    const int n = ::epoll_wait(epoll_fd_, events_, kBatch, 0);
    if (n <= 0) return;
    for (int i = 0; i < n; ++i)
      static_cast<Client*>(events_[i].data.ptr)->OnReady(events_[i].events);
    if (n < kBatch) return;
  }
}

}  // namespace sinkhost::http_internal
