// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// AdminClient: the dashboard's only way to the host — asynchronous calls to
// the admin API (docs/configuration.md) through one QNetworkAccessManager.
// Every call returns at once; its callback runs later on this object's
// thread (the UI thread), so nothing here ever blocks the event loop. Each
// call has a deadline, so a host that accepts but never answers still ends
// in a callback.
//
// Thread safety: none; use from the thread that owns it.
#ifndef SINKHOST_GUI_NET_ADMIN_CLIENT_H_
#define SINKHOST_GUI_NET_ADMIN_CLIENT_H_

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>

class QNetworkReply;
class QUrlQuery;

namespace sinkhost::dashboard {

struct AdminReply {
  int http_status = 0;  // 0: no HTTP answer at all
  QByteArray body;
  QString network_error;  // set when there is no HTTP answer

  bool ok() const { return http_status >= 200 && http_status < 300; }
  // "Connection refused", "no answer within 3 s", "HTTP 404: unknown stream 'x'".
  QString ErrorText() const;
};

class AdminClient : public QObject {
  Q_OBJECT

 public:
  using Callback = std::function<void(const AdminReply&)>;

  explicit AdminClient(QObject* parent = nullptr);

  // Calls still in flight for the old address end without their callbacks.
  // A non-empty token goes out as "Authorization: Bearer TOKEN", for a
  // proxy in front of the admin API (sinkhost itself does not check it).
  void SetAddress(const QUrl& base, const QString& token);
  const QUrl& base() const { return base_; }
  const QString& token() const { return token_; }

  // `recent_since`: leave out flushes that finished at or before it
  // (?recent_since=, docs/configuration.md); empty: the whole history.
  void GetStats(const QString& recent_since, int timeout_ms, Callback done);
  // `stream` empty: every stream. The host waits up to `timeout_ms` for the
  // sinks; the call itself gets a little longer to carry the answer back.
  void Flush(const QString& stream, int timeout_ms, Callback done);

 private:
  QNetworkRequest NewRequest(const QString& path, const QUrlQuery& query, int timeout_ms) const;
  void Track(QNetworkReply* reply, int timeout_ms, Callback done);

  QNetworkAccessManager nam_;
  QUrl base_;
  QString token_;
  quint64 generation_ = 0;  // replies tagged with an older one are dropped
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_NET_ADMIN_CLIENT_H_
