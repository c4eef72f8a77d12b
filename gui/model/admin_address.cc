// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/admin_address.h"

namespace sinkhost::dashboard {

QUrl NormalizeAdminAddress(const QString& text, QString* error) {
  const QString trimmed = text.trimmed();
  const QString quoted = "address '" + trimmed + "': ";
  if (trimmed.isEmpty()) {
    *error = "the admin address is empty (e.g. http://127.0.0.1:8081)";
    return {};
  }
  // "host:port" parses as scheme "host"; only a real "://" means a scheme.
  QUrl url(trimmed.contains("://") ? trimmed : "http://" + trimmed, QUrl::StrictMode);
  if (!url.isValid()) {
    *error = quoted + url.errorString();
    return {};
  }
  if (url.scheme() != "http" && url.scheme() != "https") {
    *error = quoted + "the scheme must be http or https, got " + url.scheme();
    return {};
  }
  if (url.host().isEmpty()) {
    *error = quoted + "no host name";
    return {};
  }
  if (url.hasQuery() || url.hasFragment()) {
    *error = quoted + "must not have a query or fragment";
    return {};
  }
  QString path = url.path();
  while (path.endsWith('/')) path.chop(1);
  url.setPath(path);
  error->clear();
  return url;
}

}  // namespace sinkhost::dashboard
