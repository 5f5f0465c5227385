/* plugin.c - what Wireshark's plugin loader looks for: the version stamps
 * and the registration of the mtls protocol and its statistics tree.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/proto.h>
#include <epan/tap.h>

#include "mtls_version.h"
#include "packet-mtls.h"
#include "stats-mtls.h"
#include "ws_compat.h"

WS_DLL_PUBLIC_DEF const char plugin_version[] = MTLS_ANALYZER_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if MTLS_WS_AT_LEAST(4, 2)
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

void plugin_register(void)
{
    static proto_plugin mtls_plugin;
    mtls_plugin.register_protoinfo = proto_register_mtls;
    mtls_plugin.register_handoff = proto_reg_handoff_mtls;
    proto_register_plugin(&mtls_plugin);
    static tap_plugin mtls_stats;
    mtls_stats.register_tap_listener = register_mtls_stats_tree;
    tap_register_plugin(&mtls_stats);
}
