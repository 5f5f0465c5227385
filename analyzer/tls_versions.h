/* tls_versions.h - the protocol version numbers the analyzer compares
 * against, as they appear on the wire (RFC 8446 and RFC 9147 registries).
 * Names for them are mtls_version_name's (mtls_analyzer.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_TLS_VERSIONS_H
#define MTLS_TLS_VERSIONS_H

#define MTLS_SSL_3_0 0x0300
#define MTLS_TLS_1_0 0x0301
#define MTLS_TLS_1_1 0x0302
#define MTLS_TLS_1_2 0x0303
#define MTLS_TLS_1_3 0x0304
/* DTLS numbers count downwards. */
#define MTLS_DTLS_1_0 0xfeff
#define MTLS_DTLS_1_2 0xfefd
#define MTLS_DTLS_1_3 0xfefc
/* OpenSSL's pre-standard DTLS. */
#define MTLS_DTLS_OPENSSL_BAD_VERSION 0x0100

#endif
