/* stats-mtls.c - the "mtls-analyzer" statistics tree
 * (`tshark -q -z mtls,tree`, and Statistics in the GUI): how many handshakes
 * ended how, which problems and notes were found, per server and per client
 * certificate.
 *
 * A handshake is counted once, on the frame where its outcome became known
 * (or, once the whole capture has been read, on its first frame if it never
 * got one). Problems and notes are counted on the frame that reports them.
 * With tshark -2 every verdict is final; in a single pass a verdict is the one
 * known at its outcome frame.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/stats_tree.h>
#include <epan/tap.h>

#include "packet-mtls.h"
#include "stats-mtls.h"

static const char node_handshakes[] = "Handshakes by verdict";
static const char node_problems[] = "Problems";
static const char node_notes[] = "Notes";
static const char node_servers[] = "Servers (address:port, SNI)";
static const char node_client_certificates[] = "Client certificates (subject)";

static int node_handshakes_id = -1;
static int node_problems_id = -1;
static int node_notes_id = -1;
static int node_servers_id = -1;
static int node_client_certificates_id = -1;

static void create_nodes(stats_tree *st)
{
    node_handshakes_id = stats_tree_create_node(st, node_handshakes, 0, STAT_DT_INT, TRUE);
    node_problems_id = stats_tree_create_node(st, node_problems, 0, STAT_DT_INT, TRUE);
    node_notes_id = stats_tree_create_node(st, node_notes, 0, STAT_DT_INT, TRUE);
    node_servers_id = stats_tree_create_node(st, node_servers, 0, STAT_DT_INT, TRUE);
    node_client_certificates_id = stats_tree_create_node(st, node_client_certificates, 0, STAT_DT_INT, TRUE);
    /* The GUI sorts the top level by name unless told otherwise: the verdicts are what is asked first. */
    stat_node_set_flags(st, node_handshakes, 0, FALSE, ST_FLG_SORT_TOP);
}

static char *server_label(const mtls_handshake_summary *summary)
{
    const char *endpoint = summary->server_endpoint ? summary->server_endpoint : "(server not seen)";
    if (summary->server_name == NULL)
        return g_strdup_printf("%s, no SNI", endpoint);
    return g_strdup_printf("%s, SNI %s", endpoint, summary->server_name);
}

/* Under a server or client certificate: the verdicts, then each problem code
 * of the handshake once. */
static void count_handshake_under(stats_tree *st, const char *label, int parent_id, const char *verdict,
                                  const mtls_handshake *handshake)
{
    int node = tick_stat_node(st, label, parent_id, TRUE);
    tick_stat_node(st, verdict, node, FALSE);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < mtls_handshake_finding_count(handshake); i++) {
        const mtls_finding *finding = mtls_handshake_finding(handshake, i);
        if (!finding->info->is_problem || !g_hash_table_add(seen, (gpointer)finding->info->code))
            continue;
        char *name = g_strdup_printf("problem %s", finding->info->code);
        tick_stat_node(st, name, node, FALSE);
        g_free(name);
    }
    g_hash_table_destroy(seen);
}

static void count_handshake(stats_tree *st, mtls_handshake *handshake, bool capture_complete)
{
    const mtls_handshake_summary *summary = mtls_handshake_get_summary(handshake);
    const char *verdict = mtls_verdict_name(mtls_handshake_verdict(handshake, capture_complete));
    tick_stat_node(st, node_handshakes, 0, TRUE);
    tick_stat_node(st, verdict, node_handshakes_id, FALSE);

    char *server = server_label(summary);
    tick_stat_node(st, node_servers, 0, TRUE);
    count_handshake_under(st, server, node_servers_id, verdict, handshake);
    g_free(server);

    if (summary->client_subject != NULL) {
        tick_stat_node(st, node_client_certificates, 0, TRUE);
        count_handshake_under(st, summary->client_subject, node_client_certificates_id, verdict, handshake);
    }
}

static void count_findings_on_frame(stats_tree *st, const mtls_handshake *handshake, uint32_t frame)
{
    for (size_t i = 0; i < mtls_handshake_finding_count(handshake); i++) {
        const mtls_finding *finding = mtls_handshake_finding(handshake, i);
        if (finding->frame != frame)
            continue;
        const char *parent = finding->info->is_problem ? node_problems : node_notes;
        int parent_id = finding->info->is_problem ? node_problems_id : node_notes_id;
        tick_stat_node(st, parent, 0, TRUE);
        tick_stat_node(st, finding->info->code, parent_id, FALSE);
    }
}

static tap_packet_status count_frame(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                     const void *data, tap_flags_t flags _U_)
{
    const mtls_tap_frame *frame = data;
    for (size_t i = 0; i < frame->handshake_count; i++) {
        mtls_handshake *handshake = frame->handshakes[i];
        count_findings_on_frame(st, handshake, pinfo->num);
        if (mtls_handshake_reported_on(mtls_handshake_get_summary(handshake), pinfo->num, frame->capture_complete))
            count_handshake(st, handshake, frame->capture_complete);
    }
    return TAP_PACKET_REDRAW;
}

void register_mtls_stats_tree(void)
{
    stats_tree_register_plugin(MTLS_TAP_NAME, "mtls", "mtls-analyzer", 0, count_frame, create_nodes,
                               NULL);
}
