/* config.h - the analyzer's settings as the checks see them: the trust
 * store and the switches. Shared by reference between streams so a change of
 * preferences mid-file leaves the streams already analysed consistent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CONFIG_H
#define MTLS_CONFIG_H

#include <gnutls/x509.h>

#include "certificate.h"
#include "mtls_analyzer.h"

typedef struct {
    gnutls_x509_trust_list_t list;   /* NULL when none is configured */
    size_t size;
} mtls_trust_store;

struct mtls_config {
    gint reference_count;
    mtls_trust_store trust_stores[2]; /* indexed by mtls_trust_purpose */
    bool check_server_chain;
    /* The system CA bundle, read on first use as a catalogue of public
     * roots (not as a trust decision). */
    gnutls_x509_trust_list_t public_roots;
    bool public_roots_loaded;
};

bool mtls_config_has_trust_store(const mtls_config *config, mtls_trust_purpose purpose);

/* The CA of the trust store for `purpose` that signed `certificate`, if any.
 * The result is owned by the caller (free with mtls_certificate_free). */
mtls_certificate *mtls_config_trusted_issuer(const mtls_config *config, mtls_trust_purpose purpose,
                                             const mtls_certificate *certificate);

/* The public root CA (from the system CA bundle) that signed `certificate`,
 * or NULL; owned by the caller (free with mtls_certificate_free). */
mtls_certificate *mtls_config_public_issuer(const mtls_config *config, const mtls_certificate *certificate);

#endif
