// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/geo_database.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/geo_test_data.h"

using namespace sinkhost::enrich;
using sinkhost::Status;
using sinkhost::testing::GeoTestCase;

namespace {

// Writes a one-network .mmdb with MaxMind::DB::Writer (as the CMake rule for
// the test database does); false with the error printed when perl fails.
bool WriteMmdb(const QString& path, const QString& options, const QString& network,
               const QString& record) {
  QProcess perl;
  perl.start("perl", {"-MMaxMind::DB::Writer::Tree", "-e",
                      "my %types = (country => 'map', iso_code => 'utf8_string', "
                      "autonomous_system_number => 'uint32', names => 'map', en => "
                      "'utf8_string');"
                      "my $t = MaxMind::DB::Writer::Tree->new(languages => ['en'], description "
                      "=> {en => 'x'}, remove_reserved_networks => 0, map_key_type_callback => "
                      "sub { $types{$_[0]} }, " +
                          options + ");" + "$t->insert_network('" + network + "', " + record +
                          ");"
                          "open my $f, '>:raw', $ARGV[0] or die; $t->write_tree($f); close $f;",
                      path});
  if (!perl.waitForFinished(30000) || perl.exitCode() != 0) {
    qWarning("perl: %s", perl.readAllStandardError().constData());
    return false;
  }
  return true;
}

IpAddress Ip(const char* text) {
  IpAddress a;
  if (!ParseIpAddress(text, &a)) qFatal("bad test address %s", text);
  return a;
}

}  // namespace

class GeoDatabaseTest : public QObject {
  Q_OBJECT
 private:
  std::unique_ptr<GeoDatabase> db_;

 private slots:
  void initTestCase() {
    const Status s = GeoDatabase::Open(SINKHOST_TEST_MMDB, &db_);
    QVERIFY2(s.ok(), s.ToString().c_str());
    QVERIFY(db_ != nullptr);
  }

  void readsTheDatabaseType() {
    QCOMPARE(QString::fromStdString(std::string(db_->database_type())), QString("GeoLite2-City"));
    QCOMPARE(db_->path(), std::string(SINKHOST_TEST_MMDB));
  }

  // The columns Plausible stores (Plausible.Ingestion.Geolocation.lookup),
  // for every record of tests/support/make_test_mmdb.pl.
  void looksUpLocations_data() {
    QTest::addColumn<QString>("ip");
    QTest::addColumn<QString>("country");
    QTest::addColumn<QString>("subdivision1");
    QTest::addColumn<QString>("subdivision2");
    QTest::addColumn<uint>("city");
    auto row = [](const char* name, const GeoTestCase& c) {
      QTest::newRow(name) << c.ip << c.country_code << c.subdivision1_code << c.subdivision2_code
                          << uint(c.city_geoname_id);
    };
    namespace t = sinkhost::testing;
    row("city, one subdivision", t::kGeoUsCalifornia);
    // external_controller_test.exs "looks up location data from the ip address"
    row("two subdivisions", t::kGeoGbTwoSubdivisions);
    row("city override", t::kGeoCityOverride);
    row("country only", t::kGeoCountryOnly);
    // "ignores unknown country code ZZ", "ignores disputed territory code XX",
    // "ignores TOR exit node country code T1"
    row("ZZ ignored", t::kGeoIgnoredZz);
    row("XX ignored", t::kGeoIgnoredXx);
    row("T1 ignored", t::kGeoIgnoredT1);
    row("registered country only", t::kGeoRegisteredCountryOnly);
    row("DB-IP shape", t::kGeoDbipShaped);
    // "works with ipv6 without port in x-forwarded-for"
    row("ipv6 city", t::kGeoIpv6);
    row("ipv6 country only", t::kGeoIpv6CountryOnly);
    row("not found", t::kGeoNotFound);
    row("not found v6", t::kGeoNotFoundV6);
    // Network edges.
    QTest::newRow("first of /26") << "203.0.113.0" << "US" << "US-CA" << "" << 5391959u;
    QTest::newRow("last of /26") << "203.0.113.63" << "US" << "US-CA" << "" << 5391959u;
    QTest::newRow("just past /26") << "203.0.113.64" << "" << "" << "" << 0u;
    // IPv4 through the IPv4-mapped IPv6 form: the same record.
    QTest::newRow("v4-mapped") << "::ffff:203.0.113.10" << "US" << "US-CA" << "" << 5391959u;
    // Private, loopback and other reserved addresses are in no database.
    QTest::newRow("private 10/8") << "10.1.2.3" << "" << "" << "" << 0u;
    QTest::newRow("private 192.168") << "192.168.1.1" << "" << "" << "" << 0u;
    QTest::newRow("loopback") << "127.0.0.1" << "" << "" << "" << 0u;
    QTest::newRow("unspecified") << "0.0.0.0" << "" << "" << "" << 0u;
    QTest::newRow("v6 loopback") << "::1" << "" << "" << "" << 0u;
    QTest::newRow("v6 link-local") << "fe80::1" << "" << "" << "" << 0u;
    QTest::newRow("v6 unique local") << "fd00::1" << "" << "" << "" << 0u;
  }
  void looksUpLocations() {
    QFETCH(QString, ip);
    QFETCH(QString, country);
    QFETCH(QString, subdivision1);
    QFETCH(QString, subdivision2);
    QFETCH(uint, city);
    GeoLocation loc;
    loc.country_code = "stale";  // Lookup clears what a previous call left
    loc.subdivision2_code = "stale";
    loc.city_geoname_id = 42;
    db_->Lookup(Ip(ip.toStdString().c_str()), &loc);
    QCOMPARE(QString::fromStdString(loc.country_code), country);
    QCOMPARE(QString::fromStdString(loc.subdivision1_code), subdivision1);
    QCOMPARE(QString::fromStdString(loc.subdivision2_code), subdivision2);
    QCOMPARE(uint(loc.city_geoname_id), city);
  }

  void emptyAddressGivesNothing() {
    GeoLocation loc;
    loc.country_code = "US";
    db_->Lookup(IpAddress(), &loc);
    QVERIFY(loc.country_code.empty());
    QCOMPARE(loc.city_geoname_id, 0u);
  }

  // Concurrent lookups give the same answers (libmaxminddb only reads).
  void looksUpFromManyThreads() {
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    const IpAddress gb = Ip(sinkhost::testing::kGeoGbTwoSubdivisionsIp);
    const IpAddress jp = Ip(sinkhost::testing::kGeoIpv6Ip);
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        GeoLocation loc;
        for (int i = 0; i < 2000; ++i) {
          db_->Lookup(i % 2 ? gb : jp, &loc);
          if (loc.subdivision1_code != (i % 2 ? "GB-ENG" : "JP-13")) ++wrong;
        }
      });
    }
    for (auto& th : threads) th.join();
    QCOMPARE(wrong.load(), 0);
  }

  void openFails_data() {
    QTest::addColumn<QString>("content");  // "<missing>": no file at all
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing file") << "<missing>" << int(Status::Code::kIoError)
                                  << "No such file or directory";
    QTest::newRow("empty file") << "" << int(Status::Code::kInvalidArgument)
                                << "not a MaxMind DB";
    QTest::newRow("text file") << "country,code\nUS,1\n" << int(Status::Code::kInvalidArgument)
                               << "not a MaxMind DB";
  }
  void openFails() {
    QFETCH(QString, content);
    QFETCH(int, code);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("geo.mmdb").toStdString();
    if (content != "<missing>") std::ofstream(path) << content.toStdString();
    std::unique_ptr<GeoDatabase> db;
    const Status s = GeoDatabase::Open(path, &db);
    QVERIFY(!s.ok());
    QVERIFY(db == nullptr);
    QCOMPARE(int(s.code()), code);
    const QString message = QString::fromStdString(s.message());
    QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
  }

  // A valid .mmdb that holds no locations is refused rather than giving
  // empty countries for every event.
  void refusesAnAsnDatabase() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("asn.mmdb");
    QVERIFY(WriteMmdb(path, "ip_version => 6, record_size => 24, database_type => 'GeoLite2-ASN'",
                      "2001:db8::/32", "{autonomous_system_number => 1}"));
    std::unique_ptr<GeoDatabase> db;
    const Status s = GeoDatabase::Open(path.toStdString(), &db);
    QVERIFY(!s.ok());
    QVERIFY(s.IsInvalidArgument());
    QVERIFY2(s.message().find("GeoLite2-ASN") != std::string::npos, s.message().c_str());
    QVERIFY2(s.message().find(path.toStdString()) != std::string::npos, s.message().c_str());
  }

  // DB-IP's country database is IPv4+IPv6, but an IPv4-only database must
  // answer IPv6 lookups with nothing rather than an error.
  void ipv4OnlyDatabase() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("v4.mmdb");
    QVERIFY(WriteMmdb(path,
                      "ip_version => 4, record_size => 24, database_type => "
                      "'DBIP-Country-Lite'",
                      "198.51.100.0/24", "{country => {iso_code => 'FR', names => {en => 'F'}}}"));
    std::unique_ptr<GeoDatabase> db;
    const Status s = GeoDatabase::Open(path.toStdString(), &db);
    QVERIFY2(s.ok(), s.ToString().c_str());
    QCOMPARE(QString::fromStdString(std::string(db->database_type())),
             QString("DBIP-Country-Lite"));
    GeoLocation loc;
    db->Lookup(Ip("198.51.100.1"), &loc);
    QCOMPARE(QString::fromStdString(loc.country_code), QString("FR"));
    QVERIFY(loc.subdivision1_code.empty());
    QCOMPARE(loc.city_geoname_id, 0u);
    db->Lookup(Ip("2001:db8::1"), &loc);
    QVERIFY(loc.country_code.empty());
  }
};

QTEST_GUILESS_MAIN(GeoDatabaseTest)
#include "geo_database_test.moc"
