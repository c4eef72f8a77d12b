# sinkhost_add_plugin(NAME SOURCES src... [LIBS lib...])
# Builds a sink as a MODULE library named NAME.so in the plugin directory,
# exporting only the two ABI entry points.
function(sinkhost_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(target sinkhost_plugin_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE sinkhost::sdk ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${name}
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${SINKHOST_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE
    -Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/plugin.map -Wl,--no-undefined)
  install(TARGETS ${target} LIBRARY DESTINATION ${SINKHOST_PLUGIN_INSTALL_DIR})
endfunction()

# sinkhost_add_qtest(NAME SOURCES src... [LIBS lib...] [TIMEOUT s] [LABELS l...])
# A Qt Test executable registered with ctest, run without a display.
function(sinkhost_add_qtest name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    TIMEOUT ${ARG_TIMEOUT}
    LABELS "${ARG_LABELS}"
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;SINKHOST_BUILD_DIR=${PROJECT_BINARY_DIR};SINKHOST_SOURCE_DIR=${PROJECT_SOURCE_DIR};SINKHOST_PLUGIN_DIR=${SINKHOST_PLUGIN_OUTPUT_DIR}")
endfunction()
