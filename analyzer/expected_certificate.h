/* expected_certificate.h - the client certificates the server side has
 * registered (the PEM uploaded to a service key, a certificate-to-user
 * mapping) and the check that the client sent one of them. The handshake can
 * succeed with another certificate from the same CA and the login still fail
 * with HTTP 401/403: the classic "renewed on one side only".
 * Owns the loaded certificates.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_EXPECTED_CERTIFICATE_H
#define MTLS_EXPECTED_CERTIFICATE_H

#include <glib.h>

#include "certificate.h"

/* mtls_certificate* read from a PEM bundle, a DER file or a folder of them;
 * NULL with *error set when nothing could be read. */
GPtrArray *mtls_expected_certificates_load(const char *location, char **error);

/* Appends unexpected_client_certificate when `leaf` is none of `expected`. */
void mtls_check_expected_client_certificate(const GPtrArray *expected, const mtls_certificate *leaf,
                                            uint32_t certificate_frame, GPtrArray *findings);

#endif
