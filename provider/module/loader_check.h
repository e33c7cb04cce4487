/* SPDX-License-Identifier: Apache-2.0 */
/* Which libcrypto called the module's entry points (issue 13).
 *
 * OpenSSL calls OPENSSL_init and OPENSSL_finish from the libcrypto that
 * read the configuration. In a process of another major version (a program
 * on libcrypto.so.3 loading a module built for libcrypto.so.4, or the
 * reverse), the dynamic linker maps the module's own libcrypto beside the
 * caller's: the CONF_IMODULE and CONF the entry points receive then belong
 * to the other library, whose structures differ (4.0 added a field to
 * struct conf_imodule_st), and any call of the module's libcrypto on them
 * reads garbage. The hooks the module registers would also land in its own
 * libcrypto, which never sees the program's contexts. */
#ifndef TLSD_LOADER_CHECK_H
#define TLSD_LOADER_CHECK_H

/* 1 when the code at return_address (the entry point's
 * __builtin_return_address(0)) lies in the very libcrypto this module is
 * linked with; 0 otherwise (another libcrypto, a program with OpenSSL
 * linked in statically, an unknown caller). Uses only the dynamic linker:
 * nothing of either libcrypto is called, no argument is touched. */
int tlsd_loader_check_is_own(const void *return_address);

/* Explains a refusal: one line to the TLSDEFAULTS_DEBUG trace, and, when
 * the caller is a libcrypto (of any version), one error on that library's
 * own error queue through its own ERR_new/ERR_set_debug/ERR_set_error
 * (what config_diagnostics = 1 prints). entry is "OPENSSL_init" or
 * "OPENSSL_finish"; the error is queued for OPENSSL_init only. */
void tlsd_loader_check_refuse(const void *return_address, const char *entry);

#endif
