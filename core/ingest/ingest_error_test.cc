// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include <QtTest>

#include <string>

#include "core/ingest/ingest.h"

using namespace sinkhost;

class IngestErrorTest : public QObject {
  Q_OBJECT
 private slots:
  void plausibleJsonGroupsByField() {
    IngestError e;
    e.errors = {{"url", "is required"},
                {"domain", "can't be blank"},
                {"url", "scheme is not allowed"},
                {"event_name", "can't be blank"}};
    QCOMPARE(e.PlausibleJson(),
             std::string("{\"errors\":{\"url\":[\"is required\",\"scheme is not allowed\"],"
                         "\"domain\":[\"can't be blank\"],\"event_name\":[\"can't be blank\"]}}"));
  }

  void plausibleJsonEscapes() {
    IngestError e;
    e.errors = {{"props", "bad \"quote\"\n\\"}};
    QCOMPARE(e.PlausibleJson(),
             std::string("{\"errors\":{\"props\":[\"bad \\\"quote\\\"\\n\\\\\"]}}"));
    IngestError empty;
    QCOMPARE(empty.PlausibleJson(), std::string("{\"errors\":{}}"));
  }

  void bulkJsonShowsTheFirstError() {
    IngestError e;
    e.line = 3;
    e.errors = {{"url", "must be a string, got number"}, {"name", "ignored"}};
    QCOMPARE(e.BulkJson(),
             std::string("{\"error\":{\"line\":3,\"field\":\"url\",\"message\":\"must be a "
                         "string, got number\"}}"));
    IngestError body;
    body.errors = {{"request", "body is empty"}};
    QCOMPARE(body.BulkJson(),
             std::string("{\"error\":{\"line\":0,\"field\":\"request\",\"message\":\"body is "
                         "empty\"}}"));
  }

  void toStringForLogs() {
    IngestError e;
    e.line = 3;
    e.errors = {{"url", "must be a string, got number"}};
    QCOMPARE(e.ToString(), std::string("line 3: url: must be a string, got number"));
    e.line = 0;
    e.errors.push_back({"domain", "can't be blank"});
    QCOMPARE(e.ToString(), std::string("url: must be a string, got number; domain: can't be blank"));
    QCOMPARE(IngestError().http_status, 400);
  }
};

QTEST_GUILESS_MAIN(IngestErrorTest)
#include "ingest_error_test.moc"
