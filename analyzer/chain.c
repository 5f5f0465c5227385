/* chain.c - certificate chain checks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "chain.h"

#include "codes.h"
#include "findings.h"

#define CA_NAMES_SHOWN 5
#define SECONDS_PER_DAY 86400

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

static bool name_is_listed(const GPtrArray *ca_names, GBytes *name)
{
    for (guint i = 0; i < ca_names->len; i++) {
        const mtls_ca_name *ca_name = g_ptr_array_index(ca_names, i);
        if (g_bytes_equal(ca_name->der, name))
            return true;
    }
    return false;
}

typedef struct {
    const mtls_chain_input *input;
    GPtrArray *findings;
    mtls_evidence evidence;
    GArray *path;            /* indices into certificates, leaf first, following issuers */
    bool path_reaches_root;  /* the last certificate on the path is self-signed */
} chain_check;

static const mtls_certificate *certificate_at(const chain_check *check, guint index)
{
    return g_ptr_array_index(check->input->certificates, index);
}

static const mtls_certificate *path_certificate(const chain_check *check, guint position)
{
    return certificate_at(check, g_array_index(check->path, guint, position));
}

static bool path_contains(const chain_check *check, guint index)
{
    for (guint position = 0; position < check->path->len; position++) {
        if (g_array_index(check->path, guint, position) == index)
            return true;
    }
    return false;
}

static const char *position_name(const chain_check *check, guint index)
{
    if (index == 0)
        return "leaf";
    return certificate_at(check, index)->self_signed ? "root" : "intermediate";
}

static const char *code_for(const chain_check *check, const char *client_code, const char *server_code)
{
    return check->input->role == MTLS_ROLE_CLIENT ? client_code : server_code;
}

static const char *side_name(const chain_check *check)
{
    return check->input->role == MTLS_ROLE_CLIENT ? "client" : "server";
}

/* Follows issuers among the certificates sent, in whatever order they came,
 * preferring the next one in the list. */
static void build_path(chain_check *check)
{
    const GPtrArray *certificates = check->input->certificates;
    gboolean *used = g_new0(gboolean, certificates->len);
    guint current = 0;
    used[0] = TRUE;
    g_array_append_val(check->path, current);
    while (!certificate_at(check, current)->self_signed) {
        guint next = G_MAXUINT;
        for (guint offset = 1; offset < certificates->len && next == G_MAXUINT; offset++) {
            guint candidate = (current + offset) % certificates->len;
            if (!used[candidate] &&
                mtls_certificate_issued_by(certificate_at(check, current), certificate_at(check, candidate)))
                next = candidate;
        }
        if (next == G_MAXUINT)
            break;
        used[next] = TRUE;
        g_array_append_val(check->path, next);
        current = next;
    }
    check->path_reaches_root = certificate_at(check, current)->self_signed;
    g_free(used);
}

static void check_validity(chain_check *check)
{
    const int64_t now = check->input->capture_time;
    char *capture_time = mtls_format_time(now);
    GString *expired = g_string_new(NULL);
    GString *premature = g_string_new(NULL);
    for (guint i = 0; i < check->input->certificates->len; i++) {
        const mtls_certificate *certificate = certificate_at(check, i);
        if (certificate->not_after >= 0 && now > certificate->not_after) {
            char *when = mtls_format_time(certificate->not_after);
            g_string_append_printf(expired, "%s%s '%s' expired %s (%" G_GINT64_FORMAT " days before the capture)",
                                   expired->len ? "; " : "", position_name(check, i), certificate->subject, when,
                                   (now - certificate->not_after) / SECONDS_PER_DAY);
            g_free(when);
        }
        if (certificate->not_before >= 0 && now < certificate->not_before) {
            char *when = mtls_format_time(certificate->not_before);
            g_string_append_printf(premature, "%s%s '%s' is valid only from %s", premature->len ? "; " : "",
                                   position_name(check, i), certificate->subject, when);
            g_free(when);
        }
    }
    if (expired->len)
        mtls_findings_add(check->findings, code_for(check, MTLS_CODE_EXPIRED, MTLS_CODE_SERVER_EXPIRED),
                          check->input->certificate_frame, check->evidence,
                          "The %s chain holds a certificate that had expired when this handshake was captured "
                          "(%s): %s. Renew it and install the new certificate on the %s.",
                          side_name(check), capture_time, expired->str, side_name(check));
    if (premature->len)
        mtls_findings_add(check->findings, code_for(check, MTLS_CODE_NOT_YET_VALID, MTLS_CODE_SERVER_NOT_YET_VALID),
                          check->input->certificate_frame, check->evidence,
                          "The %s chain holds a certificate that was not yet valid when this handshake was "
                          "captured (%s): %s. Check the clock of the machine that issued it, or wait until it "
                          "becomes valid.",
                          side_name(check), capture_time, premature->str);
    g_string_free(expired, TRUE);
    g_string_free(premature, TRUE);
    g_free(capture_time);
}

static void check_extended_key_usage(chain_check *check)
{
    const mtls_certificate *leaf = certificate_at(check, 0);
    if (!leaf->has_extended_key_usage)
        return;
    if (check->input->role == MTLS_ROLE_CLIENT && !leaf->eku_client_auth)
        mtls_findings_add(check->findings, MTLS_CODE_CLIENT_AUTH_EKU_MISSING, check->input->certificate_frame,
                          check->evidence,
                          "The client certificate '%s' has an Extended Key Usage extension without clientAuth "
                          "(TLS Web Client Authentication), so servers refuse it for client authentication "
                          "(typically with unsupported_certificate). Request a certificate with the clientAuth "
                          "purpose, e.g. from a client-certificate template.",
                          leaf->subject);
    if (check->input->role == MTLS_ROLE_SERVER && !leaf->eku_server_auth)
        mtls_findings_add(check->findings, MTLS_CODE_SERVER_AUTH_EKU_MISSING, check->input->certificate_frame,
                          check->evidence,
                          "The server certificate '%s' has an Extended Key Usage extension without serverAuth "
                          "(TLS Web Server Authentication), so clients refuse it. Issue the server a certificate "
                          "with the serverAuth purpose.",
                          leaf->subject);
}

static void check_order(chain_check *check)
{
    const guint sent = check->input->certificates->len;
    bool reordered = false;
    for (guint position = 0; position < check->path->len; position++)
        reordered = reordered || g_array_index(check->path, guint, position) != position;
    /* A certificate off the path but issued by one on it means the leaf was
     * not sent first (a reversed chain). Other leftovers after a complete
     * path are strays; after an incomplete one the missing link explains them. */
    bool strays = check->path->len < sent && check->path_reaches_root;
    for (guint index = 0; index < sent && !reordered; index++) {
        if (path_contains(check, index))
            continue;
        for (guint position = 0; position < check->path->len && !reordered; position++)
            reordered = mtls_certificate_issued_by(certificate_at(check, index), path_certificate(check, position));
    }
    if (!reordered && !strays)
        return;

    GString *order = g_string_new(NULL);
    for (guint i = 0; i < sent; i++)
        g_string_append_printf(order, "%s%u: '%s'", i ? ", " : "", i + 1, certificate_at(check, i)->subject);
    mtls_findings_add(check->findings, code_for(check, MTLS_CODE_CHAIN_ORDER, MTLS_CODE_SERVER_CHAIN_ORDER),
                      check->input->certificate_frame, check->evidence,
                      "The %s sent its chain %s (sent order %s). TLS requires the leaf first and each "
                      "certificate followed by its issuer; strict peers (Java, SAP, many load balancers) reject "
                      "other orders. Send the chain leaf, intermediate(s), root.",
                      side_name(check), reordered ? "out of order" : "with certificates that do not belong to it",
                      order->str);
    g_string_free(order, TRUE);
}

static bool chain_meets_ca_names(const chain_check *check)
{
    const GPtrArray *ca_names = check->input->ca_names;
    for (guint position = 0; position < check->path->len; position++) {
        const mtls_certificate *certificate = path_certificate(check, position);
        if (name_is_listed(ca_names, certificate->raw_subject) || name_is_listed(ca_names, certificate->raw_issuer))
            return true;
    }
    return false;
}

static void check_client_trust(chain_check *check, const mtls_certificate *top, bool trusted)
{
    const mtls_chain_input *input = check->input;
    const bool names_listed = input->ca_names->len > 0;
    const bool has_trust_store = mtls_config_has_trust_store(input->config, MTLS_TRUST_CLIENT_CERTIFICATES);
    const bool listed = names_listed && chain_meets_ca_names(check);
    if (listed || trusted)
        return;
    char *ca_list = mtls_ca_names_for_message(input->ca_names);
    const mtls_certificate *leaf = certificate_at(check, 0);

    if (check->path->len == 1 && top->self_signed) {
        mtls_findings_add(check->findings, MTLS_CODE_SELF_SIGNED, input->certificate_frame, check->evidence,
                          "The client certificate '%s' is self-signed and is %s. Load balancers and gateways "
                          "accept client certificates only from a CA they trust: use a certificate issued by %s, or "
                          "register this certificate as a trusted CA on the server.",
                          leaf->subject,
                          names_listed ? "not among the CA names the server listed" : "not in the trust store",
                          names_listed ? ca_list : "a CA the server trusts");
    } else if (top->self_signed) {
        if (names_listed)
            mtls_findings_add(check->findings, MTLS_CODE_ISSUER_NOT_ACCEPTED, input->certificate_frame,
                              check->evidence,
                              "The client chain '%s' leads to the root '%s', but the server accepts only "
                              "certificates issued by %s. The client sent a certificate from the wrong CA: "
                              "configure it to use a certificate issued by one of the listed CAs (with several "
                              "certificates in a keystore, the client picks by these names).",
                              leaf->subject, top->subject, ca_list);
        if (has_trust_store)
            mtls_findings_add(check->findings, MTLS_CODE_UNTRUSTED_ROOT, input->certificate_frame, check->evidence,
                              "The client chain ends at the root '%s', which is not in the configured trust store%s. "
                              "Either add this root to the server's trusted CAs or use a client certificate from "
                              "a trusted CA.",
                              top->subject, names_listed ? " nor among the CA names the server listed" : "");
    } else if (names_listed || has_trust_store) {
        GString *where = g_string_new(NULL);
        if (names_listed)
            g_string_append_printf(where, "not among the CA names the server listed (%s)", ca_list);
        if (has_trust_store)
            g_string_append_printf(where, "%snot in the configured trust store", names_listed ? " and " : "");
        mtls_findings_add(check->findings, MTLS_CODE_MISSING_INTERMEDIATE, input->certificate_frame, check->evidence,
                          "The client sent %u certificate(s) ending at '%s', whose issuer '%s' was not sent and is "
                          "%s. Probably the client did not send its intermediate CA certificate: configure it to "
                          "send the full chain (the keystore entry must hold leaf and intermediates). If '%s' is "
                          "not under a CA the server accepts, use a certificate issued by one that is.",
                          input->certificates->len, top->subject, top->issuer, where->str, top->issuer);
        g_string_free(where, TRUE);
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
                          "The server certificate '%s' is self-signed; clients reject it unless it is pinned in "
                          "their trust store. Install a certificate from a CA the clients trust on the server.",
                          leaf->subject);
    else if (!mtls_config_has_trust_store(input->config, MTLS_TRUST_SERVER_CERTIFICATES))
        return;
    else if (top->self_signed)
        mtls_findings_add(check->findings, MTLS_CODE_SERVER_UNTRUSTED_ROOT, input->certificate_frame,
                          check->evidence,
                          "The server chain ends at the root '%s', which is not in the client's trust store. "
                          "Add the root to the client's trust store (Java truststore, SAP STRUST, Windows store) "
                          "if the server is genuine.",
                          top->subject);
    else
        mtls_findings_add(check->findings, MTLS_CODE_SERVER_MISSING_INTERMEDIATE, input->certificate_frame,
                          check->evidence,
                          "The server chain ends at '%s', whose issuer '%s' was not sent and is not in the "
                          "client's trust store. Probably the server does not send its intermediate CA "
                          "certificate: configure the full chain on the server; otherwise add the issuer to the "
                          "client's trust store.",
                          top->subject, top->issuer);
}

/* The path stopped at `top` although another certificate bearing its
 * issuer's name was sent: the signature does not verify. The issuer is
 * there, so the chain is not judged incomplete or untrusted. A certificate
 * that merely names itself as issuer without verifying is different: it was
 * signed by an unsent CA of the same name (OpenSSL's default "Internet
 * Widgits" name for CA and server alike), so it is left to the other checks. */
static bool check_broken_signature(chain_check *check, const mtls_certificate *top)
{
    if (top->self_signed)
        return false;
    const mtls_certificate *named_issuer = NULL;
    for (guint i = 0; i < check->input->certificates->len && named_issuer == NULL; i++) {
        const mtls_certificate *candidate = certificate_at(check, i);
        if (candidate != top && g_bytes_equal(candidate->raw_subject, top->raw_issuer))
            named_issuer = candidate;
    }
    if (named_issuer == NULL)
        return false;
    mtls_findings_add(check->findings, code_for(check, MTLS_CODE_BAD_SIGNATURE, MTLS_CODE_SERVER_BAD_SIGNATURE),
                      check->input->certificate_frame, check->evidence,
                      "The signature on the %s certificate '%s' does not verify with the key of '%s', which the "
                      "%s sent as its issuer: the certificate was altered, or it was issued by another CA of the "
                      "same name (a re-keyed or re-created CA). Peers reject it (OpenSSL with decrypt_error). "
                      "Re-issue the certificate, or send the issuing CA certificate that really signed it.",
                      side_name(check), top->subject, named_issuer->subject, side_name(check));
    return true;
}

void mtls_check_chain(const mtls_chain_input *input, GPtrArray *findings)
{
    g_return_if_fail(input->certificates->len > 0);
    chain_check check = {
        .input = input,
        .findings = findings,
        .evidence = {{input->certificate_request_frame}},
        .path = g_array_new(FALSE, FALSE, sizeof(guint)),
    };
    build_path(&check);
    check_validity(&check);
    check_extended_key_usage(&check);
    check_order(&check);

    const mtls_certificate *top = path_certificate(&check, check.path->len - 1);
    if (check_broken_signature(&check, top)) {
        g_array_free(check.path, TRUE);
        return;
    }
    mtls_trust_purpose purpose =
        input->role == MTLS_ROLE_CLIENT ? MTLS_TRUST_CLIENT_CERTIFICATES : MTLS_TRUST_SERVER_CERTIFICATES;
    mtls_certificate *trusted_issuer = mtls_config_trusted_issuer(input->config, purpose, top);
    if (input->role == MTLS_ROLE_CLIENT)
        check_client_trust(&check, top, trusted_issuer != NULL);
    else
        check_server_trust(&check, top, trusted_issuer != NULL);
    mtls_certificate_free(trusted_issuer);
    g_array_free(check.path, TRUE);
}
