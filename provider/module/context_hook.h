/* SPDX-License-Identifier: Apache-2.0 */
/* The SSL_CTX hook: the ex_data new-callback OpenSSL runs inside every
 * SSL_CTX_new, which applies the load in effect (loads.h) to the new
 * context and installs its guard. */
#ifndef TLSD_CONTEXT_HOOK_H
#define TLSD_CONTEXT_HOOK_H

/* Registers the hook, once per process (again is harmless). Returns 1, or
 * 0 on error. */
int tlsd_context_hook_register(void);

/* Registers the hook's lock with fork_locks.h. */
void tlsd_context_hook_fork_locks(void);

#endif
