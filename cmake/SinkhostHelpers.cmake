# sinkhost_add_plugin(NAME SOURCES src... [LIBS lib...] [TARGET t]
#                     [OUTPUT_DIR dir] [DEFINITIONS d...] [NO_INSTALL])
# Builds a sink as a MODULE library named NAME.so in the plugin directory
# (or OUTPUT_DIR), exporting only the two ABI entry points.
function(sinkhost_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "TARGET;OUTPUT_DIR" "SOURCES;LIBS;DEFINITIONS" ${ARGN})
  set(target sinkhost_plugin_${name})
  if(ARG_TARGET)
    set(target ${ARG_TARGET})
  endif()
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${SINKHOST_PLUGIN_OUTPUT_DIR})
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE sinkhost::sdk ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${name}
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE
    -Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/plugin.map -Wl,--no-undefined)
  target_compile_definitions(${target} PRIVATE ${ARG_DEFINITIONS})
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION ${SINKHOST_PLUGIN_INSTALL_DIR})
  endif()
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
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests
                                           AUTOMOC ON)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    TIMEOUT ${ARG_TIMEOUT}
    LABELS "${ARG_LABELS}"
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;SINKHOST_BUILD_DIR=${PROJECT_BINARY_DIR};SINKHOST_SOURCE_DIR=${PROJECT_SOURCE_DIR};SINKHOST_PLUGIN_DIR=${SINKHOST_PLUGIN_OUTPUT_DIR};SINKHOST_TEST_PLUGIN_DIR=${PROJECT_BINARY_DIR}/tests/plugins")
endfunction()
