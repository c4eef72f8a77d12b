// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// GuardedHandler: the boundary between Poco's HTTP server and sinkhost's
// handlers. No exception escapes it: anything thrown by Handle() is logged
// and, when nothing was sent yet, answered with 500 and a JSON error (with
// keep-alive off, since the body may be half read). Every answer is counted
// in the listener's RequestCounters.
//
// Thread safety: Poco creates one handler object per request and runs it on
// one thread; subclasses keep only pointers to shared, thread-safe state.
#ifndef SINKHOST_HOST_HTTP_GUARDED_HANDLER_H_
#define SINKHOST_HOST_HTTP_GUARDED_HANDLER_H_

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>

#include "host/http/request_counters.h"

namespace sinkhost {

class GuardedHandler : public Poco::Net::HTTPRequestHandler {
 public:
  GuardedHandler(RequestCounters* counters, Poco::Logger* log) : counters_(counters), log_(log) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) final;

 protected:
  virtual void Handle(Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response) = 0;

  Poco::Logger& log() { return *log_; }

 private:
  RequestCounters* const counters_;
  Poco::Logger* const log_;
};

}  // namespace sinkhost

#endif  // SINKHOST_HOST_HTTP_GUARDED_HANDLER_H_
