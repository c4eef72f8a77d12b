// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// ConnectDialog: asks for the admin API's address and an optional token,
// and refuses an address the dashboard cannot use, saying why.
//
// Thread safety: UI thread only.
#ifndef SINKHOST_GUI_WIDGETS_CONNECT_DIALOG_H_
#define SINKHOST_GUI_WIDGETS_CONNECT_DIALOG_H_

#include <QDialog>
#include <QUrl>

class QLabel;
class QLineEdit;

namespace sinkhost::dashboard {

class ConnectDialog : public QDialog {
  Q_OBJECT

 public:
  ConnectDialog(const QUrl& address, const QString& token, QWidget* parent = nullptr);

  // Valid after the dialog was accepted.
  QUrl address() const { return address_; }
  QString token() const;

  void accept() override;

 private:
  QLineEdit* address_edit_;
  QLineEdit* token_edit_;
  QLabel* error_;
  QUrl address_;
};

}  // namespace sinkhost::dashboard

#endif  // SINKHOST_GUI_WIDGETS_CONNECT_DIALOG_H_
