/* ca_names.c - the CA names of a CertificateRequest: decoding each one, its
 * references, and listing them in a message.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ca_names.h"

#include "certificate.h"

#define CA_NAMES_SHOWN 5

mtls_ca_name *mtls_ca_name_new(const uint8_t *der, size_t length)
{
    mtls_ca_name *ca_name = g_new0(mtls_ca_name, 1);
    ca_name->reference_count = 1;
    ca_name->der = g_bytes_new(der, length);
    ca_name->text = mtls_name_to_string(der, length);
    return ca_name;
}

mtls_ca_name *mtls_ca_name_ref(const mtls_ca_name *ca_name)
{
    mtls_ca_name *shared = (mtls_ca_name *)ca_name;
    g_atomic_int_inc(&shared->reference_count);
    return shared;
}

void mtls_ca_name_unref(gpointer data)
{
    mtls_ca_name *ca_name = data;
    if (ca_name == NULL || !g_atomic_int_dec_and_test(&ca_name->reference_count))
        return;
    g_bytes_unref(ca_name->der);
    g_free(ca_name->text);
    g_free(ca_name);
}

char *mtls_ca_names_for_message(const GPtrArray *ca_names)
{
    if (ca_names == NULL || ca_names->len == 0)
        return g_strdup("(none)");
    GString *text = g_string_new(NULL);
    for (unsigned i = 0; i < ca_names->len && i < CA_NAMES_SHOWN; i++) {
        const mtls_ca_name *ca_name = g_ptr_array_index(ca_names, i);
        g_string_append_printf(text, "%s'%s'", i ? ", " : "", ca_name->text);
    }
    if (ca_names->len > CA_NAMES_SHOWN)
        g_string_append_printf(text, " and %u more", ca_names->len - CA_NAMES_SHOWN);
    return g_string_free(text, FALSE);
}
