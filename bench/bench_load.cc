// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// A load client for the loads wrk cannot express: a fixed number of events
// (not a duration), so that an end-to-end run can wait until exactly that
// many rows are in the backend, and raw TCP lines for syslog-ng.
//
//   bench_load http PORT PATH EVENTS PER_REQUEST CONNECTIONS
//       POSTs EVENTS events to 127.0.0.1:PORT over CONNECTIONS keep-alive
//       connections: PER_REQUEST 1 sends tracker bodies (POST /api/event),
//       more sends NDJSON bodies of that many events (the bulk endpoint).
//       A 503 (buffer full) is retried after 10 ms, as a client would.
//   bench_load tcp PORT EVENTS CONNECTIONS
//       Writes EVENTS NDJSON lines (the same events) over CONNECTIONS TCP
//       connections, as syslog-ng's network() source takes them.
//   bench_load bodies PER_REQUEST COUNT
//       Prints COUNT request bodies for wrk (bench/wrk/post.lua), each
//       followed by a line "--": tracker bodies for PER_REQUEST 1, else
//       NDJSON bodies of PER_REQUEST events.
//   bench_load idle PORT CONNECTIONS
//       Opens CONNECTIONS keep-alive connections, posts one tracker event
//       on each, prints "ready" once all are answered, then holds them
//       open, idle, until SIGTERM or SIGINT ends it.
//   bench_load rate PORT RATE SECONDS CONNECTIONS
//       POSTs tracker events to /api/event at RATE requests/s in all, on a
//       schedule (each connection sends at its share of the rate), for
//       SECONDS, and prints "<achieved req/s> <p50 ms> <p99 ms> <p99.9 ms>
//       <max ms>". Latency runs from when a request was due, not when it
//       was sent, so a server that falls behind is not flattered
//       ("coordinated omission").
//
// http and tcp print "<seconds> <events/s> <retries>". Event i is
// bench_events.h's event i, so every tool gets the same events.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_events.h"

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_load: %s\n", what.c_str());
  std::exit(1);
}

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) Die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    Die("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) Die(std::string("send: ") + std::strerror(errno));
    off += size_t(n);
  }
}

// Reads one HTTP response (Content-Length bodies only, which is what
// sinkhost sends) and returns its status code.
int ReadResponse(int fd, std::string* buf) {
  size_t header_end;
  while ((header_end = buf->find("\r\n\r\n")) == std::string::npos) {
    char tmp[4096];
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) Die("connection closed while reading an answer");
    buf->append(tmp, size_t(n));
  }
  const int status = std::atoi(buf->c_str() + 9);  // "HTTP/1.1 202 ..."
  size_t length = 0;
  const std::string head = buf->substr(0, header_end);
  for (const char* key : {"Content-Length:", "content-length:"}) {
    const size_t p = head.find(key);
    if (p != std::string::npos) length = std::strtoul(head.c_str() + p + 15, nullptr, 10);
  }
  const size_t total = header_end + 4 + length;
  while (buf->size() < total) {
    char tmp[4096];
    const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) Die("connection closed while reading a body");
    buf->append(tmp, size_t(n));
  }
  buf->erase(0, total);
  return status;
}

using Clock = std::chrono::steady_clock;

int RunHttp(int argc, char** argv) {
  if (argc != 7) Die("usage: bench_load http PORT PATH EVENTS PER_REQUEST CONNECTIONS");
  const int port = std::atoi(argv[2]);
  const std::string path = argv[3];
  const int events = std::atoi(argv[4]), per = std::atoi(argv[5]), conns = std::atoi(argv[6]);
  const int requests = (events + per - 1) / per;
  // Requests are prepared before the clock starts; request k carries events
  // k*per.. and goes to connection k % conns.
  std::vector<std::string> prepared(requests);
  for (int k = 0; k < requests; ++k) {
    const int first = k * per, count = std::min(per, events - first);
    const std::string body =
        per == 1 ? sinkhost::bench::TrackerEvent(first) : sinkhost::bench::BulkBody(first, count);
    prepared[k] = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " +
                  sinkhost::bench::kUserAgent + "\r\nContent-Type: " +
                  (per == 1 ? "text/plain" : "application/x-ndjson") +
                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  std::atomic<uint64_t> retries{0};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      const int fd = Connect(port);
      std::string buf;
      for (int k = c; k < requests; k += conns) {
        for (;;) {
          SendAll(fd, prepared[k]);
          const int status = ReadResponse(fd, &buf);
          if (status == 202) break;
          if (status != 503) Die("answer " + std::to_string(status) + " to request " + std::to_string(k));
          // A buffer that stays full for 10 s will not drain: stop.
          if (++retries > 1000) Die("the server kept answering 503 (buffer full)");
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
      ::close(fd);
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%.6f %.0f %llu\n", secs, events / secs, (unsigned long long)retries.load());
  return 0;
}

int RunTcp(int argc, char** argv) {
  if (argc != 5) Die("usage: bench_load tcp PORT EVENTS CONNECTIONS");
  const int port = std::atoi(argv[2]), events = std::atoi(argv[3]), conns = std::atoi(argv[4]);
  // Each connection's lines, prepared before the clock starts.
  std::vector<std::string> data(conns);
  for (int i = 0; i < events; ++i) data[i % conns] += sinkhost::bench::BulkEvent(i) + "\n";
  std::vector<int> fds;
  for (int c = 0; c < conns; ++c) fds.push_back(Connect(port));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      SendAll(fds[c], data[c]);
      ::shutdown(fds[c], SHUT_WR);
      // Wait for the peer to close: it has then read every line.
      char tmp[256];
      while (::recv(fds[c], tmp, sizeof tmp, 0) > 0) {
      }
      ::close(fds[c]);
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%.6f %.0f 0\n", secs, events / secs);
  return 0;
}

int RunBodies(int argc, char** argv) {
  if (argc != 4) Die("usage: bench_load bodies PER_REQUEST COUNT");
  const int per = std::atoi(argv[2]), count = std::atoi(argv[3]);
  for (int k = 0; k < count; ++k) {
    const std::string body = per == 1 ? sinkhost::bench::TrackerEvent(k) + "\n"
                                      : sinkhost::bench::BulkBody(k * per, per);
    std::fwrite(body.data(), 1, body.size(), stdout);
    std::fputs("--\n", stdout);
  }
  return 0;
}

std::string TrackerRequest(int i) {
  const std::string body = sinkhost::bench::TrackerEvent(i);
  return "POST /api/event HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " +
         std::string(sinkhost::bench::kUserAgent) +
         "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

int RunIdle(int argc, char** argv) {
  if (argc != 4) Die("usage: bench_load idle PORT CONNECTIONS");
  const int port = std::atoi(argv[2]), conns = std::atoi(argv[3]);
  std::vector<int> fds;
  fds.reserve(conns);
  std::string buf;
  for (int c = 0; c < conns; ++c) {
    const int fd = Connect(port);
    SendAll(fd, TrackerRequest(c));
    buf.clear();
    const int status = ReadResponse(fd, &buf);
    if (status != 202) Die("answer " + std::to_string(status) + " on idle connection " + std::to_string(c));
    fds.push_back(fd);
  }
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) ::pause();  // the signal's default action ends the process and its connections
}

int RunRate(int argc, char** argv) {
  if (argc != 6) Die("usage: bench_load rate PORT RATE SECONDS CONNECTIONS");
  const int port = std::atoi(argv[2]), conns = std::atoi(argv[5]);
  const double rate = std::atof(argv[3]), secs = std::atof(argv[4]);
  if (rate <= 0 || secs <= 0 || conns <= 0) Die("RATE, SECONDS and CONNECTIONS must be positive");
  const auto interval = std::chrono::duration<double>(conns / rate);
  const int per_conn = static_cast<int>(secs * rate / conns);
  std::vector<std::vector<double>> latencies(conns);
  std::vector<std::thread> threads;
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      const int fd = Connect(port);
      const std::string request = TrackerRequest(c);
      std::string buf;
      latencies[c].reserve(per_conn);
      // Connections start spread over one interval, not all at once.
      const auto first = start + std::chrono::duration_cast<Clock::duration>(interval * c / conns);
      for (int k = 0; k < per_conn; ++k) {
        const auto due = first + std::chrono::duration_cast<Clock::duration>(interval * k);
        std::this_thread::sleep_until(due);
        SendAll(fd, request);
        const int status = ReadResponse(fd, &buf);
        if (status != 202) Die("answer " + std::to_string(status));
        latencies[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
      }
      ::close(fd);
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))]; };
  std::printf("%.0f %.3f %.3f %.3f %.3f\n", all.size() / elapsed, pct(0.5), pct(0.99), pct(0.999),
              all.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "http") return RunHttp(argc, argv);
  if (mode == "tcp") return RunTcp(argc, argv);
  if (mode == "bodies") return RunBodies(argc, argv);
  if (mode == "idle") return RunIdle(argc, argv);
  if (mode == "rate") return RunRate(argc, argv);
  Die("usage: bench_load http|tcp|bodies|idle|rate ...");
}
