// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/wal/wal_format.h"

#include <cinttypes>
#include <cstdio>

#include "core/wal/crc32c.h"

namespace sinkhost::wal_format {

void EncodeSegmentHeader(uint64_t first_seq, uint8_t out[kSegmentHeaderSize]) {
  std::memcpy(out, kSegmentMagic, 8);
  PutU32(out + 8, kVersion);
  PutU32(out + 12, 0);
  PutU64(out + 16, first_seq);
  PutU32(out + 24, 0);
  PutU32(out + 28, crc32c::Mask(crc32c::Value(out, 28)));
}

bool DecodeSegmentHeader(const uint8_t* p, uint64_t* first_seq) {
  if (std::memcmp(p, kSegmentMagic, 8) != 0) return false;
  if (crc32c::Unmask(GetU32(p + 28)) != crc32c::Value(p, 28)) return false;
  if (GetU32(p + 8) != kVersion) return false;
  *first_seq = GetU64(p + 16);
  return true;
}

void EncodeRecordHeader(const RecordHeader& h, uint8_t out[kRecordHeaderSize]) {
  PutU32(out + 4, h.length);
  PutU64(out + 8, h.seq);
  out[16] = h.type;
  out[17] = out[18] = out[19] = 0;
  PutU32(out + 20, crc32c::Mask(h.payload_crc));
  PutU32(out, crc32c::Mask(crc32c::Value(out + 4, kRecordHeaderSize - 4)));
}

bool DecodeRecordHeader(const uint8_t* p, RecordHeader* h) {
  if (crc32c::Unmask(GetU32(p)) != crc32c::Value(p + 4, kRecordHeaderSize - 4)) return false;
  h->length = GetU32(p + 4);
  h->seq = GetU64(p + 8);
  h->type = p[16];
  h->payload_crc = crc32c::Unmask(GetU32(p + 20));
  return true;
}

std::string SegmentFileName(uint64_t first_seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020" PRIu64 "%.*s", first_seq,
                static_cast<int>(kSegmentSuffix.size()), kSegmentSuffix.data());
  return buf;
}

bool ParseSegmentFileName(std::string_view name, uint64_t* first_seq) {
  if (name.size() != 20 + kSegmentSuffix.size() || !name.ends_with(kSegmentSuffix)) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    const char c = name[i];
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (v == 0) return false;  // numbering starts at 1
  *first_seq = v;
  return true;
}

bool ValidConsumerName(std::string_view name) {
  if (name.empty() || name.size() > 100 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

namespace {
constexpr std::string_view kConsumerMagicLine = "sinkhost-wal-consumer 1\n";

std::string ConsumerBody(uint64_t confirmed_seq) {
  return std::string(kConsumerMagicLine) + "confirmed " + std::to_string(confirmed_seq) + "\n";
}
}  // namespace

std::string EncodeConsumerFile(uint64_t confirmed_seq) {
  std::string body = ConsumerBody(confirmed_seq);
  char crc[32];
  std::snprintf(crc, sizeof crc, "crc32c %08x\n",
                crc32c::Mask(crc32c::Value(body.data(), body.size())));
  return body + crc;
}

bool DecodeConsumerFile(std::string_view text, uint64_t* confirmed_seq) {
  if (!text.starts_with(kConsumerMagicLine)) return false;
  std::string_view rest = text.substr(kConsumerMagicLine.size());
  if (!rest.starts_with("confirmed ")) return false;
  rest.remove_prefix(10);
  uint64_t v = 0;
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
    const uint64_t d = static_cast<uint64_t>(rest[digits] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
    ++digits;
  }
  if (digits == 0) return false;
  // Re-encoding must reproduce the file byte for byte, checksum included.
  if (EncodeConsumerFile(v) != text) return false;
  *confirmed_seq = v;
  return true;
}

}  // namespace sinkhost::wal_format
