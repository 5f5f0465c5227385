/* config.c - configuration and the trust store.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <gnutls/gnutls.h>

#include "certificate_files.h"
#include "expected_certificate.h"

mtls_config *mtls_config_new(void)
{
    mtls_config *config = g_new0(mtls_config, 1);
    config->reference_count = 1;
    config->check_server_chain = true;
    config->use_public_roots = true;
    config->cache_limit = MTLS_DEFAULT_CACHE_LIMIT;
    config->expiry_warning_days = MTLS_DEFAULT_EXPIRY_WARNING_DAYS;
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
    mtls_public_roots_free(config->public_roots);
    if (config->expected_client_certificates != NULL)
        g_ptr_array_unref(config->expected_client_certificates);
    g_free(config);
}

bool mtls_config_load_expected_client_certificates(mtls_config *config, const char *location, char **error)
{
    g_clear_pointer(&config->expected_client_certificates, g_ptr_array_unref);
    if (location == NULL || *location == '\0')
        return true;
    config->expected_client_certificates = mtls_expected_certificates_load(location, error);
    return config->expected_client_certificates != NULL;
}

size_t mtls_config_expected_client_certificate_count(const mtls_config *config)
{
    return config->expected_client_certificates ? config->expected_client_certificates->len : 0;
}

void mtls_config_set_use_public_roots(mtls_config *config, bool enabled)
{
    config->use_public_roots = enabled;
}

void mtls_config_set_expiry_warning_days(mtls_config *config, unsigned days)
{
    config->expiry_warning_days = days;
}

void mtls_config_set_cache_limit(mtls_config *config, unsigned entries)
{
    config->cache_limit = MAX(entries, 1u);
}

void mtls_config_set_verify_every_certificate_verify(mtls_config *config, bool enabled)
{
    config->verify_every_certificate_verify = enabled;
}

void mtls_config_set_verify_every_chain_signature(mtls_config *config, bool enabled)
{
    config->verify_every_chain_signature = enabled;
}

void mtls_config_set_check_server_chain(mtls_config *config, bool enabled)
{
    config->check_server_chain = enabled;
}

/* GnuTLS ends its messages with a full stop; ours go inside sentences. */
static char *gnutls_reason(int rc)
{
    char *reason = g_strdup(gnutls_strerror(rc));
    g_strdelimit(reason, ".", ' ');
    return g_strstrip(reason);
}

/* Adds one file's CA certificates, PEM (a bundle) or a single DER
 * certificate. Returns how many were added, or a negative GnuTLS error. */
static int add_trust_file(gnutls_x509_trust_list_t list, const char *path)
{
    int added = gnutls_x509_trust_list_add_trust_file(list, path, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
    if (added == 0 || added == GNUTLS_E_BASE64_DECODING_ERROR || added == GNUTLS_E_NO_CERTIFICATE_FOUND)
        added = gnutls_x509_trust_list_add_trust_file(list, path, NULL, GNUTLS_X509_FMT_DER, 0, 0);
    return added;
}

typedef struct {
    gnutls_x509_trust_list_t list;
    int added;
} trust_files;

/* Files that hold no certificate are skipped: a folder of exported .cer
 * files often has others beside them. */
static void add_trust_file_of_folder(const char *path, void *data)
{
    trust_files *files = data;
    int added = add_trust_file(files->list, path);
    files->added += added > 0 ? added : 0;
}

bool mtls_config_load_trust_store(mtls_config *config, mtls_trust_purpose purpose, const char *location,
                                  char **error)
{
    mtls_trust_store *store = &config->trust_stores[purpose];
    drop_trust_store(store);
    if (location == NULL || *location == '\0')
        return true;
    gnutls_x509_trust_list_t list;
    if (gnutls_x509_trust_list_init(&list, 0) < 0) {
        *error = g_strdup("out of memory");
        return false;
    }
    int added;
    if (g_strcmp0(location, MTLS_TRUST_STORE_SYSTEM) == 0) {
        added = gnutls_x509_trust_list_add_system_trust(list, 0, 0);
        if (added <= 0) {
            char *reason = added < 0 ? gnutls_reason(added) : g_strdup("it is empty");
            *error = g_strdup_printf("cannot load the system CA store: %s", reason);
            g_free(reason);
        }
    } else if (g_file_test(location, G_FILE_TEST_IS_DIR)) {
        trust_files files = {list, 0};
        added = mtls_visit_certificate_files(location, add_trust_file_of_folder, &files, error) ? files.added : -1;
        if (added == 0)
            *error = g_strdup_printf("trust store folder %s holds no PEM or DER certificate", location);
    } else {
        added = add_trust_file(list, location);
        if (added < 0) {
            char *reason = gnutls_reason(added);
            *error = g_strdup_printf("cannot read trust store %s: %s", location, reason);
            g_free(reason);
        } else if (added == 0) {
            *error = g_strdup_printf("trust store %s holds no PEM or DER certificate", location);
        }
    }
    if (added <= 0) {
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

/* The system CA bundle, read on first use. A cache, not a setting: the only
 * write to a shared config. */
static const mtls_public_roots *public_roots(const mtls_config *shared)
{
    mtls_config *config = (mtls_config *)shared;
    if (!config->use_public_roots)
        return NULL;
    if (!config->public_roots_loaded) {
        config->public_roots_loaded = true;
        config->public_roots = mtls_public_roots_load_system();
    }
    return config->public_roots;
}

void mtls_config_issuer_candidates(const mtls_config *config, mtls_issuer_source source,
                                   const mtls_certificate *certificate, mtls_root_candidate_fn take,
                                   void *user_data)
{
    if (source == MTLS_ISSUER_PUBLIC_ROOTS) {
        size_t length;
        const uint8_t *issuer_name = g_bytes_get_data(certificate->raw_issuer, &length);
        mtls_public_roots_named(public_roots(config), issuer_name, length, take, user_data);
        return;
    }
    gnutls_x509_trust_list_t list = config->trust_stores[source].list;
    gnutls_x509_crt_t crt = list != NULL ? mtls_certificate_crt(certificate) : NULL;
    gnutls_x509_crt_t found = NULL;
    if (crt == NULL || gnutls_x509_trust_list_get_issuer(list, crt, &found, GNUTLS_TL_GET_COPY) < 0)
        return;
    gnutls_datum_t der;
    if (gnutls_x509_crt_export2(found, GNUTLS_X509_FMT_DER, &der) == 0) {
        take(der.data, der.size, user_data);
        gnutls_free(der.data);
    }
    gnutls_x509_crt_deinit(found);
}
