/* certificate_verify.c - the transcript and the client's CertificateVerify.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "certificate_verify.h"
#include "tls_algorithms.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "tls_versions.h"

#define HANDSHAKE_HEADER_LENGTH 4
#define HANDSHAKE_MESSAGE_HASH 254 /* RFC 8446 4.4.1: stands for the first ClientHello after a retry */

void mtls_transcript_init(mtls_transcript *transcript)
{
    transcript->messages = g_byte_array_new();
    transcript->first_client_hello_length = 0;
    transcript->incomplete = false;
    transcript->closed = false;
}

void mtls_transcript_restart(mtls_transcript *transcript)
{
    if (transcript->messages == NULL)
        return;
    g_byte_array_set_size(transcript->messages, 0);
    transcript->first_client_hello_length = 0;
    transcript->incomplete = false;
    transcript->closed = false;
}

static size_t announced_length(const uint8_t *message)
{
    return ((size_t)message[1] << 16) | ((size_t)message[2] << 8) | message[3];
}

void mtls_transcript_add(mtls_transcript *transcript, const uint8_t *message, size_t length)
{
    if (transcript->messages == NULL || transcript->incomplete || transcript->closed)
        return;
    if (message == NULL || length < HANDSHAKE_HEADER_LENGTH ||
        announced_length(message) != length - HANDSHAKE_HEADER_LENGTH) {
        transcript->incomplete = true;
        return;
    }
    g_byte_array_append(transcript->messages, message, (unsigned)length);
}

void mtls_transcript_mark_hello_retry(mtls_transcript *transcript)
{
    if (transcript->messages != NULL && transcript->first_client_hello_length == 0)
        transcript->first_client_hello_length = transcript->messages->len;
}

void mtls_transcript_close(mtls_transcript *transcript)
{
    transcript->closed = true;
}

void mtls_transcript_set_signer(mtls_transcript *transcript, const mtls_certificate *leaf)
{
    mtls_certificate *previous = transcript->signer;
    transcript->signer = leaf != NULL ? mtls_certificate_ref(leaf) : NULL;
    mtls_certificate_unref(previous);
}

void mtls_transcript_release(mtls_transcript *transcript)
{
    if (transcript->messages != NULL)
        g_byte_array_free(transcript->messages, TRUE);
    transcript->messages = NULL;
    g_clear_pointer(&transcript->signer, mtls_certificate_unref);
}

/* The hash of a TLS 1.3 cipher suite, which makes the transcript hash. */
static gnutls_digest_algorithm_t tls13_suite_hash(uint16_t cipher_suite)
{
    switch (cipher_suite) {
    case 0x1301: case 0x1303: case 0x1304: case 0x1305: return GNUTLS_DIG_SHA256;
    case 0x1302: return GNUTLS_DIG_SHA384;
    default: return GNUTLS_DIG_UNKNOWN;
    }
}

/* RFC 8446 4.4.3: what the client signs is the transcript hash behind a
 * fixed prefix, so a signature cannot be replayed in another context. */
static bool tls13_signed_content(const mtls_transcript *transcript, uint16_t cipher_suite, GByteArray *content,
                                 char **detail)
{
    gnutls_digest_algorithm_t digest = tls13_suite_hash(cipher_suite);
    if (digest == GNUTLS_DIG_UNKNOWN) {
        *detail = g_strdup_printf("the cipher suite 0x%04x is not a TLS 1.3 suite this check knows", cipher_suite);
        return false;
    }
    const unsigned hash_length = gnutls_hash_get_len(digest);
    uint8_t hash[64];
    gnutls_hash_hd_t running;
    if (gnutls_hash_init(&running, digest) < 0) {
        *detail = g_strdup("the transcript hash could not be computed");
        return false;
    }
    const uint8_t *messages = transcript->messages->data;
    size_t rest = 0;
    if (transcript->first_client_hello_length > 0) {
        uint8_t first_hello_hash[64];
        /* A hash that cannot be made (an algorithm a FIPS policy forbids)
         * must not leave garbage to verify against: that accuses honest clients. */
        if (gnutls_hash_fast(digest, messages, transcript->first_client_hello_length, first_hello_hash) < 0) {
            gnutls_hash_deinit(running, NULL);
            *detail = g_strdup("the transcript hash could not be computed");
            return false;
        }
        const uint8_t header[HANDSHAKE_HEADER_LENGTH] = {HANDSHAKE_MESSAGE_HASH, 0, 0, (uint8_t)hash_length};
        gnutls_hash(running, header, sizeof header);
        gnutls_hash(running, first_hello_hash, hash_length);
        rest = transcript->first_client_hello_length;
    }
    gnutls_hash(running, messages + rest, transcript->messages->len - rest);
    gnutls_hash_deinit(running, hash);

    static const char context[] = "TLS 1.3, client CertificateVerify";
    uint8_t padding[64];
    memset(padding, 0x20, sizeof padding);
    g_byte_array_append(content, padding, sizeof padding);
    g_byte_array_append(content, (const uint8_t *)context, sizeof context); /* with its 0 byte */
    g_byte_array_append(content, hash, hash_length);
    return true;
}

/* TLS 1.0 and 1.1 name no algorithm: RSA signs MD5 and SHA-1 of the
 * messages side by side, DSA and ECDSA sign SHA-1 (RFC 4346 7.4.8, RFC 4492). */
static int verify_before_tls12(gnutls_pubkey_t key, const gnutls_datum_t *messages, const gnutls_datum_t *signature)
{
    const unsigned flags = GNUTLS_VERIFY_ALLOW_BROKEN;
    switch (gnutls_pubkey_get_pk_algorithm(key, NULL)) {
    case GNUTLS_PK_RSA: {
        uint8_t both[16 + 20];
        if (gnutls_hash_fast(GNUTLS_DIG_MD5, messages->data, messages->size, both) < 0 ||
            gnutls_hash_fast(GNUTLS_DIG_SHA1, messages->data, messages->size, both + 16) < 0)
            return GNUTLS_E_HASH_FAILED;
        const gnutls_datum_t hash = {both, sizeof both};
        return gnutls_pubkey_verify_hash2(key, GNUTLS_SIGN_UNKNOWN, flags | GNUTLS_VERIFY_USE_TLS1_RSA, &hash,
                                          signature);
    }
    case GNUTLS_PK_ECDSA:
        return gnutls_pubkey_verify_data2(key, GNUTLS_SIGN_ECDSA_SHA1, flags, messages, signature);
    case GNUTLS_PK_DSA:
        return gnutls_pubkey_verify_data2(key, GNUTLS_SIGN_DSA_SHA1, flags, messages, signature);
    default:
        return GNUTLS_E_UNKNOWN_PK_ALGORITHM;
    }
}

/* RSA keys may sign with PKCS#1 v1.5 or PSS; otherwise a key makes one kind of signature. */
static int key_family(gnutls_pk_algorithm_t algorithm)
{
    return algorithm == GNUTLS_PK_RSA_PSS ? GNUTLS_PK_RSA : (int)algorithm;
}

uint16_t mtls_certificate_verify_scheme(const uint8_t *message, size_t length, uint16_t version)
{
    if (message == NULL || length < HANDSHAKE_HEADER_LENGTH + 2 || version < MTLS_TLS_1_2 || version > MTLS_TLS_1_3)
        return 0;
    return (uint16_t)(message[HANDSHAKE_HEADER_LENGTH] << 8 | message[HANDSHAKE_HEADER_LENGTH + 1]);
}

static mtls_certificate_verify_result unchecked(uint16_t scheme, char *detail)
{
    return (mtls_certificate_verify_result){MTLS_SIGNATURE_UNCHECKED, scheme, detail};
}

mtls_certificate_verify_result mtls_check_client_certificate_verify(const mtls_transcript *transcript,
                                                                    const uint8_t *message, size_t length,
                                                                    uint16_t version, uint16_t cipher_suite,
                                                                    const mtls_certificate *leaf)
{
    if (message == NULL || length < HANDSHAKE_HEADER_LENGTH ||
        announced_length(message) != length - HANDSHAKE_HEADER_LENGTH)
        return unchecked(0, g_strdup("the message was not captured whole"));
    if (version == 0)
        return unchecked(0, g_strdup("the negotiated version is unknown (no ServerHello captured)"));
    if (version < MTLS_TLS_1_0 || version > MTLS_TLS_1_3)
        return unchecked(0, g_strdup("only TLS 1.0 to 1.3 are checked"));

    /* Body: [SignatureScheme (TLS 1.2 and later)] opaque signature<0..2^16-1> */
    const uint8_t *body = message + HANDSHAKE_HEADER_LENGTH;
    size_t body_length = length - HANDSHAKE_HEADER_LENGTH;
    uint16_t scheme = 0;
    if (version >= MTLS_TLS_1_2) {
        if (body_length < 2)
            return unchecked(0, g_strdup("the message is too short to name its algorithm"));
        scheme = (uint16_t)(body[0] << 8 | body[1]);
        body += 2;
        body_length -= 2;
    }
    if (body_length < 2 || (size_t)(body[0] << 8 | body[1]) != body_length - 2)
        return unchecked(scheme, g_strdup("its signature length is inconsistent"));
    const gnutls_datum_t signature = {(unsigned char *)(uintptr_t)(body + 2), (unsigned)(body_length - 2)};
    /* The scheme is known from here on, even when nothing can be checked. */
    if (transcript->messages == NULL || transcript->incomplete || transcript->messages->len == 0)
        return unchecked(scheme, g_strdup("the handshake messages before it were not all captured"));
    if (leaf == NULL)
        return unchecked(scheme, g_strdup("the client certificate could not be read"));
    gnutls_sign_algorithm_t algorithm = GNUTLS_SIGN_UNKNOWN;
    if (scheme != 0 && (algorithm = mtls_signature_scheme_algorithm(scheme)) == GNUTLS_SIGN_UNKNOWN)
        return unchecked(scheme, g_strdup_printf("the signature algorithm 0x%04x is not one this check knows", scheme));
    GByteArray *signed_content = g_byte_array_new();
    char *detail = NULL;
    if (version == MTLS_TLS_1_3) {
        if (!tls13_signed_content(transcript, cipher_suite, signed_content, &detail)) {
            g_byte_array_free(signed_content, TRUE);
            return unchecked(scheme, detail);
        }
    } else {
        g_byte_array_append(signed_content, transcript->messages->data, transcript->messages->len);
    }
    const gnutls_datum_t data = {signed_content->data, signed_content->len};

    int status = GNUTLS_E_INTERNAL_ERROR;
    gnutls_pubkey_t key;
    if (gnutls_pubkey_init(&key) >= 0) {
        gnutls_x509_crt_t crt = mtls_certificate_crt(leaf);
        status = crt != NULL ? gnutls_pubkey_import_x509(key, crt, 0) : GNUTLS_E_X509_CERTIFICATE_ERROR;
        gnutls_pk_algorithm_t key_algorithm = gnutls_pubkey_get_pk_algorithm(key, NULL);
        if (status >= 0 && algorithm != GNUTLS_SIGN_UNKNOWN &&
            key_family(gnutls_sign_get_pk_algorithm(algorithm)) != key_family(key_algorithm)) {
            /* A signature of another key type cannot come from this key. */
            status = GNUTLS_E_PK_SIG_VERIFY_FAILED;
            detail = g_strdup_printf("the signature is %s, the certificate's key %s",
                                     gnutls_pk_get_name(gnutls_sign_get_pk_algorithm(algorithm)),
                                     gnutls_pk_get_name(key_algorithm));
        } else if (status >= 0) {
            /* The question is whose key signed, not whether the hash is
             * still acceptable: SHA-1 and MD5 are judged elsewhere. */
            status = version >= MTLS_TLS_1_2
                         ? gnutls_pubkey_verify_data2(key, algorithm, GNUTLS_VERIFY_ALLOW_BROKEN, &data, &signature)
                         : verify_before_tls12(key, &data, &signature);
        }
        gnutls_pubkey_deinit(key);
    }
    g_byte_array_free(signed_content, TRUE);

    mtls_certificate_verify_result result = {MTLS_SIGNATURE_VALID, scheme, detail};
    if (status == GNUTLS_E_PK_SIG_VERIFY_FAILED) {
        result.result = MTLS_SIGNATURE_INVALID;
    } else if (status < 0) {
        g_free(result.detail);
        result.result = MTLS_SIGNATURE_UNCHECKED;
        result.detail = g_strdup_printf("GnuTLS cannot verify it with this key (%s)", gnutls_strerror(status));
    }
    return result;
}
