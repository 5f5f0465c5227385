/* server_name.c - SNI against the server certificate's names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "server_name.h"

#include <string.h>

#include "codes.h"
#include "findings.h"

#define NAMES_SHOWN 6

typedef struct {
    GString *listed;      /* "'a', 'b', '*.c'" for messages */
    unsigned shown;
    unsigned dns_names;
    bool wildcard;
} certificate_names;

char *mtls_ip_address_text(const uint8_t *address, size_t size)
{
    if (size == 4)
        return g_strdup_printf("%u.%u.%u.%u", address[0], address[1], address[2], address[3]);
    if (size != 16)
        return g_strdup("(not an IP address)");
    static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(address, v4_mapped, sizeof v4_mapped) == 0)
        return g_strdup_printf("::ffff:%u.%u.%u.%u", address[12], address[13], address[14], address[15]);
    unsigned groups[8];
    for (int i = 0; i < 8; i++)
        groups[i] = (unsigned)address[2 * i] << 8 | address[2 * i + 1];
    /* RFC 5952: the longest run of two or more zero groups, the first of equal ones, becomes "::". */
    int run_start = -1, run_length = 0;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && groups[j] == 0)
            j++;
        if (j - i > run_length && j - i >= 2) {
            run_start = i;
            run_length = j - i;
        }
        i = j > i ? j : i + 1;
    }
    GString *text = g_string_new(NULL);
    for (int i = 0; i < 8; i++) {
        if (i == run_start) {
            g_string_append(text, "::");
            i += run_length - 1;
            continue;
        }
        if (text->len > 0 && text->str[text->len - 1] != ':')
            g_string_append_c(text, ':');
        g_string_append_printf(text, "%x", groups[i]);
    }
    return g_string_free(text, FALSE);
}

static void add_name(certificate_names *names, const char *name)
{
    if (names->shown < NAMES_SHOWN)
        g_string_append_printf(names->listed, "%s'%s'", names->shown ? ", " : "", name);
    else if (names->shown == NAMES_SHOWN)
        g_string_append(names->listed, " and more");
    names->shown++;
}

/* The names a client may reach the server by: DNS and IP subjectAltNames,
 * or the common name when there are none (as GnuTLS's hostname check does). */
static certificate_names collect_names(gnutls_x509_crt_t crt)
{
    certificate_names names = {.listed = g_string_new(NULL)};
    for (unsigned index = 0;; index++) {
        char value[256];
        size_t size = sizeof value - 1;
        int type = gnutls_x509_crt_get_subject_alt_name(crt, index, value, &size, NULL);
        /* Past the last name, or an extension GnuTLS cannot decode: every
         * further index would fail the same way. An overlong name is skipped. */
        if (type < 0 && type != GNUTLS_E_SHORT_MEMORY_BUFFER)
            break;
        if (type == GNUTLS_SAN_DNSNAME && memchr(value, '\0', size) == NULL) {
            value[size] = '\0';
            names.dns_names++;
            names.wildcard |= value[0] == '*';
            add_name(&names, value);
        } else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16)) {
            char *text = mtls_ip_address_text((const uint8_t *)value, size);
            add_name(&names, text);
            g_free(text);
        }
    }
    if (names.shown == 0) {
        char common_name[256];
        size_t size = sizeof common_name;
        if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, common_name, &size) == 0) {
            names.dns_names++;
            names.wildcard |= common_name[0] == '*';
            add_name(&names, common_name);
        }
    }
    return names;
}

mtls_server_name_facts mtls_server_name_facts_of(const mtls_certificate *leaf, const char *server_name)
{
    mtls_server_name_facts facts = {0};
    gnutls_x509_crt_t crt = leaf != NULL ? mtls_certificate_crt(leaf) : NULL;
    if (crt == NULL)
        return facts;
    facts.judged = true;
    /* The usual case, a covered name, needs no list of names. */
    if (server_name != NULL && gnutls_x509_crt_check_hostname2(crt, server_name, 0)) {
        facts.covered = true;
        return facts;
    }
    certificate_names names = collect_names(crt);
    facts.dns_names = names.dns_names;
    facts.wildcard = names.wildcard;
    facts.listed = g_string_free(names.listed, names.shown == 0);
    return facts;
}

void mtls_server_name_facts_clear(mtls_server_name_facts *facts)
{
    g_clear_pointer(&facts->listed, g_free);
}

void mtls_report_server_name(const mtls_server_name_input *input, const mtls_server_name_facts *facts,
                             GPtrArray *findings)
{
    if (input->client_hello_frame == 0 || !facts->judged || facts->covered)
        return;
    const mtls_certificate *leaf = input->server_leaf;
    const char *listed = facts->listed ? facts->listed : "no names at all";
    if (input->server_name != NULL) {
        mtls_findings_add(findings, MTLS_CODE_SERVER_NAME_MISMATCH, input->certificate_frame,
                          (mtls_evidence){{input->client_hello_frame}},
                          "The server's certificate does not cover the server name '%s' the client asked for: use "
                          "the configured host name. The client asked for it in the ClientHello's SNI (frame %u), "
                          "but the certificate the server answered with (frame %u, '%s') covers %s. A load balancer "
                          "or gateway chooses the certificate and the client-certificate profile by SNI, so this "
                          "client most likely reached the default or a different virtual server, which may not "
                          "request, accept or map its certificate. Use the host name the server is configured "
                          "for, or add '%s' to the server's certificate and virtual-host (SNI) configuration.",
                          input->server_name, input->client_hello_frame, input->certificate_frame,
                          leaf->subject, listed, input->server_name);
    } else if (facts->dns_names > 1 || facts->wildcard) {
        mtls_findings_add(findings, MTLS_CODE_NO_SNI, input->certificate_frame,
                          (mtls_evidence){{input->client_hello_frame}},
                          "The client sent no server name (SNI) to a server hosting several: connect by host name "
                          "and send SNI. Its ClientHello (frame %u) has none, and the server's "
                          "certificate (frame %u) covers several: %s. A server hosting several names picks the "
                          "certificate and the client-certificate profile by SNI; without one the client gets the "
                          "default. Connect by host name rather than IP address, and make sure the client sends SNI "
                          "(Java: jsse.enableSNIExtension not false; .NET: the host name as targetHost; SAP ICM: "
                          "icm/HTTPS/client_sni_enabled = TRUE).",
                          input->client_hello_frame, input->certificate_frame, listed);
    }
}

void mtls_check_server_name(const mtls_server_name_input *input, GPtrArray *findings)
{
    if (input->client_hello_frame == 0 || input->server_leaf == NULL)
        return;
    mtls_server_name_facts facts = mtls_server_name_facts_of(input->server_leaf, input->server_name);
    mtls_report_server_name(input, &facts, findings);
    mtls_server_name_facts_clear(&facts);
}
