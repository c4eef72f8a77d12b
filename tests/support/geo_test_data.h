// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The addresses in the test GeoIP database (tests/support/make_test_mmdb.pl,
// built to SINKHOST_TEST_MMDB) and the events_v2 columns each gives, for the
// unit tests of core/enrich and for end-to-end tests. All addresses are in
// documentation ranges (RFC 5737, RFC 3849). Keep in step with the script.
//
// Thread safety: constants only.
#ifndef SINKHOST_TESTS_SUPPORT_GEO_TEST_DATA_H_
#define SINKHOST_TESTS_SUPPORT_GEO_TEST_DATA_H_

#include <cstdint>

namespace sinkhost::testing {

// One address and the columns Plausible would store for it.
struct GeoTestCase {
  const char* ip;
  const char* country_code;       // "" when unknown (ClickHouse stores \0\0)
  const char* subdivision1_code;  // "<country>-<iso>"
  const char* subdivision2_code;
  uint32_t city_geoname_id;       // 0 when unknown
};

// A city in one subdivision (203.0.113.0/26).
inline constexpr const char* kGeoUsCaliforniaIp = "203.0.113.10";
inline constexpr GeoTestCase kGeoUsCalifornia = {kGeoUsCaliforniaIp, "US", "US-CA", "", 5391959};

// Two subdivision levels, shaped like Plausible's test address 2.125.160.216
// ("looks up location data from the ip address", external_controller_test.exs)
// (198.51.100.0/25).
inline constexpr const char* kGeoGbTwoSubdivisionsIp = "198.51.100.20";
inline constexpr GeoTestCase kGeoGbTwoSubdivisions = {kGeoGbTwoSubdivisionsIp, "GB", "GB-ENG",
                                                      "GB-WBK", 2655045};

// A district id that Plausible's CityOverrides rewrites to its city
// (Floridsdorf 2779467 -> Vienna 2761369) (198.51.100.192/26).
inline constexpr const char* kGeoCityOverrideIp = "198.51.100.200";
inline constexpr GeoTestCase kGeoCityOverride = {kGeoCityOverrideIp, "AT", "AT-9", "", 2761369};

// Country only (192.0.2.0/26).
inline constexpr const char* kGeoCountryOnlyIp = "192.0.2.10";
inline constexpr GeoTestCase kGeoCountryOnly = {kGeoCountryOnlyIp, "DE", "", "", 0};

// Country codes Plausible ignores, each with a city and/or subdivision that
// must be dropped with it: ZZ unknown (192.0.2.64/28), XX disputed
// (192.0.2.80/28), T1 Tor exit node (192.0.2.96/28).
inline constexpr GeoTestCase kGeoIgnoredZz = {"192.0.2.70", "", "", "", 0};
inline constexpr GeoTestCase kGeoIgnoredXx = {"192.0.2.85", "", "", "", 0};
inline constexpr GeoTestCase kGeoIgnoredT1 = {"192.0.2.100", "", "", "", 0};

// A record with registered_country only (192.0.2.112/28): nothing, as
// Plausible reads country.iso_code alone.
inline constexpr GeoTestCase kGeoRegisteredCountryOnly = {"192.0.2.120", "", "", "", 0};

// The DB-IP lite shape, subdivision and city names without codes or ids
// (192.0.2.128/26): the country only.
inline constexpr GeoTestCase kGeoDbipShaped = {"192.0.2.130", "FR", "", "", 0};

// IPv6 (2001:db8::/48), and IPv6 country only (2001:db8:1::/48).
inline constexpr const char* kGeoIpv6Ip = "2001:db8::1";
inline constexpr GeoTestCase kGeoIpv6 = {kGeoIpv6Ip, "JP", "JP-13", "", 1850147};
inline constexpr GeoTestCase kGeoIpv6CountryOnly = {"2001:db8:1::5", "CA", "", "", 0};

// Not in the database: empty columns.
inline constexpr const char* kGeoNotFoundIp = "203.0.113.200";
inline constexpr const char* kGeoNotFoundIpv6 = "2001:db8:ffff::1";
inline constexpr GeoTestCase kGeoNotFound = {kGeoNotFoundIp, "", "", "", 0};
inline constexpr GeoTestCase kGeoNotFoundV6 = {kGeoNotFoundIpv6, "", "", "", 0};

// The addresses Plausible's tests send (external_controller_test.exs,
// describe "POST /api/event"), with the values those tests assert.
inline constexpr GeoTestCase kPlausibleGeoGb = {"2.125.160.216", "GB", "GB-ENG", "GB-WBK", 2655045};
inline constexpr GeoTestCase kPlausibleGeoUs = {"216.160.83.56", "US", "", "", 0};
inline constexpr GeoTestCase kPlausibleGeoJp = {"2001:218:1:1:1:1:1:1", "JP", "", "", 0};
inline constexpr GeoTestCase kPlausibleGeoZz = {"0.0.0.0", "", "", "", 0};
inline constexpr GeoTestCase kPlausibleGeoXx = {"0.0.0.1", "", "", "", 0};
inline constexpr GeoTestCase kPlausibleGeoT1 = {"0.0.0.2", "", "", "", 0};

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_GEO_TEST_DATA_H_
