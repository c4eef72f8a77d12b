// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// The keys of a JSON object in the order the document lists them.
// QJsonObject sorts its keys; the admin API lists streams and sinks in
// config order, which is the order people expect to see them in.
//
// Thread safety: a pure function.
#ifndef SINKHOST_GUI_MODEL_JSON_KEY_ORDER_H_
#define SINKHOST_GUI_MODEL_JSON_KEY_ORDER_H_

#include <QByteArray>
#include <QStringList>

namespace sinkhost::dashboard {

// Keys of the object reached from the top-level object through `path` (a
// list of member names), in document order. Empty when the path does not
// lead to an object or the text is not well-formed JSON.
QStringList ObjectKeysInOrder(const QByteArray& json, const QStringList& path);

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_MODEL_JSON_KEY_ORDER_H_
