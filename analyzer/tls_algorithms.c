/* tls_algorithms.c - cipher suite and signature scheme names, and key
 * types against signature schemes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tls_algorithms.h"

#include <gnutls/gnutls.h>

typedef struct {
    uint16_t value;
    const char *name;
} named_value;

/* The suites current and legacy stacks offer; others are shown in hex. */
static const named_value cipher_suites[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256"}, {0x1302, "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256"}, {0x1304, "TLS_AES_128_CCM_SHA256"},
    {0x1305, "TLS_AES_128_CCM_8_SHA256"},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}, {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}, {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"}, {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"}, {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}, {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"}, {0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}, {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}, {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"}, {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"}, {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"}, {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"}, {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"}, {0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5"}, {0x0005, "TLS_RSA_WITH_RC4_128_SHA"},
    {0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"}, {0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"},
    {0x0001, "TLS_RSA_WITH_NULL_MD5"}, {0x0002, "TLS_RSA_WITH_NULL_SHA"}, {0x003b, "TLS_RSA_WITH_NULL_SHA256"},
    {0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA"}, {0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"},
    {0xc00b, "TLS_ECDH_RSA_WITH_NULL_SHA"}, {0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA"},
    {0xc015, "TLS_ECDH_anon_WITH_NULL_SHA"},
    {0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"}, {0x5600, "TLS_FALLBACK_SCSV"},
};

/* Each scheme's name and the GnuTLS algorithm that verifies it. ECDSA is not
 * bound to a curve here: in TLS 1.3 a wrong curve is a mismatch with the
 * request (scheme_fits below), not a sign of a foreign key. */
typedef struct {
    uint16_t value;
    const char *name;
    gnutls_sign_algorithm_t algorithm;
} signature_scheme;

static const signature_scheme signature_schemes[] = {
    {0x0401, "rsa_pkcs1_sha256", GNUTLS_SIGN_RSA_SHA256}, {0x0501, "rsa_pkcs1_sha384", GNUTLS_SIGN_RSA_SHA384},
    {0x0601, "rsa_pkcs1_sha512", GNUTLS_SIGN_RSA_SHA512},
    {0x0403, "ecdsa_secp256r1_sha256", GNUTLS_SIGN_ECDSA_SHA256},
    {0x0503, "ecdsa_secp384r1_sha384", GNUTLS_SIGN_ECDSA_SHA384},
    {0x0603, "ecdsa_secp521r1_sha512", GNUTLS_SIGN_ECDSA_SHA512},
    {0x0804, "rsa_pss_rsae_sha256", GNUTLS_SIGN_RSA_PSS_RSAE_SHA256},
    {0x0805, "rsa_pss_rsae_sha384", GNUTLS_SIGN_RSA_PSS_RSAE_SHA384},
    {0x0806, "rsa_pss_rsae_sha512", GNUTLS_SIGN_RSA_PSS_RSAE_SHA512},
    {0x0807, "ed25519", GNUTLS_SIGN_EDDSA_ED25519}, {0x0808, "ed448", GNUTLS_SIGN_EDDSA_ED448},
    {0x0809, "rsa_pss_pss_sha256", GNUTLS_SIGN_RSA_PSS_SHA256},
    {0x080a, "rsa_pss_pss_sha384", GNUTLS_SIGN_RSA_PSS_SHA384},
    {0x080b, "rsa_pss_pss_sha512", GNUTLS_SIGN_RSA_PSS_SHA512},
    {0x081a, "ecdsa_brainpoolP256r1tls13_sha256", GNUTLS_SIGN_ECDSA_SHA256},
    {0x081b, "ecdsa_brainpoolP384r1tls13_sha384", GNUTLS_SIGN_ECDSA_SHA384},
    {0x081c, "ecdsa_brainpoolP512r1tls13_sha512", GNUTLS_SIGN_ECDSA_SHA512},
    {0x0201, "rsa_pkcs1_sha1", GNUTLS_SIGN_RSA_SHA1}, {0x0203, "ecdsa_sha1", GNUTLS_SIGN_ECDSA_SHA1},
    {0x0202, "dsa_sha1", GNUTLS_SIGN_DSA_SHA1},
    {0x0301, "rsa_pkcs1_sha224", GNUTLS_SIGN_RSA_SHA224}, {0x0303, "ecdsa_sha224", GNUTLS_SIGN_ECDSA_SHA224},
    {0x0302, "dsa_sha224", GNUTLS_SIGN_DSA_SHA224},
    {0x0402, "dsa_sha256", GNUTLS_SIGN_DSA_SHA256}, {0x0502, "dsa_sha384", GNUTLS_SIGN_DSA_SHA384},
    {0x0602, "dsa_sha512", GNUTLS_SIGN_DSA_SHA512}, {0x0101, "rsa_pkcs1_md5", GNUTLS_SIGN_RSA_MD5},
};

static const char *lookup(const named_value *table, size_t size, uint16_t value)
{
    for (size_t i = 0; i < size; i++) {
        if (table[i].value == value)
            return table[i].name;
    }
    return NULL;
}

const char *mtls_cipher_suite_name(uint16_t suite)
{
    return lookup(cipher_suites, G_N_ELEMENTS(cipher_suites), suite);
}

static const signature_scheme *find_signature_scheme(uint16_t scheme)
{
    for (size_t i = 0; i < G_N_ELEMENTS(signature_schemes); i++) {
        if (signature_schemes[i].value == scheme)
            return &signature_schemes[i];
    }
    return NULL;
}

const char *mtls_signature_scheme_name(uint16_t scheme)
{
    const signature_scheme *found = find_signature_scheme(scheme);
    return found ? found->name : NULL;
}

gnutls_sign_algorithm_t mtls_signature_scheme_algorithm(uint16_t scheme)
{
    const signature_scheme *found = find_signature_scheme(scheme);
    return found ? found->algorithm : GNUTLS_SIGN_UNKNOWN;
}

bool mtls_is_grease(uint16_t value)
{
    return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
}

static char *list_for_message(const uint16_t *values, size_t count, size_t shown, const char *(*name_of)(uint16_t))
{
    GString *text = g_string_new(NULL);
    size_t listed = 0, left_out = 0;
    for (size_t i = 0; i < count; i++) {
        if (mtls_is_grease(values[i]))
            continue;
        if (listed == shown) {
            left_out++;
            continue;
        }
        const char *name = name_of(values[i]);
        if (name)
            g_string_append_printf(text, "%s%s", listed ? ", " : "", name);
        else
            g_string_append_printf(text, "%s0x%04x", listed ? ", " : "", values[i]);
        listed++;
    }
    if (left_out)
        g_string_append_printf(text, " and %zu more", left_out);
    if (listed == 0)
        g_string_assign(text, "(none)");
    return g_string_free(text, FALSE);
}

char *mtls_cipher_suites_for_message(const uint16_t *suites, size_t count, size_t shown)
{
    return list_for_message(suites, count, shown, mtls_cipher_suite_name);
}

char *mtls_signature_schemes_for_message(const uint16_t *schemes, size_t count, size_t shown)
{
    return list_for_message(schemes, count, shown, mtls_signature_scheme_name);
}

/* TLS 1.2 code points are (hash, signature) pairs: signature 1 RSA, 2 DSA,
 * 3 ECDSA. TLS 1.3 keeps only the schemes of RFC 8446 section 4.2.3. */
static bool scheme_fits(int algorithm, int curve, uint16_t scheme, bool tls13)
{
    const uint8_t high = scheme >> 8, low = scheme & 0xff;
    const bool legacy_pair = high >= 1 && high <= 6 && !tls13;
    switch (algorithm) {
    case GNUTLS_PK_RSA:
        return (scheme >= 0x0804 && scheme <= 0x0806) || (legacy_pair && low == 1);
    case GNUTLS_PK_RSA_PSS:
        return scheme >= 0x0809 && scheme <= 0x080b;
    case GNUTLS_PK_DSA:
        return legacy_pair && low == 2;
    case GNUTLS_PK_EC:
        if (!tls13)
            return legacy_pair && low == 3;
        switch (curve) {
        case GNUTLS_ECC_CURVE_SECP256R1: return scheme == 0x0403;
        case GNUTLS_ECC_CURVE_SECP384R1: return scheme == 0x0503;
        case GNUTLS_ECC_CURVE_SECP521R1: return scheme == 0x0603;
        default: return false;
        }
    case GNUTLS_PK_EDDSA_ED25519:
        return scheme == 0x0807;
    case GNUTLS_PK_EDDSA_ED448:
        return scheme == 0x0808;
    default:
        return false;
    }
}

const char *mtls_key_family_left_out(const uint16_t *schemes, size_t count, bool tls13)
{
    bool rsa = false, ec = false;
    for (size_t i = 0; i < count; i++) {
        rsa |= scheme_fits(GNUTLS_PK_RSA, GNUTLS_ECC_CURVE_INVALID, schemes[i], tls13);
        ec |= scheme_fits(GNUTLS_PK_EC, GNUTLS_ECC_CURVE_SECP256R1, schemes[i], tls13) ||
              scheme_fits(GNUTLS_PK_EC, GNUTLS_ECC_CURVE_SECP384R1, schemes[i], tls13) ||
              scheme_fits(GNUTLS_PK_EC, GNUTLS_ECC_CURVE_SECP521R1, schemes[i], tls13);
    }
    if (count == 0 || rsa == ec)
        return NULL;
    return rsa ? "EC" : "RSA";
}

mtls_key_fit mtls_key_fits_schemes(const mtls_certificate *certificate, const uint16_t *schemes, size_t count,
                                   bool tls13)
{
    /* Read once when the certificate was parsed: this runs per handshake. */
    int algorithm = certificate->key_algorithm;
    gnutls_ecc_curve_t curve = (gnutls_ecc_curve_t)certificate->key_curve;
    switch (algorithm) {
    case GNUTLS_PK_EC:
        /* Brainpool and other curves: TLS 1.3 schemes this table does not bind. */
        if (tls13 && curve != GNUTLS_ECC_CURVE_SECP256R1 && curve != GNUTLS_ECC_CURVE_SECP384R1 &&
            curve != GNUTLS_ECC_CURVE_SECP521R1)
            return MTLS_KEY_FIT_UNKNOWN;
        break;
    case GNUTLS_PK_RSA:
    case GNUTLS_PK_RSA_PSS:
    case GNUTLS_PK_DSA:
    case GNUTLS_PK_EDDSA_ED25519:
    case GNUTLS_PK_EDDSA_ED448:
        break;
    default:
        return MTLS_KEY_FIT_UNKNOWN;
    }
    for (size_t i = 0; i < count; i++) {
        if (scheme_fits(algorithm, curve, schemes[i], tls13))
            return MTLS_KEY_FITS;
    }
    return MTLS_KEY_DOES_NOT_FIT;
}
