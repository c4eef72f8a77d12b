// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/net/admin_client.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

#include "gui/model/format.h"

namespace sinkhost::dashboard {

namespace {

// Time for the flush answer to travel back once the host's deadline passed.
constexpr int kFlushAnswerSlackMs = 5000;

}  // namespace

QString AdminReply::ErrorText() const {
  if (http_status == 0)
    return network_error.isEmpty() ? QStringLiteral("no answer") : network_error;
  QString text = "HTTP " + QString::number(http_status);
  // The admin API explains its errors as {"error": {"message": ...}}.
  const QJsonValue message =
      QJsonDocument::fromJson(body).object().value("error").toObject().value("message");
  if (message.isString()) text += ": " + message.toString();
  return text;
}

AdminClient::AdminClient(QObject* parent) : QObject(parent) {}

void AdminClient::SetAddress(const QUrl& base, const QString& token) {
  ++generation_;
  base_ = base;
  token_ = token;
  // Connections kept alive to the old host are of no more use.
  nam_.clearConnectionCache();
}

QNetworkRequest AdminClient::NewRequest(const QString& path, const QUrlQuery& query,
                                        int timeout_ms) const {
  QUrl url = base_;
  url.setPath(base_.path() + path);
  url.setQuery(query);
  QNetworkRequest request(url);
  request.setTransferTimeout(timeout_ms);
  request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                       QNetworkRequest::ManualRedirectPolicy);
  if (!token_.isEmpty()) request.setRawHeader("Authorization", "Bearer " + token_.toUtf8());
  return request;
}

void AdminClient::Track(QNetworkReply* reply, int timeout_ms, Callback done) {
  const quint64 generation = generation_;
  connect(reply, &QNetworkReply::finished, this,
          [this, reply, generation, timeout_ms, done = std::move(done)] {
            reply->deleteLater();
            if (generation != generation_) return;
            AdminReply r;
            const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
            r.http_status = status.isValid() ? status.toInt() : 0;
            r.body = reply->readAll();
            if (r.http_status == 0) {
              const auto e = reply->error();
              // A transfer timeout surfaces as a cancel; nothing else cancels
              // calls that still belong to the current address.
              r.network_error =
                  e == QNetworkReply::OperationCanceledError || e == QNetworkReply::TimeoutError
                      ? "no answer within " + FormatSeconds(timeout_ms / 1000.0)
                      : reply->errorString();
            }
            done(r);
          });
}

void AdminClient::GetStats(const QString& recent_since, int timeout_ms, Callback done) {
  QUrlQuery query;
  if (!recent_since.isEmpty()) query.addQueryItem("recent_since", recent_since);
  QNetworkReply* reply = nam_.get(NewRequest("/api/stats", query, timeout_ms));
  Track(reply, timeout_ms, std::move(done));
}

void AdminClient::Flush(const QString& stream, int timeout_ms, Callback done) {
  QUrlQuery query;
  if (!stream.isEmpty()) query.addQueryItem("stream", stream);
  query.addQueryItem("timeout", QString::number(timeout_ms) + "ms");
  const int deadline_ms = timeout_ms + kFlushAnswerSlackMs;
  QNetworkRequest request = NewRequest("/api/flush", query, deadline_ms);
  // A flush holds one of the admin listener's few threads; do not keep it
  // afterwards as an idle keep-alive connection.
  request.setRawHeader("Connection", "close");
  QNetworkReply* reply = nam_.post(request, QByteArray());
  Track(reply, deadline_ms, std::move(done));
}

}  // namespace sinkhost::dashboard
