// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Timestamps in bulk events: RFC 3339 text or seconds since the Unix epoch,
// converted to the timestamp column's unit, microseconds since the epoch
// (UTC).
//
// Accepted text: "YYYY-MM-DDTHH:MM:SS" with 'T', 't' or a space between
// date and time, an optional fraction of 1 to 9 digits (digits beyond the
// sixth are dropped: the column holds microseconds), and an optional offset
// "Z", "z", "+HH:MM", "-HH:MM" or "+HHMM". Without an offset the time is
// taken as UTC. Field ranges are checked (month 1-12, day within the month
// incl. leap years, hour 0-23, minute and second 0-59; a leap second "60" is
// refused).
//
// Thread safety: pure functions.
#ifndef SINKHOST_CORE_INGEST_TIMESTAMP_H_
#define SINKHOST_CORE_INGEST_TIMESTAMP_H_

#include <cstdint>
#include <string_view>

namespace sinkhost::ingest {

// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range of
// epoch numbers accepted.
inline constexpr int64_t kMinEpochSeconds = -62135596800;
inline constexpr int64_t kMaxEpochSeconds = 253402300799;

// Returns false when `text` is not an accepted timestamp.
bool ParseRfc3339(std::string_view text, int64_t* micros);

// Seconds since the epoch (fractions rounded to the nearest microsecond).
// Return false outside [kMinEpochSeconds, kMaxEpochSeconds].
bool EpochSecondsToMicros(int64_t seconds, int64_t* micros);
bool EpochSecondsToMicros(double seconds, int64_t* micros);

// Days from 1970-01-01 to the given proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_TIMESTAMP_H_
