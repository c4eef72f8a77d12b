// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/wal/crc32c.h"

#include <string>
#include <vector>

#include "tests/support/qtest_printers.h"

using namespace sinkhost;

namespace {

// RFC 3720, appendix B.4: CRC32C examples.
struct Vector {
  std::vector<uint8_t> data;
  uint32_t crc;
};

std::vector<Vector> Rfc3720Vectors() {
  std::vector<Vector> v;
  v.push_back({std::vector<uint8_t>(32, 0x00), 0x8a9136aa});
  v.push_back({std::vector<uint8_t>(32, 0xff), 0x62a8ab43});
  Vector inc{std::vector<uint8_t>(32), 0x46dd794e};
  Vector dec{std::vector<uint8_t>(32), 0x113fdb5c};
  for (int i = 0; i < 32; ++i) {
    inc.data[i] = static_cast<uint8_t>(i);
    dec.data[i] = static_cast<uint8_t>(31 - i);
  }
  v.push_back(inc);
  v.push_back(dec);
  // An iSCSI read command PDU.
  v.push_back({{0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
                0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
               0xd9963a56});
  return v;
}

}  // namespace

class Crc32cTest : public QObject {
  Q_OBJECT
 private slots:
  void matchesRfc3720Vectors() {
    for (const Vector& v : Rfc3720Vectors()) {
      QCOMPARE(crc32c::Value(v.data.data(), v.data.size()), v.crc);
      QCOMPARE(crc32c::ExtendPortable(0, v.data.data(), v.data.size()), v.crc);
      if (crc32c::HardwareAvailable())
        QCOMPARE(crc32c::ExtendHardware(0, v.data.data(), v.data.size()), v.crc);
    }
    QCOMPARE(crc32c::Value("123456789", 9), 0xe3069283u);
  }

  // Every split point and every alignment: the 8-byte loops and the byte
  // tails must agree with each other and with one pass.
  void extendEqualsOnePassAtEverySplit() {
    std::string data;
    for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 131 + 7));
    const uint32_t whole = crc32c::ExtendPortable(0, data.data(), data.size());
    for (size_t offset = 0; offset < 9; ++offset) {
      const uint32_t portable =
          crc32c::ExtendPortable(0, data.data() + offset, data.size() - offset);
      QCOMPARE(crc32c::Value(data.data() + offset, data.size() - offset), portable);
    }
    for (size_t split = 0; split <= data.size(); ++split) {
      const uint32_t a = crc32c::Value(data.data(), split);
      QCOMPARE(crc32c::Extend(a, data.data() + split, data.size() - split), whole);
      const uint32_t p = crc32c::ExtendPortable(0, data.data(), split);
      QCOMPARE(crc32c::ExtendPortable(p, data.data() + split, data.size() - split), whole);
    }
  }

  void maskRoundTripsAndDiffers() {
    for (uint32_t crc : {0u, 1u, 0xe3069283u, 0xffffffffu}) {
      QCOMPARE(crc32c::Unmask(crc32c::Mask(crc)), crc);
      QVERIFY(crc32c::Mask(crc) != crc);
      QVERIFY(crc32c::Mask(crc32c::Mask(crc)) != crc);
    }
  }
};

QTEST_GUILESS_MAIN(Crc32cTest)
#include "crc32c_test.moc"
