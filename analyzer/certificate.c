/* certificate.c - X.509 parsing with GnuTLS, in the manner of certtool.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "certificate.h"

#include "der.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <string.h>

#define OID_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"
#define OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define OID_ANY_EXTENDED_KEY_USAGE "2.5.29.37.0"

/* Signature links are judged on their own: dates are checked against the
 * capture time elsewhere, CA flags and weak algorithms are separate findings,
 * so none of them may make a link look broken here. */
#define LINK_VERIFY_FLAGS                                                                       \
    (GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |             \
     GNUTLS_VERIFY_DISABLE_CA_SIGN | GNUTLS_VERIFY_DO_NOT_ALLOW_SAME |                           \
     GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 | GNUTLS_VERIFY_ALLOW_BROKEN |                           \
     GNUTLS_VERIFY_ALLOW_X509_V1_CA_CRT)

static GBytes *take_datum(gnutls_datum_t *datum)
{
    GBytes *bytes = g_bytes_new(datum->data, datum->size);
    gnutls_free(datum->data);
    return bytes;
}

static char *take_string(gnutls_datum_t *datum)
{
    char *text = g_strndup((const char *)datum->data, datum->size);
    gnutls_free(datum->data);
    return text;
}

/* The RFC 4514 text of a certificate's subject or issuer. Many leaves share
 * an issuer: `known` (DER name -> text, may be NULL) spares converting its
 * name again, and learns the ones converted here. */
static char *name_text(GHashTable *known, GBytes *raw_name, gnutls_x509_crt_t crt, bool issuer)
{
    const char *cached = known != NULL ? g_hash_table_lookup(known, raw_name) : NULL;
    if (cached != NULL)
        return g_strdup(cached);
    gnutls_datum_t out;
    int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &out, 0) : gnutls_x509_crt_get_dn3(crt, &out, 0);
    if (rc != 0)
        return g_strdup(issuer ? "(unreadable issuer)" : "(unreadable subject)");
    char *text = take_string(&out);
    if (known != NULL && g_bytes_get_size(raw_name) > 0)
        g_hash_table_insert(known, g_bytes_ref(raw_name), g_strdup(text));
    return text;
}

static const char *key_purpose_name(const char *oid)
{
    static const struct {
        const char *oid, *name;
    } names[] = {
        {OID_SERVER_AUTH, "serverAuth"},         {OID_CLIENT_AUTH, "clientAuth"},
        {"1.3.6.1.5.5.7.3.3", "codeSigning"},    {"1.3.6.1.5.5.7.3.4", "emailProtection"},
        {"1.3.6.1.5.5.7.3.8", "timeStamping"},   {"1.3.6.1.5.5.7.3.9", "OCSPSigning"},
        {OID_ANY_EXTENDED_KEY_USAGE, "anyExtendedKeyUsage"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (strcmp(oid, names[i].oid) == 0)
            return names[i].name;
    return oid;
}

#define MIN_RSA_DSA_BITS 2048
#define MIN_EC_BITS 256
#define KEY_ID_MAX 64
#define OID_PROXY_CERT_INFO "1.3.6.1.5.5.7.1.14"
#define OID_PROXY_CERT_INFO_GLOBUS "1.3.6.1.4.1.3536.1.222"

#define OID_SUBJECT_KEY_ID "2.5.29.14"
#define OID_KEY_USAGE "2.5.29.15"
#define OID_BASIC_CONSTRAINTS "2.5.29.19"
#define OID_AUTHORITY_KEY_ID "2.5.29.35"
#define OID_EXTENDED_KEY_USAGE "2.5.29.37"

static void note_key_purpose(mtls_certificate *certificate, GString *names, const char *oid)
{
    g_string_append_printf(names, "%s%s", names->len ? ", " : "", key_purpose_name(oid));
    if (strcmp(oid, OID_CLIENT_AUTH) == 0 || strcmp(oid, OID_ANY_EXTENDED_KEY_USAGE) == 0)
        certificate->eku_client_auth = true;
    if (strcmp(oid, OID_SERVER_AUTH) == 0 || strcmp(oid, OID_ANY_EXTENDED_KEY_USAGE) == 0)
        certificate->eku_server_auth = true;
}

/* An extension that lists no purpose, or cannot be decoded, is taken as absent. */
static void read_extended_key_usage(mtls_certificate *certificate, const gnutls_datum_t *value)
{
    gnutls_x509_key_purposes_t purposes;
    if (gnutls_x509_key_purpose_init(&purposes) < 0)
        return;
    GString *names = g_string_new(NULL);
    if (gnutls_x509_ext_import_key_purposes(value, purposes, 0) >= 0) {
        gnutls_datum_t oid;
        for (unsigned index = 0; gnutls_x509_key_purpose_get(purposes, index, &oid) >= 0; index++) {
            char *text = g_strndup((const char *)oid.data, oid.size);
            note_key_purpose(certificate, names, text);
            g_free(text);
            certificate->has_extended_key_usage = true;
        }
    }
    gnutls_x509_key_purpose_deinit(purposes);
    certificate->extended_key_usage = certificate->has_extended_key_usage ? g_string_free(names, FALSE) : NULL;
    if (!certificate->has_extended_key_usage)
        g_string_free(names, TRUE);
}

/* Key identifiers longer than this are none a verifier would match on. */
static GBytes *key_identifier(const gnutls_datum_t *id)
{
    return id->size > 0 && id->size <= KEY_ID_MAX ? g_bytes_new(id->data, id->size) : NULL;
}

#define DER_CONTEXT_0 0x80 /* [0] IMPLICIT, primitive */

/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL, ... }
 * (RFC 5280 4.2.1.1): read here, where GnuTLS's import decoded the whole
 * structure for it and cost a tenth of a new certificate's parse. */
static void read_authority_key_id(mtls_certificate *certificate, const gnutls_datum_t *value)
{
    const uint8_t *cursor = value->data, *end = value->data + value->size, *content;
    size_t length;
    uint8_t tag;
    if (!mtls_der_read(&cursor, end, &tag, &content, &length) || tag != MTLS_DER_SEQUENCE || cursor != end)
        return;
    cursor = content;
    if (!mtls_der_read(&cursor, content + length, &tag, &content, &length) || tag != DER_CONTEXT_0)
        return;
    const gnutls_datum_t id = {(unsigned char *)(uintptr_t)content, (unsigned)length};
    certificate->authority_key_id = key_identifier(&id);
}

typedef enum {
    EXTENSION_EXTENDED_KEY_USAGE,
    EXTENSION_BASIC_CONSTRAINTS,
    EXTENSION_KEY_USAGE,
    EXTENSION_SUBJECT_KEY_ID,
    EXTENSION_AUTHORITY_KEY_ID,
    EXTENSION_PROXY,
    EXTENSION_OTHER
} extension_kind;

static extension_kind kind_of_extension(const char *oid)
{
    static const struct {
        const char *oid;
        extension_kind kind;
    } kinds[] = {
        {OID_EXTENDED_KEY_USAGE, EXTENSION_EXTENDED_KEY_USAGE}, {OID_BASIC_CONSTRAINTS, EXTENSION_BASIC_CONSTRAINTS},
        {OID_KEY_USAGE, EXTENSION_KEY_USAGE},                   {OID_SUBJECT_KEY_ID, EXTENSION_SUBJECT_KEY_ID},
        {OID_AUTHORITY_KEY_ID, EXTENSION_AUTHORITY_KEY_ID},     {OID_PROXY_CERT_INFO, EXTENSION_PROXY},
        {OID_PROXY_CERT_INFO_GLOBUS, EXTENSION_PROXY},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
        if (strcmp(oid, kinds[i].oid) == 0)
            return kinds[i].kind;
    return EXTENSION_OTHER;
}

static void read_extension(mtls_certificate *certificate, extension_kind kind, const gnutls_datum_t *value)
{
    switch (kind) {
    case EXTENSION_EXTENDED_KEY_USAGE:
        read_extended_key_usage(certificate, value);
        break;
    case EXTENSION_BASIC_CONSTRAINTS: {
        unsigned int ca = 0;
        int path_length = -1;
        certificate->has_basic_constraints = gnutls_x509_ext_import_basic_constraints(value, &ca, &path_length) >= 0;
        certificate->is_ca = certificate->has_basic_constraints && ca != 0;
        certificate->path_length_limit = certificate->is_ca && path_length >= 0 ? path_length : -1;
        break;
    }
    case EXTENSION_KEY_USAGE: {
        unsigned int usage = 0;
        certificate->has_key_usage = gnutls_x509_ext_import_key_usage(value, &usage) >= 0;
        certificate->key_usage = certificate->has_key_usage ? usage : 0;
        break;
    }
    case EXTENSION_SUBJECT_KEY_ID: {
        gnutls_datum_t id;
        if (gnutls_x509_ext_import_subject_key_id(value, &id) >= 0) {
            certificate->subject_key_id = key_identifier(&id);
            gnutls_free(id.data);
        }
        break;
    }
    case EXTENSION_AUTHORITY_KEY_ID:
        read_authority_key_id(certificate, value);
        break;
    default:
        break;
    }
}

/* One pass over the extensions: each of GnuTLS's per-extension getters
 * searches the whole list again. As with those getters, the first
 * occurrence of an extension counts. */
static void read_extensions(mtls_certificate *certificate, gnutls_x509_crt_t crt)
{
    unsigned seen = 0;
    for (unsigned index = 0;; index++) {
        char oid[128];
        size_t oid_size = sizeof oid;
        unsigned int critical = 0;
        int rc = gnutls_x509_crt_get_extension_info(crt, index, oid, &oid_size, &critical);
        if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER)
            continue; /* an OID this long is none of those read */
        if (rc < 0)
            break;
        const extension_kind kind = kind_of_extension(oid);
        if (kind == EXTENSION_PROXY)
            certificate->is_proxy = true;
        if (kind == EXTENSION_OTHER || kind == EXTENSION_PROXY || (seen & (1u << kind)) != 0)
            continue;
        seen |= 1u << kind;
        gnutls_datum_t value;
        if (gnutls_x509_crt_get_extension_data2(crt, index, &value) < 0)
            continue;
        read_extension(certificate, kind, &value);
        gnutls_free(value.data);
    }
}

static void read_version(mtls_certificate *certificate, gnutls_x509_crt_t crt)
{
    int version = gnutls_x509_crt_get_version(crt);
    certificate->version = version > 0 ? (unsigned)version : 1;
}

/* The curve of an EC key named by one of the three usual OIDs in its
 * SubjectPublicKeyInfo, read from the DER: GnuTLS exports the whole point
 * to name the curve. Any other curve is left to GnuTLS. */
static gnutls_ecc_curve_t named_curve(const mtls_certificate *certificate)
{
    static const struct {
        uint8_t oid[10];
        size_t length;
        gnutls_ecc_curve_t curve;
    } curves[] = {
        {{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, 10, GNUTLS_ECC_CURVE_SECP256R1},
        {{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22}, 7, GNUTLS_ECC_CURVE_SECP384R1},
        {{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23}, 7, GNUTLS_ECC_CURVE_SECP521R1},
    };
    size_t der_length;
    const uint8_t *der = g_bytes_get_data(certificate->der, &der_length);
    const uint8_t *key_info, *content, *cursor;
    size_t length;
    uint8_t tag;
    /* SubjectPublicKeyInfo { algorithm { id-ecPublicKey, namedCurve }, subjectPublicKey } */
    if (!mtls_der_certificate_field(der, der_length, MTLS_TBS_PUBLIC_KEY_INFO, &key_info, &length))
        return GNUTLS_ECC_CURVE_INVALID;
    cursor = key_info;
    if (!mtls_der_read(&cursor, key_info + length, &tag, &content, &length))
        return GNUTLS_ECC_CURVE_INVALID;
    cursor = content;
    if (!mtls_der_read(&cursor, content + length, &tag, &content, &length) || tag != MTLS_DER_SEQUENCE)
        return GNUTLS_ECC_CURVE_INVALID;
    const uint8_t *parameters = content + length;
    cursor = content;
    if (!mtls_der_read(&cursor, parameters, &tag, &content, &length))
        return GNUTLS_ECC_CURVE_INVALID;
    const size_t parameters_length = (size_t)(parameters - cursor);
    for (size_t i = 0; i < G_N_ELEMENTS(curves); i++) {
        if (parameters_length == curves[i].length && memcmp(cursor, curves[i].oid, curves[i].length) == 0)
            return curves[i].curve;
    }
    return GNUTLS_ECC_CURVE_INVALID;
}

static void read_key(mtls_certificate *certificate)
{
    unsigned int bits = 0;
    int algorithm = gnutls_x509_crt_get_pk_algorithm(certificate->crt, &bits);
    certificate->key_algorithm = algorithm;
    certificate->key_curve = GNUTLS_ECC_CURVE_INVALID;
    const char *name = algorithm > 0 ? gnutls_pk_algorithm_get_name((gnutls_pk_algorithm_t)algorithm) : NULL;
    switch (algorithm) {
    case GNUTLS_PK_RSA:
    case GNUTLS_PK_RSA_PSS:
    case GNUTLS_PK_DSA:
        certificate->key_description = g_strdup_printf("%s %u bits", name, bits);
        certificate->weak_key = bits < MIN_RSA_DSA_BITS;
        break;
    case GNUTLS_PK_EC: {
        gnutls_ecc_curve_t curve = named_curve(certificate);
        if (curve == GNUTLS_ECC_CURVE_INVALID)
            gnutls_x509_crt_get_pk_ecc_raw(certificate->crt, &curve, NULL, NULL);
        certificate->key_curve = curve;
        const char *curve_name = gnutls_ecc_curve_get_name(curve);
        certificate->key_description =
            curve_name ? g_strdup_printf("EC %s", curve_name) : g_strdup_printf("EC %u bits", bits);
        certificate->weak_key = bits < MIN_EC_BITS;
        break;
    }
    default:
        certificate->key_description = g_strdup(name ? name : "unknown key type");
        break;
    }
}

static void read_signature_algorithm(mtls_certificate *certificate)
{
    int algorithm = gnutls_x509_crt_get_signature_algorithm(certificate->crt);
    const char *name = algorithm > 0 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)algorithm) : NULL;
    if (name != NULL) {
        certificate->signature_algorithm = g_strdup(name);
        gnutls_digest_algorithm_t hash = gnutls_sign_get_hash_algorithm((gnutls_sign_algorithm_t)algorithm);
        certificate->weak_signature_hash = hash == GNUTLS_DIG_MD5 || hash == GNUTLS_DIG_SHA1 || hash == GNUTLS_DIG_MD2;
        return;
    }
    char oid[128];
    size_t oid_size = sizeof oid;
    certificate->signature_algorithm = gnutls_x509_crt_get_signature_oid(certificate->crt, oid, &oid_size) == 0
                                           ? g_strdup(oid)
                                           : g_strdup("unknown");
}

/* Only a failed signature or a signer that does not match breaks the link;
 * other status bits (an unknown critical extension, say) are about the
 * certificate, not about who signed it. */
static bool link_verifies(gnutls_x509_crt_t subject, gnutls_x509_crt_t signer)
{
    unsigned int status = 0;
    gnutls_x509_crt_t signers[1] = {signer};
    if (gnutls_x509_crt_verify(subject, signers, 1, LINK_VERIFY_FLAGS, &status) < 0)
        return false;
    return (status & (GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_SIGNER_NOT_FOUND)) == 0;
}

void mtls_append_hex(GString *out, const uint8_t *bytes, size_t length, const char *separator)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < length; i++) {
        if (i > 0)
            g_string_append(out, separator);
        g_string_append_c(out, digits[bytes[i] >> 4]);
        g_string_append_c(out, digits[bytes[i] & 0x0f]);
    }
}

/* GnuTLS's parsed form of `der` in *crt, or a GnuTLS error code (nothing to
 * release then). */
static int import_der(const uint8_t *der, size_t length, gnutls_x509_crt_t *crt)
{
    int rc = gnutls_x509_crt_init(crt);
    if (rc < 0)
        return rc;
    gnutls_datum_t datum = {(unsigned char *)der, (unsigned int)length};
    rc = gnutls_x509_crt_import(*crt, &datum, GNUTLS_X509_FMT_DER);
    if (rc < 0)
        gnutls_x509_crt_deinit(*crt);
    return rc;
}

mtls_certificate *mtls_certificate_parse(const uint8_t *der, size_t length, const uint8_t digest[32],
                                         GHashTable *name_texts, char **error)
{
    if (der == NULL || length == 0 || length > UINT32_MAX) {
        *error = g_strdup("empty or oversized certificate");
        return NULL;
    }
    gnutls_x509_crt_t crt;
    int rc = import_der(der, length, &crt);
    if (rc < 0) {
        if (rc == GNUTLS_E_MEMORY_ERROR)
            *error = g_strdup("out of memory");
        else
            *error = g_strdup_printf("not a valid X.509 certificate (%s)", gnutls_strerror(rc));
        return NULL;
    }

    mtls_certificate *certificate = g_new0(mtls_certificate, 1);
    certificate->reference_count = 1;
    certificate->path_length_limit = -1; /* unless basicConstraints says otherwise */
    certificate->crt = crt;
    certificate->der = g_bytes_new(der, length);
    gnutls_datum_t out;
    certificate->raw_subject = gnutls_x509_crt_get_raw_dn(crt, &out) == 0 ? take_datum(&out) : g_bytes_new(NULL, 0);
    certificate->raw_issuer =
        gnutls_x509_crt_get_raw_issuer_dn(crt, &out) == 0 ? take_datum(&out) : g_bytes_new(NULL, 0);
    certificate->issuer = name_text(name_texts, certificate->raw_issuer, crt, true);
    certificate->not_before = (int64_t)gnutls_x509_crt_get_activation_time(crt);
    certificate->not_after = (int64_t)gnutls_x509_crt_get_expiration_time(crt);
    certificate->self_issued = g_bytes_get_size(certificate->raw_subject) > 0 &&
                               g_bytes_equal(certificate->raw_subject, certificate->raw_issuer);
    certificate->self_signed = certificate->self_issued && link_verifies(crt, crt);
    read_version(certificate, crt);
    read_extensions(certificate, crt);
    /* A leaf's own name is seldom anyone's issuer: only a CA's is worth keeping. */
    certificate->subject =
        name_text(certificate->is_ca || certificate->self_issued ? name_texts : NULL, certificate->raw_subject, crt,
                  false);
    read_key(certificate);
    read_signature_algorithm(certificate);

    unsigned char serial[64];
    size_t serial_size = sizeof serial;
    GString *serial_text = g_string_new(NULL);
    if (gnutls_x509_crt_get_serial(crt, serial, &serial_size) == 0) {
        mtls_append_hex(serial_text, serial, serial_size, ":");
    }
    certificate->serial = g_string_free(serial_text, FALSE);

    /* The fingerprint names the certificate in caches and messages: one that
     * cannot be computed must not leave an empty name two certificates share. */
    if (digest != NULL) {
        memcpy(certificate->sha256_digest, digest, sizeof certificate->sha256_digest);
    } else if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der, length, certificate->sha256_digest) < 0) {
        mtls_certificate_unref(certificate);
        *error = g_strdup("its SHA-256 fingerprint cannot be computed");
        return NULL;
    }
    GString *fingerprint = g_string_sized_new(sizeof certificate->sha256);
    mtls_append_hex(fingerprint, certificate->sha256_digest, sizeof certificate->sha256_digest, "");
    g_strlcpy(certificate->sha256, fingerprint->str, sizeof certificate->sha256);
    g_string_free(fingerprint, TRUE);
    /* Everything is read: the parsed form goes until a check needs it. */
    gnutls_x509_crt_deinit(certificate->crt);
    certificate->crt = NULL;
    return certificate;
}

/* The count changes on a const certificate: sharing it does not change what it says. */
mtls_certificate *mtls_certificate_ref(const mtls_certificate *certificate)
{
    mtls_certificate *shared = (mtls_certificate *)certificate;
    g_atomic_int_inc(&shared->reference_count);
    return shared;
}

void mtls_certificate_unref(mtls_certificate *certificate)
{
    if (certificate == NULL || !g_atomic_int_dec_and_test(&certificate->reference_count))
        return;
    if (certificate->crt != NULL)
        gnutls_x509_crt_deinit(certificate->crt);
    if (certificate->der != NULL)
        g_bytes_unref(certificate->der);
    g_bytes_unref(certificate->raw_subject);
    g_bytes_unref(certificate->raw_issuer);
    g_free(certificate->subject);
    g_free(certificate->issuer);
    g_free(certificate->key_description);
    g_free(certificate->signature_algorithm);
    g_free(certificate->serial);
    g_free(certificate->extended_key_usage);
    if (certificate->subject_key_id)
        g_bytes_unref(certificate->subject_key_id);
    if (certificate->authority_key_id)
        g_bytes_unref(certificate->authority_key_id);
    g_free(certificate);
}

bool mtls_certificate_names_issuer(const mtls_certificate *certificate, const mtls_certificate *issuer)
{
    return g_bytes_equal(certificate->raw_issuer, issuer->raw_subject);
}

/* The handle is a cache of what the DER says: filling it in does not change
 * the certificate, so a const one may be given it. */
gnutls_x509_crt_t mtls_certificate_crt(const mtls_certificate *certificate)
{
    mtls_certificate *cached = (mtls_certificate *)certificate;
    if (cached->crt != NULL)
        return cached->crt;
    size_t length;
    const uint8_t *der = g_bytes_get_data(certificate->der, &length);
    gnutls_x509_crt_t crt;
    if (import_der(der, length, &crt) < 0)
        return NULL;
    cached->crt = crt;
    return crt;
}

bool mtls_certificate_may_have_issued(const mtls_certificate *issuer, const mtls_certificate *certificate)
{
    if (!mtls_certificate_names_issuer(certificate, issuer))
        return false;
    if (certificate->authority_key_id == NULL || issuer->subject_key_id == NULL)
        return true;
    return g_bytes_equal(certificate->authority_key_id, issuer->subject_key_id);
}

bool mtls_certificate_issued_by(const mtls_certificate *certificate, const mtls_certificate *issuer)
{
    if (!mtls_certificate_names_issuer(certificate, issuer))
        return false;
    gnutls_x509_crt_t subject = mtls_certificate_crt(certificate);
    gnutls_x509_crt_t signer = mtls_certificate_crt(issuer);
    return subject != NULL && signer != NULL && link_verifies(subject, signer);
}

char *mtls_name_to_string(const uint8_t *der, size_t length)
{
    if (length > 0 && length <= UINT32_MAX) {
        gnutls_datum_t name = {(unsigned char *)der, (unsigned int)length};
        gnutls_datum_t text;
        if (gnutls_x509_rdn_get2(&name, &text, 0) == 0)
            return take_string(&text);
    }
    GString *hex = g_string_new("(undecodable name ");
    mtls_append_hex(hex, der, MIN(length, 64), "");
    g_string_append(hex, length > 64 ? "...)" : ")");
    return g_string_free(hex, FALSE);
}

char *mtls_format_time(int64_t seconds)
{
    GDateTime *time = g_date_time_new_from_unix_utc(seconds);
    if (time == NULL)
        return g_strdup_printf("(time %" G_GINT64_FORMAT ")", seconds);
    char *text = g_date_time_format(time, "%Y-%m-%d %H:%M:%S UTC");
    g_date_time_unref(time);
    return text;
}
