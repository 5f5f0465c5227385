/* chain.h - judging one certificate chain as sent on the wire: path order,
 * completeness up to a CA the peer accepts, self-signed leaves, validity at
 * capture time and Extended Key Usage. The client chain is judged against the
 * server's CertificateRequest CA names and the trust store; the server chain
 * against the trust store only, reporting under server_* codes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_CHAIN_H
#define MTLS_CHAIN_H

#include <glib.h>

#include "ca_names.h"
#include "capture.h"
#include "side.h"

typedef struct {
    mtls_side side;                 /* whose chain: MTLS_SIDE_CLIENT or MTLS_SIDE_SERVER */
    const GPtrArray *certificates;  /* mtls_certificate* (the capture's), in the order sent, at least one */
    const GPtrArray *ca_names;      /* mtls_ca_name*; empty when none were listed */
    mtls_capture *capture;          /* its configuration and certificate cache */
    int64_t capture_time;
    uint32_t certificate_frame;
    uint32_t certificate_request_frame; /* 0 if none */
    /* Certificates seen elsewhere in the handshake (the server's chain when
     * judging the client's), as evidence of what an unsent issuer is. */
    const GPtrArray *known_certificates;  /* mtls_certificate*, may be NULL */
    uint32_t known_certificates_frame;
    /* More certificates were sent than `certificates` holds (the analyzer
     * judges at most MTLS_CHAIN_CERTIFICATES_JUDGED): where the chain leads,
     * its order and its trust are then not judged, only each certificate. */
    bool cut_short;
    /* DTLS: WebRTC peers authenticate self-signed certificates by their
     * fingerprint, so a self-signed leaf without CA names is no finding. */
    bool self_signed_by_design;
    /* Verify each link's signature now. Otherwise the path is judged on names
     * and key identifiers, and the caller verifies the links once the
     * outcome makes it worth a public-key operation per new leaf
     * (mtls_check_chain_signatures). */
    bool verify_signatures;
} mtls_chain_input;

/* GnuTLS's default verification depth: no verifier in common use follows a
 * longer chain, and the checks of a chain cost up to the square of its length. */
#define MTLS_CHAIN_CERTIFICATES_JUDGED 16

/* Appends the chain's findings; returns the CertificateRequest CA name the
 * chain is under (owned by input->ca_names), or NULL. */
const mtls_ca_name *mtls_check_chain(const mtls_chain_input *input, GPtrArray *findings);

/* Verifies the signature of each link of the chain's path, as
 * mtls_check_chain built it; appends a bad signature finding on
 * `report_frame` (with the certificate frame as evidence) for the first link
 * that does not verify, and returns whether there was one. */
bool mtls_check_chain_signatures(const mtls_chain_input *input, uint32_t report_frame, GPtrArray *findings);

#endif
