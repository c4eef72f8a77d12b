// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "plugins/clickhouse/fake_clickhouse.h"

#include <Poco/InflatingStream.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <cctype>
#include <sstream>

namespace sinkhost::clickhouse {

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeClickHouse* fake) : fake_(fake) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    fake_->Handle(req, resp);
  }

 private:
  FakeClickHouse* fake_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeClickHouse* fake) : fake_(fake) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(fake_);
  }

 private:
  FakeClickHouse* fake_;
};

// The columns of "CREATE TABLE ... (`a` T, `b` U) ENGINE ...", as the sink
// writes it (types never contain ", `").
std::vector<std::pair<std::string, std::string>> ColumnsOf(const std::string& sql) {
  std::vector<std::pair<std::string, std::string>> cols;
  const size_t begin = sql.find(" (");
  const size_t end = sql.find(") ENGINE");
  if (begin == std::string::npos || end == std::string::npos) return cols;
  const std::string list = sql.substr(begin + 2, end - begin - 2);
  size_t pos = 0;
  while (pos < list.size() && list[pos] == '`') {
    const size_t name_end = list.find('`', pos + 1);
    const size_t type_begin = name_end + 2;
    const size_t next = list.find(", `", type_begin);
    cols.emplace_back(
        list.substr(pos + 1, name_end - pos - 1),
        list.substr(type_begin, next == std::string::npos ? std::string::npos : next - type_begin));
    pos = next == std::string::npos ? list.size() : next + 2;
  }
  return cols;
}

}  // namespace

std::string FakeClickHouse::Request::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

bool FakeClickHouse::Request::is_insert() const {
  return uri.find("query=INSERT") != std::string::npos;
}

FakeClickHouse::FakeClickHouse(bool newer) : newer_(newer) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(true);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket, params);
  server_->start();
}

FakeClickHouse::~FakeClickHouse() { server_->stopAll(true); }

std::string FakeClickHouse::Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<FakeClickHouse::Request> FakeClickHouse::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<FakeClickHouse::Request> FakeClickHouse::inserts() const {
  std::vector<Request> out;
  for (const Request& r : requests())
    if (r.is_insert()) out.push_back(r);
  return out;
}

std::string FakeClickHouse::create_sql() const {
  std::lock_guard<std::mutex> lock(mu_);
  return create_sql_;
}

void FakeClickHouse::Handle(Poco::Net::HTTPServerRequest& req,
                            Poco::Net::HTTPServerResponse& resp) {
  Request r;
  r.uri = req.getURI();
  r.client = req.clientAddress().toString();
  for (const auto& [name, value] : req) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[lower] = value;
  }
  Poco::StreamCopier::copyToString(req.stream(), r.raw_body);
  if (r.header("content-encoding") == "gzip") {
    std::istringstream in(r.raw_body);
    Poco::InflatingInputStream inflater(in, Poco::InflatingStreamBuf::STREAM_GZIP);
    Poco::StreamCopier::copyToString(inflater, r.body);
  } else {
    r.body = r.raw_body;
  }
  if (r.is_insert() && drop_inserts_ > 0) {
    --drop_inserts_;
    ++dropped_;
    // No answer: the connection just ends.
    static_cast<Poco::Net::HTTPServerRequestImpl&>(req).socket().shutdown();
    return;
  }
  std::string answer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (r.is_insert()) {
      // stored
    } else if (r.body.rfind("SELECT version()", 0) == 0) {
      answer = newer_ ? "24.3.1.2672\t1\t1\n" : "18.16.1\t0\t0\n";
    } else if (r.body.find("FROM system.columns") != std::string::npos) {
      for (const auto& [name, type] : columns_) {
        std::string escaped;  // TabSeparated escapes quotes and backslashes
        for (char c : type) {
          if (c == '\'' || c == '\\') escaped += '\\';
          escaped += c;
        }
        answer += name + "\t" + escaped + "\t\n";
      }
    } else if (r.body.rfind("CREATE TABLE", 0) == 0) {
      create_sql_ = r.body;
      columns_ = ColumnsOf(r.body);
    }
    requests_.push_back(r);
  }
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentLength(static_cast<std::streamsize>(answer.size()));
  resp.send() << answer;
}

}  // namespace sinkhost::clickhouse
