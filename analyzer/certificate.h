/* certificate.h - one parsed X.509 certificate and the facts the chain checks
 * read from it. Owns its GnuTLS handle and every string derived from it.
 * GnuTLS's parsed form takes ten times the DER's size, so only the facts and
 * the DER are kept; the GnuTLS handle is imported again for the few checks
 * that need it (a signature, a host name), and kept from then on.
 * Reference-counted: the capture's cache holds one reference and drops it
 * when the cache is emptied; a handshake holds one for each certificate its
 * summary shows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CERTIFICATE_H
#define MTLS_CERTIFICATE_H

#include <glib.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int reference_count;
    GBytes *der;
    gnutls_x509_crt_t crt;    /* NULL until mtls_certificate_crt needs it */
    GBytes *raw_subject;      /* DER Name, as it would appear in a CertificateRequest */
    GBytes *raw_issuer;
    char *subject;            /* RFC 4514 */
    char *issuer;
    int64_t not_before;
    int64_t not_after;
    bool self_issued;         /* subject equals issuer */
    bool self_signed;         /* self-issued and its signature verifies with its own key */
    bool has_extended_key_usage;
    bool eku_client_auth;     /* clientAuth or anyExtendedKeyUsage */
    bool eku_server_auth;     /* serverAuth or anyExtendedKeyUsage */
    char *extended_key_usage; /* "clientAuth, serverAuth": the purposes by name (OID when unnamed); NULL
                               * without the extension */
    unsigned version;         /* X.509 version: 1, 2 or 3 */
    bool has_basic_constraints;
    bool is_ca;               /* basicConstraints cA */
    int path_length_limit;    /* pathLenConstraint, -1 when unconstrained */
    bool is_proxy;            /* an RFC 3820 (or pre-RFC Globus) proxy certificate */
    bool has_key_usage;
    unsigned key_usage;       /* GNUTLS_KEY_* bits, meaningful when has_key_usage */
    int key_algorithm;        /* gnutls_pk_algorithm_t, negative when unreadable */
    int key_curve;            /* gnutls_ecc_curve_t for EC keys, else GNUTLS_ECC_CURVE_INVALID */
    char *key_description;    /* "RSA 2048 bits", "EC P-256" */
    bool weak_key;            /* RSA/DSA under 2048 bits, EC under 256 */
    char *signature_algorithm;/* "ECDSA-SHA256"; the OID when GnuTLS does not know it */
    bool weak_signature_hash; /* signed with MD2, MD5 or SHA-1 */
    GBytes *subject_key_id;   /* NULL when absent */
    GBytes *authority_key_id; /* keyIdentifier of AKI, NULL when absent */
    uint8_t sha256_digest[32];/* SHA-256 of the DER: the certificate's identity in caches */
    char sha256[65];          /* the same in hex, for messages and fields */
    char *serial;             /* "0a:1b:...", as certtool and OpenSSL show it */
} mtls_certificate;

/* Returns NULL and sets *error (free with g_free) when the DER does not parse.
 * `digest` is the DER's SHA-256 when the caller has it already, else NULL.
 * `name_texts` (DER Name GBytes -> RFC 4514 text, or NULL) holds names
 * already converted; the issuer's and a CA's own name are added to it. */
mtls_certificate *mtls_certificate_parse(const uint8_t *der, size_t length, const uint8_t digest[32],
                                         GHashTable *name_texts, char **error);
mtls_certificate *mtls_certificate_ref(const mtls_certificate *certificate);
/* NULL is ignored. */
void mtls_certificate_unref(mtls_certificate *certificate);

/* The GnuTLS handle, imported from the DER on first use; NULL if that fails.
 * Owned by the certificate. */
gnutls_x509_crt_t mtls_certificate_crt(const mtls_certificate *certificate);

/* True when `issuer`'s subject is, byte for byte, the issuer `certificate`
 * names: the cheap test that comes before any signature check. */
bool mtls_certificate_names_issuer(const mtls_certificate *certificate, const mtls_certificate *issuer);

/* True when `issuer` is a candidate for having signed `certificate`: it bears
 * the issuer's name and, where both carry key identifiers, the authority key
 * identifier is its subject key identifier. Verifiers build paths on this
 * before any signature check (RFC 5280 4.2.1.1). */
bool mtls_certificate_may_have_issued(const mtls_certificate *issuer, const mtls_certificate *certificate);

/* True when `issuer` names `certificate`'s issuer and its key verifies
 * `certificate`'s signature. Validity dates are not considered. */
bool mtls_certificate_issued_by(const mtls_certificate *certificate, const mtls_certificate *issuer);

/* RFC 4514 text of a DER-encoded Name; falls back to a hex dump for names
 * GnuTLS cannot decode, so a malformed CA name is still shown. */
char *mtls_name_to_string(const uint8_t *der, size_t length);

/* Appends `length` bytes as lower-case hex, `separator` between two bytes. */
void mtls_append_hex(GString *out, const uint8_t *bytes, size_t length, const char *separator);

/* "2026-11-22 09:00:00 UTC" */
char *mtls_format_time(int64_t seconds);

#endif
