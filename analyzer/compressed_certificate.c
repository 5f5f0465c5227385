/* compressed_certificate.c - RFC 8879 decompression and the TLS 1.3
 * Certificate message structure (RFC 8446, section 4.4.2).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "compressed_certificate.h"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include "mtls_analyzer.h"

/* The message's length fields are uint24: nothing larger can be meant. */
#define MAX_UNCOMPRESSED_LENGTH (1u << 24)

static const char *algorithm_name(uint16_t algorithm)
{
    switch (algorithm) {
    case MTLS_CERTIFICATE_COMPRESSION_ZLIB: return "zlib";
    case MTLS_CERTIFICATE_COMPRESSION_BROTLI: return "brotli";
    case MTLS_CERTIFICATE_COMPRESSION_ZSTD: return "zstd";
    default: return NULL;
    }
}

/* Each library is asked to fill exactly `expected` bytes; what it produced
 * is compared with the declared length afterwards. */
static bool decompress_into(uint16_t algorithm, const uint8_t *data, size_t length, uint8_t *out, size_t expected,
                            size_t *produced)
{
    switch (algorithm) {
    case MTLS_CERTIFICATE_COMPRESSION_ZLIB: {
        uLongf out_length = expected;
        if (uncompress(out, &out_length, data, length) != Z_OK)
            return false;
        *produced = out_length;
        return true;
    }
    case MTLS_CERTIFICATE_COMPRESSION_BROTLI: {
        size_t out_length = expected;
        if (BrotliDecoderDecompress(length, data, &out_length, out) != BROTLI_DECODER_RESULT_SUCCESS)
            return false;
        *produced = out_length;
        return true;
    }
    case MTLS_CERTIFICATE_COMPRESSION_ZSTD: {
        size_t result = ZSTD_decompress(out, expected, data, length);
        if (ZSTD_isError(result))
            return false;
        *produced = result;
        return true;
    }
    default:
        return false;
    }
}

GBytes *mtls_decompress_certificate(uint16_t algorithm, const uint8_t *data, size_t length,
                                    uint32_t uncompressed_length, char **error)
{
    const char *name = algorithm_name(algorithm);
    if (name == NULL) {
        *error = g_strdup_printf("it uses compression algorithm %u, which RFC 8879 does not define", algorithm);
        return NULL;
    }
    if (uncompressed_length == 0 || uncompressed_length >= MAX_UNCOMPRESSED_LENGTH) {
        *error = g_strdup_printf("it declares an uncompressed length of %u bytes", uncompressed_length);
        return NULL;
    }
    /* One byte more than declared, so that output longer than the
     * declaration is detected rather than cut. */
    uint8_t *out = g_malloc(uncompressed_length + 1);
    size_t produced = 0;
    if (data == NULL || !decompress_into(algorithm, data, length, out, uncompressed_length + 1, &produced)) {
        g_free(out);
        *error = g_strdup_printf("its %s data does not decompress", name);
        return NULL;
    }
    if (produced != uncompressed_length) {
        g_free(out);
        *error = g_strdup_printf("its %s data decompresses to %zu bytes, not the %u it declares", name, produced,
                                 uncompressed_length);
        return NULL;
    }
    return g_bytes_new_take(out, produced);
}

static bool read_length(const uint8_t *body, size_t length, size_t *offset, size_t size, size_t *value)
{
    if (length - *offset < size)
        return false;
    *value = 0;
    for (size_t i = 0; i < size; i++)
        *value = *value << 8 | body[(*offset)++];
    return length - *offset >= *value;
}

bool mtls_split_tls13_certificate_message(const uint8_t *body, size_t length, GArray *certificates, char **error)
{
    size_t offset = 0, context_length, list_length;
    if (!read_length(body, length, &offset, 1, &context_length)) {
        *error = g_strdup("its certificate_request_context overruns the message");
        return false;
    }
    offset += context_length;
    if (!read_length(body, length, &offset, 3, &list_length) || offset + list_length != length) {
        *error = g_strdup("its certificate_list length does not match the message");
        return false;
    }
    unsigned added = 0;
    while (offset < length) {
        size_t certificate_length, extensions_length;
        if (!read_length(body, length, &offset, 3, &certificate_length) || certificate_length == 0) {
            *error = g_strdup_printf("certificate entry %u overruns the message", added + 1);
            g_array_remove_range(certificates, certificates->len - added, added);
            return false;
        }
        mtls_blob blob = {body + offset, certificate_length};
        offset += certificate_length;
        if (!read_length(body, length, &offset, 2, &extensions_length)) {
            *error = g_strdup_printf("the extensions of certificate entry %u overrun the message", added + 1);
            g_array_remove_range(certificates, certificates->len - added, added);
            return false;
        }
        offset += extensions_length;
        g_array_append_val(certificates, blob);
        added++;
    }
    return true;
}
