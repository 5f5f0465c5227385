/* server_name.h - the server name check: does the server's certificate
 * cover the name (SNI) the client asked for, and did a client that sent no
 * name reach a server that serves several. Load balancers choose the
 * certificate and the client-authentication profile by SNI, so a wrong or
 * missing name sends the client to the wrong virtual server.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_SERVER_NAME_H
#define MTLS_SERVER_NAME_H

#include <glib.h>

#include "certificate.h"

typedef struct {
    const mtls_certificate *server_leaf;
    const char *server_name;        /* the ClientHello's SNI, NULL when it had none */
    uint32_t client_hello_frame;    /* 0: the ClientHello was not captured, nothing is judged */
    uint32_t certificate_frame;
} mtls_server_name_input;

/* An IP address of a subjectAltName (4 or 16 bytes) as text, IPv6 in the
 * RFC 5952 form; the platform's inet_ntop is not on every platform
 * Wireshark runs on. Free with g_free. */
char *mtls_ip_address_text(const uint8_t *address, size_t size);

/* What a server certificate says of the name a client asked for, which
 * depends on the two alone: the check of each handshake is made from it. */
typedef struct {
    bool judged;        /* false: the certificate could not be read, nothing is said */
    bool covered;       /* the certificate covers the name (false when none was asked for) */
    unsigned dns_names; /* the names it covers, when it does not cover this one */
    bool wildcard;
    char *listed;       /* those names for a message ("'a', 'b'"); NULL when covered */
} mtls_server_name_facts;

/* `server_name` may be NULL (no SNI). Clear with mtls_server_name_facts_clear. */
mtls_server_name_facts mtls_server_name_facts_of(const mtls_certificate *leaf, const char *server_name);
void mtls_server_name_facts_clear(mtls_server_name_facts *facts);

/* Appends server_name_mismatch or no_sni to `findings` when the facts
 * (of input's leaf and name) call for them. */
void mtls_report_server_name(const mtls_server_name_input *input, const mtls_server_name_facts *facts,
                             GPtrArray *findings);

/* Both steps at once. */
void mtls_check_server_name(const mtls_server_name_input *input, GPtrArray *findings);

#endif
