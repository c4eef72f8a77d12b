// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// CRC32C (Castagnoli, the iSCSI polynomial 0x1EDC6F41, RFC 3720), the
// checksum of every write-ahead log record. Uses the SSE4.2 crc32
// instruction when the CPU has it and a slicing-by-8 table otherwise; both
// give identical results (crc32c_test.cc checks the RFC 3720 vectors).
//
// Debian 12 has no packaged Google crc32c library, hence this small copy.
//
// Thread safety: every function is pure and may be called concurrently.
#ifndef SINKHOST_CORE_WAL_CRC32C_H_
#define SINKHOST_CORE_WAL_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace sinkhost::crc32c {

// Returns the CRC32C of data[0, n) appended to a message whose CRC32C is
// `crc` (so Extend(Value(a), b) == Value(a + b)).
uint32_t Extend(uint32_t crc, const void* data, size_t n);
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }

// The two implementations behind Extend, exposed for tests and the bench.
uint32_t ExtendPortable(uint32_t crc, const void* data, size_t n);
// False when the CPU lacks SSE4.2 (ExtendHardware must not be called then).
bool HardwareAvailable();
uint32_t ExtendHardware(uint32_t crc, const void* data, size_t n);

// A CRC stored next to data that is itself checksummed later (a record
// header holding its payload's CRC) is masked, as in LevelDB: the CRC of a
// string containing its own CRC is degenerate.
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace sinkhost::crc32c

#endif  // SINKHOST_CORE_WAL_CRC32C_H_
