/* capture.h - what the analyzer keeps for one capture file and shares among
 * its streams: the configuration, and the certificate cache. Each distinct
 * certificate (keyed by the SHA-256 of its DER) is parsed once, each
 * issuer-signature check made once, each trust-store or public-root lookup
 * made once per file, however many handshakes send the same chain; each
 * distinct CertificateRequest CA name is decoded and stored once.
 * Owns every certificate and name it hands out; they live as long as the
 * capture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CAPTURE_H
#define MTLS_CAPTURE_H

#include "certificate.h"
#include "config.h"

struct mtls_capture {
    gint reference_count;
    mtls_config *config;
    /* Kept until the file closes: the handshakes' summaries, which every
     * redissection shows again, borrow their strings from these. */
    GHashTable *certificates;   /* DER (GBytes) -> cached_certificate* */
    GHashTable *ca_names;       /* DER Name (GBytes) -> mtls_ca_name* */
    /* Verdicts, emptied when they reach the configured cache limit. */
    GHashTable *signatures;     /* subject and issuer SHA-256 digests (64 bytes) -> verdict */
    GHashTable *issuers[MTLS_ISSUER_SOURCE_COUNT]; /* subject SHA-256 digest -> issuer (NULL: none) */
    mtls_capture_statistics statistics;
};

/* The parsed certificate for `der`, or NULL with *error set (owned by the
 * capture) when it does not parse. */
const mtls_certificate *mtls_capture_certificate(mtls_capture *capture, const uint8_t *der, size_t length,
                                                 const char **error);

/* The CA name with this DER encoding and its text. */
const struct mtls_ca_name *mtls_capture_ca_name(mtls_capture *capture, const uint8_t *der, size_t length);

/* mtls_certificate_issued_by, answered once per pair of certificates. */
bool mtls_capture_issued_by(mtls_capture *capture, const mtls_certificate *certificate,
                            const mtls_certificate *issuer);

/* The CA in `source` (a trust store, or the public roots) whose key signed
 * `certificate`, or NULL. */
const mtls_certificate *mtls_capture_issuer_from(mtls_capture *capture, mtls_issuer_source source,
                                                 const mtls_certificate *certificate);

#endif
