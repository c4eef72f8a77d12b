// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/enrich/geo_database.h"

#include <maxminddb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <utility>

namespace sinkhost::enrich {

namespace {

// City districts that GeoLite2 reports as cities, mapped to the city, as in
// Plausible.Ingestion.CityOverrides (lib/plausible/ingestion/
// city_overrides.ex). Sorted by the first id for binary search.
constexpr std::pair<uint32_t, uint32_t> kCityOverrides[] = {
    {587629, 588409},      // Viimsi -> Tallinn
    {2634112, 2643743},    // Whitechapel -> London
    {2640091, 2643743},    // Poplar -> London
    {2643741, 2643743},    // City of London -> London
    {2647694, 2643743},    // Hackney -> London
    {2658007, 2657896},    // Zurich (Kreis 3) -> Zurich
    {2659310, 2657896},    // Zurich (Kreis 11) -> Zurich
    {2676209, 2673730},    // Sodermalm -> Stockholm
    {2761393, 2761369},    // Wieden -> Vienna
    {2762091, 2761369},    // Wahring -> Vienna
    {2762518, 2772400},    // Urfahr -> Linz
    {2772484, 2761369},    // Liesing -> Vienna
    {2772614, 2761369},    // Leopoldstadt -> Vienna
    {2773040, 2761369},    // Landstrasse -> Vienna
    {2775259, 2761369},    // Innere Stadt -> Vienna
    {2779467, 2761369},    // Floridsdorf -> Vienna
    {2779776, 2761369},    // Favoriten -> Vienna
    {2780851, 2761369},    // Donaustadt -> Vienna
    {2782729, 2761369},    // Alsergrund -> Vienna
    {2870912, 2950159},    // Bezirk Mitte -> Berlin
    {2949619, 2946447},    // Beuel -> Bonn
    {3336294, 2950159},    // Charlottenburg-Wilmersdorf -> Berlin
    {3336295, 2950159},    // Friedrichshain-Kreuzberg -> Berlin
    {3336297, 2950159},    // Tempelhof-Schoneberg -> Berlin
    {3343955, 3060972},    // Bratislava -> Bratislava
    {3517471, 3530597},    // Zedec Santa Fe -> Mexico City
    {5946235, 6167865},    // East York -> Toronto
    {5950267, 6167865},    // Etobicoke -> Toronto
    {6091104, 6167865},    // North York -> Toronto
    {6295489, 2657896},    // Zurich (Kreis 1) -> Zurich
    {6295521, 2657896},    // Zurich (Kreis 5) -> Zurich
    {6544881, 2759794},    // Amsterdam-Zuidoost -> Amsterdam
    {6545173, 2643743},    // Soho -> London
    {6545251, 2643743},    // South Bank -> London
    {6619347, 1275339},    // Navi Mumbai -> Mumbai
    {6690589, 2643743},    // King's Cross -> London
    {6690595, 2643743},    // Shadwell -> London
    {6691781, 683506},     // Bucuresti -> Bucharest
    {6940981, 3143244},    // Nordre Aker -> Oslo
    {6946225, 2925533},    // Innenstadt I -> Frankfurt am Main
    {6946226, 2925533},    // Innenstadt II -> Frankfurt am Main
    {6946227, 2925533},    // Innenstadt III -> Frankfurt am Main
    {6947274, 2934246},    // Stadtbezirk 04 -> Dusseldorf
    {6947276, 2934246},    // Stadtbezirk 06 -> Dusseldorf
    {6947479, 2886242},    // Koln-Ehrenfeld -> Koln
    {6947481, 2886242},    // Koln-Lindenthal -> Koln
    {6948711, 6167865},    // Scarborough -> Toronto
    {8351447, 2867714},    // Moosach -> Munich
    {8351448, 2867714},    // Schwabing-Freimann -> Munich
    {8378772, 3067696},    // Praha 4 -> Prague
    {8436019, 6167865},    // Old Toronto -> Toronto
    {9179691, 3530597},    // Centro -> Mexico City
    {10173838, 2759794},   // Schiphol-Rijk -> Amsterdam
    {11049594, 588409},    // Pohja-Tallinna -> Tallinn
    {11050526, 588409},    // Lasnamae -> Tallinn
    {11050530, 588409},    // Kristiine -> Tallinn
    {11050531, 588409},    // Mustamae -> Tallinn
    {11053706, 588409},    // Kesklinna -> Tallinn
    {11053707, 588409},    // Haabersti -> Tallinn
    {11055039, 683506},    // Sector 6 -> Bucharest
    {11055040, 683506},    // Sector 2 -> Bucharest
    {11055041, 683506},    // Sector 1 -> Bucharest
    {11055042, 683506},    // Sector 4 -> Bucharest
    {11055043, 683506},    // Sector 5 -> Bucharest
    {11055044, 683506},    // Sector 3 -> Bucharest
    {11525037, 2747373},   // Loosduinen -> The Hague
    {11525042, 2747373},   // Laak -> The Hague
    {11525047, 2759794},   // Westpoort -> Amsterdam
    {11561026, 3530597},   // Miguel Hidalgo -> Mexico City
    {11562596, 3530597},   // Fuentes del Pedregal -> Mexico City
    {11746746, 2624652},   // Aarhus C -> Aarhus
    {11746825, 2615876},   // Odense S -> Odense
    {11746888, 2615876},   // Odense SO -> Odense
    {11746890, 2624652},   // Aarhus N -> Aarhus
    {11746894, 2618425},   // Kobenhavn NV -> Copenhagen
    {11746974, 2615876},   // Odense M -> Odense
    {11747123, 2618425},   // Kobenhavn SV -> Copenhagen
    {11789440, 2661604},   // Vorstadte -> Basel
    {11951210, 3067696},   // Praha 10 -> Prague
    {11951218, 3067696},   // Praha 4 -> Prague
    {11951220, 3067696},   // Praha 5 -> Prague
    {11951232, 3067696},   // Praha 11 -> Prague
    {12266959, 3530597},   // Cuauhtemoc -> Mexico City
};

constexpr bool OverridesAreSorted() {
  for (size_t i = 1; i < std::size(kCityOverrides); ++i)
    if (kCityOverrides[i - 1].first >= kCityOverrides[i].first) return false;
  return true;
}
static_assert(OverridesAreSorted(), "kCityOverrides must be sorted and unique");

uint32_t OverrideCity(uint32_t geoname_id) {
  auto it = std::lower_bound(std::begin(kCityOverrides), std::end(kCityOverrides), geoname_id,
                             [](const auto& entry, uint32_t id) { return entry.first < id; });
  return it != std::end(kCityOverrides) && it->first == geoname_id ? it->second : geoname_id;
}

// Not countries: Plausible's ignore_unknown_country.
bool IsIgnoredCountry(std::string_view code) {
  return code == "ZZ" || code == "XX" || code == "T1";
}

// The UTF-8 string at path, or an empty view when it is absent or not a
// string. The view points into the mapped file.
std::string_view StringAt(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data;
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING)
    return {};
  return std::string_view(data.utf8_string, data.data_size);
}

// city.geoname_id is uint32 in GeoLite2; other integer widths are accepted
// for databases written by other tools.
uint32_t GeonameIdAt(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data;
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data) return 0;
  switch (data.type) {
    case MMDB_DATA_TYPE_UINT16: return data.uint16;
    case MMDB_DATA_TYPE_UINT32: return data.uint32;
    case MMDB_DATA_TYPE_INT32: return data.int32 > 0 ? static_cast<uint32_t>(data.int32) : 0;
    case MMDB_DATA_TYPE_UINT64:
      return data.uint64 <= UINT32_MAX ? static_cast<uint32_t>(data.uint64) : 0;
    default: return 0;
  }
}

bool IsCountryCode(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' &&
         code[1] <= 'Z';
}

void AssignSubdivision(std::string_view country, std::string_view iso, std::string* out) {
  if (iso.empty()) return;
  out->assign(country);
  out->push_back('-');
  out->append(iso);
}

// Databases of these kinds open fine but hold no locations: every lookup
// would be empty, so Open refuses them instead.
constexpr std::string_view kNotLocationTypes[] = {"ASN", "ISP", "Anonymous", "Connection-Type",
                                                  "Domain"};

}  // namespace

Status GeoDatabase::Open(const std::string& mmdb_path, std::unique_ptr<GeoDatabase>* out) {
  out->reset();
  std::unique_ptr<GeoDatabase> db(new GeoDatabase());
  db->path_ = mmdb_path;
  db->mmdb_ = std::make_unique<MMDB_s>();
  errno = 0;
  const int status = MMDB_open(mmdb_path.c_str(), MMDB_MODE_MMAP, db->mmdb_.get());
  if (status != MMDB_SUCCESS) {
    const int saved_errno = errno;
    // libmaxminddb cannot map an empty file and says "IO error"; it is
    // rather the wrong file (a failed download, a truncated copy).
    std::error_code ec;
    if (status == MMDB_IO_ERROR && std::filesystem::file_size(mmdb_path, ec) == 0 && !ec)
      return Status::InvalidArgument("geo database " + mmdb_path +
                                     ": not a MaxMind DB (.mmdb) file: the file is empty");
    if (status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) {
      std::string why = MMDB_strerror(status);
      if (saved_errno != 0) why += std::string(": ") + std::strerror(saved_errno);
      return Status::IoError("geo database " + mmdb_path + ": cannot read: " + why);
    }
    return Status::InvalidArgument("geo database " + mmdb_path +
                                   ": not a MaxMind DB (.mmdb) file: " + MMDB_strerror(status));
  }
  db->mmdb_open_ = true;
  const std::string_view type = db->database_type();
  for (std::string_view bad : kNotLocationTypes) {
    if (type.find(bad) != std::string_view::npos) {
      return Status::InvalidArgument(
          "geo database " + mmdb_path + ": database_type \"" + std::string(type) +
          "\" holds no locations; use a city or country database (GeoLite2-City, "
          "GeoLite2-Country, dbip-city-lite, dbip-country-lite)");
    }
  }
  *out = std::move(db);
  return Status::OK();
}

GeoDatabase::~GeoDatabase() {
  if (mmdb_open_) MMDB_close(mmdb_.get());
}

std::string_view GeoDatabase::database_type() const {
  const char* type = mmdb_->metadata.database_type;
  return type != nullptr ? std::string_view(type) : std::string_view();
}

void GeoDatabase::Lookup(const IpAddress& address, GeoLocation* out) const {
  Decode(RecordOf(address), out);
}

uint64_t GeoDatabase::RecordOf(const IpAddress& address) const {
  sockaddr_storage storage;
  if (ToSockaddr(address, &storage) == 0) return kNoRecord;
  int mmdb_error = MMDB_SUCCESS;
  // An IPv6 address in an IPv4-only database sets mmdb_error: not found.
  MMDB_lookup_result_s result =
      MMDB_lookup_sockaddr(mmdb_.get(), reinterpret_cast<const sockaddr*>(&storage), &mmdb_error);
  if (mmdb_error != MMDB_SUCCESS || !result.found_entry) return kNoRecord;
  return result.entry.offset;
}

void GeoDatabase::Decode(uint64_t record, GeoLocation* out) const {
  out->Clear();
  if (record == kNoRecord) return;
  MMDB_entry_s entry;
  entry.mmdb = mmdb_.get();
  entry.offset = static_cast<uint32_t>(record);

  static const char* const kCountry[] = {"country", "iso_code", nullptr};
  static const char* const kSubdivision1[] = {"subdivisions", "0", "iso_code", nullptr};
  static const char* const kSubdivision2[] = {"subdivisions", "1", "iso_code", nullptr};
  static const char* const kCity[] = {"city", "geoname_id", nullptr};

  // Without a country Plausible keeps nothing (`country_code && ...`).
  const std::string_view country = StringAt(&entry, kCountry);
  if (!IsCountryCode(country) || IsIgnoredCountry(country)) return;
  out->country_code.assign(country);
  AssignSubdivision(country, StringAt(&entry, kSubdivision1), &out->subdivision1_code);
  AssignSubdivision(country, StringAt(&entry, kSubdivision2), &out->subdivision2_code);
  const uint32_t city = GeonameIdAt(&entry, kCity);
  out->city_geoname_id = city != 0 ? OverrideCity(city) : 0;
}

}  // namespace sinkhost::enrich
