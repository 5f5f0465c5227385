# wireshark-tree-dependencies.cmake - the libraries the analyzer links, when
# it is built as a custom plugin inside a Wireshark source tree.
#
# Wireshark's own configuration has found them already (its Find modules set
# GLIB2_*, GNUTLS_*, ZLIB_*, BROTLI_* and ZSTD_*), so the plugin links exactly
# the copies libwireshark uses; on Windows those come from Wireshark's
# vcpkg/WinLibs bundle, where there is no pkg-config to ask.
#
# SPDX-License-Identifier: GPL-2.0-or-later

# GnuTLS, zlib, brotli and zstd are optional in Wireshark; the analyzer needs
# each (X.509, and the three RFC 8879 certificate compression algorithms).
if(NOT GNUTLS_FOUND)
  message(FATAL_ERROR "mtls-analyzer needs GnuTLS: configure Wireshark with -DENABLE_GNUTLS=ON and GnuTLS installed")
endif()
if(NOT BROTLI_FOUND)
  message(FATAL_ERROR "mtls-analyzer needs brotli: configure Wireshark with -DENABLE_BROTLI=ON and brotli installed")
endif()
if(NOT ZSTD_FOUND)
  message(FATAL_ERROR "mtls-analyzer needs zstd: configure Wireshark with -DENABLE_ZSTD=ON and zstd installed")
endif()
# Wireshark 4.4 and later may use zlib-ng's own API instead of zlib's; the
# analyzer uses zlib's, so it asks for zlib itself when Wireshark did not.
if(NOT ZLIB_FOUND)
  find_package(ZLIB)
  if(NOT ZLIB_FOUND)
    message(FATAL_ERROR "mtls-analyzer needs zlib: install it, or configure Wireshark with -DENABLE_ZLIB=ON")
  endif()
endif()

add_library(mtls_base_libraries INTERFACE)
target_include_directories(mtls_base_libraries INTERFACE ${GLIB2_INCLUDE_DIRS} ${GNUTLS_INCLUDE_DIRS})
target_link_libraries(mtls_base_libraries INTERFACE ${GLIB2_LIBRARIES} ${GNUTLS_LIBRARIES})
add_library(mtls_compression_libraries INTERFACE)
target_include_directories(mtls_compression_libraries INTERFACE
  ${ZLIB_INCLUDE_DIRS} ${BROTLI_INCLUDE_DIRS} ${ZSTD_INCLUDE_DIRS})
target_link_libraries(mtls_compression_libraries INTERFACE
  ${ZLIB_LIBRARIES} ${BROTLI_LIBRARIES} ${ZSTD_LIBRARIES})
