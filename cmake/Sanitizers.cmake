# SPDX-License-Identifier: Apache-2.0
# TLSD_SANITIZE: sanitizers for every target of the project, e.g.
# "address,undefined" (the asan preset) or "thread" (the tsan preset).
set(TLSD_SANITIZE "" CACHE STRING "Sanitizers for every target: address,undefined or thread (empty: none)")
if(TLSD_SANITIZE)
    target_compile_options(tlsd_build_flags INTERFACE
        -fsanitize=${TLSD_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(tlsd_build_flags INTERFACE -fsanitize=${TLSD_SANITIZE})
    # Programs the tests start (openssl, curl, python3) load the
    # instrumented module: they need the sanitizer's runtime loaded first.
    if(TLSD_SANITIZE MATCHES "thread")
        set(_tlsd_runtime libtsan.so)
        set(_tlsd_child_options "TSAN_OPTIONS=report_bugs=0")
    else()
        set(_tlsd_runtime libasan.so)
        set(_tlsd_child_options "ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0")
    endif()
    execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${_tlsd_runtime}
        OUTPUT_VARIABLE _tlsd_runtime_path OUTPUT_STRIP_TRAILING_WHITESPACE)
    # Read by tests/support/test_process.c for every child it starts:
    # NAME=value entries separated by '|'.
    set(TLSD_TEST_CHILD_ENV "LD_PRELOAD=${_tlsd_runtime_path}|${_tlsd_child_options}")
endif()

# TLSD_FUZZ: build the libFuzzer targets of tests/fuzz (clang only). Only
# those get the flags (they compile the project's sources themselves): on
# every target, tlsdefaults.so and libtlsdefaults.so failed to link, as
# clang puts no sanitizer runtime into shared objects and they use -z defs.
option(TLSD_FUZZ "Build the libFuzzer targets (clang)" OFF)
if(TLSD_FUZZ)
    if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "TLSD_FUZZ needs clang: cmake -DCMAKE_C_COMPILER=clang -DTLSD_FUZZ=ON")
    endif()
    set(TLSD_FUZZ_FLAGS
        -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
endif()
