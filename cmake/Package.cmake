# A Debian package of everything cmake --install puts in place, by CPack:
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)
# The prefix /usr at configure time gives Debian's multiarch directories
# (lib/x86_64-linux-gnu) and puts the module where the openssl-cnf files
# say it is. The package enables nothing by itself: see the README.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tlsdefaults)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "tlsdefaults")
set(CPACK_PACKAGE_CONTACT "tlsdefaults developers <tlsdefaults@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "safe TLS defaults for every OpenSSL 3 program (config module, library, inspector)")
set(CPACK_PACKAGE_DESCRIPTION "An OpenSSL config module that gives every SSL_CTX of a process the TLS
policy of Python's ssl.create_default_context(), enabled from openssl.cnf;
libtlsdefaults, the same policy for C programs explicitly; and
tlsdefaults-info, which shows the policy a configuration puts in effect.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # libc6, libssl3 from the binaries
set(CPACK_DEBIAN_PACKAGE_DEPENDS "openssl")
include(CPack)
