/* config.c - configuration and the trust store.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <gnutls/gnutls.h>

mtls_config *mtls_config_new(void)
{
    mtls_config *config = g_new0(mtls_config, 1);
    config->reference_count = 1;
    config->check_server_chain = true;
    return config;
}

mtls_config *mtls_config_ref(mtls_config *config)
{
    g_atomic_int_inc(&config->reference_count);
    return config;
}

static void drop_trust_store(mtls_trust_store *store)
{
    if (store->list != NULL)
        gnutls_x509_trust_list_deinit(store->list, 1);
    store->list = NULL;
    store->size = 0;
}

void mtls_config_unref(mtls_config *config)
{
    if (config == NULL || !g_atomic_int_dec_and_test(&config->reference_count))
        return;
    for (size_t i = 0; i < G_N_ELEMENTS(config->trust_stores); i++)
        drop_trust_store(&config->trust_stores[i]);
    g_free(config);
}

void mtls_config_set_check_server_chain(mtls_config *config, bool enabled)
{
    config->check_server_chain = enabled;
}

bool mtls_config_load_trust_store(mtls_config *config, mtls_trust_purpose purpose, const char *pem_path,
                                  char **error)
{
    mtls_trust_store *store = &config->trust_stores[purpose];
    drop_trust_store(store);
    gnutls_x509_trust_list_t list;
    if (gnutls_x509_trust_list_init(&list, 0) < 0) {
        *error = g_strdup("out of memory");
        return false;
    }
    int added = gnutls_x509_trust_list_add_trust_file(list, pem_path, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
    if (added <= 0) {
        if (added < 0) {
            /* GnuTLS ends its messages with a full stop; ours go inside sentences. */
            char *reason = g_strdup(gnutls_strerror(added));
            g_strdelimit(reason, ".", ' ');
            *error = g_strdup_printf("cannot read trust store %s: %s", pem_path, g_strstrip(reason));
            g_free(reason);
        } else {
            *error = g_strdup_printf("trust store %s holds no PEM certificate", pem_path);
        }
        gnutls_x509_trust_list_deinit(list, 1);
        return false;
    }
    store->list = list;
    store->size = (size_t)added;
    return true;
}

size_t mtls_config_trust_store_size(const mtls_config *config, mtls_trust_purpose purpose)
{
    return config->trust_stores[purpose].size;
}

bool mtls_config_has_trust_store(const mtls_config *config, mtls_trust_purpose purpose)
{
    return config->trust_stores[purpose].list != NULL;
}

mtls_certificate *mtls_config_trusted_issuer(const mtls_config *config, mtls_trust_purpose purpose,
                                             const mtls_certificate *certificate)
{
    gnutls_x509_trust_list_t list = config->trust_stores[purpose].list;
    if (list == NULL)
        return NULL;
    gnutls_x509_crt_t found = NULL;
    if (gnutls_x509_trust_list_get_issuer(list, certificate->crt, &found, GNUTLS_TL_GET_COPY) < 0)
        return NULL;
    gnutls_datum_t der;
    mtls_certificate *issuer = NULL;
    if (gnutls_x509_crt_export2(found, GNUTLS_X509_FMT_DER, &der) == 0) {
        char *error = NULL;
        issuer = mtls_certificate_parse(der.data, der.size, &error);
        g_free(error);
        gnutls_free(der.data);
    }
    gnutls_x509_crt_deinit(found);
    if (issuer != NULL && !mtls_certificate_issued_by(certificate, issuer)) {
        mtls_certificate_free(issuer);
        issuer = NULL;
    }
    return issuer;
}
