// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// GeoDatabase: the country, subdivisions and city of a client address, read
// from a MaxMind DB file (GeoLite2/GeoIP2 City or Country, or DB-IP lite
// city/country) with libmaxminddb, in the form Plausible stores them in
// events_v2 and sessions_v2.
//
// What is filled, following Plausible.Ingestion.Geolocation.lookup
// (lib/plausible/ingestion/geolocation.ex) and Plausible.Geo.lookup
// (lib/plausible/geo.ex):
//   country_code       country.iso_code ("US"). Not registered_country nor
//                      represented_country. "ZZ" (unknown), "XX" (disputed)
//                      and "T1" (Tor exit node) count as no country; with no
//                      country every other column is empty too.
//   subdivision1_code  "<country>-<subdivisions[0].iso_code>" ("US-CA").
//   subdivision2_code  "<country>-<subdivisions[1].iso_code>" ("GB-WBK").
//   city_geoname_id    city.geoname_id, rewritten by Plausible's
//                      CityOverrides (city districts -> their city, e.g.
//                      Floridsdorf -> Vienna); 0 when unknown.
// DB-IP lite databases carry subdivision and city names but neither
// subdivision codes nor city geoname ids, so they give the country alone, as
// they do in Plausible. The address not being in the database (private,
// loopback and other reserved addresses never are) gives an empty location.
// Plausible's "A1" (anonymous VPN) comes from a request header of its
// hosting, not from the database, and is not produced here.
//
// Thread safety: immutable after Open; Lookup may be called from any number
// of threads at once (libmaxminddb lookups only read the mapped file).
#ifndef SINKHOST_CORE_ENRICH_GEO_DATABASE_H_
#define SINKHOST_CORE_ENRICH_GEO_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/enrich/client_address.h"
#include "sinkhost/status.hpp"

struct MMDB_s;

namespace sinkhost::enrich {

// The geolocation columns; empty strings and 0 are ClickHouse's defaults,
// which is what Plausible writes when it knows nothing.
struct GeoLocation {
  std::string country_code;       // ISO 3166-1 alpha-2, or ""
  std::string subdivision1_code;  // ISO 3166-2 ("US-CA"), or ""
  std::string subdivision2_code;
  uint32_t city_geoname_id = 0;

  void Clear() {
    country_code.clear();
    subdivision1_code.clear();
    subdivision2_code.clear();
    city_geoname_id = 0;
  }
};

class GeoDatabase {
 public:
  // Opens (memory-maps) the file. Fails, naming the file, when it cannot be
  // read, is not a MaxMind DB, or holds data other than locations (an ASN,
  // ISP, domain, connection-type or anonymous-IP database).
  static Status Open(const std::string& mmdb_path, std::unique_ptr<GeoDatabase>* out);

  ~GeoDatabase();
  GeoDatabase(const GeoDatabase&) = delete;
  GeoDatabase& operator=(const GeoDatabase&) = delete;

  // Fills *out (cleared first). Assigns into out's strings, which keep their
  // capacity between calls; no other allocation.
  void Lookup(const IpAddress& address, GeoLocation* out) const;

  // Lookup in two steps, for callers that cache decoded records: the
  // record `address` falls in (kNoRecord: none; addresses of one network
  // share it), and its location.
  static constexpr uint64_t kNoRecord = UINT64_MAX;
  uint64_t RecordOf(const IpAddress& address) const;
  void Decode(uint64_t record, GeoLocation* out) const;

  // The metadata's database_type, e.g. "GeoLite2-City", "DBIP-City-Lite".
  std::string_view database_type() const;
  const std::string& path() const { return path_; }

 private:
  GeoDatabase() = default;

  std::string path_;
  std::unique_ptr<MMDB_s> mmdb_;
  bool mmdb_open_ = false;
};

}  // namespace sinkhost::enrich

#endif  // SINKHOST_CORE_ENRICH_GEO_DATABASE_H_
