/* expected_certificate.c - the registered client certificates and the
 * comparison with the one sent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "expected_certificate.h"

#include <gnutls/gnutls.h>
#include <string.h>

#include "certificate_files.h"
#include "codes.h"
#include "findings.h"

#define EXPECTED_SHOWN 3

static void add_der(GPtrArray *certificates, const uint8_t *der, size_t length)
{
    char *error = NULL;
    mtls_certificate *certificate = mtls_certificate_parse(der, length, NULL, NULL, &error);
    if (certificate)
        g_ptr_array_add(certificates, certificate);
    g_free(error);
}

/* Adds every certificate of one file: a PEM bundle or a single DER. */
static void add_file(const char *path, void *data)
{
    GPtrArray *certificates = data;
    gnutls_datum_t contents;
    if (gnutls_load_file(path, &contents) < 0)
        return;
    gnutls_x509_crt_t *list = NULL;
    unsigned int count = 0;
    if (gnutls_x509_crt_list_import2(&list, &count, &contents, GNUTLS_X509_FMT_PEM, 0) < 0 || count == 0) {
        add_der(certificates, contents.data, contents.size);
    } else {
        for (unsigned int i = 0; i < count; i++) {
            gnutls_datum_t der;
            if (gnutls_x509_crt_export2(list[i], GNUTLS_X509_FMT_DER, &der) == 0) {
                add_der(certificates, der.data, der.size);
                gnutls_free(der.data);
            }
            gnutls_x509_crt_deinit(list[i]);
        }
        gnutls_free(list);
    }
    gnutls_free(contents.data);
}

GPtrArray *mtls_expected_certificates_load(const char *location, char **error)
{
    GPtrArray *certificates = g_ptr_array_new_with_free_func((GDestroyNotify)mtls_certificate_unref);
    char *folder_error = NULL;
    if (!mtls_visit_certificate_files(location, add_file, certificates, &folder_error)) {
        *error = g_strdup_printf("expected client certificates: %s", folder_error);
        g_free(folder_error);
        g_ptr_array_unref(certificates);
        return NULL;
    }
    if (certificates->len == 0) {
        *error = g_strdup_printf("expected client certificates %s: no readable PEM or DER certificate", location);
        g_ptr_array_unref(certificates);
        return NULL;
    }
    return certificates;
}

static void describe(GString *text, const mtls_certificate *certificate)
{
    char *until = mtls_format_time(certificate->not_after);
    g_string_append_printf(text, "'%s' (serial %s, SHA-256 %s, valid until %s)", certificate->subject,
                           certificate->serial, certificate->sha256, until);
    g_free(until);
}

void mtls_check_expected_client_certificate(const GPtrArray *expected, const mtls_certificate *leaf,
                                            uint32_t certificate_frame, GPtrArray *findings)
{
    if (expected == NULL || expected->len == 0)
        return;
    const mtls_certificate *same_subject = NULL;
    for (unsigned i = 0; i < expected->len; i++) {
        const mtls_certificate *candidate = g_ptr_array_index(expected, i);
        if (strcmp(candidate->sha256, leaf->sha256) == 0)
            return;
        if (same_subject == NULL && g_bytes_equal(candidate->raw_subject, leaf->raw_subject))
            same_subject = candidate;
    }
    GString *sent = g_string_new(NULL);
    describe(sent, leaf);
    GString *registered = g_string_new(NULL);
    for (unsigned i = 0; i < expected->len && i < EXPECTED_SHOWN; i++) {
        if (i)
            g_string_append(registered, "; ");
        describe(registered, g_ptr_array_index(expected, i));
    }
    if (expected->len > EXPECTED_SHOWN)
        g_string_append_printf(registered, "; and %u more", expected->len - EXPECTED_SHOWN);
    mtls_findings_add(findings, MTLS_CODE_UNEXPECTED_CLIENT_CERTIFICATE, certificate_frame, (mtls_evidence){{0}},
                      "The client's certificate is not one registered on the server side: register it, or give the "
                      "client the registered one. The client sent %s (frame %u); registered: %s. %s",
                      sent->str, certificate_frame, registered->str,
                      same_subject != NULL
                          ? "The subject is the same and the certificate is not: it was renewed (or reissued) on "
                            "one side only. The handshake may still succeed, and the login after it fail with HTTP "
                            "401/403 ('An Authentication object was not found in the SecurityContext'); register "
                            "the new certificate on the server (service key, certificate-to-user mapping) or "
                            "configure the client with the registered one."
                          : "The server may accept the handshake and still refuse the user behind it (HTTP "
                            "401/403): configure the client with the registered certificate, or register this one.");
    g_string_free(sent, TRUE);
    g_string_free(registered, TRUE);
}
