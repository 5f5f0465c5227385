/* ca_names.h - a CA name from a CertificateRequest: the DER Name and its
 * RFC 4514 text. The capture decodes each distinct name once and owns it
 * (capture.c); chains are matched against them (chain.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CA_NAMES_H
#define MTLS_CA_NAMES_H

#include <glib.h>

typedef struct mtls_ca_name {
    GBytes *der;
    char *text;
} mtls_ca_name;

void mtls_ca_name_free(gpointer ca_name);

/* "'CN=A', 'CN=B' and 3 more", or "(none)". g_free the result. */
char *mtls_ca_names_for_message(const GPtrArray *ca_names);

#endif
