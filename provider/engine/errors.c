/* SPDX-License-Identifier: Apache-2.0 */
#include "errors.h"

#include <pthread.h>

static int err_lib;
static pthread_once_t err_once = PTHREAD_ONCE_INIT;

/* ERR_load_strings() patches the library code into these entries and keeps
 * pointers to them, so the table is static, writable and never unloaded
 * (the module is linked with -z nodelete). */
static ERR_STRING_DATA err_strings[] = {
    {0, "tlsdefaults"}, /* library name: its code is only known at run time */
    {ERR_PACK(0, 0, TLSD_R_UNKNOWN_KEY), "unknown configuration key"},
    {ERR_PACK(0, 0, TLSD_R_BAD_VALUE), "bad value for configuration key"},
    {ERR_PACK(0, 0, TLSD_R_UNKNOWN_PROFILE), "unknown profile"},
    {ERR_PACK(0, 0, TLSD_R_MISSING_PATH), "module section has no path"},
    {ERR_PACK(0, 0, TLSD_R_MISSING_SECTION), "configuration section not found"},
    {ERR_PACK(0, 0, TLSD_R_PROTOCOL_RANGE), "MaxProtocol is below MinProtocol"},
    {ERR_PACK(0, 0, TLSD_R_TLS_REFUSED),
     "tlsdefaults configuration is invalid, TLS refused"},
    {ERR_PACK(0, 0, TLSD_R_OUT_OF_MEMORY), "out of memory"},
    {ERR_PACK(0, 0, TLSD_R_BAD_PURPOSE), "unknown purpose"},
    {ERR_PACK(0, 0, TLSD_R_NO_VERIFY_LOCATIONS),
     "cafile, capath and cadata cannot be all omitted"},
    {ERR_PACK(0, 0, TLSD_R_EMPTY_CADATA), "Empty certificate data"},
    {ERR_PACK(0, 0, TLSD_R_BAD_CADATA), "cadata does not contain a certificate"},
    {ERR_PACK(0, 0, TLSD_R_CANNOT_LOAD_CAFILE), "cannot load CA file"},
    {ERR_PACK(0, 0, TLSD_R_BAD_HOSTNAME), "bad server hostname"},
    {ERR_PACK(0, 0, TLSD_R_CANNOT_OPEN_KEYLOG), "cannot open key log file"},
    {ERR_PACK(0, 0, TLSD_R_NO_SERVER_NAME), "no server name to check the certificate against"},
    {ERR_PACK(0, 0, TLSD_R_VERIFY_REQUIRED),
     "peer verification required by tlsdefaults policy (VerifyPeer)"},
    {ERR_PACK(0, 0, TLSD_R_VERSION_BELOW_FLOOR),
     "protocol version below tlsdefaults floor (Enforce)"},
    {ERR_PACK(0, 0, TLSD_R_CANNOT_OPEN_AUDIT_LOG), "cannot open audit log"},
    {ERR_PACK(0, 0, TLSD_R_PEER_NOT_AUTHENTICATED),
     "server not authenticated by a certificate, required by tlsdefaults policy (VerifyPeer)"},
    {ERR_PACK(0, 0, TLSD_R_HOSTNAME_MISMATCH),
     "certificate does not match the server name, checked by tlsdefaults policy (HostnameCheck)"},
    {ERR_PACK(0, 0, TLSD_R_BELOW_SECURITY_LEVEL),
     "below the security level of tlsdefaults floor (Enforce)"},
    {ERR_PACK(0, 0, TLSD_R_NOT_PER_CONNECTION), "key cannot apply to one destination (Peers)"},
    {ERR_PACK(0, 0, TLSD_R_PEER_ENTRY_MISMATCH),
     "connection no longer matches the tlsdefaults Peers entry it got, TLS refused"},
    {0, NULL},
};

static void register_strings(void)
{
    err_lib = ERR_get_next_error_library();
    /* The packed code must be non-zero: a zero entry ends the table. */
    err_strings[0].error = ERR_PACK(err_lib, 0, 0);
    ERR_load_strings(err_lib, err_strings);
}

int tlsd_errors_lib(void)
{
    pthread_once(&err_once, register_strings);
    return err_lib;
}
