# SPDX-FileCopyrightText: 2026 The sinkhost authors
# SPDX-License-Identifier: Apache-2.0

# Runs at install time (config/CMakeLists.txt): writes the installed config
# and the systemd unit for CMAKE_INSTALL_PREFIX as it is then, and installs
# them (file(INSTALL) applies DESTDIR and records them in the manifest).

# GNUInstallDirs' rule for the full path of a directory: absolute as given;
# etc and var at the root for the prefix /usr; else under the prefix.
function(sinkhost_full_dir out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr" AND dir MATCHES "^(etc|var)$")
    set(${out} "/${dir}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()

sinkhost_full_dir(sysconf_dir "${SINKHOST_SYSCONFDIR}")
sinkhost_full_dir(state_root "${SINKHOST_LOCALSTATEDIR}")
sinkhost_full_dir(bin_dir "${SINKHOST_BINDIR}")
set(SINKHOST_CONFIG_FILE "${sysconf_dir}/sinkhost/sinkhost.yaml")
set(SINKHOST_STATE_DIR "${state_root}/lib/sinkhost")
set(SINKHOST_ENVIRONMENT_FILE "${sysconf_dir}/default/sinkhost")
set(SINKHOST_HOST_BINARY "${bin_dir}/sinkhost")
# Where systemd looks for the units of packages: /lib/systemd/system on
# Debian 12 for the prefix /usr; <prefix>/lib/systemd/system otherwise
# (systemd reads /usr/local/lib/systemd/system).
sinkhost_full_dir(unit_dir "${SINKHOST_SYSTEMD_UNIT_DIR}")
if(SINKHOST_SYSTEMD_UNIT_DIR STREQUAL "")
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(unit_dir /lib/systemd/system)
  else()
    set(unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  endif()
endif()

# The config is config/sinkhost.yaml, as scripts/run.sh uses it from the
# source tree, with its data moved to the state directory. Each edit must
# apply: a change to sinkhost.yaml that breaks one fails the install
# rather than installing a config that writes into the working directory.
file(READ "${SINKHOST_CONFIG_SOURCE}" config)
foreach(edit
    "Relative paths resolve\n# against the working directory (scripts/run.sh runs from the repository root)."
    "Installed as\n# ${SINKHOST_CONFIG_FILE}; the data lives in ${SINKHOST_STATE_DIR}."
    "data_dir: data "
    "data_dir: ${SINKHOST_STATE_DIR} "
    "path: data/events.db"
    "path: ${SINKHOST_STATE_DIR}/events.db")
  if(NOT DEFINED from)
    set(from "${edit}")
    continue()
  endif()
  string(FIND "${config}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "config/sinkhost.yaml no longer contains '${from}': update the "
                        "installed config's edits in config/install_service_files.cmake")
  endif()
  string(REPLACE "${from}" "${edit}" config "${config}")
  unset(from)
endforeach()
file(REMOVE_RECURSE "${SINKHOST_WORK_DIR}")
file(WRITE "${SINKHOST_WORK_DIR}/sinkhost.yaml" "${config}")
configure_file("${SINKHOST_UNIT_TEMPLATE}" "${SINKHOST_WORK_DIR}/sinkhost.service" @ONLY)

# An existing config is the operator's: it is kept, and the new one goes
# beside it as sinkhost.yaml.new. (Packages do not come here: debian/tmp
# starts empty, and dpkg handles the conffile.)
set(installed_config "$ENV{DESTDIR}${SINKHOST_CONFIG_FILE}")
if(EXISTS "${installed_config}")
  file(READ "${installed_config}" existing)
  if(NOT existing STREQUAL config)
    message(STATUS "Keeping ${SINKHOST_CONFIG_FILE}: it differs from the default, which goes to "
                   "${SINKHOST_CONFIG_FILE}.new")
    file(RENAME "${SINKHOST_WORK_DIR}/sinkhost.yaml" "${SINKHOST_WORK_DIR}/sinkhost.yaml.new")
  endif()
endif()
file(GLOB config_files "${SINKHOST_WORK_DIR}/sinkhost.yaml*")
file(INSTALL ${config_files} DESTINATION "${sysconf_dir}/sinkhost")
# The host reads SINKHOST_DEFAULT_CONFIG without --config, fixed when it was
# built for its prefix.
if(NOT SINKHOST_CONFIG_FILE STREQUAL SINKHOST_DEFAULT_CONFIG)
  message(WARNING "sinkhost was configured for the prefix whose default config is "
                  "${SINKHOST_DEFAULT_CONFIG}, but is installed under ${CMAKE_INSTALL_PREFIX}: "
                  "run it with --config ${SINKHOST_CONFIG_FILE} (the unit does), or configure "
                  "with -DCMAKE_INSTALL_PREFIX=${CMAKE_INSTALL_PREFIX}")
endif()
file(INSTALL "${SINKHOST_WORK_DIR}/sinkhost.service" DESTINATION "${unit_dir}")
