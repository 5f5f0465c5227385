/* public_roots.c - the system CA bundle as an index from subject name to
 * certificates.
 *
 * GnuTLS's system trust parses every certificate of the bundle (about 140 on
 * Debian: 65 million instructions) although a capture asks about a few
 * issuers, if any. Here each PEM block is only decoded and its subject Name
 * located in the DER; a root is parsed, by GnuTLS through the capture's
 * certificate cache, only when its subject is the name asked for. Where no
 * PEM bundle is kept (macOS, Windows: a system store), GnuTLS's system
 * trust is read whole and indexed the same way.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "public_roots.h"

#include "der.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

struct mtls_public_roots {
    GHashTable *by_subject; /* subject DER Name (GBytes, a slice of the DER) -> GPtrArray of DER GBytes */
    size_t count;
};

#if defined(G_OS_UNIX) && !defined(__APPLE__)
/* Where Unix systems keep their PEM bundle; the first that holds
 * certificates is the one. Not on macOS, whose roots are in the keychain
 * GnuTLS reads (its /etc/ssl/cert.pem is another list), nor on Windows. */
static const char *const bundle_paths[] = {
    "/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Arch, Gentoo */
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* Fedora, RHEL 7 and later */
    "/etc/pki/tls/certs/ca-bundle.crt",                  /* older Fedora and RHEL */
    "/etc/ssl/ca-bundle.pem",                            /* openSUSE */
    "/etc/ssl/cert.pem",                                 /* Alpine */
};
#endif

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

/* `certificate` (its DER, taken) under its subject; a certificate whose
 * subject cannot be found is left out. */
static void add_root(mtls_public_roots *roots, GBytes *certificate)
{
    size_t size;
    const uint8_t *der = g_bytes_get_data(certificate, &size);
    const uint8_t *subject = NULL;
    size_t subject_length = 0;
    if (!mtls_der_certificate_field(der, size, MTLS_TBS_SUBJECT, &subject, &subject_length)) {
        g_bytes_unref(certificate);
        return;
    }
    GBytes *name = g_bytes_new_from_bytes(certificate, (size_t)(subject - der), subject_length);
    GPtrArray *same_name = g_hash_table_lookup(roots->by_subject, name);
    if (same_name == NULL) {
        same_name = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
        g_hash_table_insert(roots->by_subject, g_bytes_ref(name), same_name);
    }
    g_ptr_array_add(same_name, certificate);
    g_bytes_unref(name);
    roots->count++;
}

static mtls_public_roots *new_roots(void)
{
    mtls_public_roots *roots = g_new0(mtls_public_roots, 1);
    roots->by_subject = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
                                              (GDestroyNotify)g_ptr_array_unref);
    return roots;
}

/* `roots`, or NULL (and `roots` freed) when they hold no certificate. */
static mtls_public_roots *unless_empty(mtls_public_roots *roots)
{
    if (roots->count > 0)
        return roots;
    mtls_public_roots_free(roots);
    return NULL;
}

/* GLib's decoder: GnuTLS's cost six times as much per block, which every
 * run that meets an issuer not sent paid for the whole bundle. Characters
 * outside the alphabet (the line breaks) are skipped. */
static GBytes *decode_block(const char *body, size_t length)
{
    uint8_t *der = g_malloc(length / 4 * 3 + 3);
    int state = 0;
    unsigned save = 0;
    const size_t size = g_base64_decode_step(body, length, der, &state, &save);
    return g_bytes_new_take(der, size);
}

mtls_public_roots *mtls_public_roots_from_file(const char *path)
{
    char *text;
    size_t length;
    if (!g_file_get_contents(path, &text, &length, NULL))
        return NULL;
    mtls_public_roots *roots = new_roots();
    const char *end = text + length;
    for (const char *begin = g_strstr_len(text, (ptrdiff_t)length, PEM_BEGIN); begin != NULL;) {
        const char *body = begin + strlen(PEM_BEGIN);
        const char *body_end = g_strstr_len(body, end - body, PEM_END);
        if (body_end == NULL)
            break;
        add_root(roots, decode_block(body, (size_t)(body_end - body)));
        const char *block_end = body_end + strlen(PEM_END);
        begin = g_strstr_len(block_end, end - block_end, PEM_BEGIN);
    }
    g_free(text);
    return unless_empty(roots);
}

/* Parsed whole, the only way to read a system store. */
mtls_public_roots *mtls_public_roots_from_gnutls_system_trust(void)
{
    gnutls_x509_trust_list_t store;
    if (gnutls_x509_trust_list_init(&store, 0) < 0)
        return NULL;
    mtls_public_roots *roots = new_roots();
    if (gnutls_x509_trust_list_add_system_trust(store, 0, 0) > 0) {
        gnutls_x509_trust_list_iter_t iterator = NULL;
        gnutls_x509_crt_t crt;
        while (gnutls_x509_trust_list_iter_get_ca(store, &iterator, &crt) == 0) {
            gnutls_datum_t der;
            if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) == 0) {
                add_root(roots, g_bytes_new(der.data, der.size));
                gnutls_free(der.data);
            }
            gnutls_x509_crt_deinit(crt);
        }
    }
    gnutls_x509_trust_list_deinit(store, 1);
    return unless_empty(roots);
}

mtls_public_roots *mtls_public_roots_load_system(void)
{
#if defined(G_OS_UNIX) && !defined(__APPLE__)
    for (size_t i = 0; i < G_N_ELEMENTS(bundle_paths); i++) {
        mtls_public_roots *roots =
            g_file_test(bundle_paths[i], G_FILE_TEST_EXISTS) ? mtls_public_roots_from_file(bundle_paths[i]) : NULL;
        if (roots != NULL)
            return roots;
    }
#endif
    return mtls_public_roots_from_gnutls_system_trust();
}

void mtls_public_roots_free(mtls_public_roots *roots)
{
    if (roots == NULL)
        return;
    g_hash_table_destroy(roots->by_subject);
    g_free(roots);
}

size_t mtls_public_roots_count(const mtls_public_roots *roots)
{
    return roots != NULL ? roots->count : 0;
}

void mtls_public_roots_named(const mtls_public_roots *roots, const uint8_t *name, size_t length,
                             mtls_root_candidate_fn take, void *user_data)
{
    if (roots == NULL || length == 0)
        return;
    GBytes *key = g_bytes_new_static(name, length);
    const GPtrArray *same_name = g_hash_table_lookup(roots->by_subject, key);
    g_bytes_unref(key);
    for (unsigned i = 0; same_name != NULL && i < same_name->len; i++) {
        size_t size;
        const uint8_t *der = g_bytes_get_data(g_ptr_array_index(same_name, i), &size);
        if (take(der, size, user_data))
            return;
    }
}
