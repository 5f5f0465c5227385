/* names.c - the words the messages use for protocol versions and for the
 * two sides of a connection.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mtls_analyzer.h"
#include "side.h"
#include "tls_versions.h"

const char *mtls_version_name(uint16_t version)
{
    switch (version) {
    case MTLS_SSL_3_0: return "SSL 3.0";
    case MTLS_TLS_1_0: return "TLS 1.0";
    case MTLS_TLS_1_1: return "TLS 1.1";
    case MTLS_TLS_1_2: return "TLS 1.2";
    case MTLS_TLS_1_3: return "TLS 1.3";
    case MTLS_DTLS_1_0: return "DTLS 1.0";
    case MTLS_DTLS_1_2: return "DTLS 1.2";
    case MTLS_DTLS_1_3: return "DTLS 1.3";
    default: return NULL;
    }
}

const char *mtls_side_name(mtls_side side)
{
    switch (side) {
    case MTLS_SIDE_CLIENT: return "client";
    case MTLS_SIDE_SERVER: return "server";
    default: return "peer";
    }
}
