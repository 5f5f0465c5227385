/* test_codes.c - the catalogue of codes: unique, complete, consistent with
 * the alert registry and the names docs/findings.md documents.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "mtls_analyzer.h"

static void codes_are_unique_and_described(void **state)
{
    (void)state;
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    assert_true(mtls_code_count() > 40);
    for (size_t i = 0; i < mtls_code_count(); i++) {
        const mtls_code_info *info = mtls_code_at(i);
        assert_non_null(info);
        assert_non_null(info->title);
        assert_true(strlen(info->title) > 10);
        for (const char *c = info->code; *c; c++)
            assert_true(g_ascii_islower(*c) || g_ascii_isdigit(*c) || *c == '_');
        assert_false(g_hash_table_contains(seen, info->code));
        g_hash_table_add(seen, (gpointer)info->code);
        assert_ptr_equal(mtls_code_lookup(info->code), info);
    }
    assert_null(mtls_code_at(mtls_code_count()));
    assert_null(mtls_code_lookup("no_such_code"));
    g_hash_table_destroy(seen);
}

static void required_codes_exist(void **state)
{
    (void)state;
    static const char *const required[] = {
        "empty_certificate", "handshake_failure", "no_certificate", "bad_certificate", "unsupported_certificate",
        "certificate_revoked", "certificate_expired", "certificate_unknown", "unknown_ca", "access_denied",
        "decrypt_error", "protocol_version", "insufficient_security", "certificate_required", "legacy_version",
        "missing_intermediate", "untrusted_root", "self_signed", "issuer_not_accepted", "expired", "not_yet_valid",
        "client_auth_eku_missing", "chain_order", "server_missing_intermediate", "server_untrusted_root",
        "server_self_signed", "server_expired", "server_not_yet_valid", "server_auth_eku_missing",
        "server_chain_order",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(required); i++) {
        const mtls_code_info *info = mtls_code_lookup(required[i]);
        if (info == NULL)
            fail_msg("missing code %s", required[i]);
        assert_true(info->is_problem);
    }
    static const char *const notes[] = {"not_requested", "tls13_encrypted", "ca_names_empty", "handshake_completed"};
    for (size_t i = 0; i < G_N_ELEMENTS(notes); i++)
        assert_false(mtls_code_lookup(notes[i])->is_problem);
}

static void alert_and_version_names(void **state)
{
    (void)state;
    assert_string_equal(mtls_alert_name(48), "unknown_ca");
    assert_string_equal(mtls_alert_name(116), "certificate_required");
    assert_null(mtls_alert_name(255));
    assert_string_equal(mtls_version_name(0x0300), "SSL 3.0");
    assert_string_equal(mtls_version_name(0x0304), "TLS 1.3");
    assert_null(mtls_version_name(0x1234));
    assert_string_equal(mtls_verdict_name(MTLS_VERDICT_NO_CLIENT_CERTIFICATE), "no client certificate");
}

/* Every code is documented in docs/findings.md, so a user can look it up. */
static void findings_doc_documents_every_code(void **state)
{
    (void)state;
    char *readme = NULL;
    assert_true(g_file_get_contents(MTLS_FINDINGS_DOC_PATH, &readme, NULL, NULL));
    for (size_t i = 0; i < mtls_code_count(); i++) {
        const char *code = mtls_code_at(i)->code;
        char *quoted = g_strdup_printf("`%s`", code);
        if (strstr(readme, quoted) == NULL)
            fail_msg("docs/findings.md does not document %s", code);
        g_free(quoted);
    }
    g_free(readme);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_are_unique_and_described),
        cmocka_unit_test(required_codes_exist),
        cmocka_unit_test(alert_and_version_names),
        cmocka_unit_test(findings_doc_documents_every_code),
    };
    return cmocka_run_group_tests_name("codes", tests, NULL, NULL);
}
