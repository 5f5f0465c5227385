/* capture.c - the per-file certificate cache.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "capture.h"

#include <gnutls/crypto.h>
#include <string.h>

#include "ca_names.h"
#include "certificate.h"

#define SHA256_SIZE 32

typedef struct {
    mtls_certificate *certificate; /* NULL when the DER does not parse */
    char *error;
    bool asked_again;              /* looked up since it was added, or since the last sweep */
    /* What a chain's summary shows of it, its texts the capture's: made on
     * the first handshake that sends it, not on every one. */
    bool summarised;
    mtls_certificate_summary summary;
} cached_certificate;

/* Values of the signatures table: a present key with a NULL value is
 * impossible to tell from a missing one, so both answers are non-NULL. */
#define SIGNATURE_VERIFIES GINT_TO_POINTER(1)
#define SIGNATURE_FAILS GINT_TO_POINTER(2)

static void cached_certificate_free(gpointer data)
{
    cached_certificate *entry = data;
    mtls_certificate_unref(entry->certificate);
    g_free(entry->error);
    g_free(entry);
}

static void certificate_verify_free(gpointer data)
{
    mtls_certificate_verify_result *result = data;
    g_free(result->detail);
    g_free(result);
}

static void server_name_facts_free(gpointer data)
{
    mtls_server_name_facts *facts = data;
    mtls_server_name_facts_clear(facts);
    g_free(facts);
}

/* A SHA-256 digest is uniformly distributed: its first bytes are a hash. */
static unsigned digest_hash(gconstpointer digest)
{
    unsigned hash;
    memcpy(&hash, digest, sizeof hash);
    return hash;
}

static gboolean digest_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, SHA256_SIZE) == 0;
}

/* A (certificate, issuer) pair: the two digests side by side. */
static unsigned pair_hash(gconstpointer pair)
{
    return digest_hash(pair) ^ (digest_hash((const uint8_t *)pair + SHA256_SIZE) * 31u);
}

static gboolean pair_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, 2 * SHA256_SIZE) == 0;
}

/* The DER eight bytes at a time: g_bytes_hash takes one byte per step, which
 * made hashing a received certificate cost more than the rest of its lookup.
 * Every byte counts, so no crafted set of certificates shares one hash. */
static unsigned der_hash(gconstpointer key)
{
    size_t length;
    const uint8_t *bytes = g_bytes_get_data((GBytes *)key, &length);
    uint64_t hash = 0x9e3779b97f4a7c15u ^ length;
    size_t i = 0;
    for (; i + sizeof(uint64_t) <= length; i += sizeof(uint64_t)) {
        uint64_t word;
        memcpy(&word, bytes + i, sizeof word);
        hash = (((hash << 29) | (hash >> 35)) ^ word) * 0x9e3779b97f4a7c15u;
    }
    for (; i < length; i++)
        hash = (((hash << 29) | (hash >> 35)) ^ bytes[i]) * 0x9e3779b97f4a7c15u;
    return (unsigned)(hash ^ (hash >> 32));
}

mtls_capture *mtls_capture_new(mtls_config *config)
{
    mtls_capture *capture = g_new0(mtls_capture, 1);
    capture->reference_count = 1;
    capture->config = mtls_config_ref(config);
    /* Keyed by the DER itself: a lookup hashes the bytes cheaply and compares
     * them, where a SHA-256 per certificate received cost more than the rest
     * of its handshake's analysis. The digest is computed once, on a miss. */
    capture->certificates = g_hash_table_new_full(der_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
                                                  cached_certificate_free);
    /* The key is the value's own DER, released with it. */
    capture->ca_names = g_hash_table_new_full(der_hash, g_bytes_equal, NULL, mtls_ca_name_unref);
    capture->signatures = g_hash_table_new_full(pair_hash, pair_equal, g_free, NULL);
    capture->certificate_verifies = g_hash_table_new_full(digest_hash, digest_equal, g_free, certificate_verify_free);
    capture->server_names =
        g_hash_table_new_full(der_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, server_name_facts_free);
    /* Keys and values are borrowed from the certificates table, and emptied
     * with it. */
    for (size_t i = 0; i < MTLS_ISSUER_SOURCE_COUNT; i++)
        capture->issuers[i] = g_hash_table_new(digest_hash, digest_equal);
    capture->name_texts = g_hash_table_new_full(der_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, g_free);
    capture->texts = g_string_chunk_new(4096);
    mtls_flow_texts_init(&capture->flow_texts, capture->texts);
    capture->stored = g_hash_table_new_full(der_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
    capture->rendered_flow = g_string_new(NULL);
    capture->rendered_verdict_reason = g_string_new(NULL);
    capture->rendered_message = g_string_new(NULL);
    capture->frames = mtls_frame_index_new();
    return capture;
}

mtls_capture *mtls_capture_ref(mtls_capture *capture)
{
    g_atomic_int_inc(&capture->reference_count);
    return capture;
}

void mtls_capture_unref(mtls_capture *capture)
{
    if (capture == NULL || !g_atomic_int_dec_and_test(&capture->reference_count))
        return;
    for (size_t i = 0; i < MTLS_ISSUER_SOURCE_COUNT; i++)
        g_hash_table_destroy(capture->issuers[i]);
    g_hash_table_destroy(capture->signatures);
    g_hash_table_destroy(capture->certificate_verifies);
    g_hash_table_destroy(capture->server_names);
    g_hash_table_destroy(capture->ca_names);
    g_hash_table_destroy(capture->name_texts);
    g_hash_table_destroy(capture->certificates);
    mtls_flow_texts_clear(&capture->flow_texts);
    g_hash_table_destroy(capture->stored);
    g_string_chunk_free(capture->texts);
    g_string_free(capture->rendered_flow, TRUE);
    g_string_free(capture->rendered_verdict_reason, TRUE);
    g_string_free(capture->rendered_message, TRUE);
    mtls_frame_index_free(capture->frames);
    mtls_config_unref(capture->config);
    g_free(capture);
}

mtls_capture_statistics mtls_capture_get_statistics(const mtls_capture *capture)
{
    mtls_capture_statistics statistics = capture->statistics;
    statistics.cached_signature_verdicts = g_hash_table_size(capture->signatures);
    statistics.cached_certificates = g_hash_table_size(capture->certificates);
    statistics.cached_ca_names = g_hash_table_size(capture->ca_names);
    return statistics;
}

static const mtls_certificate_summary *summary_of(mtls_capture *capture, cached_certificate *entry)
{
    if (!entry->summarised) {
        const mtls_certificate *certificate = entry->certificate;
        entry->summary = (mtls_certificate_summary){
            .subject = mtls_capture_text(capture, certificate->subject),
            .issuer = mtls_capture_text(capture, certificate->issuer),
            .not_before = certificate->not_before,
            .not_after = certificate->not_after,
            .key = mtls_capture_text(capture, certificate->key_description),
            .signature_algorithm = mtls_capture_text(capture, certificate->signature_algorithm),
            .sha256 = mtls_capture_text(capture, certificate->sha256),
            .extended_key_usage = mtls_capture_text(capture, certificate->extended_key_usage),
        };
        entry->summarised = true;
    }
    return &entry->summary;
}

const mtls_certificate *mtls_capture_certificate(mtls_capture *capture, const uint8_t *der, size_t length,
                                                 const char **error, const mtls_certificate_summary **summary)
{
    capture->statistics.certificate_lookups++;
    GBytes *key = g_bytes_new_static(der, length);
    cached_certificate *entry = g_hash_table_lookup(capture->certificates, key);
    g_bytes_unref(key);
    if (entry != NULL)
        entry->asked_again = true;
    if (entry == NULL) {
        entry = g_new0(cached_certificate, 1);
        uint8_t digest[SHA256_SIZE];
        if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der, length, digest) < 0)
            entry->error = g_strdup("its SHA-256 fingerprint cannot be computed");
        else
            entry->certificate = mtls_certificate_parse(der, length, digest, capture->name_texts, &entry->error);
        capture->statistics.distinct_certificates++;
        GBytes *stored = entry->certificate != NULL ? g_bytes_ref(entry->certificate->der) : g_bytes_new(der, length);
        g_hash_table_insert(capture->certificates, stored, entry);
    }
    *error = entry->error;
    if (summary != NULL)
        *summary = entry->certificate != NULL ? summary_of(capture, entry) : NULL;
    return entry->certificate;
}

void mtls_capture_note_frame(mtls_capture *capture, uint32_t frame, mtls_handshake *const *handshakes,
                             size_t count)
{
    mtls_frame_index_note(capture->frames, frame, handshakes, count);
}

size_t mtls_capture_frame_handshakes(const mtls_capture *capture, uint32_t frame,
                                     mtls_handshake *const **handshakes)
{
    return mtls_frame_index_find(capture->frames, frame, handshakes);
}

const mtls_ca_name *mtls_capture_ca_name(mtls_capture *capture, const uint8_t *der, size_t length)
{
    GBytes *key = g_bytes_new_static(der, length);
    mtls_ca_name *ca_name = g_hash_table_lookup(capture->ca_names, key);
    g_bytes_unref(key);
    if (ca_name == NULL) {
        ca_name = mtls_ca_name_new(der, length);
        g_hash_table_insert(capture->ca_names, ca_name->der, ca_name);
    }
    return ca_name;
}

const char *mtls_capture_text(mtls_capture *capture, const char *text)
{
    return text == NULL ? NULL : g_string_chunk_insert_const(capture->texts, text);
}

const void *mtls_capture_store(mtls_capture *capture, const void *data, size_t size)
{
    if (size == 0)
        return NULL;
    GBytes *key = g_bytes_new_static(data, size);
    gpointer stored = NULL;
    if (!g_hash_table_lookup_extended(capture->stored, key, &stored, NULL)) {
        stored = g_bytes_new(data, size);
        g_hash_table_add(capture->stored, stored);
    }
    g_bytes_unref(key);
    return g_bytes_get_data(stored, NULL);
}

/* Empties `cache` when it holds more than the limit; its entries can all be
 * made again. */
static bool empty_when_over(mtls_capture *capture, GHashTable *cache)
{
    if (g_hash_table_size(cache) <= capture->config->cache_limit)
        return false;
    g_hash_table_remove_all(cache);
    capture->statistics.cache_flushes++;
    return true;
}

static gboolean not_asked_again(gpointer key, gpointer value, gpointer user_data)
{
    (void)key;
    (void)user_data;
    cached_certificate *entry = value;
    const bool drop = !entry->asked_again;
    entry->asked_again = false;
    return drop;
}

/* Over the limit, the certificates cache first drops those not asked for
 * since they came in or since the last sweep: the issuing CA that every
 * client sends stays, the leaves each sent once go. Only when that is not
 * enough is it emptied. Returns whether any entry went. */
static bool sweep_certificates(mtls_capture *capture)
{
    GHashTable *cache = capture->certificates;
    if (g_hash_table_size(cache) <= capture->config->cache_limit)
        return false;
    capture->statistics.cache_flushes++;
    bool dropped = g_hash_table_foreach_remove(cache, not_asked_again, NULL) > 0;
    if (g_hash_table_size(cache) > capture->config->cache_limit) {
        g_hash_table_remove_all(cache);
        dropped = true;
    }
    return dropped;
}

void mtls_capture_trim(mtls_capture *capture)
{
    /* The issuer answers borrow from the certificates: any that went takes them along. */
    const bool certificates_emptied = sweep_certificates(capture);
    for (size_t i = 0; i < MTLS_ISSUER_SOURCE_COUNT; i++) {
        if (certificates_emptied)
            g_hash_table_remove_all(capture->issuers[i]);
        else
            empty_when_over(capture, capture->issuers[i]);
    }
    empty_when_over(capture, capture->signatures);
    empty_when_over(capture, capture->certificate_verifies);
    empty_when_over(capture, capture->server_names);
    empty_when_over(capture, capture->ca_names);
    empty_when_over(capture, capture->name_texts);
}

bool mtls_capture_issued_by(mtls_capture *capture, const mtls_certificate *certificate,
                            const mtls_certificate *issuer)
{
    capture->statistics.signature_lookups++;
    /* Names first: most pairs a chain check tries differ there, and caching
     * them would make the table grow with the square of a chain's length. */
    if (!mtls_certificate_names_issuer(certificate, issuer))
        return false;
    uint8_t pair[2 * SHA256_SIZE];
    memcpy(pair, certificate->sha256_digest, SHA256_SIZE);
    memcpy(pair + SHA256_SIZE, issuer->sha256_digest, SHA256_SIZE);
    gpointer verdict = g_hash_table_lookup(capture->signatures, pair);
    if (verdict == NULL) {
        verdict = mtls_certificate_issued_by(certificate, issuer) ? SIGNATURE_VERIFIES : SIGNATURE_FAILS;
        capture->statistics.signature_checks++;
        g_hash_table_insert(capture->signatures, g_memdup2(pair, sizeof pair), verdict);
    }
    return verdict == SIGNATURE_VERIFIES;
}

/* Every input of the check, each length included so that no two different
 * inputs run together into the same bytes. */
static void certificate_verify_key(const mtls_transcript *transcript, const uint8_t *message, size_t length,
                                   uint16_t version, uint16_t cipher_suite, const mtls_certificate *leaf,
                                   uint8_t key[SHA256_SIZE])
{
    const uint64_t numbers[] = {version, cipher_suite, transcript->first_client_hello_length,
                                transcript->messages->len, length};
    GChecksum *checksum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(checksum, (const uint8_t *)numbers, sizeof numbers);
    g_checksum_update(checksum, leaf->sha256_digest, SHA256_SIZE);
    g_checksum_update(checksum, transcript->messages->data, transcript->messages->len);
    g_checksum_update(checksum, message, length);
    size_t key_length = SHA256_SIZE;
    g_checksum_get_digest(checksum, key, &key_length);
    g_checksum_free(checksum);
}

mtls_certificate_verify_result mtls_capture_check_certificate_verify(mtls_capture *capture,
                                                                     const mtls_transcript *transcript,
                                                                     const uint8_t *message, size_t length,
                                                                     uint16_t version, uint16_t cipher_suite,
                                                                     const mtls_certificate *leaf)
{
    capture->statistics.certificate_verify_lookups++;
    /* What cannot be checked costs no public-key operation to say so. */
    if (message == NULL || leaf == NULL || transcript->messages == NULL || transcript->incomplete)
        return mtls_check_client_certificate_verify(transcript, message, length, version, cipher_suite, leaf);
    uint8_t key[SHA256_SIZE];
    certificate_verify_key(transcript, message, length, version, cipher_suite, leaf, key);
    const mtls_certificate_verify_result *known = g_hash_table_lookup(capture->certificate_verifies, key);
    if (known != NULL)
        return (mtls_certificate_verify_result){known->result, known->scheme, g_strdup(known->detail)};
    const mtls_certificate_verify_result result =
        mtls_check_client_certificate_verify(transcript, message, length, version, cipher_suite, leaf);
    capture->statistics.certificate_verify_checks++;
    mtls_certificate_verify_result *kept = g_new(mtls_certificate_verify_result, 1);
    *kept = (mtls_certificate_verify_result){result.result, result.scheme, g_strdup(result.detail)};
    g_hash_table_insert(capture->certificate_verifies, g_memdup2(key, SHA256_SIZE), kept);
    return result;
}

void mtls_capture_check_server_name(mtls_capture *capture, const mtls_server_name_input *input,
                                    GPtrArray *findings)
{
    if (input->client_hello_frame == 0 || input->server_leaf == NULL)
        return;
    /* The digest, then the name with its terminating 0, so that no name is a
     * prefix of another's key; no name at all is an empty one. */
    const char *name = input->server_name != NULL ? input->server_name : "";
    const size_t name_size = strlen(name) + (input->server_name != NULL ? 1 : 0);
    uint8_t *key = g_malloc(SHA256_SIZE + name_size);
    memcpy(key, input->server_leaf->sha256_digest, SHA256_SIZE);
    memcpy(key + SHA256_SIZE, name, name_size);
    GBytes *pair = g_bytes_new_take(key, SHA256_SIZE + name_size);
    mtls_server_name_facts *facts = g_hash_table_lookup(capture->server_names, pair);
    if (facts == NULL) {
        facts = g_new(mtls_server_name_facts, 1);
        *facts = mtls_server_name_facts_of(input->server_leaf, input->server_name);
        g_hash_table_insert(capture->server_names, g_bytes_ref(pair), facts);
    }
    g_bytes_unref(pair);
    mtls_report_server_name(input, facts, findings);
}

typedef struct {
    mtls_capture *capture;
    const mtls_certificate *certificate;
    const mtls_certificate *issuer;
} issuer_search;

static bool issuer_if_signed(const uint8_t *der, size_t length, void *user_data)
{
    issuer_search *search = user_data;
    const char *error;
    const mtls_certificate *candidate = mtls_capture_certificate(search->capture, der, length, &error, NULL);
    if (candidate == NULL || !mtls_capture_issued_by(search->capture, search->certificate, candidate))
        return false;
    search->issuer = candidate;
    return true;
}

const mtls_certificate *mtls_capture_issuer_from(mtls_capture *capture, mtls_issuer_source source,
                                                 const mtls_certificate *certificate)
{
    GHashTable *issuers = capture->issuers[source];
    gpointer issuer = NULL;
    if (g_hash_table_lookup_extended(issuers, certificate->sha256_digest, NULL, &issuer))
        return issuer;
    issuer_search search = {capture, certificate, NULL};
    mtls_config_issuer_candidates(capture->config, source, certificate, issuer_if_signed, &search);
    g_hash_table_insert(issuers, (gpointer)certificate->sha256_digest, (gpointer)search.issuer);
    return search.issuer;
}
