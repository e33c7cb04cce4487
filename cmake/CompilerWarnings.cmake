# SPDX-License-Identifier: Apache-2.0
# Warnings and API level every target of the project builds with.
# OPENSSL_API_COMPAT=30000 and OPENSSL_NO_DEPRECATED keep us on the public,
# non-deprecated OpenSSL 3.0 API, so the code keeps building on 3.2 to 3.5.
add_library(tlsd_build_flags INTERFACE)
target_compile_options(tlsd_build_flags INTERFACE
    -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wshadow)
target_compile_definitions(tlsd_build_flags INTERFACE
    _GNU_SOURCE OPENSSL_API_COMPAT=30000 OPENSSL_NO_DEPRECATED)
