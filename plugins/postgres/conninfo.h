// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The libpq connection string the sink connects with, built from the
// `connection` option.
//
// The option is parsed by libpq itself (PQconninfoParse), so it accepts
// exactly what psql accepts: "host=db port=5432 dbname=events" or
// "postgresql://user@db:5432/events?sslmode=require". Parsing at create
// time turns a typo into an error naming the option instead of a connection
// failure the host retries forever. The result is the same settings as
// key='value' text, plus:
//   connect_timeout            from the sink's option (overrides the string's)
//   client_encoding=UTF8       the batch's strings are UTF-8 whatever the
//                              environment's locale says
//   fallback_application_name=sinkhost   visible in pg_stat_activity unless
//                              the string sets application_name
//
// Thread safety: pure function.
#ifndef SINKHOST_PLUGINS_POSTGRES_CONNINFO_H_
#define SINKHOST_PLUGINS_POSTGRES_CONNINFO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "sinkhost/status.hpp"

namespace sinkhost::postgres {

// Fills *out from the `connection` option text. InvalidArgument naming the
// option when libpq cannot parse it. The text may hold a password, so it is
// never copied into a message.
Status BuildConnectionString(std::string_view option_text, int64_t connect_timeout_s,
                             std::string* out);

}  // namespace sinkhost::postgres

#endif  // SINKHOST_PLUGINS_POSTGRES_CONNINFO_H_
