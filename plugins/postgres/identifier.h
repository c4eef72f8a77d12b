// SQL identifiers for PostgreSQL: the rule the sink accepts for schema and
// table names, and quoting.
//
// Every name the sink puts into SQL text is quoted, so keywords ("order",
// "user") and mixed case ("PageViews") are names like any other, and a
// quoted name is case-sensitive: table "Events" is not table "events".
// Values never become SQL text at all (they travel as COPY data or as
// statement parameters).
//
// Thread safety: pure functions.
#ifndef SINKHOST_PLUGINS_POSTGRES_IDENTIFIER_H_
#define SINKHOST_PLUGINS_POSTGRES_IDENTIFIER_H_

#include <string>
#include <string_view>

#include "sinkhost/status.hpp"

namespace sinkhost::postgres {

// Letters, digits and underscores, not starting with a digit, at most 63
// bytes (PostgreSQL's NAMEDATALEN - 1, beyond which it silently truncates
// names): the rule the host applies to stream and column names.
// InvalidArgument "<what> 'name' <broken rule>" otherwise.
Status CheckIdentifier(std::string_view what, std::string_view name);

// "name" with embedded double quotes doubled.
std::string QuoteIdentifier(std::string_view name);

}  // namespace sinkhost::postgres

#endif  // SINKHOST_PLUGINS_POSTGRES_IDENTIFIER_H_
