// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// FakeClickHouse (tests only): a small HTTP server on a free loopback port
// that answers the clickhouse sink's requests the way a ClickHouse server
// would, and records every request, so that tests can check what the real
// server cannot show them: request headers, gzip bodies byte for byte,
// settings that only newer releases know, and a connection closed under a
// request.
//
// It answers the sink's version query (as 24.3 with DateTime64 and
// insert_deduplication_token, or as 18.16 without), its system.columns
// queries (with the columns of the last CREATE TABLE it got), CREATE TABLE,
// and INSERT (stored, i.e. recorded).
//
// Thread safety: requests are handled on Poco's server threads; every
// method may be called from the test thread meanwhile.
#ifndef SINKHOST_PLUGINS_CLICKHOUSE_FAKE_CLICKHOUSE_H_
#define SINKHOST_PLUGINS_CLICKHOUSE_FAKE_CLICKHOUSE_H_

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServer;
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace sinkhost::clickhouse {

class FakeClickHouse {
 public:
  struct Request {
    std::string uri;
    std::string client;                          // peer address: one per TCP connection
    std::map<std::string, std::string> headers;  // lower-case names
    std::string raw_body;                        // as received
    std::string body;                            // gunzipped when Content-Encoding is gzip
    std::string header(const std::string& name) const;
    bool is_insert() const;
  };

  // `newer`: answer as a newer release, with insert_deduplication_token and
  // DateTime64; otherwise as 18.16 without them.
  explicit FakeClickHouse(bool newer = true);
  ~FakeClickHouse();
  FakeClickHouse(const FakeClickHouse&) = delete;
  FakeClickHouse& operator=(const FakeClickHouse&) = delete;

  std::string Url() const;  // "http://127.0.0.1:<port>"
  std::vector<Request> requests() const;
  std::vector<Request> inserts() const;  // stored inserts only
  std::string create_sql() const;        // the last CREATE TABLE

  // The next `n` inserts are read and then answered by closing the
  // connection, as a server does that closes an idle keep-alive connection
  // just as a request arrives. They are not stored (not in inserts()).
  void DropNextInserts(int n) { drop_inserts_ = n; }
  int dropped() const { return dropped_; }

  // Called by the request handler.
  void Handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp);

 private:
  const bool newer_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<Request> requests_;                             // guarded by mu_
  std::vector<std::pair<std::string, std::string>> columns_;  // guarded by mu_
  std::string create_sql_;                                    // guarded by mu_
  std::atomic<int> drop_inserts_{0};
  std::atomic<int> dropped_{0};
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace sinkhost::clickhouse

#endif  // SINKHOST_PLUGINS_CLICKHOUSE_FAKE_CLICKHOUSE_H_
