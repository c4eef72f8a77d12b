// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/widgets/connect_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "gui/model/admin_address.h"

namespace sinkhost::dashboard {

ConnectDialog::ConnectDialog(const QUrl& address, const QString& token, QWidget* parent)
    : QDialog(parent),
      address_edit_(new QLineEdit(address.toString(), this)),
      token_edit_(new QLineEdit(token, this)),
      error_(new QLabel(this)) {
  setWindowTitle("Connect to sinkhost");
  address_edit_->setObjectName("address");
  address_edit_->setPlaceholderText("http://127.0.0.1:8081");
  address_edit_->setMinimumWidth(320);
  token_edit_->setObjectName("token");
  token_edit_->setEchoMode(QLineEdit::Password);
  token_edit_->setPlaceholderText("only for a proxy that asks for one");
  error_->setObjectName("error");
  error_->setStyleSheet("color: #c62828;");
  error_->setWordWrap(true);
  error_->hide();

  auto* form = new QFormLayout();
  form->addRow("Admin API address", address_edit_);
  form->addRow("Token", token_edit_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText("Connect");
  connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel("The host's admin listener (admin.listen in its config).", this));
  layout->addLayout(form);
  layout->addWidget(error_);
  layout->addWidget(buttons);
}

QString ConnectDialog::token() const { return token_edit_->text().trimmed(); }

void ConnectDialog::accept() {
  QString error;
  const QUrl url = NormalizeAdminAddress(address_edit_->text(), &error);
  if (!url.isValid()) {
    error_->setText(error);
    error_->show();
    return;
  }
  address_ = url;
  QDialog::accept();
}

}  // namespace sinkhost::dashboard
