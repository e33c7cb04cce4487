/* SPDX-License-Identifier: Apache-2.0 */
/* Programs of the system as peers (curl, nginx, python3). They load the
 * system's libssl, which may be of another major version than the OpenSSL
 * this tree is built against (python3 on Debian 12 loads libssl.so.3, a
 * build against OpenSSL 4 makes a module for libssl.so.4). Loaded into
 * such a process, the module meets a libcrypto of another major and gives
 * it no policy: there is nothing to test, and such a peer is skipped with
 * a message naming both versions. */
#ifndef TLSD_TEST_PEERS_H
#define TLSD_TEST_PEERS_H

/* The path of program as execvp() finds it in PATH; NULL when it is not
 * there. Static storage: valid until the next call. */
const char *tlsd_test_which(const char *program);

/* The major version of the libssl that file (an executable or a shared
 * object) loads, from its libssl.so.N in ldd's output (which follows
 * dependencies: curl loads libssl through libcurl); 0 when it loads none
 * or ldd fails. */
int tlsd_test_libssl_major(const char *file);

/* The file of python3 that links libssl: its _ssl extension module, or
 * the interpreter when _ssl is built in. NULL without python3. Static
 * storage. */
const char *tlsd_test_python_ssl_file(void);

/* 1 when file (what peer who loads libssl through) loads a libssl of the
 * major version this tree is built against; otherwise "SKIP: ..." on
 * stderr, naming both versions, and 0. */
int tlsd_test_peer_usable(const char *who, const char *file);

#endif
