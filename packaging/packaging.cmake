# Install layout and the Debian package (CPack DEB generator).
#
# Included at the END of the top-level CMakeLists.txt (after add_subdirectory(daemon)), so
# PROJECT_*, GNUInstallDirs and the qualys-insightd install() rule exist. The binary's own rule
# lives in daemon/CMakeLists.txt (sbin).
#
#   cmake --install build/release --prefix /usr           # plain install
#   cpack --config build/release/CPackConfig.cmake        # qualys-insight_<version>-1_<arch>.deb
#
# Layout (paths for the .deb, whose prefix is /usr):
#   /usr/sbin/qualys-insightd
#   /usr/lib/systemd/system/qualys-insight.service, qualys-insight@.service (one per subscription)
#   /usr/lib/sysusers.d/qualys-insight.conf, /usr/lib/tmpfiles.d/qualys-insight.conf
#   /etc/qualys-insight/config.yaml                      (absolute, a dpkg conffile)
#   /usr/share/doc/qualys-insight/README.md, *.md from docs/, examples/config.yaml

set(_qi_pkg_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_qi_pkg_bin "${CMAKE_BINARY_DIR}/packaging")
set(_qi_example_config "${PROJECT_SOURCE_DIR}/etc/config.yaml")
set(_qi_units "${PROJECT_SOURCE_DIR}/systemd/qualys-insight.service"
              "${PROJECT_SOURCE_DIR}/systemd/qualys-insight@.service")

set(QI_PACKAGE_MAINTAINER "qualys-insight maintainers <qualys-insight@localhost>"
    CACHE STRING "Maintainer field of the .deb (\"Name <email>\")")
set(QI_PACKAGE_RELEASE "1" CACHE STRING "Debian revision of the .deb (the part after the '-')")

# --- systemd units -----------------------------------------------------------------------------
# The units in the tree say ExecStart=/usr/sbin/qualys-insightd (the .deb's path). A plain
# `cmake --install` with another prefix puts the binary elsewhere, so the installed copies name the
# binary under the prefix actually used. This runs at install time: CPack and `--prefix` set
# CMAKE_INSTALL_PREFIX only then.
if(IS_ABSOLUTE "${CMAKE_INSTALL_SBINDIR}")
  set(_qi_sbin "${CMAKE_INSTALL_SBINDIR}")
else()
  set(_qi_sbin "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_SBINDIR}")
endif()
foreach(_qi_unit IN LISTS _qi_units)
  get_filename_component(_qi_unit_name "${_qi_unit}" NAME)
  file(READ "${_qi_unit}" _qi_unit_text)
  if(NOT _qi_unit_text MATCHES "\nExecStart=/usr/sbin/qualys-insightd ")
    message(WARNING "packaging: ${_qi_unit} no longer starts /usr/sbin/qualys-insightd; "
                    "the installed unit keeps its ExecStart= as written")
  endif()
  # Written to a scratch file per DESTDIR and prefix, so that concurrent installs (cpack and a
  # plain `cmake --install`) never share it, then installed with file(INSTALL) like any other file.
  install(CODE "
    file(READ \"${_qi_unit}\" _qi_text)
    string(REPLACE \"\\nExecStart=/usr/sbin/qualys-insightd \"
                   \"\\nExecStart=${_qi_sbin}/qualys-insightd \" _qi_text \"\${_qi_text}\")
    string(SHA1 _qi_key \"\$ENV{DESTDIR}|\${CMAKE_INSTALL_PREFIX}\")
    set(_qi_out \"${_qi_pkg_bin}/unit/\${_qi_key}/${_qi_unit_name}\")
    file(WRITE \"\${_qi_out}\" \"\${_qi_text}\")
    file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES \"\${_qi_out}\")
    file(REMOVE_RECURSE \"${_qi_pkg_bin}/unit/\${_qi_key}\")
  ")
endforeach()

# Account and directories for installs without the .deb's postinst:
#   systemd-sysusers qualys-insight.conf && systemd-tmpfiles --create qualys-insight.conf
install(FILES "${_qi_pkg_dir}/systemd/qualys-insight.sysusers"
        DESTINATION lib/sysusers.d RENAME qualys-insight.conf)
install(FILES "${_qi_pkg_dir}/systemd/qualys-insight.tmpfiles"
        DESTINATION lib/tmpfiles.d RENAME qualys-insight.conf)

# --- configuration -----------------------------------------------------------------------------
# /etc/qualys-insight/config.yaml, absolute whatever the prefix (the daemon's default --config).
# A plain `cmake --install` never overwrites an existing (edited) config: it says so and leaves it;
# the pristine example is always in the doc directory. In the .deb the file is a conffile, so dpkg
# keeps an edited copy on upgrade.
set(_qi_conffiles "")
if(EXISTS "${_qi_example_config}")
  install(CODE "
    if(EXISTS \"\$ENV{DESTDIR}/etc/qualys-insight/config.yaml\")
      message(STATUS \"Keeping the existing \$ENV{DESTDIR}/etc/qualys-insight/config.yaml \"
                     \"(the example is in share/doc/qualys-insight/examples)\")
    else()
      file(INSTALL DESTINATION \"/etc/qualys-insight\" TYPE FILE
           PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
           FILES \"${_qi_example_config}\")
    endif()
  ")
  install(FILES "${_qi_example_config}" DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")
  string(APPEND _qi_conffiles "/etc/qualys-insight/config.yaml\n")
else()
  message(WARNING "packaging: ${_qi_example_config} is missing; "
                  "the install and the .deb have no /etc/qualys-insight/config.yaml")
endif()

# --- documentation -----------------------------------------------------------------------------
install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION "${CMAKE_INSTALL_DOCDIR}")
# A directory rule is expanded at install time, so docs added later need no re-configure.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/" DESTINATION "${CMAKE_INSTALL_DOCDIR}"
        FILES_MATCHING PATTERN "*.md")

# --- Debian package ----------------------------------------------------------------------------
file(WRITE "${_qi_pkg_bin}/debian/conffiles" "${_qi_conffiles}")

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "qualys-insight")
set(CPACK_PACKAGE_VENDOR "qualys-insight")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${QI_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "qualys-insightd is a systemd service that pulls the asset inventory (CSAM), the vulnerability\n"
    "knowledge base and host detections from the Qualys APIs on cron-like schedules and publishes\n"
    "them atomically as CSV files (assets, KB, detections) for Jira Insight (Assets) imports.\n"
    "\n"
    "The service is not started on install: edit /etc/qualys-insight/config.yaml and the\n"
    "credentials file, run 'qualys-insightd check', then 'systemctl enable --now qualys-insight'.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
# The DEB generator installs with DESTDIR set to its staging tree, so the absolute /etc destination
# lands in the package (never in the build machine's /etc); CPACK_SET_DESTDIR would instead make
# it ignore CPACK_PACKAGING_INSTALL_PREFIX and package the configure-time prefix (/usr/local).
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_DEBIAN_PACKAGE_RELEASE "${QI_PACKAGE_RELEASE}")
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# adduser: postinst creates the account. ca-certificates: TLS is verified against the system store.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
# Shared-library dependencies from dpkg-shlibdeps (dpkg-dev) when it and file(1) are here; else
# the Debian 12 runtime packages of what the daemon links, by hand.
find_program(QI_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(QI_FILE_PROGRAM file)
mark_as_advanced(QI_DPKG_SHLIBDEPS QI_FILE_PROGRAM)
if(QI_DPKG_SHLIBDEPS AND QI_FILE_PROGRAM)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  message(STATUS "packaging: dpkg-shlibdeps or file(1) not found; the .deb lists its "
                 "library dependencies by hand (install dpkg-dev and file for computed ones)")
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS
         ", libc6, libgcc-s1, libstdc++6, libboost-url1.81.0, libssl3, libxml2, libfmt9"
         ", libspdlog1.10-fmt9, libyaml-cpp0.7, libsystemd0, libdate-tz3")
endif()
# Plain maintainer scripts, no debhelper. STRICT_PERMISSION gives scripts 0755, conffiles 0644.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${_qi_pkg_dir}/debian/postinst;${_qi_pkg_dir}/debian/prerm;${_qi_pkg_dir}/debian/postrm;${_qi_pkg_bin}/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

# `make package_source` must never sweep build trees or VCS data into a tarball.
set(CPACK_SOURCE_GENERATOR "TXZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/\\\\.cache/")

include(CPack)
