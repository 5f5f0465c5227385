/* ca_names.h - a CA name from a CertificateRequest: the DER Name and its
 * RFC 4514 text. The capture decodes each distinct name once (capture.c)
 * and holds a reference until its cache is emptied; each handshake holds one
 * for the names it was sent. Chains are matched against them (chain.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CA_NAMES_H
#define MTLS_CA_NAMES_H

#include <glib.h>
#include <stdint.h>

typedef struct mtls_ca_name {
    int reference_count;
    GBytes *der;
    char *text;
} mtls_ca_name;

/* A new name, with one reference. */
mtls_ca_name *mtls_ca_name_new(const uint8_t *der, size_t length);
mtls_ca_name *mtls_ca_name_ref(const mtls_ca_name *ca_name);
/* A GDestroyNotify; NULL is ignored. */
void mtls_ca_name_unref(gpointer ca_name);

/* "'CN=A', 'CN=B' and 3 more", or "(none)". g_free the result. */
char *mtls_ca_names_for_message(const GPtrArray *ca_names);

#endif
