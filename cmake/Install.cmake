# SPDX-License-Identifier: Apache-2.0
# Install rules and the consumable package of libtlsdefaults:
#   find_package(tlsdefaults) -> tlsdefaults::tlsdefaults, tlsdefaults::tlsdefaults_static
#   pkg-config tlsdefaults    -> -ltlsdefaults -lssl -lcrypto
# plus the config module (into OpenSSL's modules directory) and the
# openssl.cnf snippets. Every destination is relative to the install
# prefix (unless one is set to an absolute path), so that
# `cmake --install build --prefix DIR` stays inside DIR and DESTDIR works.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Where OpenSSL looks for modules: ask the libcrypto this build links
# (OPENSSL_CRYPTO_LIBRARY), through the libcrypto.pc beside it, not the
# first libcrypto.pc on pkg-config's path: a build against another OpenSSL
# (-DOPENSSL_ROOT_DIR=..., e.g. 4.0 beside the system's 3.x) goes into
# that OpenSSL's own modules directory, where a module of the other major
# never is (issue 13). Its modulesdir is absolute
# (/usr/lib/x86_64-linux-gnu/ossl-modules); made relative to libcrypto's
# own prefix, it follows our install prefix, which is where it lands when
# both prefixes are the same (/usr).
set(_tlsd_modules_default ${CMAKE_INSTALL_LIBDIR}/ossl-modules)
find_package(PkgConfig QUIET)
get_filename_component(_tlsd_crypto_libdir "${OPENSSL_CRYPTO_LIBRARY}" DIRECTORY)
set(_tlsd_crypto_pc "${_tlsd_crypto_libdir}/pkgconfig/libcrypto.pc")
set(_tlsd_ossl_modulesdir "")
set(_tlsd_ossl_prefix "")
if(PKG_CONFIG_FOUND AND EXISTS "${_tlsd_crypto_pc}")
    foreach(var modulesdir prefix)
        execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --variable=${var} ${_tlsd_crypto_pc}
            OUTPUT_VARIABLE _tlsd_ossl_${var} OUTPUT_STRIP_TRAILING_WHITESPACE
            RESULT_VARIABLE _tlsd_status ERROR_QUIET)
        if(NOT _tlsd_status EQUAL 0)
            set(_tlsd_ossl_${var} "")
        endif()
    endforeach()
endif()
if(_tlsd_ossl_modulesdir)
    set(_tlsd_modules_default ${_tlsd_ossl_modulesdir})
    string(LENGTH "${_tlsd_ossl_prefix}/" _tlsd_len)
    string(SUBSTRING "${_tlsd_ossl_modulesdir}" 0 ${_tlsd_len} _tlsd_head)
    if(_tlsd_ossl_prefix AND _tlsd_head STREQUAL "${_tlsd_ossl_prefix}/")
        string(SUBSTRING "${_tlsd_ossl_modulesdir}" ${_tlsd_len} -1 _tlsd_modules_default)
    endif()
    # The shipped snippets name path = $ORIGIN/ossl-modules/tlsdefaults.so:
    # the directory of the libcrypto that loads the module, + ossl-modules.
    # Say so when this OpenSSL keeps its modules elsewhere.
    get_filename_component(_tlsd_real_libdir "${_tlsd_crypto_libdir}" REALPATH)
    get_filename_component(_tlsd_real_modulesdir "${_tlsd_ossl_modulesdir}" REALPATH)
    if(NOT _tlsd_real_modulesdir STREQUAL "${_tlsd_real_libdir}/ossl-modules")
        message(STATUS "OpenSSL's modules directory ${_tlsd_ossl_modulesdir} is not "
            "${_tlsd_crypto_libdir}/ossl-modules: the snippets' path "
            "$ORIGIN/ossl-modules/tlsdefaults.so will not find the module there; "
            "name it by its absolute path (docs/configuration.md)")
    endif()
endif()
# A value the user chose stays; a default computed for another OpenSSL
# (an earlier configuration of this build directory) follows the new one.
if(DEFINED _TLSD_MODULES_DIR_DEFAULT AND TLSD_MODULES_DIR STREQUAL "${_TLSD_MODULES_DIR_DEFAULT}")
    unset(TLSD_MODULES_DIR CACHE)
endif()
set(TLSD_MODULES_DIR ${_tlsd_modules_default} CACHE STRING
    "Where to install the config module tlsdefaults.so (relative: under the install prefix)")
set(_TLSD_MODULES_DIR_DEFAULT ${_tlsd_modules_default} CACHE INTERNAL "")

set(TLSD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tlsdefaults)

# The OpenSSL this build uses (find_package(OpenSSL) in CMakeLists.txt):
# its prefix, the directory of its libssl, its major and major.minor. The
# installed CMake and pkg-config files pin it for consumers (another major
# version is another ABI: libssl.so.3 and libssl.so.4 in one process), and
# the tests build and run against it (tests/CMakeLists.txt).
get_filename_component(TLSD_OPENSSL_ROOT "${OPENSSL_INCLUDE_DIR}" DIRECTORY)
get_filename_component(TLSD_OPENSSL_LIBDIR "${OPENSSL_SSL_LIBRARY}" DIRECTORY)
string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" TLSD_OPENSSL_MAJOR_MINOR "${OPENSSL_VERSION}")
set(TLSD_OPENSSL_MAJOR ${CMAKE_MATCH_1})
math(EXPR TLSD_OPENSSL_NEXT_MAJOR "${TLSD_OPENSSL_MAJOR} + 1")

# The exported names: tlsdefaults::tlsdefaults and tlsdefaults::tlsdefaults_static.
set_target_properties(tlsdefaults_shared PROPERTIES EXPORT_NAME tlsdefaults)
set_target_properties(tlsdefaults_static PROPERTIES EXPORT_NAME tlsdefaults_static)
# The same names in this build tree, so a consumer added with
# add_subdirectory() links the same way.
add_library(tlsdefaults::tlsdefaults ALIAS tlsdefaults_shared)
add_library(tlsdefaults::tlsdefaults_static ALIAS tlsdefaults_static)

install(TARGETS tlsdefaults_shared tlsdefaults_static
    EXPORT tlsdefaultsTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    # The include directory of the exported targets.
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/provider/include/tlsdefaults.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS tlsdefaults_module LIBRARY DESTINATION ${TLSD_MODULES_DIR})
# The module's entry points that libtlsdefaults.so.0 needs (provider/
# CMakeLists.txt): beside the library, without a development symlink. In
# the export set because the library needs it at run time.
set_target_properties(tlsdefaults_module_lib PROPERTIES EXPORT_NAME module_entry_points)
install(TARGETS tlsdefaults_module_lib
    EXPORT tlsdefaultsTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_SKIP)
install(TARGETS tlsdefaults-info RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(section 1 3 5)
    file(GLOB _tlsd_pages ${PROJECT_SOURCE_DIR}/docs/man/*.${section})
    install(FILES ${_tlsd_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
# share/tlsdefaults/openssl-cnf/: the path README.md and the snippets name.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/openssl-cnf
    DESTINATION ${CMAKE_INSTALL_DATADIR}/tlsdefaults
    FILES_MATCHING PATTERN "*.cnf")

# The CMake package. The generated targets file is relocatable: it finds
# its prefix from its own location.
install(EXPORT tlsdefaultsTargets
    NAMESPACE tlsdefaults::
    DESTINATION ${TLSD_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tlsdefaultsConfig.cmake.in
    ${PROJECT_BINARY_DIR}/tlsdefaultsConfig.cmake
    INSTALL_DESTINATION ${TLSD_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tlsdefaultsConfigVersion.cmake
    COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tlsdefaultsConfig.cmake
    ${PROJECT_BINARY_DIR}/tlsdefaultsConfigVersion.cmake
    DESTINATION ${TLSD_CMAKE_DIR})

# The pkg-config file. A .pc file holds absolute paths, and the prefix is
# only known for sure at install time (`cmake --install --prefix` changes
# it), so the file is written then, with the prefix in use (not DESTDIR,
# which is a staging area), and installed right after.
foreach(dir LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
        set(_tlsd_pc_${dir} "${CMAKE_INSTALL_${dir}}")
    else()
        set(_tlsd_pc_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
    endif()
endforeach()
install(CODE "
    set(TLSD_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    set(TLSD_PC_LIBDIR [=[${_tlsd_pc_LIBDIR}]=])
    set(TLSD_PC_INCLUDEDIR [=[${_tlsd_pc_INCLUDEDIR}]=])
    set(PROJECT_VERSION \"${PROJECT_VERSION}\")
    set(TLSD_OPENSSL_MAJOR_MINOR \"${TLSD_OPENSSL_MAJOR_MINOR}\")
    set(TLSD_OPENSSL_NEXT_MAJOR \"${TLSD_OPENSSL_NEXT_MAJOR}\")
    configure_file(\"${PROJECT_SOURCE_DIR}/cmake/tlsdefaults.pc.in\"
                   \"${PROJECT_BINARY_DIR}/tlsdefaults.pc\" @ONLY)
")
install(FILES ${PROJECT_BINARY_DIR}/tlsdefaults.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
