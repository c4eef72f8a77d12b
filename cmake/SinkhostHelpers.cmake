# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Build helpers for this repository. sinkhost_add_plugin lives in
# SinkhostPlugin.cmake, which is also installed with the SDK so that sinks
# built outside this repository are built the same way.
include(${CMAKE_CURRENT_LIST_DIR}/SinkhostPlugin.cmake)

# sinkhost_add_qtest(NAME SOURCES src... [LIBS lib...] [TIMEOUT s] [LABELS l...])
# A Qt Test executable registered with ctest, run without a display.
function(sinkhost_add_qtest name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
  # Tests include shared fixtures as "tests/support/...".
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests
                                           AUTOMOC ON)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    TIMEOUT ${ARG_TIMEOUT}
    LABELS "${ARG_LABELS}"
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;SINKHOST_BUILD_DIR=${PROJECT_BINARY_DIR};SINKHOST_SOURCE_DIR=${PROJECT_SOURCE_DIR};SINKHOST_PLUGIN_DIR=${SINKHOST_PLUGIN_OUTPUT_DIR};SINKHOST_TEST_PLUGIN_DIR=${PROJECT_BINARY_DIR}/tests/plugins")
endfunction()
