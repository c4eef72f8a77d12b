// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Plausible custom properties ("p"/"props", also "m"/"meta") to the text of
// the props column: a compact JSON object of string keys and string values.
//
// Rules, following Plausible's Request.put_props and Plausible.Props:
//  - the field is an object, or a string holding a JSON object; anything
//    else means no props (not an error);
//  - a key repeated in the object keeps its last value (as a JSON decoder
//    building a map would);
//  - entries are dropped when the value is an array, object or null, or
//    when the key or the value (as text) is empty after trimming leading
//    whitespace;
//  - values become text: strings as they are, true/false, numbers as
//    FormatJsonNumber writes them;
//  - for the system goals "404", "WP Form Completions" and "Form:
//    Submission", a "path" entry holding the pathname is put first when the
//    event has none (Plausible.Goals.SystemGoals);
//  - at most 30 entries are kept, the first 30 in input order;
//  - a kept key over 300 bytes or value over 2000 bytes fails the event.
//
// Thread safety: not thread-safe; owned by one converter.
#ifndef SINKHOST_CORE_INGEST_PROPS_H_
#define SINKHOST_CORE_INGEST_PROPS_H_

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ingest/json_values.h"
#include "core/ingest/nested_json.h"

namespace sinkhost::ingest {

inline constexpr size_t kMaxProps = 30;
inline constexpr size_t kMaxPropKeyBytes = 300;
inline constexpr size_t kMaxPropValueBytes = 2000;
inline constexpr std::string_view kPropsTooLongMessage =
    "keys should have at most 300 bytes and values 2000 bytes";

class PropsEncoder {
 public:
  // Writes the props JSON for `raw` (nullptr when the event has no props
  // field) to *json, replacing its contents. Returns false when a kept entry
  // is too long (see kPropsTooLongMessage). Uses `nested` for string props;
  // the caller may reuse `nested` once this returns.
  bool Encode(const simdjson::dom::element* raw, std::string_view event_name,
              std::string_view pathname, NestedJsonParser* nested, std::string* json);

 private:
  struct Entry {
    std::string_view key;
    std::string_view text;  // string value, or empty when the value is a number
    uint8_t number_len = 0;
    bool valid = false;
    char number[kNumberTextMax];
    std::string_view value() const {
      return number_len > 0 ? std::string_view(number, number_len) : text;
    }
  };

  void Collect(const simdjson::dom::object& object);
  void DropSuperseded();

  std::vector<Entry> entries_;   // reused across events
  std::vector<uint32_t> order_;  // scratch for duplicate detection
};

}  // namespace sinkhost::ingest

#endif  // SINKHOST_CORE_INGEST_PROPS_H_
