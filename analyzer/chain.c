/* chain.c - certificate chain checks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "chain.h"

#include <stdarg.h>
#include <string.h>

#include "codes.h"
#include "findings.h"

#define SECONDS_PER_DAY 86400

/* A client library picks its certificate by comparing the DER of these
 * names with its chain's, byte for byte; so does this. */
static const mtls_ca_name *listed_name(const GPtrArray *ca_names, GBytes *name)
{
    for (unsigned i = 0; i < ca_names->len; i++) {
        const mtls_ca_name *ca_name = g_ptr_array_index(ca_names, i);
        if (g_bytes_equal(ca_name->der, name))
            return ca_name;
    }
    return NULL;
}

typedef struct {
    const mtls_chain_input *input;
    GPtrArray *findings;
    mtls_evidence evidence;
    GArray *path;            /* indices into certificates, leaf first, following issuers */
    bool path_reaches_root;  /* the last certificate on the path is self-signed */
} chain_check;

static const mtls_certificate *certificate_at(const chain_check *check, unsigned index)
{
    return g_ptr_array_index(check->input->certificates, index);
}

static const mtls_certificate *path_certificate(const chain_check *check, unsigned position)
{
    return certificate_at(check, g_array_index(check->path, unsigned, position));
}

static bool path_contains(const chain_check *check, unsigned index)
{
    for (unsigned position = 0; position < check->path->len; position++) {
        if (g_array_index(check->path, unsigned, position) == index)
            return true;
    }
    return false;
}

static const char *position_name(const chain_check *check, unsigned index)
{
    if (index == 0)
        return "leaf";
    return certificate_at(check, index)->self_signed ? "root" : "intermediate";
}

static const char *code_for(const chain_check *check, const char *client_code, const char *server_code)
{
    return check->input->side == MTLS_SIDE_CLIENT ? client_code : server_code;
}

/* The "s" of an English plural, for a count. */
static const char *plural(unsigned count)
{
    return count == 1 ? "" : "s";
}

/* "client" or "server": whose chain the messages speak of. */
static const char *whose(const chain_check *check)
{
    return mtls_side_name(check->input->side);
}

/* The next certificate on the path after `current`, trying the next one in
 * the list first: one bearing the issuer's name and key identifier. Only
 * when every certificate of that name has another key identifier does a
 * signature decide, as verifiers fall back to it for CAs re-keyed under the
 * same name. */
static unsigned next_on_path(chain_check *check, unsigned current, const bool *used)
{
    const unsigned sent = check->input->certificates->len;
    const mtls_certificate *certificate = certificate_at(check, current);
    bool named_elsewhere = false;
    for (unsigned offset = 1; offset < sent; offset++) {
        unsigned candidate = (current + offset) % sent;
        if (used[candidate])
            continue;
        if (mtls_certificate_may_have_issued(certificate_at(check, candidate), certificate))
            return candidate;
        named_elsewhere =
            named_elsewhere || mtls_certificate_names_issuer(certificate, certificate_at(check, candidate));
    }
    for (unsigned offset = 1; named_elsewhere && offset < sent; offset++) {
        unsigned candidate = (current + offset) % sent;
        if (!used[candidate] &&
            mtls_capture_issued_by(check->input->capture, certificate, certificate_at(check, candidate)))
            return candidate;
    }
    return G_MAXUINT;
}

/* Follows issuers among the certificates sent, in whatever order they came.
 * Links are made on names and key identifiers, as a verifier builds its
 * path; whether each link's signature verifies is check_link_signatures'. */
static void build_path(chain_check *check)
{
    bool *used = g_new0(bool, check->input->certificates->len);
    unsigned current = 0;
    used[0] = TRUE;
    g_array_append_val(check->path, current);
    while (!certificate_at(check, current)->self_signed) {
        unsigned next = next_on_path(check, current, used);
        if (next == G_MAXUINT)
            break;
        used[next] = TRUE;
        g_array_append_val(check->path, next);
        current = next;
    }
    check->path_reaches_root = certificate_at(check, current)->self_signed;
    g_free(used);
}

/* A list of entries for a message: a chain of thousands must not make a
 * message of thousands, so only the first few are spelled out. */
#define ENTRIES_SHOWN 8

typedef struct {
    GString *text;
    unsigned count;
} entry_list;

static void append_entry(entry_list *list, const char *format, ...) G_GNUC_PRINTF(2, 3);
static void append_entry(entry_list *list, const char *format, ...)
{
    if (++list->count > ENTRIES_SHOWN)
        return;
    /* Made for the first entry: most chains have none to list. */
    if (list->text == NULL)
        list->text = g_string_new(NULL);
    else
        g_string_append(list->text, "; ");
    va_list args;
    va_start(args, format);
    g_string_append_vprintf(list->text, format, args);
    va_end(args);
}

static const char *entries_text(entry_list *list)
{
    if (list->count > ENTRIES_SHOWN) {
        g_string_append_printf(list->text, "; and %u more", list->count - ENTRIES_SHOWN);
        list->count = ENTRIES_SHOWN; /* said once */
    }
    return list->text->str;
}

static void entries_clear(entry_list *list)
{
    if (list->text != NULL)
        g_string_free(list->text, TRUE);
}

static void check_validity(chain_check *check)
{
    const int64_t now = check->input->capture_time;
    entry_list expired = {NULL, 0}, premature = {NULL, 0}, expiring = {NULL, 0};
    const int64_t warning_horizon = now + (int64_t)check->input->capture->config->expiry_warning_days * SECONDS_PER_DAY;
    for (unsigned i = 0; i < check->input->certificates->len; i++) {
        const mtls_certificate *certificate = certificate_at(check, i);
        if (certificate->not_after >= 0 && now > certificate->not_after) {
            char *when = mtls_format_time(certificate->not_after);
            append_entry(&expired, "%s '%s' expired %s (%" G_GINT64_FORMAT " days before the capture)",
                         position_name(check, i), certificate->subject, when,
                         (now - certificate->not_after) / SECONDS_PER_DAY);
            g_free(when);
        }
        if (certificate->not_before >= 0 && now < certificate->not_before) {
            char *when = mtls_format_time(certificate->not_before);
            append_entry(&premature, "%s '%s' is valid only from %s", position_name(check, i), certificate->subject,
                         when);
            g_free(when);
        }
        /* A certificate valid for no more than twice the window is short-lived
         * by design (renewed by automation, or a Globus proxy): no note. */
        const int64_t lifetime = certificate->not_after - certificate->not_before;
        if (certificate->not_after >= 0 && now <= certificate->not_after && certificate->not_after < warning_horizon &&
            certificate->not_before >= 0 && lifetime > 2 * (warning_horizon - now)) {
            char *when = mtls_format_time(certificate->not_after);
            int64_t days = (certificate->not_after - now) / SECONDS_PER_DAY;
            append_entry(&expiring,
                         "%s '%s' (SHA-256 %.16s...) expires %s, %" G_GINT64_FORMAT " day%s after the capture",
                         position_name(check, i), certificate->subject, certificate->sha256, when, days,
                         days == 1 ? "" : "s");
            g_free(when);
        }
    }
    if (expired.count == 0 && premature.count == 0 && expiring.count == 0)
        return;
    char *capture_time = mtls_format_time(now);
    if (expired.count)
        mtls_findings_add(check->findings, code_for(check, MTLS_CODE_EXPIRED, MTLS_CODE_SERVER_EXPIRED),
                          check->input->certificate_frame, check->evidence,
                          "The %s chain holds an expired certificate: renew it and install the new certificate on "
                          "the %s. It had expired when this handshake was captured (%s): %s.",
                          whose(check), whose(check), capture_time, entries_text(&expired));
    if (premature.count)
        mtls_findings_add(check->findings, code_for(check, MTLS_CODE_NOT_YET_VALID, MTLS_CODE_SERVER_NOT_YET_VALID),
                          check->input->certificate_frame, check->evidence,
                          "The %s chain holds a certificate that is not yet valid: check the clock of the machine "
                          "that issued it, or wait. It was not yet valid when this handshake was captured (%s): %s.",
                          whose(check), capture_time, entries_text(&premature));
    if (expiring.count)
        mtls_findings_add(check->findings, code_for(check, MTLS_CODE_EXPIRES_SOON, MTLS_CODE_SERVER_EXPIRES_SOON),
                          check->input->certificate_frame, check->evidence,
                          "The %s chain holds a certificate that expires within %u days of this capture: renew it "
                          "now. Capture time %s: %s. Nothing fails yet; for a client certificate, register the new "
                          "one on the server side (certificate-to-user mapping, service key) before the old one "
                          "expires, or the handshake or the login after it will fail on that day.",
                          whose(check), check->input->capture->config->expiry_warning_days, capture_time,
                          entries_text(&expiring));
    entries_clear(&expired);
    entries_clear(&premature);
    entries_clear(&expiring);
    g_free(capture_time);
}

static void check_extended_key_usage(chain_check *check)
{
    const mtls_certificate *leaf = certificate_at(check, 0);
    if (!leaf->has_extended_key_usage)
        return;
    if (check->input->side == MTLS_SIDE_CLIENT && !leaf->eku_client_auth)
        mtls_findings_add(check->findings, MTLS_CODE_CLIENT_AUTH_EKU_MISSING, check->input->certificate_frame,
                          check->evidence,
                          "The client certificate '%s' lacks the clientAuth Extended Key Usage: request one with the "
                          "clientAuth purpose. Its Extended Key Usage extension has no clientAuth (TLS Web Client "
                          "Authentication), so servers refuse it for client authentication, with an alert that "
                          "varies by stack (OpenSSL and Mbed TLS: unsupported_certificate; wolfSSL and Go: "
                          "bad_certificate; Erlang: handshake_failure; Java: certificate_unknown). A "
                          "client-certificate template gives one.",
                          leaf->subject);
    if (check->input->side == MTLS_SIDE_SERVER && !leaf->eku_server_auth)
        mtls_findings_add(check->findings, MTLS_CODE_SERVER_AUTH_EKU_MISSING, check->input->certificate_frame,
                          check->evidence,
                          "The server certificate '%s' lacks the serverAuth Extended Key Usage: issue one with the "
                          "serverAuth purpose. Its Extended Key Usage extension has no serverAuth (TLS Web "
                          "Server Authentication), so clients refuse it.",
                          leaf->subject);
}

/* What each issuer on the path must be to sign: a CA (basicConstraints),
 * allowed to sign certificates (keyCertSign), with room below it for the
 * CAs that follow (pathLenConstraint). */
static void check_issuer_roles(chain_check *check)
{
    entry_list not_ca = {NULL, 0};
    entry_list no_cert_sign = {NULL, 0};
    entry_list too_deep = {NULL, 0};
    unsigned intermediates_below = 0;
    for (unsigned position = 1; position < check->path->len; position++) {
        const mtls_certificate *issuer = path_certificate(check, position);
        const mtls_certificate *issued = path_certificate(check, position - 1);
        /* X.509 v1 roots predate extensions and are accepted as CAs; grid
         * proxy certificates (RFC 3820) are issued by end entities. */
        bool v1_root = issuer->version < 3 && issuer->self_signed;
        bool not_a_ca = !v1_root && !issuer->is_ca && !issued->is_proxy;
        if (not_a_ca)
            append_entry(&not_ca, "'%s' issued '%s' but %s", issuer->subject, issued->subject,
                         issuer->version < 3 ? "is an X.509 v1 certificate without basicConstraints"
                         : issuer->has_basic_constraints ? "its basicConstraints say CA:FALSE"
                                                         : "has no basicConstraints extension");
        /* A leaf used as a CA lacks keyCertSign as well; not being a CA says it all. */
        if (!not_a_ca && !issued->is_proxy && issuer->has_key_usage && !(issuer->key_usage & GNUTLS_KEY_KEY_CERT_SIGN))
            append_entry(&no_cert_sign, "the CA '%s' has a Key Usage without keyCertSign", issuer->subject);
        if (issuer->path_length_limit >= 0 && intermediates_below > (unsigned)issuer->path_length_limit)
            append_entry(&too_deep, "'%s' allows %d CA%s below it (pathLenConstraint) and %u follow it",
                         issuer->subject, issuer->path_length_limit, plural((unsigned)issuer->path_length_limit),
                         intermediates_below);
        if (!issuer->self_issued && !issuer->is_proxy && issuer->is_ca)
            intermediates_below++;
    }
    const uint32_t frame = check->input->certificate_frame;
    if (not_ca.count)
        mtls_findings_add(check->findings, code_for(check, MTLS_CODE_NOT_A_CA, MTLS_CODE_SERVER_NOT_A_CA), frame,
                          check->evidence,
                          "A certificate that is not a CA signed another in the %s chain: issue from a real CA, or "
                          "make that issuer CA:TRUE. In the %s chain, %s. Only a CA certificate may sign others, so "
                          "every verifier rejects the chain (OpenSSL: 'invalid CA certificate'). A leaf certificate "
                          "was probably used as an issuer: issue the certificate from a real CA, or re-issue the "
                          "intermediate with basicConstraints CA:TRUE.",
                          whose(check), whose(check), entries_text(&not_ca));
    if (too_deep.count)
        mtls_findings_add(check->findings,
                          code_for(check, MTLS_CODE_PATH_LENGTH_EXCEEDED, MTLS_CODE_SERVER_PATH_LENGTH_EXCEEDED),
                          frame, check->evidence,
                          "The %s chain is deeper than a CA's pathLenConstraint permits: issue from a CA higher up, or "
                          "raise the constraint. In the %s chain, %s: verifiers reject it (OpenSSL: 'path length "
                          "constraint exceeded'). Issue the certificate from a CA higher up, or re-issue the "
                          "constraining CA with a larger pathLenConstraint.",
                          whose(check), whose(check), entries_text(&too_deep));
    if (no_cert_sign.count)
        mtls_findings_add(check->findings, code_for(check, MTLS_CODE_KEY_USAGE, MTLS_CODE_SERVER_KEY_USAGE), frame,
                          check->evidence,
                          "A CA in the %s chain may not sign certificates: re-issue it with keyCertSign in its Key "
                          "Usage. In the %s chain, %s, so it may not sign certificates and verifiers reject the chain "
                          "(OpenSSL: 'key usage does not include certificate signing').",
                          whose(check), whose(check), entries_text(&no_cert_sign));
    entries_clear(&not_ca);
    entries_clear(&no_cert_sign);
    entries_clear(&too_deep);
}

/* The leaf signs the handshake (CertificateVerify for a client; the key
 * exchange for a server), so its Key Usage must allow that. */
static void check_leaf_key_usage(chain_check *check)
{
    const mtls_certificate *leaf = certificate_at(check, 0);
    /* A CA sent first is a chain-order problem, reported as such. */
    if (!leaf->has_key_usage || leaf->is_ca)
        return;
    if (check->input->side == MTLS_SIDE_CLIENT && !(leaf->key_usage & GNUTLS_KEY_DIGITAL_SIGNATURE))
        mtls_findings_add(check->findings, MTLS_CODE_KEY_USAGE, check->input->certificate_frame, check->evidence,
                          "The client certificate '%s' lacks digitalSignature in its Key Usage: request one that has "
                          "it. A client proves it holds the key by signing (CertificateVerify): servers reject it "
                          "(OpenSSL: unsupported_certificate).",
                          leaf->subject);
    if (check->input->side == MTLS_SIDE_SERVER &&
        !(leaf->key_usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT | GNUTLS_KEY_KEY_AGREEMENT)))
        mtls_findings_add(check->findings, MTLS_CODE_SERVER_KEY_USAGE, check->input->certificate_frame,
                          check->evidence,
                          "The Key Usage of server certificate '%s' fits no TLS key exchange: re-issue it with "
                          "digitalSignature. It allows neither digitalSignature nor key encipherment or agreement, "
                          "so it cannot take part in a TLS key exchange and clients reject it; an RSA certificate "
                          "also needs keyEncipherment.",
                          leaf->subject);
}

/* Key sizes and hashes that current defaults refuse (OpenSSL security
 * level 2, Java's jdk.certpath.disabledAlgorithms, Windows). A root's own
 * signature is never checked by anyone, so it does not count. */
static void check_algorithms(chain_check *check)
{
    entry_list weak_keys = {NULL, 0};
    entry_list weak_signatures = {NULL, 0};
    for (unsigned i = 0; i < check->input->certificates->len; i++) {
        const mtls_certificate *certificate = certificate_at(check, i);
        if (certificate->weak_key)
            append_entry(&weak_keys, "%s '%s' has a %s key", position_name(check, i), certificate->subject,
                         certificate->key_description);
        if (certificate->weak_signature_hash && !certificate->self_signed)
            append_entry(&weak_signatures, "%s '%s' is signed with %s", position_name(check, i), certificate->subject,
                         certificate->signature_algorithm);
    }
    const uint32_t frame = check->input->certificate_frame;
    if (weak_keys.count)
        mtls_findings_add(check->findings, code_for(check, MTLS_CODE_WEAK_KEY, MTLS_CODE_SERVER_WEAK_KEY), frame,
                          check->evidence,
                          "The %s chain holds a key that is too small: issue a new certificate with an RSA 2048+ or "
                          "EC P-256+ key. In the %s chain, %s. RSA and DSA keys under 2048 bits and EC keys under 256 "
                          "bits are refused by current defaults (OpenSSL security level 2: 'key too small'; Java: "
                          "jdk.certpath.disabledAlgorithms).",
                          whose(check), whose(check), entries_text(&weak_keys));
    if (weak_signatures.count)
        mtls_findings_add(check->findings, code_for(check, MTLS_CODE_WEAK_SIGNATURE, MTLS_CODE_SERVER_WEAK_SIGNATURE),
                          frame, check->evidence,
                          "The %s chain holds a certificate signed with MD5 or SHA-1: have the CA re-issue it with "
                          "SHA-256 or better. In the %s chain, %s. MD5 and SHA-1 certificate signatures are refused "
                          "by current defaults (OpenSSL: 'CA signature digest algorithm too weak'; Java and Windows "
                          "likewise).",
                          whose(check), whose(check), entries_text(&weak_signatures));
    entries_clear(&weak_keys);
    entries_clear(&weak_signatures);
}

static bool sent_earlier(const chain_check *check, unsigned index)
{
    for (unsigned earlier = 0; earlier < index; earlier++) {
        if (strcmp(certificate_at(check, earlier)->sha256, certificate_at(check, index)->sha256) == 0)
            return true;
    }
    return false;
}

static void check_duplicates(chain_check *check)
{
    entry_list duplicates = {NULL, 0};
    for (unsigned i = 1; i < check->input->certificates->len; i++) {
        if (sent_earlier(check, i))
            append_entry(&duplicates, "'%s' again as certificate %u", certificate_at(check, i)->subject, i + 1);
    }
    if (duplicates.count)
        mtls_findings_add(check->findings,
                          code_for(check, MTLS_CODE_DUPLICATE_CERTIFICATE, MTLS_CODE_SERVER_DUPLICATE_CERTIFICATE),
                          check->input->certificate_frame, check->evidence,
                          "The %s sent a certificate twice: send each certificate once. The %s sent %s. Most peers "
                          "ignore the copy, but strict ones reject the chain and it wastes bytes in every handshake: "
                          "the certificate file probably lists the intermediate twice (once in the certificate, once "
                          "in the chain file).",
                          whose(check), whose(check), entries_text(&duplicates));
    entries_clear(&duplicates);
}

static void check_order(chain_check *check)
{
    const unsigned sent = check->input->certificates->len;
    bool reordered = false;
    /* Positions may skip duplicates and strays, but never go backwards. */
    for (unsigned position = 1; position < check->path->len; position++)
        reordered = reordered ||
                    g_array_index(check->path, unsigned, position) < g_array_index(check->path, unsigned, position - 1);
    /* A certificate off the path but issued by one on it means the leaf was
     * not sent first (a reversed chain). Other leftovers after a complete
     * path are strays; after an incomplete one the missing link explains them. */
    unsigned distinct = 0;
    for (unsigned index = 0; index < sent; index++)
        distinct += sent_earlier(check, index) ? 0 : 1;
    bool strays = check->path->len < distinct && check->path_reaches_root;
    for (unsigned index = 0; index < sent && !reordered; index++) {
        if (path_contains(check, index) || sent_earlier(check, index))
            continue;
        for (unsigned position = 0; position < check->path->len && !reordered; position++)
            reordered = mtls_certificate_may_have_issued(path_certificate(check, position),
                                                         certificate_at(check, index));
    }
    if (!reordered && !strays)
        return;

    GString *order = g_string_new(NULL);
    for (unsigned i = 0; i < sent && i < ENTRIES_SHOWN; i++)
        g_string_append_printf(order, "%s%u: '%s'", i ? ", " : "", i + 1, certificate_at(check, i)->subject);
    if (sent > ENTRIES_SHOWN)
        g_string_append_printf(order, " and %u more", sent - ENTRIES_SHOWN);
    mtls_findings_add(check->findings, code_for(check, MTLS_CODE_CHAIN_ORDER, MTLS_CODE_SERVER_CHAIN_ORDER),
                      check->input->certificate_frame, check->evidence,
                      "The %s sent its chain %s: send the leaf first, then each intermediate, then the root. Sent "
                      "order: %s. TLS requires the leaf first and each certificate followed by its issuer; strict "
                      "peers (Java, SAP, many load balancers) reject other orders.",
                      whose(check), reordered ? "out of order" : "with certificates that do not belong to it",
                      order->str);
    g_string_free(order, TRUE);
}

/* The listed CA name the chain is under, nearest the leaf first. */
static const mtls_ca_name *listed_ca_of_chain(const chain_check *check)
{
    const GPtrArray *ca_names = check->input->ca_names;
    for (unsigned position = 0; position < check->path->len; position++) {
        const mtls_certificate *certificate = path_certificate(check, position);
        const mtls_ca_name *found = listed_name(ca_names, certificate->raw_issuer);
        if (found == NULL)
            found = listed_name(ca_names, certificate->raw_subject);
        if (found != NULL)
            return found;
    }
    return NULL;
}

/* The certificate among those seen elsewhere that issued `certificate`. */
static const mtls_certificate *known_issuer_of(const mtls_chain_input *input, const mtls_certificate *certificate)
{
    for (unsigned i = 0; input->known_certificates != NULL && i < input->known_certificates->len; i++) {
        const mtls_certificate *candidate = g_ptr_array_index(input->known_certificates, i);
        if (mtls_capture_issued_by(input->capture, certificate, candidate))
            return candidate;
    }
    return NULL;
}

/* " (authority key identifier 0a:1b:...)" to help find an unsent issuer. */
static char *key_identifier_hint(const mtls_certificate *certificate)
{
    if (certificate->authority_key_id == NULL)
        return g_strdup("");
    size_t length;
    const uint8_t *id = g_bytes_get_data(certificate->authority_key_id, &length);
    GString *hint = g_string_new(" (authority key identifier ");
    mtls_append_hex(hint, id, length, ":");
    g_string_append(hint, ")");
    return g_string_free(hint, FALSE);
}

/* The chain stops below an issuer nobody sent. What that issuer is decides
 * the finding: one the server itself sent is certainly a missing
 * intermediate; a public root means nothing is missing and the CA is not
 * accepted; otherwise the absence alone says "probably". */
static void report_unsent_issuer(chain_check *check, const mtls_certificate *top, const char *where,
                                 const char *ca_list)
{
    const mtls_chain_input *input = check->input;
    const bool names_listed = input->ca_names->len > 0;
    const mtls_certificate *known = known_issuer_of(input, top);
    if (known != NULL) {
        mtls_evidence evidence = check->evidence;
        evidence.frames[1] = input->known_certificates_frame;
        mtls_findings_add(check->findings, MTLS_CODE_MISSING_INTERMEDIATE, input->certificate_frame, evidence,
                          "The client did not send its intermediate CA '%s': configure it to send the full chain. "
                          "It sent %u certificate%s ending at '%s', whose issuer '%s' it did not send; that issuer "
                          "is %s. The server sent '%s' in its own chain (frame %u): it is an intermediate CA of this "
                          "PKI, not a root. A server that does not hold it itself (nginx ssl_trusted_certificate and "
                          "HAProxy ca-verify-file give one) cannot build the client's chain: the keystore entry must "
                          "hold leaf and intermediates.",
                          top->issuer, input->certificates->len, plural(input->certificates->len), top->subject,
                          top->issuer, where, known->subject, input->known_certificates_frame);
        return;
    }
    const mtls_certificate *public_root = mtls_capture_issuer_from(input->capture, MTLS_ISSUER_PUBLIC_ROOTS, top);
    if (public_root != NULL) {
        if (names_listed)
            mtls_findings_add(check->findings, MTLS_CODE_ISSUER_NOT_ACCEPTED, input->certificate_frame,
                              check->evidence,
                              "The server does not accept the client's public root CA '%s': use a certificate from "
                              "a listed CA, or trust that CA. The client chain ends at '%s', issued by the public "
                              "root CA '%s' (found in this machine's system CA bundle, preference "
                              "mtls.public_roots). Nothing is missing from the chain: the server does not accept "
                              "that CA, it lists only %s. Use a client certificate issued by one of the listed CAs, "
                              "or have the server trust '%s' for client certificates.",
                              public_root->subject, top->subject, public_root->subject, ca_list, public_root->subject);
        return;
    }
    char *hint = key_identifier_hint(top);
    const unsigned count = input->certificates->len;
    mtls_findings_add(check->findings, MTLS_CODE_MISSING_INTERMEDIATE, input->certificate_frame, check->evidence,
                      "The server does not know the client's issuer '%s': send the intermediate, or use a "
                      "certificate from a trusted CA. The client sent %u certificate%s ending at '%s', whose issuer "
                      "'%s'%s was not sent and is %s; that certificate is nowhere in this handshake, so the issuer "
                      "is unknown to this server. Either the client did not send its intermediate CA certificate "
                      "(configure it to send the full chain: the keystore entry must hold leaf and intermediates), "
                      "or '%s' belongs to a CA the server does not trust (use a certificate issued by one it "
                      "does%s%s).",
                      top->issuer, count, count == 1 ? "" : "s", top->subject, top->issuer, hint, where, top->issuer,
                      names_listed ? ": " : "", names_listed ? ca_list : "");
    g_free(hint);
}

static void check_client_trust(chain_check *check, const mtls_certificate *top, const mtls_certificate *trusted_issuer)
{
    const mtls_chain_input *input = check->input;
    const bool names_listed = input->ca_names->len > 0;
    const bool has_trust_store = mtls_config_has_trust_store(input->capture->config, MTLS_TRUST_CLIENT_CERTIFICATES);
    const bool listed = names_listed && listed_ca_of_chain(check) != NULL;
    if (listed)
        return;
    char *ca_list = mtls_ca_names_for_message(input->ca_names);
    /* The trust store completes the chain with an intermediate the server
     * does not list: whoever holds the store can verify, the server likely not. */
    if (trusted_issuer != NULL && !trusted_issuer->self_signed && names_listed) {
        mtls_findings_add(check->findings, MTLS_CODE_MISSING_INTERMEDIATE, input->certificate_frame, check->evidence,
                          "The server probably lacks intermediate '%s': make the client send the full chain, or "
                          "install it on the server. The client sent %u certificate%s ending at '%s', without its "
                          "issuer '%s'. That intermediate is in your trust store, so the chain can be completed here, "
                          "but the server lists only %s: the server probably lacks it and cannot build the chain.",
                          trusted_issuer->subject, input->certificates->len, plural(input->certificates->len),
                          top->subject, trusted_issuer->subject, ca_list);
        g_free(ca_list);
        return;
    }
    if (trusted_issuer != NULL) {
        g_free(ca_list);
        return;
    }
    const mtls_certificate *leaf = certificate_at(check, 0);

    /* Without CA names or a trust store nothing says what the server trusts;
     * a self-signed leaf is still one, except where peers pin certificates
     * by design (WebRTC over DTLS). */
    if (check->path->len == 1 && top->self_signed && !names_listed && !has_trust_store) {
        if (input->self_signed_by_design) {
            g_free(ca_list);
            return;
        }
        mtls_findings_add(check->findings, MTLS_CODE_SELF_SIGNED, input->certificate_frame, check->evidence,
                          "The client certificate '%s' is self-signed: use one from a CA the server trusts, or have "
                          "the server trust it. The server lists no CA names, so the capture cannot show what it "
                          "trusts. A server accepts it only if it pins this very certificate (it is its own CA); "
                          "gateways, databases and brokers that verify against CAs refuse it.",
                          leaf->subject);
    } else if (check->path->len == 1 && top->self_signed) {
        mtls_findings_add(check->findings, MTLS_CODE_SELF_SIGNED, input->certificate_frame, check->evidence,
                          "The client certificate '%s' is self-signed: use one from a CA the server trusts, or have "
                          "the server trust it. It is %s. Load balancers and gateways accept client certificates only "
                          "from a CA they trust: use a certificate issued by %s.",
                          leaf->subject,
                          names_listed ? "not among the CA names the server listed" : "not in the trust store",
                          names_listed ? ca_list : "a CA the server trusts");
    } else if (top->self_signed) {
        if (names_listed)
            mtls_findings_add(check->findings, MTLS_CODE_ISSUER_NOT_ACCEPTED, input->certificate_frame,
                              check->evidence,
                              "The client sent a certificate from a CA the server does not list: use one issued by a "
                              "listed CA. The client chain '%s' leads to the root '%s', but the server accepts only "
                              "certificates issued by %s. With several certificates in a keystore, the client picks "
                              "by these names.",
                              leaf->subject, top->subject, ca_list);
        if (has_trust_store)
            mtls_findings_add(check->findings, MTLS_CODE_UNTRUSTED_ROOT, input->certificate_frame, check->evidence,
                              "The client's root CA '%s' is not trusted: trust it on the server, or use a certificate "
                              "from a trusted CA. The client chain ends at that root, which is not in the configured "
                              "trust store%s.",
                              top->subject, names_listed ? " nor among the CA names the server listed" : "");
    } else if (names_listed || has_trust_store) {
        GString *where = g_string_new(NULL);
        if (names_listed)
            g_string_append_printf(where, "not among the CA names the server listed (%s)", ca_list);
        if (has_trust_store)
            g_string_append_printf(where, "%snot in the configured trust store", names_listed ? " and " : "");
        report_unsent_issuer(check, top, where->str, ca_list);
        g_string_free(where, TRUE);
    } else if (known_issuer_of(input, top) != NULL) {
        /* No CA names and no trust store say what the server trusts, but its
         * own chain shows the unsent issuer is an intermediate, not a root. */
        report_unsent_issuer(check, top, "not named by the server (its CertificateRequest lists no CA names)",
                             ca_list);
    }
    g_free(ca_list);
}

static void check_server_trust(chain_check *check, const mtls_certificate *top, bool trusted)
{
    const mtls_chain_input *input = check->input;
    const mtls_certificate *leaf = certificate_at(check, 0);
    if (trusted)
        return;
    if (check->path->len == 1 && top->self_signed)
        mtls_findings_add(check->findings, MTLS_CODE_SERVER_SELF_SIGNED, input->certificate_frame, check->evidence,
                          "The server certificate '%s' is self-signed: install one from a CA the clients trust on "
                          "the server. Clients reject it unless it is pinned in their trust store.",
                          leaf->subject);
    else if (!mtls_config_has_trust_store(input->capture->config, MTLS_TRUST_SERVER_CERTIFICATES))
        return;
    else if (top->self_signed)
        mtls_findings_add(check->findings, MTLS_CODE_SERVER_UNTRUSTED_ROOT, input->certificate_frame,
                          check->evidence,
                          "The server's root CA '%s' is not in the client's trust store: add it there if the server "
                          "is genuine. The server chain ends at that root; the client's trust store is the Java "
                          "truststore, SAP STRUST or the Windows store.",
                          top->subject);
    else
        mtls_findings_add(check->findings, MTLS_CODE_SERVER_MISSING_INTERMEDIATE, input->certificate_frame,
                          check->evidence,
                          "The server probably does not send its intermediate CA: configure the full chain on the "
                          "server. Its chain ends at '%s', whose issuer '%s' was not sent and is not in the client's "
                          "trust store; if the server does send its full chain, add the issuer to the client's "
                          "trust store.",
                          top->subject, top->issuer);
}

static void report_bad_signature(chain_check *check, const mtls_certificate *certificate,
                                 const mtls_certificate *issuer, uint32_t frame)
{
    mtls_evidence evidence = check->evidence;
    if (frame != check->input->certificate_frame)
        evidence = (mtls_evidence){{check->input->certificate_frame, check->evidence.frames[0]}};
    mtls_findings_add(check->findings, code_for(check, MTLS_CODE_BAD_SIGNATURE, MTLS_CODE_SERVER_BAD_SIGNATURE), frame,
                      evidence,
                      "The %s certificate '%s' has a bad signature: re-issue it, or send the CA certificate that "
                      "really signed it. The key of '%s', which the %s sent as its issuer, does not verify it: the "
                      "certificate was altered, or it was issued by another CA of the same name (a "
                      "re-keyed or re-created CA). Peers reject it (OpenSSL with decrypt_error).",
                      whose(check), certificate->subject, issuer->subject, whose(check));
}

/* The path stopped at `top` although another certificate bearing its
 * issuer's name was sent: next_on_path found its signature broken. The
 * issuer is there, so the chain is not judged incomplete or untrusted. A
 * certificate that merely names itself as issuer without verifying is
 * different: it was signed by an unsent CA of the same name (OpenSSL's
 * default "Internet Widgits" name for CA and server alike), so it is left to
 * the other checks. */
static bool check_broken_signature(chain_check *check, const mtls_certificate *top)
{
    if (top->self_signed)
        return false;
    const mtls_certificate *named_issuer = NULL;
    for (unsigned i = 0; i < check->input->certificates->len && named_issuer == NULL; i++) {
        const mtls_certificate *candidate = certificate_at(check, i);
        if (candidate != top && mtls_certificate_names_issuer(top, candidate))
            named_issuer = candidate;
    }
    if (named_issuer == NULL)
        return false;
    report_bad_signature(check, top, named_issuer, check->input->certificate_frame);
    return true;
}

/* Each link of the path, by the issuer's signature: the first that does not
 * verify is reported on `frame`. A public-key operation per new pair. */
static bool check_link_signatures(chain_check *check, uint32_t frame)
{
    for (unsigned position = 1; position < check->path->len; position++) {
        const mtls_certificate *issued = path_certificate(check, position - 1);
        const mtls_certificate *issuer = path_certificate(check, position);
        if (!mtls_capture_issued_by(check->input->capture, issued, issuer)) {
            report_bad_signature(check, issued, issuer, frame);
            return true;
        }
    }
    return false;
}

/* A check of `input` with its path built. */
static chain_check start_check(const mtls_chain_input *input, GPtrArray *findings)
{
    chain_check check = {
        .input = input,
        .findings = findings,
        .evidence = {{input->certificate_request_frame}},
        .path = g_array_new(FALSE, FALSE, sizeof(unsigned)),
    };
    build_path(&check);
    return check;
}

bool mtls_check_chain_signatures(const mtls_chain_input *input, uint32_t report_frame, GPtrArray *findings)
{
    g_return_val_if_fail(input->certificates->len > 0, false);
    chain_check check = start_check(input, findings);
    const bool broken = check_link_signatures(&check, report_frame);
    g_array_free(check.path, TRUE);
    return broken;
}

const mtls_ca_name *mtls_check_chain(const mtls_chain_input *input, GPtrArray *findings)
{
    g_return_val_if_fail(input->certificates->len > 0, NULL);
    chain_check check = start_check(input, findings);
    check_validity(&check);
    check_extended_key_usage(&check);
    check_leaf_key_usage(&check);
    check_issuer_roles(&check);
    check_algorithms(&check);
    check_duplicates(&check);
    const mtls_ca_name *listed_ca = input->ca_names->len ? listed_ca_of_chain(&check) : NULL;
    if (input->cut_short) {
        g_array_free(check.path, TRUE);
        return listed_ca;
    }
    check_order(&check);

    const mtls_certificate *top = path_certificate(&check, check.path->len - 1);
    if (check_broken_signature(&check, top) ||
        (input->verify_signatures && check_link_signatures(&check, input->certificate_frame))) {
        g_array_free(check.path, TRUE);
        return listed_ca;
    }
    mtls_issuer_source trust_store =
        input->side == MTLS_SIDE_CLIENT ? MTLS_ISSUER_CLIENT_TRUST_STORE : MTLS_ISSUER_SERVER_TRUST_STORE;
    const mtls_certificate *trusted_issuer = mtls_capture_issuer_from(input->capture, trust_store, top);
    if (input->side == MTLS_SIDE_CLIENT)
        check_client_trust(&check, top, trusted_issuer);
    else
        check_server_trust(&check, top, trusted_issuer != NULL);
    g_array_free(check.path, TRUE);
    return listed_ca;
}
