// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/client_address.h"

#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>
#include <string_view>
#include <vector>

using namespace sinkhost::enrich;

namespace {

QString Text(const IpAddress& a) {
  char buf[IpAddress::kMaxTextSize];
  return QString::fromStdString(std::string(a.ToString(buf)));
}

IpAddress Ip(std::string_view text) {
  IpAddress a;
  if (!ParseIpAddress(text, &a)) qFatal("bad test address %s", std::string(text).c_str());
  return a;
}

constexpr std::string_view kPeer = "192.0.2.254";

}  // namespace

class ClientAddressTest : public QObject {
  Q_OBJECT
 private slots:
  // ParseIpAddress: bare addresses only; the canonical text is inet_ntop's.
  void parsesBareAddresses_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("family");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("v4") << "192.0.2.1" << 4 << "192.0.2.1";
    QTest::newRow("v4 zero") << "0.0.0.0" << 4 << "0.0.0.0";
    QTest::newRow("v6") << "2001:db8::1" << 6 << "2001:db8::1";
    QTest::newRow("v6 long form") << "2001:0DB8:0000:0000:0000:0000:0000:0001" << 6
                                  << "2001:db8::1";
    QTest::newRow("v6 loopback") << "::1" << 6 << "::1";
    QTest::newRow("v4-mapped") << "::ffff:192.0.2.1" << 4 << "192.0.2.1";
    QTest::newRow("v4-mapped hex") << "::ffff:c000:201" << 4 << "192.0.2.1";
    QTest::newRow("v6 zone dropped") << "fe80::1%eth0" << 6 << "fe80::1";
    QTest::newRow("v4-compatible stays v6") << "::192.0.2.1" << 6 << "::192.0.2.1";
    QTest::newRow("empty") << "" << 0 << "";
    QTest::newRow("garbage") << "not-an-ip" << 0 << "";
    QTest::newRow("three parts") << "192.0.2" << 0 << "";
    QTest::newRow("octet too big") << "192.0.2.256" << 0 << "";
    QTest::newRow("leading zero") << "192.0.02.1" << 0 << "";
    QTest::newRow("with port") << "192.0.2.1:80" << 0 << "";
    QTest::newRow("brackets") << "[::1]" << 0 << "";
    QTest::newRow("space") << " 192.0.2.1" << 0 << "";
    QTest::newRow("empty zone") << "fe80::1%" << 0 << "";
    QTest::newRow("too long") << QString(80, '1') << 0 << "";
  }
  void parsesBareAddresses() {
    QFETCH(QString, input);
    QFETCH(int, family);
    QFETCH(QString, canonical);
    IpAddress a;
    a.family = 4;  // must be reset on failure
    const std::string in = input.toStdString();
    QCOMPARE(ParseIpAddress(in, &a), family != 0);
    QCOMPARE(int(a.family), family);
    QCOMPARE(Text(a), canonical);
  }

  // ParseForwardedAddress: what one header entry may look like.
  void parsesHeaderEntries_data() {
    QTest::addColumn<QString>("entry");
    QTest::addColumn<QString>("address");  // "" = rejected
    QTest::newRow("v4") << "203.0.113.7" << "203.0.113.7";
    QTest::newRow("v4 port") << "216.160.83.56:123" << "216.160.83.56";  // Plausible "scrubs port"
    QTest::newRow("v4 port blanks") << " \t203.0.113.7:5678 " << "203.0.113.7";
    QTest::newRow("v6") << "2001:218:1:1:1:1:1:1" << "2001:218:1:1:1:1:1:1";
    QTest::newRow("v6 brackets") << "[2001:db8::1]" << "2001:db8::1";
    QTest::newRow("v6 brackets port") << "[2001:218:1:1:1:1:1:1]:123" << "2001:218:1:1:1:1:1:1";
    QTest::newRow("v6 loopback port") << "[::1]:80" << "::1";
    QTest::newRow("v6 colon digits is v6") << "2001:db8::1:80" << "2001:db8::1:80";
    QTest::newRow("v4-mapped in brackets") << "[::ffff:198.51.100.1]:443" << "198.51.100.1";
    QTest::newRow("v6 zone in brackets") << "[fe80::1%25eth0]" << "fe80::1";
    QTest::newRow("empty port") << "203.0.113.7:" << "";
    QTest::newRow("port too long") << "203.0.113.7:123456" << "";
    QTest::newRow("port not digits") << "203.0.113.7:http" << "";
    QTest::newRow("v4 in brackets") << "[203.0.113.7]" << "";
    QTest::newRow("unclosed bracket") << "[2001:db8::1" << "";
    QTest::newRow("junk after bracket") << "[2001:db8::1]x" << "";
    QTest::newRow("bracket empty port") << "[2001:db8::1]:" << "";
    QTest::newRow("unknown") << "unknown" << "";
    QTest::newRow("obfuscated") << "_hidden" << "";
    QTest::newRow("hostname") << "proxy.example.com" << "";
    QTest::newRow("hostname port") << "proxy.example.com:80" << "";
    QTest::newRow("quoted") << "\"203.0.113.7\"" << "";
    QTest::newRow("blank") << "   " << "";
    QTest::newRow("inner space") << "203.0.113. 7" << "";
  }
  void parsesHeaderEntries() {
    QFETCH(QString, entry);
    QFETCH(QString, address);
    IpAddress a;
    const std::string in = entry.toStdString();
    QCOMPARE(ParseForwardedAddress(in, &a), !address.isEmpty());
    QCOMPARE(Text(a), address);
  }

  // ClientAddress with one X-Forwarded-For field.
  void selectsTheClient_data() {
    QTest::addColumn<int>("hops");
    QTest::addColumn<QString>("xff");
    QTest::addColumn<QString>("xRealIp");
    QTest::addColumn<QString>("client");
    // Never trusted by default: the headers are not read.
    QTest::newRow("0 hops ignores XFF") << 0 << "203.0.113.1" << "" << QString(kPeer.data());
    QTest::newRow("0 hops ignores X-Real-IP") << 0 << "" << "203.0.113.1" << QString(kPeer.data());
    QTest::newRow("negative hops") << -1 << "203.0.113.1" << "" << QString(kPeer.data());
    // One trusted proxy: the entry it appended, the rightmost.
    QTest::newRow("1 hop, one entry") << 1 << "203.0.113.1" << "" << "203.0.113.1";
    QTest::newRow("1 hop, forged entries left") << 1 << "198.51.100.66, 203.0.113.1" << ""
                                                << "203.0.113.1";
    // Two: the second from the right.
    QTest::newRow("2 hops") << 2 << "198.51.100.66, 203.0.113.1, 10.0.0.2" << ""
                            << "203.0.113.1";
    QTest::newRow("3 hops") << 3 << "198.51.100.66,203.0.113.1,10.0.0.2,10.0.0.3" << ""
                            << "203.0.113.1";
    // Fewer entries than hops: the leftmost.
    QTest::newRow("2 hops, one entry") << 2 << "203.0.113.1" << "" << "203.0.113.1";
    QTest::newRow("5 hops, two entries") << 5 << "203.0.113.1, 10.0.0.2" << ""
                                         << "203.0.113.1";
    // Empty entries do not count.
    QTest::newRow("empty entries skipped") << 2 << "203.0.113.1,, 10.0.0.2 ,," << ""
                                           << "203.0.113.1";
    QTest::newRow("blank XFF is absent") << 1 << " , " << "203.0.113.9" << "203.0.113.9";
    // Ports, brackets, whitespace in the selected entry.
    QTest::newRow("selected with port") << 1 << "198.51.100.66, 203.0.113.1:5678" << ""
                                        << "203.0.113.1";
    QTest::newRow("selected v6 bracketed port") << 2 << "[2001:db8::7]:80 ,\t10.0.0.2" << ""
                                                << "2001:db8::7";
    QTest::newRow("selected v4-mapped") << 1 << "::ffff:203.0.113.1" << "" << "203.0.113.1";
    // Garbage: only the selected entry matters; when it is garbage, the peer.
    QTest::newRow("garbage elsewhere") << 1 << "garbage, 203.0.113.1" << "" << "203.0.113.1";
    QTest::newRow("garbage selected") << 1 << "203.0.113.1, unknown" << ""
                                      << QString(kPeer.data());
    QTest::newRow("garbage counts as a hop") << 2 << "203.0.113.1, junk, 10.0.0.2" << ""
                                             << QString(kPeer.data());
    QTest::newRow("garbage selected, X-Real-IP not used")
        << 1 << "junk" << "203.0.113.9" << QString(kPeer.data());
    // X-Real-IP when there is no X-Forwarded-For.
    QTest::newRow("X-Real-IP") << 1 << "" << "203.0.113.9" << "203.0.113.9";
    QTest::newRow("X-Real-IP with port") << 2 << "" << " [2001:db8::9]:443 " << "2001:db8::9";
    QTest::newRow("X-Real-IP garbage") << 1 << "" << "nope" << QString(kPeer.data());
    QTest::newRow("XFF wins over X-Real-IP") << 1 << "203.0.113.1" << "203.0.113.9"
                                             << "203.0.113.1";
    QTest::newRow("no headers") << 1 << "" << "" << QString(kPeer.data());
  }
  void selectsTheClient() {
    QFETCH(int, hops);
    QFETCH(QString, xff);
    QFETCH(QString, xRealIp);
    QFETCH(QString, client);
    const std::string x = xff.toStdString();
    const std::string r = xRealIp.toStdString();
    QCOMPARE(Text(ClientAddress(Ip(kPeer), x, r, hops)), client);
  }

  // Several X-Forwarded-For fields are one list, in the order received.
  void joinsSeveralFields() {
    const std::vector<std::string_view> fields = {"198.51.100.66, 203.0.113.1",
                                                  "10.0.0.2", "", " 10.0.0.3 "};
    const IpAddress peer = Ip(kPeer);
    QCOMPARE(Text(ClientAddress(peer, fields, "", 1)), QString("10.0.0.3"));
    QCOMPARE(Text(ClientAddress(peer, fields, "", 2)), QString("10.0.0.2"));
    QCOMPARE(Text(ClientAddress(peer, fields, "", 3)), QString("203.0.113.1"));
    QCOMPARE(Text(ClientAddress(peer, fields, "", 4)), QString("198.51.100.66"));
    QCOMPARE(Text(ClientAddress(peer, fields, "", 9)), QString("198.51.100.66"));
    // The same as the fields joined with ",".
    QCOMPARE(ClientAddress(peer, "198.51.100.66, 203.0.113.1,10.0.0.2,, 10.0.0.3 ", "", 3),
             ClientAddress(peer, fields, "", 3));
    const std::vector<std::string_view> none;
    QCOMPARE(Text(ClientAddress(peer, none, "203.0.113.9", 1)), QString("203.0.113.9"));
  }

  void peerMayBeV6() {
    const IpAddress peer = Ip("2001:db8::fe");
    QCOMPARE(Text(ClientAddress(peer, "203.0.113.1", "", 0)), QString("2001:db8::fe"));
    QCOMPARE(Text(ClientAddress(peer, "junk", "", 1)), QString("2001:db8::fe"));
    // A dual-stack socket reports IPv4 clients as v4-mapped: one form.
    QCOMPARE(Ip("::ffff:203.0.113.1"), Ip("203.0.113.1"));
  }

  void equalityComparesTheAddress() {
    QVERIFY(Ip("2001:db8::1") == Ip("2001:DB8:0::1"));
    QVERIFY(!(Ip("2001:db8::1") == Ip("2001:db8::2")));
    QVERIFY(!(Ip("192.0.2.1") == Ip("::192.0.2.1")));
    QVERIFY(IpAddress() == IpAddress());
    QVERIFY(IpAddress().empty());
  }

  void convertsToSockaddr() {
    sockaddr_storage ss;
    QCOMPARE(ToSockaddr(Ip("192.0.2.1"), &ss), sizeof(sockaddr_in));
    QCOMPARE(int(ss.ss_family), AF_INET);
    QCOMPARE(reinterpret_cast<sockaddr_in*>(&ss)->sin_addr.s_addr, htonl(0xC0000201));
    QCOMPARE(ToSockaddr(Ip("2001:db8::1"), &ss), sizeof(sockaddr_in6));
    QCOMPARE(int(ss.ss_family), AF_INET6);
    QCOMPARE(int(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr.s6_addr[15]), 1);
    QCOMPARE(ToSockaddr(IpAddress(), &ss), size_t(0));
  }
};

QTEST_GUILESS_MAIN(ClientAddressTest)
#include "client_address_test.moc"
