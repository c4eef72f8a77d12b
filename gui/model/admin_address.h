// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The admin API's address as people type it: "127.0.0.1:8081",
// "http://host:8081/", "https://proxy.example.com/sinkhost".
//
// Thread safety: a pure function.
#ifndef SINKHOST_GUI_MODEL_ADMIN_ADDRESS_H_
#define SINKHOST_GUI_MODEL_ADMIN_ADDRESS_H_

#include <QString>
#include <QUrl>

namespace sinkhost::dashboard {

// An http(s) URL without a trailing slash, query or fragment; http:// is
// assumed when no scheme is given. Returns an invalid QUrl and sets *error
// ("address 'ftp://x': the scheme must be http or https") otherwise.
QUrl NormalizeAdminAddress(const QString& text, QString* error);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_ADMIN_ADDRESS_H_
