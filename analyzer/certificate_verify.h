/* certificate_verify.h - the handshake transcript one handshake keeps, and
 * the check of the client's CertificateVerify signature against it and the
 * public key of the certificate the client sent (RFC 5246 7.4.8, RFC 8446
 * 4.4.3): the proof that the client holds the key of its certificate.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CERTIFICATE_VERIFY_H
#define MTLS_CERTIFICATE_VERIFY_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "certificate.h"

/* The handshake messages as sent, from the ClientHello on. Only a
 * transcript that starts with a ClientHello and misses no message can be
 * checked; the rest is kept only until the client's CertificateVerify. */
typedef struct {
    GByteArray *messages;            /* NULL once released */
    size_t first_client_hello_length;/* >0: a HelloRetryRequest followed the first ClientHello */
    bool incomplete;                 /* a message is missing or was not captured whole */
    bool closed;                     /* the client's CertificateVerify came: what it signed is complete */
    mtls_certificate *signer;        /* the client leaf whose key must have signed it; a reference, dropped
                                      * with the messages */
} mtls_transcript;

void mtls_transcript_init(mtls_transcript *transcript);
/* Forgets everything: the next message must be a ClientHello. */
void mtls_transcript_restart(mtls_transcript *transcript);
/* Adds one handshake message (4-byte header and body); NULL or a length
 * that disagrees with its header marks the transcript incomplete. */
void mtls_transcript_add(mtls_transcript *transcript, const uint8_t *message, size_t length);
/* A HelloRetryRequest is about to be added: TLS 1.3 replaces the
 * ClientHello before it with its hash. */
void mtls_transcript_mark_hello_retry(mtls_transcript *transcript);
/* The client's CertificateVerify arrived: it signs the messages before it
 * and no others, however long its check waits (a decrypted Finished or
 * renegotiation must not be added). */
void mtls_transcript_close(mtls_transcript *transcript);
/* The client certificate whose key the CertificateVerify must verify with. */
void mtls_transcript_set_signer(mtls_transcript *transcript, const mtls_certificate *leaf);
/* Drops the messages and the signer: nothing will be checked any more. */
void mtls_transcript_release(mtls_transcript *transcript);

typedef enum {
    MTLS_SIGNATURE_UNCHECKED,   /* what is needed was not captured, or the algorithm is unknown */
    MTLS_SIGNATURE_VALID,
    MTLS_SIGNATURE_INVALID
} mtls_signature_check;

typedef struct {
    mtls_signature_check result;
    uint16_t scheme;            /* the SignatureScheme named in the message; 0 before TLS 1.2 */
    char *detail;               /* why it was not checked, or GnuTLS's reason; NULL when valid */
} mtls_certificate_verify_result;

/* The SignatureScheme a CertificateVerify `message` names; 0 before TLS 1.2
 * or when the message is too short. */
uint16_t mtls_certificate_verify_scheme(const uint8_t *message, size_t length, uint16_t version);

/* Checks the client's CertificateVerify `message` (header and body) against
 * `transcript` (the messages before it) and the key of `leaf`, for the
 * negotiated `version` and, in TLS 1.3, `cipher_suite` (whose hash makes the
 * transcript hash). Free result.detail with g_free. */
mtls_certificate_verify_result mtls_check_client_certificate_verify(const mtls_transcript *transcript,
                                                                    const uint8_t *message, size_t length,
                                                                    uint16_t version, uint16_t cipher_suite,
                                                                    const mtls_certificate *leaf);

#endif
