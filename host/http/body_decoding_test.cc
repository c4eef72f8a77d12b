// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// DecodeBody: gzip and both forms of deflate decoded; the limit applies to
// the decoded size (a zip bomb stops at the limit); damaged data and
// unknown codings are named.
#include <QtTest>

#include <string>

#include "host/http/body_decoding.h"
#include "tests/support/deflate.h"

using namespace sinkhost;
using sinkhost::testing::Compress;

namespace {

const std::string kNdjson = "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n";

}  // namespace

class BodyDecodingTest : public QObject {
  Q_OBJECT

 private slots:
  void identityIsLeftAlone() {
    std::string out, error;
    QCOMPARE(DecodeBody("", kNdjson, 1000, &out, &error), BodyDecode::kIdentity);
    QCOMPARE(DecodeBody(" identity ", kNdjson, 1000, &out, &error), BodyDecode::kIdentity);
  }

  void gzipAndDeflateAreDecoded_data() {
    QTest::addColumn<QString>("coding");
    QTest::addColumn<int>("window_bits");
    QTest::newRow("gzip") << "gzip" << 31;
    QTest::newRow("x-gzip") << "x-gzip" << 31;
    QTest::newRow("GZIP, any case") << "GZIP" << 31;
    QTest::newRow("deflate (zlib format)") << "deflate" << 15;
    QTest::newRow("deflate without the zlib header") << "deflate" << -15;
  }
  void gzipAndDeflateAreDecoded() {
    QFETCH(QString, coding);
    QFETCH(int, window_bits);
    std::string out, error;
    QCOMPARE(DecodeBody(coding.toStdString(), Compress(kNdjson, window_bits), 1000, &out, &error),
             BodyDecode::kDecoded);
    QCOMPARE(out, kNdjson);
  }

  void theLimitAppliesToTheDecodedSize() {
    const std::string zeros(10u << 20, '0');  // 10 MiB of '0' compress to about 10 KiB
    const std::string bomb = Compress(zeros, 31);
    QVERIFY(bomb.size() < 64 * 1024);
    std::string out, error;
    QCOMPARE(DecodeBody("gzip", bomb, 1u << 20, &out, &error), BodyDecode::kTooLarge);
    QVERIFY(out.size() <= (1u << 20) + 1);  // stopped at the limit, not after
    QCOMPARE(DecodeBody("gzip", bomb, 10u << 20, &out, &error), BodyDecode::kDecoded);
    QCOMPARE(out.size(), zeros.size());
    // Exactly at the limit is fine.
    QCOMPARE(DecodeBody("gzip", Compress(kNdjson, 31), kNdjson.size(), &out, &error),
             BodyDecode::kDecoded);
  }

  void damagedDataIsNamed() {
    std::string gz = Compress(kNdjson, 31), out, error;
    QCOMPARE(DecodeBody("gzip", kNdjson, 1000, &out, &error), BodyDecode::kBadData);
    QVERIFY(!error.empty());
    error.clear();
    QCOMPARE(DecodeBody("gzip", gz.substr(0, gz.size() / 2), 1000, &out, &error),
             BodyDecode::kBadData);
    QVERIFY2(error.find("ends early") != std::string::npos, error.c_str());
    error.clear();
    QCOMPARE(DecodeBody("gzip", gz + "junk", 1000, &out, &error), BodyDecode::kBadData);
    QVERIFY2(error.find("after the end") != std::string::npos, error.c_str());
  }

  void otherCodingsAreUnsupported() {
    std::string out, error;
    QCOMPARE(DecodeBody("br", kNdjson, 1000, &out, &error), BodyDecode::kUnsupported);
    QCOMPARE(DecodeBody("gzip, gzip", kNdjson, 1000, &out, &error), BodyDecode::kUnsupported);
  }
};

QTEST_GUILESS_MAIN(BodyDecodingTest)
#include "body_decoding_test.moc"
