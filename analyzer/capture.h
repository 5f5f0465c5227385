/* capture.h - what the analyzer keeps for one capture file and shares among
 * its streams: the configuration, and the caches. Each distinct certificate
 * (keyed by its DER) is parsed once, each issuer-signature check made once,
 * each trust-store or public-root lookup made once, however many handshakes
 * send the same chain; each distinct CertificateRequest CA name is decoded
 * once. The caches are bounded between events, not within one: an event
 * may take a cache past the configured number of entries (a CertificateRequest
 * can list many CA names), and mtls_capture_trim, run after each event,
 * empties any cache that is over it. A certificate or name handed out is
 * valid until the next mtls_capture_trim; whoever keeps one longer takes a
 * reference.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CAPTURE_H
#define MTLS_CAPTURE_H

#include "certificate.h"
#include "certificate_verify.h"
#include "config.h"
#include "flow.h"
#include "frame_index.h"
#include "server_name.h"

struct mtls_capture {
    int reference_count;
    mtls_config *config;
    /* Emptied by mtls_capture_trim when over the limit; the handshakes hold
     * references to what their summaries show. */
    GHashTable *certificates;   /* DER (GBytes) -> cached_certificate* */
    GHashTable *ca_names;       /* DER Name (GBytes) -> mtls_ca_name* */
    GHashTable *name_texts;     /* DER Name (GBytes) -> its text: issuers' names, converted once */
    /* Verdicts, emptied by mtls_capture_trim when over the limit. */
    GHashTable *signatures;     /* subject and issuer SHA-256 digests (64 bytes) -> verdict */
    GHashTable *certificate_verifies; /* SHA-256 of a check's inputs -> its mtls_certificate_verify_result */
    GHashTable *server_names;   /* certificate SHA-256 digest and name (GBytes) -> mtls_server_name_facts */
    /* Keys and values borrowed from `certificates`, and emptied with it. */
    GHashTable *issuers[MTLS_ISSUER_SOURCE_COUNT]; /* subject SHA-256 digest -> issuer (NULL: none) */
    /* What the handshakes' summaries show of certificates and CA names,
     * each distinct text stored once for the file: a handshake keeps these
     * few strings, not the parsed certificates, which live in the bounded
     * cache alone. */
    GStringChunk *texts;
    mtls_flow_texts flow_texts;         /* the flows' step texts, in `texts` */
    GHashTable *stored;                 /* GBytes -> NULL: mtls_capture_store's values, each once */
    /* A handshake's flow line and verdict reason, rendered when asked for
     * into one buffer per capture, not kept by every handshake. */
    GString *rendered_flow;
    GString *rendered_verdict_reason;
    GString *rendered_message;          /* of a finding that composes its text */
    mtls_frame_index *frames;           /* the handshakes each frame touched */
    mtls_capture_statistics statistics;
};

/* The parsed certificate for `der`, or NULL with *error set (owned by the
 * capture, valid as the certificate is) when it does not parse. With
 * `summary`, also what a chain's summary shows of it, its texts the
 * capture's (valid for the capture's life; the entry as the certificate). */
const mtls_certificate *mtls_capture_certificate(mtls_capture *capture, const uint8_t *der, size_t length,
                                                 const char **error, const mtls_certificate_summary **summary);

/* `text` stored for the life of the capture, once however often it is asked for. */
const char *mtls_capture_text(mtls_capture *capture, const char *text);

/* `size` bytes stored for the life of the capture, once however often they
 * are asked for: a chain's summary (a server sends the same chain every
 * time), a request's list of CA names, the code points a client offers.
 * Texts in them must be the capture's (mtls_capture_text), so that equal
 * values are equal bytes. */
const void *mtls_capture_store(mtls_capture *capture, const void *data, size_t size);

/* Empties every cache that is over the limit (the issuer answers with the
 * certificates they borrow from). Called between events, when no certificate
 * handed out is in use but those whose references were taken. */
void mtls_capture_trim(mtls_capture *capture);

/* The CA name with this DER encoding and its text. */
const struct mtls_ca_name *mtls_capture_ca_name(mtls_capture *capture, const uint8_t *der, size_t length);

/* mtls_certificate_issued_by, answered once per pair of certificates. */
bool mtls_capture_issued_by(mtls_capture *capture, const mtls_certificate *certificate,
                            const mtls_certificate *issuer);

/* mtls_check_client_certificate_verify, made once per distinct input: the
 * same handshake captured twice (on every interface of a host that forwards
 * it: a container host, a Kubernetes node, a TCP load balancer) costs one
 * public-key operation. A verdict is a function of the transcript, the
 * message, the version, the suite and the certificate, which make its key. */
mtls_certificate_verify_result mtls_capture_check_certificate_verify(mtls_capture *capture,
                                                                     const mtls_transcript *transcript,
                                                                     const uint8_t *message, size_t length,
                                                                     uint16_t version, uint16_t cipher_suite,
                                                                     const mtls_certificate *leaf);

/* mtls_check_server_name, its facts found once per pair of certificate
 * and name: every handshake to a server sends the same certificate, which
 * would be read again for each. */
void mtls_capture_check_server_name(mtls_capture *capture, const mtls_server_name_input *input,
                                    GPtrArray *findings);

/* The CA in `source` (a trust store, or the public roots) whose key signed
 * `certificate`, or NULL. */
const mtls_certificate *mtls_capture_issuer_from(mtls_capture *capture, mtls_issuer_source source,
                                                 const mtls_certificate *certificate);

#endif
