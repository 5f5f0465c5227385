/* ca_names.c - the CA names of a CertificateRequest: freeing the capture's
 * decoded copies, and listing them in a message.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ca_names.h"

#define CA_NAMES_SHOWN 5

void mtls_ca_name_free(gpointer data)
{
    mtls_ca_name *ca_name = data;
    g_bytes_unref(ca_name->der);
    g_free(ca_name->text);
    g_free(ca_name);
}

char *mtls_ca_names_for_message(const GPtrArray *ca_names)
{
    if (ca_names == NULL || ca_names->len == 0)
        return g_strdup("(none)");
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < ca_names->len && i < CA_NAMES_SHOWN; i++) {
        const mtls_ca_name *ca_name = g_ptr_array_index(ca_names, i);
        g_string_append_printf(text, "%s'%s'", i ? ", " : "", ca_name->text);
    }
    if (ca_names->len > CA_NAMES_SHOWN)
        g_string_append_printf(text, " and %u more", ca_names->len - CA_NAMES_SHOWN);
    return g_string_free(text, FALSE);
}
