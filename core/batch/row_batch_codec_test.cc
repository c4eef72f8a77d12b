// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/batch/row_batch_codec.h"

#include <QtTest>
#include <cmath>
#include <limits>
#include <random>

#include "tests/support/all_types.h"

using namespace sinkhost;
using sinkhost::testing::AllTypesRow;
using sinkhost::testing::AllTypesSchema;
using sinkhost::testing::MakeBatch;
using sinkhost::testing::MakeTestSchema;

namespace {

// Row r of a pattern that puts nulls, empty strings, both bool values and
// extreme numbers at positions that cross bitmap byte boundaries.
AllTypesRow PatternRow(int64_t r) {
  AllTypesRow row;
  row.s = r % 5 == 0 ? "" : "s" + std::to_string(r) + (r % 7 == 0 ? " \xC3\xA9\xE2\x82\xAC" : "");
  if (r % 3 != 0) row.s_n = r % 4 == 0 ? "" : "n" + std::to_string(r);
  row.i = r % 11 == 0 ? std::numeric_limits<int64_t>::min() : r * 1000003;
  if (r % 2 == 0) row.i_n = r % 10 == 0 ? std::numeric_limits<int64_t>::max() : -r;
  row.f = r % 13 == 0 ? -0.0 : r + 0.25;
  if (r % 5 != 1) row.f_n = r % 9 == 0 ? std::numeric_limits<double>::infinity() : r * -1.5;
  row.b = r % 3 == 1;
  if (r % 4 != 3) row.b_n = r % 2 == 0;
  row.ts = 1700000000000000 + r;
  if (r % 6 != 5) row.ts_n = -r;
  return row;
}

std::vector<AllTypesRow> PatternRows(int64_t first, int64_t count) {
  std::vector<AllTypesRow> rows;
  for (int64_t r = first; r < first + count; ++r) rows.push_back(PatternRow(r));
  return rows;
}

// Row `i` of `got` equals row `j` of `want`, value by value (bits for floats,
// so -0.0 and 0.0 differ).
bool SameRow(const RowBatch& got, int64_t i, const RowBatch& want, int64_t j, std::string* why) {
  for (size_t c = 0; c < want.num_columns(); ++c) {
    const ColumnBuilder& a = got.column(c);
    const ColumnBuilder& b = want.column(c);
    const std::string at = "column " + std::to_string(c) + " row " + std::to_string(i);
    if (a.IsNull(i) != b.IsNull(j)) {
      *why = at + ": null differs";
      return false;
    }
    if (a.IsNull(i)) continue;
    bool same = true;
    switch (a.type()) {
      case ColumnType::kString: same = a.String(i) == b.String(j); break;
      case ColumnType::kInt64:
      case ColumnType::kTimestamp: same = a.Int64(i) == b.Int64(j); break;
      case ColumnType::kFloat64: {
        const double x = a.Float64(i), y = b.Float64(j);
        same = std::memcmp(&x, &y, sizeof(x)) == 0;
        break;
      }
      case ColumnType::kBool: same = a.Bool(i) == b.Bool(j); break;
    }
    if (!same) {
      *why = at + ": value differs";
      return false;
    }
  }
  return true;
}

void CheckEqual(const RowBatch& got, int64_t got_first, const RowBatch& want) {
  for (int64_t r = 0; r < want.num_rows(); ++r) {
    std::string why;
    QVERIFY2(SameRow(got, got_first + r, want, r, &why), why.c_str());
  }
}

std::string Encode(const RowBatch& rows) {
  std::string out;
  EncodeRowBatch(rows, SchemaFingerprint(rows.schema()), &out);
  return out;
}

}  // namespace

class RowBatchCodecTest : public QObject {
  Q_OBJECT
 private slots:
  // Sizes around bitmap byte boundaries, every type, nulls, empty strings.
  void roundTripsEveryTypeAndNull() {
    const Schema schema = AllTypesSchema();
    for (int64_t n : {0, 1, 7, 8, 9, 15, 16, 17, 100, 1000}) {
      auto batch = MakeBatch(schema, PatternRows(0, n));
      const std::string bytes = Encode(*batch);
      RowBatch back(schema);
      Status st = DecodeRowBatch(bytes, SchemaFingerprint(schema), &back);
      QVERIFY2(st.ok(), st.ToString().c_str());
      QCOMPARE(back.num_rows(), n);
      CheckEqual(back, 0, *batch);
      for (size_t c = 0; c < schema.num_columns(); ++c)
        QCOMPARE(back.column(c).null_count(), batch->column(c).null_count());
    }
  }

  void emptyStringIsNotNull() {
    const Schema schema = AllTypesSchema();
    AllTypesRow row;
    row.s = "";
    row.s_n = std::string();
    AllTypesRow null_row;
    null_row.s = "";
    auto batch = MakeBatch(schema, {row, null_row});
    RowBatch back(schema);
    QVERIFY(DecodeRowBatch(Encode(*batch), SchemaFingerprint(schema), &back).ok());
    QVERIFY(!back.column(1).IsNull(0));
    QCOMPARE(back.column(1).String(0), std::string_view());
    QVERIFY(back.column(1).IsNull(1));
    QVERIFY(!back.column(0).IsNull(1));
  }

  // Decoding appends: rows land after what the batch held, at an odd bit
  // offset, and the earlier rows stay as they were.
  void decodeAppendsAfterExistingRows() {
    const Schema schema = AllTypesSchema();
    auto first = MakeBatch(schema, PatternRows(0, 3));
    auto second = MakeBatch(schema, PatternRows(3, 21));
    RowBatch back(schema);
    QVERIFY(DecodeRowBatch(Encode(*first), SchemaFingerprint(schema), &back).ok());
    QVERIFY(DecodeRowBatch(Encode(*second), SchemaFingerprint(schema), &back).ok());
    QCOMPARE(back.num_rows(), 24);
    CheckEqual(back, 0, *first);
    CheckEqual(back, 3, *second);
  }

  // A batch that the buffer cleared and refilled (capacity kept, offsets
  // restarted) encodes like a fresh one.
  void encodesAClearedAndRefilledBatch() {
    const Schema schema = AllTypesSchema();
    auto batch = MakeBatch(schema, PatternRows(0, 40));
    batch->Clear();
    auto fresh = MakeBatch(schema, PatternRows(40, 9));
    batch->Append(*fresh);
    QCOMPARE(Encode(*batch), Encode(*fresh));
  }

  void encodeAppendsToWhatTheStringHolds() {
    const Schema schema = AllTypesSchema();
    auto batch = MakeBatch(schema, PatternRows(0, 5));
    std::string out = "prefix";
    EncodeRowBatch(*batch, SchemaFingerprint(schema), &out);
    QCOMPARE(out.substr(0, 6), std::string("prefix"));
    QCOMPARE(out.substr(6), Encode(*batch));
    RowBatchHeader h;
    QVERIFY(PeekRowBatchHeader(std::string_view(out).substr(6), &h).ok());
    QCOMPARE(h.rows, uint64_t{5});
    QCOMPARE(h.columns, uint32_t{10});
    QCOMPARE(h.schema_fingerprint, SchemaFingerprint(schema));
  }

  // Version 2 carries the first row's stream position; it can be set after
  // encoding, and version 1 records (no position) still decode.
  void positionIsStoredPatchableAndVersionOneStillReads() {
    const Schema schema = AllTypesSchema();
    auto batch = MakeBatch(schema, PatternRows(0, 9));
    std::string out = "xy";
    EncodeRowBatch(*batch, SchemaFingerprint(schema), &out, 77);
    RowBatchHeader h;
    QVERIFY(PeekRowBatchHeader(std::string_view(out).substr(2), &h).ok());
    QVERIFY(h.has_position);
    QCOMPARE(h.first_position, uint64_t{77});
    SetRowBatchFirstPosition(&out, 2, 1234567890123ull);
    QVERIFY(PeekRowBatchHeader(std::string_view(out).substr(2), &h).ok());
    QCOMPARE(h.first_position, uint64_t{1234567890123ull});
    RowBatch back(schema);
    QVERIFY(DecodeRowBatch(std::string_view(out).substr(2), SchemaFingerprint(schema), &back).ok());
    QCOMPARE(back.num_rows(), int64_t{9});

    // A version 1 record: the same bytes without the position field.
    std::string v1 = out.substr(2);
    v1[4] = 1;
    v1.erase(32, 8);
    QVERIFY(PeekRowBatchHeader(v1, &h).ok());
    QVERIFY(!h.has_position);
    RowBatch old(schema);
    Status st = DecodeRowBatch(v1, SchemaFingerprint(schema), &old);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(old.num_rows(), int64_t{9});
    QCOMPARE(Encode(old).substr(40), Encode(*batch).substr(40));
  }

  void fingerprintTracksNamesTypesAndNullability() {
    using T = ColumnType;
    const uint64_t base = SchemaFingerprint(MakeTestSchema({{"a", T::kInt64, false, {}}}));
    QCOMPARE(SchemaFingerprint(MakeTestSchema({{"a", T::kInt64, false, {}}})), base);
    QVERIFY(SchemaFingerprint(MakeTestSchema({{"b", T::kInt64, false, {}}})) != base);
    QVERIFY(SchemaFingerprint(MakeTestSchema({{"a", T::kTimestamp, false, {}}})) != base);
    QVERIFY(SchemaFingerprint(MakeTestSchema({{"a", T::kInt64, true, {}}})) != base);
    QVERIFY(SchemaFingerprint(MakeTestSchema(
                {{"a", T::kInt64, false, {}}, {"b", T::kInt64, false, {}}})) != base);
    // Defaults are applied at ingest; stored rows do not depend on them.
    QCOMPARE(SchemaFingerprint(MakeTestSchema({{"a", T::kInt64, false, int64_t{7}}})), base);
    // Names are delimited: "ab"+"c" is not "a"+"bc".
    QVERIFY(SchemaFingerprint(MakeTestSchema({{"ab", T::kInt64, false, {}},
                                              {"c", T::kInt64, false, {}}})) !=
            SchemaFingerprint(MakeTestSchema({{"a", T::kInt64, false, {}},
                                              {"bc", T::kInt64, false, {}}})));
  }

  void anotherSchemaIsRefusedAndTheBatchUntouched() {
    const Schema schema = AllTypesSchema();
    auto batch = MakeBatch(schema, PatternRows(0, 4));
    RowBatch back(schema);
    Status st = DecodeRowBatch(Encode(*batch), SchemaFingerprint(schema) + 1, &back);
    QVERIFY(!st.ok());
    QVERIFY2(st.message().find("another schema") != std::string::npos, st.message().c_str());
    QCOMPARE(back.num_rows(), 0);
  }

  // The plausible schema gained nullable columns (enrichment): what an
  // earlier version logged still reads, with NULL in the new columns.
  void aRecordOfAnEarlierSchemaReadsWithNullInTheNewColumns() {
    using T = ColumnType;
    const Schema before = MakeTestSchema({{"a", T::kInt64, false, {}}, {"s", T::kString, true, {}}});
    const Schema after = MakeTestSchema({{"a", T::kInt64, false, {}},
                                         {"s", T::kString, true, {}},
                                         {"n", T::kInt64, true, {}},
                                         {"t", T::kString, true, {}}});
    RowBatch old(before);
    for (int64_t i = 0; i < 3; ++i) {
      old.column(0).AppendInt64(i);
      old.column(1).AppendString("row" + std::to_string(i));
      old.CommitRow();
    }
    std::string record;
    EncodeRowBatch(old, SchemaFingerprint(before), &record);
    QVERIFY(IsEarlierSchema(after, SchemaFingerprint(before), 2));
    RowBatch back(after);
    Status st = DecodeRowBatch(record, SchemaFingerprint(after), &back);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(back.num_rows(), int64_t{3});
    QCOMPARE(back.column(0).Int64(2), int64_t{2});
    QCOMPARE(std::string(back.column(1).String(1)), std::string("row1"));
    for (int64_t i = 0; i < 3; ++i) {
      QVERIFY(back.column(2).IsNull(i));
      QVERIFY(back.column(3).IsNull(i));
    }
    // Not when a column it lacks may not be NULL, nor when the columns it
    // has differ from the schema's first ones.
    const Schema required = MakeTestSchema({{"a", T::kInt64, false, {}},
                                            {"s", T::kString, true, {}},
                                            {"n", T::kInt64, false, {}}});
    RowBatch refused(required);
    QVERIFY(!DecodeRowBatch(record, SchemaFingerprint(required), &refused).ok());
    const Schema renamed = MakeTestSchema({{"b", T::kInt64, false, {}},
                                           {"s", T::kString, true, {}},
                                           {"n", T::kInt64, true, {}}});
    RowBatch other(renamed);
    QVERIFY(!DecodeRowBatch(record, SchemaFingerprint(renamed), &other).ok());
    QCOMPARE(other.num_rows(), int64_t{0});
  }

  // Every prefix of a valid payload is refused without touching the batch
  // (and without reading past the end, which the sanitizer build checks).
  void everyTruncationIsRefused() {
    const Schema schema = AllTypesSchema();
    auto batch = MakeBatch(schema, PatternRows(0, 19));
    const std::string bytes = Encode(*batch);
    for (size_t len = 0; len < bytes.size(); ++len) {
      RowBatch back(schema);
      Status st = DecodeRowBatch(std::string_view(bytes.data(), len), SchemaFingerprint(schema),
                                 &back);
      QVERIFY2(!st.ok(), ("prefix of " + std::to_string(len) + " bytes decoded").c_str());
      QCOMPARE(back.num_rows(), 0);
      for (size_t c = 0; c < schema.num_columns(); ++c) QCOMPARE(back.column(c).length(), 0);
    }
    RowBatch back(schema);
    QVERIFY(!DecodeRowBatch(bytes + "x", SchemaFingerprint(schema), &back).ok());
  }

  // Random corruption: decoding either fails cleanly or yields some
  // well-formed rows; it never crashes or reads out of bounds.
  void corruptPayloadsNeverCrash() {
    const Schema schema = AllTypesSchema();
    auto batch = MakeBatch(schema, PatternRows(0, 33));
    const std::string bytes = Encode(*batch);
    std::mt19937 rng(42);
    int refused = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string bad = bytes;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f)
        bad[rng() % bad.size()] ^= static_cast<char>(1u << (rng() % 8));
      RowBatch back(schema);
      Status st = DecodeRowBatch(bad, SchemaFingerprint(schema), &back);
      if (!st.ok()) {
        ++refused;
        QCOMPARE(back.num_rows(), 0);
      } else {
        QCOMPARE(back.num_rows(), 33);
      }
    }
    QVERIFY(refused > 0);
  }

  void malformedHeadersAreNamed() {
    const Schema schema = AllTypesSchema();
    auto batch = MakeBatch(schema, PatternRows(0, 2));
    std::string bytes = Encode(*batch);
    RowBatch back(schema);
    std::string bad_magic = bytes;
    bad_magic[0] = 'X';
    QVERIFY(DecodeRowBatch(bad_magic, SchemaFingerprint(schema), &back).message().find(
                "magic") != std::string::npos);
    std::string bad_version = bytes;
    bad_version[4] = 9;
    QVERIFY(DecodeRowBatch(bad_version, SchemaFingerprint(schema), &back).message().find(
                "version 9") != std::string::npos);
    std::string many_rows = bytes;
    const uint64_t huge = uint64_t{1} << 62;
    std::memcpy(many_rows.data() + 16, &huge, 8);
    QVERIFY(!DecodeRowBatch(many_rows, SchemaFingerprint(schema), &back).ok());
    QCOMPARE(back.num_rows(), 0);
  }
};

QTEST_APPLESS_MAIN(RowBatchCodecTest)
#include "row_batch_codec_test.moc"
