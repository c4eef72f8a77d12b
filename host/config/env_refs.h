// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Environment references in config values, so that secrets (the admin
// token, database passwords) can stay out of the YAML file:
//
//   ${NAME}            the value of the environment variable NAME
//   ${NAME:-default}   the default when NAME is unset or empty
//   $${                a literal "${"
//
// A '$' not followed by '{' is kept as it is. NAME is [A-Za-z_][A-Za-z0-9_]*;
// a default is literal text up to the first '}'. An unset variable without
// a default, a missing '}' and a bad name are errors; the caller adds the
// key path and the value as written (YamlReader does, for every scalar).
//
// Thread safety: reads the environment; do not call while another thread
// changes it (setenv).
#ifndef SINKHOST_HOST_CONFIG_ENV_REFS_H_
#define SINKHOST_HOST_CONFIG_ENV_REFS_H_

#include <string>
#include <string_view>

#include "sinkhost/status.hpp"

namespace sinkhost {

// True when `text` holds a '$' (the cheap test before ExpandEnvRefs).
inline bool MayHaveEnvRefs(std::string_view text) {
  return text.find('$') != std::string_view::npos;
}

// `text` with every reference replaced. InvalidArgument without a key path,
// e.g. "environment variable PG_URL is not set".
Status ExpandEnvRefs(std::string_view text, std::string* out);

}  // namespace sinkhost

#endif  // SINKHOST_HOST_CONFIG_ENV_REFS_H_
