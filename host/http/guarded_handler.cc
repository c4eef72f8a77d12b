// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "host/http/guarded_handler.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <exception>

#include "host/http/http_util.h"

namespace sinkhost {

void GuardedHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response) {
  std::string what;
  try {
    Handle(request, response);
  } catch (const Poco::Exception& e) {
    what = e.displayText();
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  if (!what.empty()) {
    if (response.sent()) {
      // Usually the client went away mid-answer; nothing more to say.
      log_->debug(request.getMethod() + " " + request.getURI() + ": failed after answering: " +
                  what);
    } else {
      log_->error(request.getMethod() + " " + request.getURI() + ": internal error: " + what);
      try {
        response.setKeepAlive(false);
        SendError(response, 500, "internal error: " + what);
      } catch (...) {
        // The connection is gone; Poco closes it.
      }
    }
  }
  counters_->Count(static_cast<int>(response.getStatus()));
}

}  // namespace sinkhost
