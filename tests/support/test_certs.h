/* SPDX-License-Identifier: Apache-2.0 */
/* A certificate set made at test time, once per process, in a temporary
 * directory removed at exit (kept when TLSD_TEST_KEEP is set).
 *
 * root.pem, root-key.pem                 CA "tlsdefaults test root" (EC P-256)
 * intermediate.pem, intermediate-key.pem CA signed by root (EC P-256)
 * leaf-key.pem                           RSA 2048, shared by every leaf (so that
 *                                        RSA key exchange and 3DES can be offered)
 * leaf.pem, leaf-chain.pem               localhost, 127.0.0.1, ::1; chain = leaf + intermediate
 * wronghost.pem, wronghost-chain.pem     wrong.example only
 * expired.pem, expired-chain.pem         expired yesterday
 * selfsigned.pem                         self-signed leaf for localhost
 * noakid.pem, noakid-chain.pem           no authorityKeyIdentifier: fails only
 *                                        under X509_V_FLAG_X509_STRICT
 * wildcard(-chain).pem                   *.example.test
 * partial-wildcard(-chain).pem           f*.example.test
 * idna(-chain).pem                       xn--bcher-kva.example.test (bücher)
 * other-root.pem                         a second CA "tlsdefaults other root"
 * other-leaf.pem                         localhost, 127.0.0.1, ::1 (server and client
 *                                        use), issued by other-root
 * system-bundle.pem                      root.pem and other-root.pem: a system store
 *                                        holding two public roots
 * rsa1024-chain.pem, rsa1024-key.pem     localhost leaf with an RSA-1024 key (80 bits)
 *                                        + intermediate: refused from @SECLEVEL=2 up
 * sha1-chain.pem                         localhost leaf (leaf-key.pem) signed with
 *                                        SHA-1 + intermediate: refused from @SECLEVEL=1
 * Trusting intermediate.pem alone verifies leaf-chain.pem only with
 * X509_V_FLAG_PARTIAL_CHAIN. */
#ifndef TLSD_TEST_CERTS_H
#define TLSD_TEST_CERTS_H

/* The directory, made on first call; NULL on failure (reason on stderr). */
const char *tlsd_test_certs_dir(void);

/* "<dir>/<name>". The string stays valid for the 16 next calls of the same
 * thread, so several calls can be used in one expression. */
const char *tlsd_test_cert_path(const char *name);

/* Writes the whole set into an existing directory; 1 on success. */
int tlsd_test_certs_write(const char *dir);

#endif
