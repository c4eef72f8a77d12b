# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# sinkhost_add_plugin: builds a sink the way sinkhost expects to load it.
# Used for the sinks in this repository and, installed with the SDK
# (find_package(sinkhost)), for sinks built anywhere else.
#
# The plugin becomes NAME.so (no "lib" prefix: the config's `plugin: NAME`
# is the file name), built with hidden visibility and a linker version script
# so that it exports only sinkhost_plugin_descriptor and sinkhost_plugin_init,
# and with --no-undefined so a missing symbol fails the build, not the load.
#
# Outside this repository the output directory defaults to the current build
# directory and `cmake --install` puts the plugin in lib/sinkhost/plugins.

# The version script sits next to this file, in the source tree and installed.
set(_SINKHOST_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/plugin.map")

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
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
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
    -Wl,--version-script=${_SINKHOST_PLUGIN_MAP} -Wl,--no-undefined)
  target_compile_definitions(${target} PRIVATE ${ARG_DEFINITIONS})
  if(NOT ARG_NO_INSTALL)
    if(NOT SINKHOST_PLUGIN_INSTALL_DIR)
      include(GNUInstallDirs)
      set(SINKHOST_PLUGIN_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/sinkhost/plugins)
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION ${SINKHOST_PLUGIN_INSTALL_DIR})
  endif()
endfunction()

