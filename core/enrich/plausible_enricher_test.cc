// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0
#include <QtTest>
class Stub : public QObject { Q_OBJECT private slots: void stub() {} };
QTEST_GUILESS_MAIN(Stub)
#include "plausible_enricher_test.moc"
