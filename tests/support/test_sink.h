// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Instances of the test plugin (tests/plugins/test_sink.cc: records ids,
// fails, stalls or refuses rows as its options say) for the core tests that
// drive sinks without a host. Abort the test on a load or create error:
// nothing after it could mean anything.
#ifndef SINKHOST_TESTS_SUPPORT_TEST_SINK_H_
#define SINKHOST_TESTS_SUPPORT_TEST_SINK_H_

#include <QtGlobal>
#include <map>
#include <memory>
#include <string>

#include "core/plugin/plugin_library.h"
#include "core/stream/stream.h"
#include "tests/support/test_env.h"

namespace sinkhost::testing {

inline std::unique_ptr<SinkInstance> TestSinkInstance(
    const std::map<std::string, std::string>& options) {
  std::shared_ptr<PluginLibrary> lib;
  Status st = PluginLibrary::Load(TestPluginPath("test_sink"), &lib);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  std::unique_ptr<SinkInstance> instance;
  st = SinkInstance::Create(lib, options, &instance);
  if (!st.ok()) qFatal("%s", st.ToString().c_str());
  return instance;
}

// The test plugin as sink `name` of a stream.
inline StreamSinkSpec TestSink(const std::string& name,
                               const std::map<std::string, std::string>& options) {
  StreamSinkSpec spec;
  spec.name = name;
  spec.instance = TestSinkInstance(options);
  return spec;
}

}  // namespace sinkhost::testing

#endif  // SINKHOST_TESTS_SUPPORT_TEST_SINK_H_
