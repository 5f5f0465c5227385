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
#include "public_roots.h"
#include "mtls_analyzer.h"

typedef struct {
    gnutls_x509_trust_list_t list;   /* NULL when none is configured */
    size_t size;
} mtls_trust_store;

struct mtls_config {
    int reference_count;
    mtls_trust_store trust_stores[2]; /* indexed by mtls_trust_purpose */
    bool check_server_chain;
    bool verify_every_certificate_verify;
    bool verify_every_chain_signature;
    unsigned expiry_warning_days;    /* 0: no expires_soon notes */
    unsigned cache_limit;            /* entries a per-file cache holds before it is emptied */
    GPtrArray *expected_client_certificates; /* mtls_certificate*; NULL: none registered */
    /* The system CA bundle, read on first use as a catalogue of public
     * roots (not as a trust decision). */
    mtls_public_roots *public_roots;
    bool public_roots_loaded;
    bool use_public_roots;           /* the preference: results may depend on the analyst's machine */
};

bool mtls_config_has_trust_store(const mtls_config *config, mtls_trust_purpose purpose);

/* Where an issuer not sent on the wire may be found: the trust stores (by
 * mtls_trust_purpose), or the system CA bundle read as a catalogue of public
 * roots (not as a trust decision). */
typedef enum {
    MTLS_ISSUER_CLIENT_TRUST_STORE = MTLS_TRUST_CLIENT_CERTIFICATES,
    MTLS_ISSUER_SERVER_TRUST_STORE = MTLS_TRUST_SERVER_CERTIFICATES,
    MTLS_ISSUER_PUBLIC_ROOTS,
    MTLS_ISSUER_SOURCE_COUNT
} mtls_issuer_source;

/* Calls `take` with the DER of each candidate issuer of `certificate` in
 * `source`, until it returns true; `take` checks the signature. The public
 * roots offer every root whose subject is the certificate's issuer; a
 * trust store offers the one GnuTLS picks by name and key identifier. */
void mtls_config_issuer_candidates(const mtls_config *config, mtls_issuer_source source,
                                   const mtls_certificate *certificate, mtls_root_candidate_fn take,
                                   void *user_data);

#endif
