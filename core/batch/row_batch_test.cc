// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/batch/row_batch.h"

#include <QtTest>

#include <cstring>

#include "sinkhost/arrow.hpp"

using namespace sinkhost;

namespace {

Schema AllTypes() {
  Schema s;
  Status st = Schema::Make(Schema::Kind::kCustom,
                           {{"s", ColumnType::kString, true, {}},
                            {"i", ColumnType::kInt64, true, {}},
                            {"f", ColumnType::kFloat64, true, {}},
                            {"b", ColumnType::kBool, true, {}},
                            {"t", ColumnType::kTimestamp, true, {}}},
                           &s);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  return s;
}

// Row r: null in column (r % 6) when that is < 5, values otherwise.
void AppendPatternRow(RowBatch* b, int64_t r) {
  for (size_t c = 0; c < 5; ++c) {
    ColumnBuilder& col = b->column(c);
    if (static_cast<int64_t>(c) == r % 6) {
      col.AppendNull();
      continue;
    }
    switch (col.type()) {
      case ColumnType::kString: col.AppendString("row" + std::to_string(r)); break;
      case ColumnType::kInt64: col.AppendInt64(r * 1000); break;
      case ColumnType::kFloat64: col.AppendFloat64(r + 0.5); break;
      case ColumnType::kBool: col.AppendBool(r % 3 == 0); break;
      case ColumnType::kTimestamp: col.AppendInt64(-r); break;
    }
  }
  b->CommitRow();
}

void CheckPatternRow(const BatchView& v, int64_t i, int64_t r) {
  for (size_t c = 0; c < 5; ++c) {
    const ColumnView& col = v.column(c);
    bool expect_null = static_cast<int64_t>(c) == r % 6;
    QCOMPARE(col.is_null(i), expect_null);
    if (expect_null) continue;
    switch (col.type()) {
      case ColumnType::kString: QCOMPARE(std::string(col.string(i)), "row" + std::to_string(r)); break;
      case ColumnType::kInt64: QCOMPARE(col.int64(i), r * 1000); break;
      case ColumnType::kFloat64: QCOMPARE(col.float64(i), r + 0.5); break;
      case ColumnType::kBool: QCOMPARE(col.boolean(i), r % 3 == 0); break;
      case ColumnType::kTimestamp: QCOMPARE(col.int64(i), -r); break;
    }
  }
}

}  // namespace

class RowBatchTest : public QObject {
  Q_OBJECT
 private slots:
  void exportsEveryTypeWithNulls() {
    Schema schema = AllTypes();
    auto batch = std::make_shared<RowBatch>(schema);
    for (int64_t r = 0; r < 37; ++r) AppendPatternRow(batch.get(), r);
    UniqueSchema s;
    schema.ExportToArrow(s.get());
    UniqueArray a;
    RowBatch::ExportToArrow(batch, a.get());
    BatchView view;
    QVERIFY(BatchView::Make(s.get(), a.get(), &view).ok());
    QCOMPARE(view.num_rows(), 37);
    for (int64_t r = 0; r < 37; ++r) CheckPatternRow(view, r, r);
    QVERIFY(view.column(1).nullable());
  }

  // Appending at bit offsets that are not multiples of 8 must keep the
  // bit-packed validity and bool buffers aligned with the values.
  void appendKeepsBitsAlignedAtOddOffsets() {
    Schema schema = AllTypes();
    auto total = std::make_shared<RowBatch>(schema);
    int64_t r = 0;
    for (int chunk : {3, 5, 1, 13, 8, 7}) {
      RowBatch part(schema);
      for (int k = 0; k < chunk; ++k) AppendPatternRow(&part, r++);
      total->Append(part);
    }
    QCOMPARE(total->num_rows(), r);
    UniqueSchema s;
    schema.ExportToArrow(s.get());
    UniqueArray a;
    RowBatch::ExportToArrow(total, a.get());
    BatchView view;
    QVERIFY(BatchView::Make(s.get(), a.get(), &view).ok());
    for (int64_t i = 0; i < r; ++i) CheckPatternRow(view, i, i);
  }

  // Raw Arrow buffers as a decoder finds them: string offsets that start
  // past 0 and are not 4-byte aligned, a validity bitmap, appended after
  // rows already there.
  void appendArrowTakesUnalignedBuffersAndRebasesOffsets() {
    ColumnBuilder col(ColumnType::kString);
    col.AppendString("before");
    alignas(8) char raw[64] = {};
    const int32_t offsets[] = {3, 6, 6, 10};  // "abc" "" "defg" in "xxxabcdefg"
    std::memcpy(raw + 1, offsets, sizeof(offsets));  // misaligned on purpose
    const char strings[] = "xxxabcdefg";
    const uint8_t validity = 0b101;  // the second value is null
    col.AppendArrow(&validity, 1, raw + 1, strings, 3);
    QCOMPARE(col.length(), int64_t(4));
    QCOMPARE(col.null_count(), int64_t(1));
    QCOMPARE(col.String(0), std::string_view("before"));
    QCOMPARE(col.String(1), std::string_view("abc"));
    QVERIFY(col.IsNull(2));
    QCOMPARE(col.String(3), std::string_view("defg"));

    ColumnBuilder ints(ColumnType::kInt64);
    const int64_t values[] = {7, -1};
    ints.AppendArrow(nullptr, 0, values, nullptr, 2);
    QCOMPARE(ints.Int64(1), int64_t(-1));
    QVERIFY(!ints.IsNull(0));
  }

  // Slices at odd offsets, each appended after the previous: every value,
  // null and bit lands where it belongs.
  void appendRowsCopiesARangeOfRows() {
    Schema schema = AllTypes();
    RowBatch source(schema);
    for (int64_t r = 0; r < 40; ++r) AppendPatternRow(&source, r);
    auto sliced = std::make_shared<RowBatch>(schema);
    sliced->AppendRows(source, 3, 11);
    sliced->AppendRows(source, 11, 11);  // empty range: nothing
    sliced->AppendRows(source, 17, 40);
    QCOMPARE(sliced->num_rows(), 8 + 23);
    UniqueSchema s;
    schema.ExportToArrow(s.get());
    UniqueArray a;
    RowBatch::ExportToArrow(sliced, a.get());
    BatchView view;
    QVERIFY(BatchView::Make(s.get(), a.get(), &view).ok());
    for (int64_t i = 0; i < 8; ++i) CheckPatternRow(view, i, 3 + i);
    for (int64_t i = 8; i < 31; ++i) CheckPatternRow(view, i, 17 + (i - 8));
  }

  void abandonRowUndoesPartialValues() {
    Schema schema = AllTypes();
    RowBatch b(schema);
    AppendPatternRow(&b, 0);  // null in column 0 only
    b.column(0).AppendString("half");
    b.column(1).AppendNull();
    b.AbandonRow();
    AppendPatternRow(&b, 2);
    QCOMPARE(b.num_rows(), 2);
    QCOMPARE(b.column(0).String(1), std::string_view("row2"));
    QCOMPARE(b.column(1).null_count(), 0);
    QCOMPARE(b.column(1).Int64(1), 2000);
  }

  void clearKeepsCapacityAndResetsNulls() {
    Schema schema = AllTypes();
    RowBatch b(schema);
    for (int64_t r = 0; r < 100; ++r) AppendPatternRow(&b, r);
    QVERIFY(b.byte_size() > 0);
    b.Clear();
    QCOMPARE(b.num_rows(), 0);
    for (size_t c = 0; c < 5; ++c) QCOMPARE(b.column(c).null_count(), 0);
    AppendPatternRow(&b, 7);  // 7 % 6 == 1: null in column 1
    QVERIFY(b.column(1).IsNull(0));
    QVERIFY(!b.column(0).IsNull(0));
  }

  // The exported array keeps the batch alive after every other owner let go.
  void exportedArrayOwnsTheBatch() {
    Schema schema = AllTypes();
    std::weak_ptr<RowBatch> weak;
    UniqueArray a;
    {
      auto batch = std::make_shared<RowBatch>(schema);
      AppendPatternRow(batch.get(), 4);
      weak = batch;
      RowBatch::ExportToArrow(batch, a.get());
    }
    QVERIFY(!weak.expired());
    QCOMPARE(a->length, 1);
    a.reset();
    QVERIFY(weak.expired());
  }

  void schemaExportNamesAndFlags() {
    Schema schema = AllTypes();
    UniqueSchema s;
    schema.ExportToArrow(s.get());
    QCOMPARE(std::string(s->format), std::string("+s"));
    QCOMPARE(s->n_children, 5);
    QCOMPARE(std::string(s->children[4]->format), std::string("tsu:UTC"));
    QCOMPARE(std::string(s->children[4]->name), std::string("t"));
  }

  void schemaRejectsBadNames() {
    Schema s;
    QVERIFY(Schema::Make(Schema::Kind::kCustom, {{"1x", ColumnType::kString, false, {}}}, &s)
                .IsInvalidArgument());
    QVERIFY(Schema::Make(Schema::Kind::kCustom,
                         {{"a", ColumnType::kString, false, {}}, {"a", ColumnType::kInt64, false, {}}},
                         &s)
                .message()
                .find("defined twice") != std::string::npos);
    QVERIFY(Schema::Make(Schema::Kind::kCustom,
                         {{"a", ColumnType::kInt64, false, std::string("x")}}, &s)
                .message()
                .find("default does not match") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(RowBatchTest)
#include "row_batch_test.moc"
