// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/plugin/plugin_library.h"

#include <QtTest>

#include "core/batch/row_batch.h"
#include "tests/support/test_env.h"

using namespace sinkhost;
using sinkhost::testing::TestPluginPath;

namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

#define QVERIFY_CONTAINS(text, part)                                                    \
  QVERIFY2(Contains((text), (part)),                                                    \
           ("expected \"" + std::string(part) + "\" in: " + (text)).c_str())

Schema IdSchema() {
  Schema s;
  (void)Schema::Make(Schema::Kind::kCustom, {{"id", ColumnType::kInt64, false, {}}}, &s);
  return s;
}

}  // namespace

class PluginLibraryTest : public QObject {
  Q_OBJECT
 private slots:
  void loadsAWorkingPluginWrittenInC() {
    std::shared_ptr<PluginLibrary> lib;
    Status st = PluginLibrary::Load(TestPluginPath("test_sink"), &lib);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(lib->info().name, std::string("test_sink"));
    QCOMPARE(lib->info().abi_major, uint16_t{SINKHOST_ABI_VERSION_MAJOR});
    QCOMPARE(lib->info().options.size(), size_t{1});
    QCOMPARE(lib->info().options[0].name, std::string("record"));
  }

  void refusesAnotherAbiMajorVersionNamingFileSymbolAndVersions() {
    std::shared_ptr<PluginLibrary> lib;
    const std::string path = TestPluginPath("test_sink_major2");
    Status st = PluginLibrary::Load(path, &lib);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY_CONTAINS(st.message(), path);
    QVERIFY_CONTAINS(st.message(), "sinkhost_plugin_descriptor");
    QVERIFY_CONTAINS(st.message(), testing::AbiText(2));
    QVERIFY_CONTAINS(st.message(), testing::AbiText(1));
    QVERIFY(lib == nullptr);
  }

  void refusesALibraryWithoutDescriptor() {
    std::shared_ptr<PluginLibrary> lib;
    Status st = PluginLibrary::Load(TestPluginPath("test_sink_no_descriptor"), &lib);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY_CONTAINS(st.message(), "does not export the symbol 'sinkhost_plugin_descriptor'");
  }

  void refusesALibraryWithoutEntryPoint() {
    std::shared_ptr<PluginLibrary> lib;
    Status st = PluginLibrary::Load(TestPluginPath("test_sink_no_init"), &lib);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY_CONTAINS(st.message(), "entry point 'sinkhost_plugin_init'");
  }

  void refusesATableMissingARequiredFunction() {
    std::shared_ptr<PluginLibrary> lib;
    Status st = PluginLibrary::Load(TestPluginPath("test_sink_no_write"), &lib);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY_CONTAINS(st.message(), "required function 'write'");
  }

  void refusesAWrongMagicNumber() {
    std::shared_ptr<PluginLibrary> lib;
    Status st = PluginLibrary::Load(TestPluginPath("test_sink_bad_magic"), &lib);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY_CONTAINS(st.message(), "magic");
  }

  // A plugin from a newer 1.x SDK has larger structs; the host reads the
  // fields it knows and the plugin fills only the host's table size.
  void acceptsLargerStructsFromANewerMinorVersion() {
    std::shared_ptr<PluginLibrary> lib;
    Status st = PluginLibrary::Load(TestPluginPath("test_sink_future"), &lib);
    QVERIFY2(st.ok(), st.ToString().c_str());
    QCOMPARE(lib->info().abi_minor, uint16_t{9});
    QCOMPARE(lib->info().version, std::string("9.9.9"));
    QCOMPARE(lib->api().struct_size, uint32_t{sizeof(sinkhost_sink_api)});
    std::unique_ptr<SinkInstance> sink;
    QVERIFY(SinkInstance::Create(lib, {}, &sink).ok());
    Schema schema = IdSchema();
    QVERIFY(sink->Open("events", schema).ok());
    auto batch = std::make_shared<RowBatch>(schema);
    batch->column(0).AppendInt64(1);
    batch->CommitRow();
    UniqueSchema s;
    schema.ExportToArrow(s.get());
    UniqueArray a;
    RowBatch::ExportToArrow(batch, a.get());
    sinkhost_batch_info info{sizeof(sinkhost_batch_info), "b1", 0, 1, 0};
    QVERIFY(sink->Write(s.get(), std::move(a), info).ok());
  }

  void findSearchesOnlyTheGivenDirectories() {
    std::shared_ptr<PluginLibrary> lib;
    Status st = PluginLibrary::Find("test_sink", {"/nonexistent/plugins"}, &lib);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY_CONTAINS(st.message(), "no plugin named 'test_sink'");
    QVERIFY_CONTAINS(st.message(), "/nonexistent/plugins");
    const std::string dir = std::getenv("SINKHOST_TEST_PLUGIN_DIR");
    QVERIFY(PluginLibrary::Find("test_sink", {"/nonexistent/plugins", dir}, &lib).ok());
    QVERIFY(PluginLibrary::Find("../test_sink", {dir}, &lib).IsInvalidArgument());
  }

  void findRefusesAPluginWhoseNameDiffersFromItsFile() {
    std::shared_ptr<PluginLibrary> lib;
    const std::string dir = std::getenv("SINKHOST_TEST_PLUGIN_DIR");
    Status st = PluginLibrary::Find("test_sink_future", {dir}, &lib);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY_CONTAINS(st.message(), "calls itself 'test_sink'");
  }

  void createPassesThePluginsOptionError() {
    std::shared_ptr<PluginLibrary> lib;
    QVERIFY(PluginLibrary::Load(TestPluginPath("test_sink"), &lib).ok());
    std::unique_ptr<SinkInstance> sink;
    Status st = SinkInstance::Create(lib, {{"colour", "blue"}}, &sink);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY_CONTAINS(st.message(), "unknown option 'colour'");
  }

  void missingFileIsAClearError() {
    std::shared_ptr<PluginLibrary> lib;
    Status st = PluginLibrary::Load("/nonexistent/x.so", &lib);
    QVERIFY(st.IsInvalidArgument());
    QVERIFY_CONTAINS(st.message(), "cannot load plugin /nonexistent/x.so");
  }

  void retryableErrorsKeepTheirRetryAfterHint() {
    std::shared_ptr<PluginLibrary> lib;
    QVERIFY(PluginLibrary::Load(TestPluginPath("test_sink"), &lib).ok());
    std::unique_ptr<SinkInstance> sink;
    QVERIFY(SinkInstance::Create(lib, {{"fail", "retryable"}}, &sink).ok());
    Schema schema = IdSchema();
    QVERIFY(sink->Open("events", schema).ok());
    auto batch = std::make_shared<RowBatch>(schema);
    UniqueSchema s;
    schema.ExportToArrow(s.get());
    UniqueArray a;
    RowBatch::ExportToArrow(batch, a.get());
    sinkhost_batch_info info{sizeof(sinkhost_batch_info), "b1", 0, 0, 0};
    Status st = sink->Write(s.get(), std::move(a), info);
    QVERIFY(st.IsRetryable());
    QCOMPARE(st.retry_after_ms(), int64_t{10});
    QVERIFY_CONTAINS(st.message(), "injected retryable failure");
  }
};

QTEST_GUILESS_MAIN(PluginLibraryTest)
#include "plugin_library_test.moc"
