/* test_public_roots.c - the system CA bundle indexed by subject without
 * parsing it: every root GnuTLS reads from the bundle is found under its
 * subject, roots sharing a subject are all offered, and blocks that do not
 * decode are passed over; the DER reader it walks with stays within its bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>

#include "der.h"
#include "public_roots.h"
#include "test_pki.h"

typedef struct {
    unsigned offered;
    unsigned accept_at; /* the candidate taken (1-based); 0: none */
    GBytes *last;
} candidates_seen;

static bool note_candidate(const uint8_t *der, size_t length, void *user_data)
{
    candidates_seen *seen = user_data;
    seen->offered++;
    if (seen->last != NULL)
        g_bytes_unref(seen->last);
    seen->last = g_bytes_new(der, length);
    return seen->offered == seen->accept_at;
}

static candidates_seen look_up(const mtls_public_roots *roots, GBytes *name, unsigned accept_at)
{
    candidates_seen seen = {0, accept_at, NULL};
    gsize length;
    const uint8_t *data = g_bytes_get_data(name, &length);
    mtls_public_roots_named(roots, data, length, note_candidate, &seen);
    return seen;
}

static void clear_seen(candidates_seen *seen)
{
    if (seen->last != NULL)
        g_bytes_unref(seen->last);
}

/* The bundle of `certs` with blocks that are not certificates among them. */
static char *bundle_with_noise(const test_cert *const *certs, size_t count)
{
    char *path = test_write_pem_bundle(certs, count);
    char *text;
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    char *noisy = g_strconcat("-----BEGIN CERTIFICATE-----\n!!not base64!!\n-----END CERTIFICATE-----\n",
                              "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n", text,
                              "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n", NULL);
    assert_true(g_file_set_contents(path, noisy, -1, NULL));
    g_free(noisy);
    g_free(text);
    return path;
}

static void roots_are_found_by_subject(void **state)
{
    test_pki *pki = *state;
    char *path = bundle_with_noise(CERTS(pki->root, pki->foreign_root, pki->issuing), 3);
    mtls_public_roots *roots = mtls_public_roots_from_file(path);
    assert_non_null(roots);
    assert_int_equal(mtls_public_roots_count(roots), 3);

    candidates_seen seen = look_up(roots, pki->foreign_root->subject_der, 1);
    assert_int_equal(seen.offered, 1);
    assert_true(g_bytes_equal(seen.last, pki->foreign_root->der));
    clear_seen(&seen);
    /* An issuing CA under its own subject, not its issuer's. */
    seen = look_up(roots, pki->issuing->subject_der, 1);
    assert_int_equal(seen.offered, 1);
    assert_true(g_bytes_equal(seen.last, pki->issuing->der));
    clear_seen(&seen);
    seen = look_up(roots, pki->root->subject_der, 0);
    assert_int_equal(seen.offered, 1);
    assert_true(g_bytes_equal(seen.last, pki->root->der));
    clear_seen(&seen);
    /* The client's subject is no root's. */
    seen = look_up(roots, pki->client->subject_der, 1);
    assert_int_equal(seen.offered, 0);
    clear_seen(&seen);

    mtls_public_roots_free(roots);
    g_unlink(path);
    g_free(path);
}

static void roots_sharing_a_subject_are_each_offered(void **state)
{
    (void)state;
    test_cert *first = test_cert_new(&(test_cert_spec){.common_name = "Twin Root CA", .ca = true});
    test_cert *second = test_cert_new(&(test_cert_spec){.common_name = "Twin Root CA", .ca = true});
    char *path = test_write_pem_bundle(CERTS(first, second), 2);
    mtls_public_roots *roots = mtls_public_roots_from_file(path);
    assert_non_null(roots);

    candidates_seen seen = look_up(roots, first->subject_der, 0);
    assert_int_equal(seen.offered, 2);
    assert_true(g_bytes_equal(seen.last, second->der));
    clear_seen(&seen);
    /* Taking the first ends the search. */
    seen = look_up(roots, first->subject_der, 1);
    assert_int_equal(seen.offered, 1);
    assert_true(g_bytes_equal(seen.last, first->der));
    clear_seen(&seen);

    mtls_public_roots_free(roots);
    test_cert_free(first);
    test_cert_free(second);
    g_unlink(path);
    g_free(path);
}

static void a_file_without_certificates_gives_none(void **state)
{
    (void)state;
    char *path = NULL;
    int fd = g_file_open_tmp("mtls-roots-XXXXXX.pem", &path, NULL);
    assert_true(fd >= 0);
    g_close(fd, NULL);
    assert_true(g_file_set_contents(path, "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n", -1,
                                    NULL));
    assert_null(mtls_public_roots_from_file(path));
    g_unlink(path);
    assert_null(mtls_public_roots_from_file(path));
    g_free(path);
}

typedef struct {
    GBytes *want;
    bool found;
} wanted_root;

static bool note_wanted(const uint8_t *der, size_t length, void *user_data)
{
    wanted_root *wanted = user_data;
    gsize want_length;
    const uint8_t *want_der = g_bytes_get_data(wanted->want, &want_length);
    wanted->found = length == want_length && memcmp(der, want_der, length) == 0;
    return wanted->found;
}

/* Every CA GnuTLS reads from `store` is found in `roots` under its subject,
 * as the very certificate, and nothing else is there. */
static void assert_same_roots(gnutls_x509_trust_list_t store, int added, const mtls_public_roots *roots)
{
    assert_int_equal(mtls_public_roots_count(roots), (size_t)added);
    gnutls_x509_trust_list_iter_t iterator = NULL;
    gnutls_x509_crt_t crt;
    unsigned checked = 0;
    while (gnutls_x509_trust_list_iter_get_ca(store, &iterator, &crt) == 0) {
        gnutls_datum_t subject, der;
        assert_int_equal(gnutls_x509_crt_get_raw_dn(crt, &subject), 0);
        assert_int_equal(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), 0);
        wanted_root wanted = {g_bytes_new(der.data, der.size), false};
        mtls_public_roots_named(roots, subject.data, subject.size, note_wanted, &wanted);
        if (!wanted.found)
            fail_msg("CA %u is not found under its subject", checked);
        g_bytes_unref(wanted.want);
        gnutls_free(subject.data);
        gnutls_free(der.data);
        gnutls_x509_crt_deinit(crt);
        checked++;
    }
    assert_int_equal(checked, (unsigned)added);
}

#define DEBIAN_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* The index of a real bundle (some 140 CAs, RSA and EC) holds
 * what GnuTLS reads of the same file. */
static void real_bundle_holds_what_gnutls_reads(void **state)
{
    (void)state;
    if (!g_file_test(DEBIAN_BUNDLE, G_FILE_TEST_EXISTS))
        skip();
    gnutls_x509_trust_list_t store;
    assert_int_equal(gnutls_x509_trust_list_init(&store, 0), 0);
    const int added = gnutls_x509_trust_list_add_trust_file(store, DEBIAN_BUNDLE, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
    assert_true(added > 0);
    mtls_public_roots *roots = mtls_public_roots_from_file(DEBIAN_BUNDLE);
    assert_non_null(roots);
    assert_same_roots(store, added, roots);
    mtls_public_roots_free(roots);
    /* Here the system's bundle is that file. */
    roots = mtls_public_roots_load_system();
    assert_int_equal(mtls_public_roots_count(roots), (size_t)added);
    mtls_public_roots_free(roots);
    gnutls_x509_trust_list_deinit(store, 1);
}

/* Where no bundle is kept (macOS, Windows), GnuTLS's system trust is read
 * and indexed the same way. */
static void gnutls_system_trust_is_indexed_whole(void **state)
{
    (void)state;
    gnutls_x509_trust_list_t store;
    assert_int_equal(gnutls_x509_trust_list_init(&store, 0), 0);
    const int added = gnutls_x509_trust_list_add_system_trust(store, 0, 0);
    if (added <= 0) {
        gnutls_x509_trust_list_deinit(store, 1);
        skip();
    }
    mtls_public_roots *roots = mtls_public_roots_from_gnutls_system_trust();
    assert_non_null(roots);
    assert_same_roots(store, added, roots);
    mtls_public_roots_free(roots);
    gnutls_x509_trust_list_deinit(store, 1);
}

/* The DER reader the index (and certificate.c) walks with: long lengths
 * read, indefinite and oversized ones refused, nothing past the bytes given,
 * and a certificate cut anywhere yields no field. */
static void der_readings_stay_within_their_bytes(void **state)
{
    test_pki *pki = *state;
    uint8_t long_form[4 + 256] = {0x04, 0x82, 0x01, 0x00};
    const uint8_t *cursor = long_form, *content;
    size_t length;
    uint8_t tag;
    assert_true(mtls_der_read(&cursor, long_form + sizeof long_form, &tag, &content, &length));
    assert_int_equal(tag, 0x04);
    assert_int_equal(length, 256);
    assert_ptr_equal(content, long_form + 4);
    assert_ptr_equal(cursor, long_form + sizeof long_form);
    const uint8_t *refused[] = {
        (const uint8_t[]){0x04, 0x80, 0x00, 0x00},             /* indefinite length */
        (const uint8_t[]){0x04, 0x85, 0x00, 0x00, 0x00, 0x00}, /* five length octets */
        (const uint8_t[]){0x04, 0x05, 0x01, 0x02, 0x03, 0x00}, /* longer than what follows */
        (const uint8_t[]){0x04, 0x82, 0x01, 0x00, 0x00, 0x00}, /* the same in the long form */
    };
    const size_t sizes[] = {4, 6, 5, 6};
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
        cursor = refused[i];
        assert_false(mtls_der_read(&cursor, refused[i] + sizes[i], &tag, &content, &length));
    }

    size_t der_length;
    const uint8_t *der = g_bytes_get_data(pki->client->der, &der_length);
    const uint8_t *field;
    size_t field_length;
    assert_true(mtls_der_certificate_field(der, der_length, MTLS_TBS_SUBJECT, &field, &field_length));
    assert_int_equal(field_length, g_bytes_get_size(pki->client->subject_der));
    assert_memory_equal(field, g_bytes_get_data(pki->client->subject_der, NULL), field_length);
    assert_true(mtls_der_certificate_field(der, der_length, MTLS_TBS_PUBLIC_KEY_INFO, &field, &field_length));
    assert_int_equal(field[0], MTLS_DER_SEQUENCE);
    for (size_t cut = 0; cut < der_length; cut++)
        assert_false(mtls_der_certificate_field(der, cut, MTLS_TBS_SUBJECT, &field, &field_length));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roots_are_found_by_subject),
        cmocka_unit_test(roots_sharing_a_subject_are_each_offered),
        cmocka_unit_test(a_file_without_certificates_gives_none),
        cmocka_unit_test(real_bundle_holds_what_gnutls_reads),
        cmocka_unit_test(gnutls_system_trust_is_indexed_whole),
        cmocka_unit_test(der_readings_stay_within_their_bytes),
    };
    return cmocka_run_group_tests(tests, test_pki_setup, test_pki_teardown);
}
