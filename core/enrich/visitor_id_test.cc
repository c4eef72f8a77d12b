// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/visitor_id.h"

#include <sys/stat.h>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>
#include <string>

using namespace sinkhost;
using namespace sinkhost::enrich;

namespace {

constexpr int64_t kHourUs = int64_t{3600} * 1000000;
// 2026-12-07T12:00:00Z
constexpr int64_t kNoonUs = int64_t{1796644800} * 1000000;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Salt SaltOf(uint8_t first) {
  Salt s{};
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(first + i);
  return s;
}

}  // namespace

class VisitorIdTest : public QObject {
  Q_OBJECT
 private slots:
  // The reference vector of the SipHash paper (Aumasson & Bernstein,
  // appendix A): key 00..0f, message 00..0e, output a129ca6149be45e5.
  void sipHashMatchesTheReferenceVector() {
    const Salt key = SaltOf(0);
    std::string message;
    for (int i = 0; i < 15; ++i) message.push_back(static_cast<char>(i));
    QCOMPARE(SipHash24(key, message), uint64_t{0xa129ca6149be45e5});
  }

  void userIdHashesAgentAddressDomainAndRootDomain() {
    const Salt salt = SaltOf(7);
    VisitorHasher h;
    // Plausible's generate_user_id: user_agent <> remote_ip <> domain <> root_domain.
    const uint64_t id = h.UserId(salt, "UA", "1.2.3.4", "example.com", "blog.example.co.uk");
    QCOMPARE(id, SipHash24(salt, "UA1.2.3.4example.comexample.co.uk"));
    // Each input changes the id.
    QVERIFY(h.UserId(salt, "UA2", "1.2.3.4", "example.com", "blog.example.co.uk") != id);
    QVERIFY(h.UserId(salt, "UA", "1.2.3.5", "example.com", "blog.example.co.uk") != id);
    QVERIFY(h.UserId(salt, "UA", "1.2.3.4", "example.org", "blog.example.co.uk") != id);
    QVERIFY(h.UserId(SaltOf(8), "UA", "1.2.3.4", "example.com", "blog.example.co.uk") != id);
    // Same registrable domain, same id (Plausible's "root domain").
    QCOMPARE(h.UserId(salt, "UA", "1.2.3.4", "example.com", "www.example.co.uk"), id);
  }

  void registrableDomains_data() {
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("root");
    QTest::newRow("subdomain") << "blog.example.com" << "example.com";
    QTest::newRow("two-label suffix") << "a.b.example.co.uk" << "example.co.uk";
    QTest::newRow("private suffix (github.io)") << "me.github.io" << "me.github.io";
    QTest::newRow("ipv4 literal") << "192.168.1.1" << "192.168.1.1";
    QTest::newRow("localhost") << "localhost" << "localhost";
    QTest::newRow("no host") << "" << "(none)";
  }
  void registrableDomains() {
    QFETCH(QString, host);
    QFETCH(QString, root);
    RegistrableDomains d;
    QCOMPARE(QString::fromStdString(std::string(d.Of(host.toStdString()))), root);
    // The cached answer is the same.
    QCOMPARE(QString::fromStdString(std::string(d.Of(host.toStdString()))), root);
  }

  void saltsPersistAcrossARestart() {
    QTemporaryDir dir;
    std::unique_ptr<SaltStore> a;
    QVERIFY(SaltStore::Open(dir.path().toStdString(), kNoonUs, &a).ok());
    DaySalts first;
    QVERIFY(a->ForTime(kNoonUs, &first).ok());
    QVERIFY(!first.has_previous);
    a.reset();
    std::unique_ptr<SaltStore> b;
    QVERIFY(SaltStore::Open(dir.path().toStdString(), kNoonUs + kHourUs, &b).ok());
    DaySalts again;
    QVERIFY(b->ForTime(kNoonUs + kHourUs, &again).ok());
    QVERIFY(again.current == first.current);
    // Secrets: only the owner may read the file.
    struct stat st;
    QCOMPARE(::stat(SaltStore::FileIn(dir.path().toStdString()).c_str(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0600);
  }

  void saltRotatesAtMidnightUtcAndKeepsThePreviousFor48Hours() {
    QTemporaryDir dir;
    std::unique_ptr<SaltStore> store;
    QVERIFY(SaltStore::Open(dir.path().toStdString(), kNoonUs, &store).ok());
    DaySalts day1, late, day2, day3, day5;
    QVERIFY(store->ForTime(kNoonUs, &day1).ok());
    // 23:59:59.999999 the same day: unchanged.
    QVERIFY(store->ForTime(kNoonUs + 12 * kHourUs - 1, &late).ok());
    QVERIFY(late.current == day1.current);
    // 00:00 UTC the next day: a new salt, the old one as previous.
    QVERIFY(store->ForTime(kNoonUs + 12 * kHourUs, &day2).ok());
    QCOMPARE(day2.day, day1.day + 1);
    QVERIFY(day2.current != day1.current);
    QVERIFY(day2.has_previous);
    QVERIFY(day2.previous == day1.current);
    // The day after: day 2's salt is previous, day 1's is gone.
    QVERIFY(store->ForTime(kNoonUs + 36 * kHourUs, &day3).ok());
    QVERIFY(day3.previous == day2.current);
    QCOMPARE(store->entries().size(), size_t{2});
    // Two idle days later: the last salt is older than 48 hours and is
    // forgotten, so there is no previous salt.
    QVERIFY(store->ForTime(kNoonUs + 4 * 24 * kHourUs + 12 * kHourUs, &day5).ok());
    QVERIFY(!day5.has_previous);
    QCOMPARE(store->entries().size(), size_t{1});
    // And the file says the same.
    const std::string text = ReadAll(SaltStore::FileIn(dir.path().toStdString()));
    QCOMPARE(std::count(text.begin(), text.end(), '\n'), long{2});  // header + one salt
  }

  void aClockThatGoesBackKeepsTheNewestSalt() {
    QTemporaryDir dir;
    std::unique_ptr<SaltStore> store;
    QVERIFY(SaltStore::Open(dir.path().toStdString(), kNoonUs + 24 * kHourUs, &store).ok());
    DaySalts now, earlier;
    QVERIFY(store->ForTime(kNoonUs + 24 * kHourUs, &now).ok());
    QVERIFY(store->ForTime(kNoonUs, &earlier).ok());
    QVERIFY(earlier.current == now.current);
  }

  void aCorruptFileIsRefusedWithItsLine() {
    QTemporaryDir dir;
    const std::string path = SaltStore::FileIn(dir.path().toStdString());
    std::ofstream(path) << "# header\n20429 1 00112233445566778899aabbccddeeff\nnot a salt\n";
    std::unique_ptr<SaltStore> store;
    Status st = SaltStore::Open(dir.path().toStdString(), kNoonUs, &store);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find(path + " line 3") != std::string::npos, st.message().c_str());
  }
};

QTEST_GUILESS_MAIN(VisitorIdTest)
#include "visitor_id_test.moc"
