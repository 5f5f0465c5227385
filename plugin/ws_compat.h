/* ws_compat.h - the Wireshark API differences between the versions we build
 * against (4.0 on Debian 12, 4.4 on Debian 13, 4.6 on Debian forky). Every
 * difference of API is bridged here; the one other version test is
 * plugin.c's plugin_describe(), an export that exists only from 4.2 on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_WS_COMPAT_H
#define MTLS_WS_COMPAT_H

#include <ws_version.h>

#define MTLS_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* field_info.value became a pointer in 4.2, and the booleans of the API
 * (preference variables, wmem callbacks) became bool. */
#if MTLS_WS_AT_LEAST(4, 2)
#define MTLS_FI_VALUE(fi) ((fi)->value)
typedef bool mtls_ws_bool;
#else
#define MTLS_FI_VALUE(fi) (&(fi)->value)
typedef gboolean mtls_ws_bool;
#endif

/* plugin_describe() and its flags came with wsutil/plugins.h in 4.2. */
#if MTLS_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
#endif

#endif
