/* SPDX-License-Identifier: Apache-2.0 */
/* The loads in effect. A configuration may be loaded more than once; the
 * newest load is the one in effect, and OPENSSL_finish of a load removes
 * only that one. */
#ifndef TLSD_LOADS_H
#define TLSD_LOADS_H

#include "load.h"

/* Puts l first, in effect; the list takes over the caller's reference. */
void tlsd_loads_add(tlsd_load *l);

/* Takes l out of the list and drops the reference given to
 * tlsd_loads_add: contexts being made with it keep theirs
 * (tlsd_loads_current). */
void tlsd_loads_remove(tlsd_load *l);

/* The load in effect with a reference taken for the caller (free it with
 * tlsd_load_free), or NULL when none is. The one lock of the per-context
 * path, held only to read one pointer and count one reference. */
tlsd_load *tlsd_loads_current(void);

/* Registers the list's lock with fork_locks.h. */
void tlsd_loads_fork_locks(void);

#endif
