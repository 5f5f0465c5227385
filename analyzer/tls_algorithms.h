/* tls_algorithms.h - the IANA names of TLS cipher suites and signature
 * schemes for messages, and which signature schemes a certificate's key can
 * produce, and the GnuTLS algorithm that verifies each scheme: the facts
 * behind "no common cipher suite", CertificateVerify checks and
 * signature_algorithm_mismatch.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_TLS_ALGORITHMS_H
#define MTLS_TLS_ALGORITHMS_H

#include <glib.h>
#include <gnutls/gnutls.h>
#include <stdbool.h>
#include <stdint.h>

#include "certificate.h"

/* GREASE values (RFC 8701) are placeholders, never real versions, suites or schemes. */
bool mtls_is_grease(uint16_t value);

/* "TLS_AES_128_GCM_SHA256", or NULL for a suite not in the table. */
const char *mtls_cipher_suite_name(uint16_t suite);
/* "ecdsa_secp256r1_sha256", or NULL for an unassigned value. */
const char *mtls_signature_scheme_name(uint16_t scheme);
/* The GnuTLS algorithm that verifies a signature made with `scheme`, or
 * GNUTLS_SIGN_UNKNOWN for a scheme not in the table. */
gnutls_sign_algorithm_t mtls_signature_scheme_algorithm(uint16_t scheme);

/* "'A', 'B' and 12 more" of a list of code points, named where known, hex
 * otherwise; GREASE values (RFC 8701) left out. */
char *mtls_cipher_suites_for_message(const uint16_t *suites, size_t count, size_t shown);
char *mtls_signature_schemes_for_message(const uint16_t *schemes, size_t count, size_t shown);

typedef enum { MTLS_KEY_FIT_UNKNOWN, MTLS_KEY_FITS, MTLS_KEY_DOES_NOT_FIT } mtls_key_fit;

/* Whether `certificate`'s key can sign with one of `schemes` in the given
 * TLS version (TLS 1.3 binds ECDSA to its curve and drops PKCS#1 v1.5).
 * UNKNOWN for key types the table does not know: nothing is claimed. */
mtls_key_fit mtls_key_fits_schemes(const mtls_certificate *certificate, const uint16_t *schemes, size_t count,
                                   bool tls13);

/* "EC" or "RSA" when `schemes` leave out every algorithm for that common
 * key type, NULL when both are accepted (or the list is empty). */
const char *mtls_key_family_left_out(const uint16_t *schemes, size_t count, bool tls13);

/* How many signature schemes a message lists before "and N more". */
#define MTLS_SCHEMES_SHOWN 8

#endif
