/* compressed_certificate.h - RFC 8879 CompressedCertificate messages, as
 * OpenSSL 3.2 and later, BoringSSL and Chrome send them in TLS 1.3: the
 * decompression (zlib, brotli, zstd) and the Certificate message inside,
 * split into its DER certificates. Bounded by the message's own uint24
 * lengths; owns nothing past a call.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_COMPRESSED_CERTIFICATE_H
#define MTLS_COMPRESSED_CERTIFICATE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* CertificateCompressionAlgorithm values (RFC 8879, section 7.3). */
#define MTLS_CERTIFICATE_COMPRESSION_ZLIB 1
#define MTLS_CERTIFICATE_COMPRESSION_BROTLI 2
#define MTLS_CERTIFICATE_COMPRESSION_ZSTD 3

/* The Certificate message body inside, exactly `uncompressed_length` bytes
 * as RFC 8879 requires; NULL with *error (free with g_free) otherwise. */
GBytes *mtls_decompress_certificate(uint16_t algorithm, const uint8_t *data, size_t length,
                                    uint32_t uncompressed_length, char **error);

/* Appends to `certificates` (mtls_blob, pointing into `body`) the
 * certificate_list of a TLS 1.3 Certificate message body. Returns false with
 * *error (free with g_free) when the structure does not add up. */
bool mtls_split_tls13_certificate_message(const uint8_t *body, size_t length, GArray *certificates, char **error);

#endif
