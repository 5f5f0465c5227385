/* mtls_registration.c - what the mtls protocol registers with Wireshark: its
 * header fields and subtrees, one expert field per finding code, and its
 * preferences with the analyzer configuration built from them. Kept apart
 * from the dissection (packet-mtls.c), as Wireshark's larger dissectors keep
 * their registration tables.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <wsutil/report_message.h>

#include "mtls_analyzer.h"
#include "mtls_registration.h"
#include "ws_compat.h"

int hf_mtls_stream = -1;
int hf_mtls_handshake = -1;
int hf_mtls_verdict = -1;
int hf_mtls_verdict_reason = -1;
int hf_mtls_version = -1;
int hf_mtls_offered_version = -1;
int hf_mtls_sni = -1;
int hf_mtls_offered_versions = -1;
int hf_mtls_client_hello_version = -1;
int hf_mtls_record_version = -1;
int hf_mtls_client_endpoint = -1;
int hf_mtls_server_endpoint = -1;
int hf_mtls_certificate_requested = -1;
int hf_mtls_client_subject = -1;
int hf_mtls_client_issuer = -1;
int hf_mtls_client_chain_length = -1;
int hf_mtls_client_listed_ca = -1;
int hf_mtls_client_certificate_verify = -1;
int hf_mtls_client_certificate = -1;
int hf_mtls_server_certificate = -1;
int hf_mtls_certificate_extended_key_usage = -1;
int hf_mtls_certificate_subject = -1;
int hf_mtls_certificate_issuer = -1;
int hf_mtls_certificate_not_before = -1;
int hf_mtls_certificate_not_after = -1;
int hf_mtls_certificate_key = -1;
int hf_mtls_certificate_signature = -1;
int hf_mtls_certificate_sha256 = -1;
int hf_mtls_server_subject = -1;
int hf_mtls_server_ca_names = -1;
int hf_mtls_server_ca_name = -1;
int hf_mtls_frame_client_hello = -1;
int hf_mtls_frame_certificate_request = -1;
int hf_mtls_frame_client_certificate = -1;
int hf_mtls_frame_alert = -1;
int hf_mtls_frame_answer = -1;
int hf_mtls_frame_outcome = -1;
int hf_mtls_frame_last = -1;
int hf_mtls_answer_status = -1;
int hf_mtls_answer_title = -1;
int hf_mtls_problem = -1;
int hf_mtls_note = -1;
int hf_mtls_message = -1;
int hf_mtls_evidence_frame = -1;
int hf_mtls_text_line = -1;
int hf_mtls_flow = -1;
int hf_mtls_flow_step = -1;

int ett_mtls = -1;
int ett_mtls_ca_names = -1;
int ett_mtls_finding = -1;
int ett_mtls_client_chain = -1;
int ett_mtls_server_chain = -1;
int ett_mtls_certificate = -1;
int ett_mtls_text = -1;
int ett_mtls_flow = -1;

/* One expert field per finding code, indexed like mtls_code_at(), and the
 * index of each code's catalogue entry (registration data, made once). */
static expert_field *ei_mtls_codes;
static GHashTable *expert_index_by_code; /* const mtls_code_info* -> index + 1 */

static const char *pref_trusted_by_server = "";
static const char *pref_trusted_by_client = "";
/* The same two stores under their first names (trust_store, server_trust_store),
 * which saved profiles and scripts still set; the new names win when both are. */
static const char *pref_trusted_by_server_old_name = "";
static const char *pref_trusted_by_client_old_name = "";
static const char *pref_expected_client_certificates = "";
static mtls_ws_bool pref_check_server_chain = TRUE;
static mtls_ws_bool pref_verify_every_certificate_verify = FALSE;
static mtls_ws_bool pref_verify_every_chain_signature = FALSE;
static mtls_ws_bool pref_public_roots = TRUE;
static mtls_ws_bool pref_show_chat_notes = TRUE;
static unsigned pref_expiry_warning_days = MTLS_DEFAULT_EXPIRY_WARNING_DAYS;
static unsigned pref_cache_limit = MTLS_DEFAULT_CACHE_LIMIT;

/* The analyzer configuration built from the preferences above. */
static mtls_config *applied_config;

mtls_config *mtls_applied_config(void)
{
    return applied_config;
}

bool mtls_show_chat_notes(void)
{
    return pref_show_chat_notes;
}

/* The expert field of a finding's code; every code the analyzer reports is
 * in the catalogue the fields were registered from. */
expert_field *mtls_expert_field_of(const mtls_code_info *info)
{
    size_t index_plus_one = GPOINTER_TO_SIZE(g_hash_table_lookup(expert_index_by_code, info));
    DISSECTOR_ASSERT(index_plus_one > 0);
    return &ei_mtls_codes[index_plus_one - 1];
}

static void load_trust_store(mtls_config *config, mtls_trust_purpose purpose, const char *path)
{
    if (path == NULL || path[0] == '\0')
        return;
    char *error = NULL;
    if (!mtls_config_load_trust_store(config, purpose, path, &error)) {
        report_failure("mTLS analyzer: %s; the checks that need this trust store are skipped.", error);
        g_free(error);
        return;
    }
    ws_info("%zu CA certificates read from %s", mtls_config_trust_store_size(config, purpose), path);
}

static const char *either_name(const char *current, const char *old_name)
{
    return current != NULL && current[0] != '\0' ? current : old_name;
}

static void apply_preferences(void)
{
    mtls_config *config = mtls_config_new();
    mtls_config_set_check_server_chain(config, pref_check_server_chain);
    mtls_config_set_verify_every_certificate_verify(config, pref_verify_every_certificate_verify);
    mtls_config_set_verify_every_chain_signature(config, pref_verify_every_chain_signature);
    mtls_config_set_use_public_roots(config, pref_public_roots);
    mtls_config_set_expiry_warning_days(config, pref_expiry_warning_days);
    mtls_config_set_cache_limit(config, pref_cache_limit);
    load_trust_store(config, MTLS_TRUST_CLIENT_CERTIFICATES,
                     either_name(pref_trusted_by_server, pref_trusted_by_server_old_name));
    load_trust_store(config, MTLS_TRUST_SERVER_CERTIFICATES,
                     either_name(pref_trusted_by_client, pref_trusted_by_client_old_name));
    if (pref_expected_client_certificates != NULL && pref_expected_client_certificates[0] != '\0') {
        char *error = NULL;
        if (!mtls_config_load_expected_client_certificates(config, pref_expected_client_certificates, &error)) {
            report_failure("mTLS analyzer: %s; the client certificate is not compared.", error);
            g_free(error);
        } else {
            ws_info("%zu registered client certificates read from %s",
                    mtls_config_expected_client_certificate_count(config), pref_expected_client_certificates);
        }
    }
    mtls_config_unref(applied_config);
    applied_config = config;
}

void mtls_register_expert_fields(int proto)
{
    const size_t count = mtls_code_count();
    ei_mtls_codes = g_new(expert_field, count);
    expert_index_by_code = g_hash_table_new(g_direct_hash, g_direct_equal);
    ei_register_info *entries = g_new0(ei_register_info, count);
    for (size_t i = 0; i < count; i++) {
        const mtls_code_info *info = mtls_code_at(i);
        static const int groups[] = {
            [MTLS_CATEGORY_SECURITY] = PI_SECURITY,
            [MTLS_CATEGORY_PROTOCOL] = PI_PROTOCOL,
            [MTLS_CATEGORY_DECRYPTION] = PI_DECRYPTION,
            [MTLS_CATEGORY_MALFORMED] = PI_MALFORMED,
            [MTLS_CATEGORY_SEQUENCE] = PI_SEQUENCE,
        };
        static const int severities[] = {
            [MTLS_SEVERITY_CHAT] = PI_CHAT,
            [MTLS_SEVERITY_NOTE] = PI_NOTE,
            [MTLS_SEVERITY_WARNING] = PI_WARN,
            [MTLS_SEVERITY_ERROR] = PI_ERROR,
        };
        ei_mtls_codes[i] = (expert_field)EI_INIT;
        entries[i] = (ei_register_info){&ei_mtls_codes[i],
                                        {g_strdup_printf("mtls.expert.%s", info->code), groups[info->category],
                                         severities[info->severity],
                                         g_strdup_printf("%s: %s", info->code, info->title), EXPFILL}};
        g_hash_table_insert(expert_index_by_code, (gpointer)info, GSIZE_TO_POINTER(i + 1));
    }
    expert_module_t *module = expert_register_protocol(proto);
    /* Wireshark keeps pointers into the array for the life of the program. */
    expert_register_field_array(module, entries, (int)count);
}

void mtls_register_fields(int proto)
{
    static hf_register_info hf[] = {
        {&hf_mtls_stream,
         {"Stream", "mtls.stream", FT_UINT32, BASE_DEC, NULL, 0x0,
          "TCP stream (or conversation) of the handshake", HFILL}},
        {&hf_mtls_handshake,
         {"Handshake", "mtls.handshake", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Position of the handshake within its stream, from 1", HFILL}},
        {&hf_mtls_verdict,
         {"Verdict", "mtls.verdict", FT_STRING, BASE_NONE, NULL, 0x0,
          "Outcome of client authentication in this handshake", HFILL}},
        {&hf_mtls_verdict_reason,
         {"Reason", "mtls.verdict.reason", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_version,
         {"Negotiated version", "mtls.version", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_offered_version,
         {"Highest version offered", "mtls.offered_version", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_offered_versions,
         {"Versions offered", "mtls.offered_versions", FT_STRING, BASE_NONE, NULL, 0x0,
          "Every version the client offered, highest first (supported_versions, or the ClientHello version and "
          "below)", HFILL}},
        {&hf_mtls_client_hello_version,
         {"ClientHello version", "mtls.client_hello_version", FT_STRING, BASE_NONE, NULL, 0x0,
          "The ClientHello's legacy_version field", HFILL}},
        {&hf_mtls_record_version,
         {"ClientHello record version", "mtls.record_version", FT_STRING, BASE_NONE, NULL, 0x0,
          "The record layer version of the record carrying the ClientHello", HFILL}},
        {&hf_mtls_sni,
         {"Server name (SNI)", "mtls.sni", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_client_endpoint,
         {"Client", "mtls.client.endpoint", FT_STRING, BASE_NONE, NULL, 0x0,
          "The side that sent the ClientHello", HFILL}},
        {&hf_mtls_server_endpoint,
         {"Server", "mtls.server.endpoint", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_requested,
         {"Client certificate requested", "mtls.certificate_requested", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_client_subject,
         {"Client certificate subject", "mtls.client.subject", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_client_certificate_verify,
         {"Client CertificateVerify", "mtls.client.certificate_verify", FT_STRING, BASE_NONE, NULL, 0x0,
          "Whether the client's CertificateVerify is signed with the key of the certificate it sent: verified, "
          "failed, accepted by the server (which verified it) or not checked (with the reason)", HFILL}},
        {&hf_mtls_client_issuer,
         {"Client certificate issuer", "mtls.client.issuer", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_client_listed_ca,
         {"Requested CA the client chain is under", "mtls.client.listed_ca", FT_STRING, BASE_NONE, NULL, 0x0,
          "The CertificateRequest CA name that matches the client chain (DER-equal, as client libraries "
          "compare)", HFILL}},
        {&hf_mtls_client_certificate,
         {"Client chain certificate", "mtls.client.certificate", FT_STRING, BASE_NONE, NULL, 0x0,
          "A certificate of the client chain, in the order sent", HFILL}},
        {&hf_mtls_certificate_subject,
         {"Subject", "mtls.certificate.subject", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_issuer,
         {"Issuer", "mtls.certificate.issuer", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_not_before,
         {"Not before", "mtls.certificate.not_before", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_not_after,
         {"Not after", "mtls.certificate.not_after", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_key,
         {"Public key", "mtls.certificate.key", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_signature,
         {"Signature algorithm", "mtls.certificate.signature_algorithm", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_sha256,
         {"SHA-256 fingerprint", "mtls.certificate.sha256", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_certificate_extended_key_usage,
         {"Extended Key Usage", "mtls.certificate.extended_key_usage", FT_STRING, BASE_NONE, NULL, 0x0,
          "The purposes the certificate allows, by name (absent without the extension)", HFILL}},
        {&hf_mtls_server_certificate,
         {"Server chain certificate", "mtls.server.certificate", FT_STRING, BASE_NONE, NULL, 0x0,
          "A certificate of the server chain, in the order sent", HFILL}},
        {&hf_mtls_client_chain_length,
         {"Client chain length", "mtls.client.chain_length", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Certificates the client sent (0: empty Certificate)", HFILL}},
        {&hf_mtls_server_subject,
         {"Server certificate subject", "mtls.server.subject", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_server_ca_names,
         {"CA names requested", "mtls.server.ca_names", FT_UINT32, BASE_DEC, NULL, 0x0,
          "CA names listed in the CertificateRequest", HFILL}},
        {&hf_mtls_server_ca_name,
         {"CA name", "mtls.server.ca_name", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_client_hello,
         {"ClientHello in frame", "mtls.frame.client_hello", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_certificate_request,
         {"CertificateRequest in frame", "mtls.frame.certificate_request", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_client_certificate,
         {"Client Certificate in frame", "mtls.frame.client_certificate", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_alert,
         {"Fatal alert in frame", "mtls.frame.alert", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_frame_answer,
         {"Application's answer in frame", "mtls.frame.answer", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "The application's answer after the handshake: HTTP, PostgreSQL, MySQL, MQTT, SMTP or LDAP "
          "(needs the session keys)", HFILL}},
        {&hf_mtls_frame_outcome,
         {"Outcome in frame", "mtls.frame.outcome", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "Where the handshake's outcome became known: that frame carries its whole summary", HFILL}},
        {&hf_mtls_frame_last,
         {"Last frame of the handshake", "mtls.frame.last", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "The last frame that shows this handshake (final with two passes): nothing of it comes later", HFILL}},
        {&hf_mtls_answer_status,
         {"Application's answer (status or error code)", "mtls.answer.status", FT_UINT16, BASE_DEC, NULL, 0x0,
          "HTTP status, MySQL error, MQTT CONNACK code, SMTP reply or LDAP result of the answer; 0 for PostgreSQL, "
          "whose SQLSTATE the message quotes", HFILL}},
        {&hf_mtls_answer_title,
         {"Application's answer (its words)", "mtls.answer.title", FT_STRING, BASE_NONE, NULL, 0x0,
          "The title of the HTTP error page (nginx names its reason there), or the server's error message", HFILL}},
        {&hf_mtls_problem,
         {"Problem", "mtls.problem", FT_STRING, BASE_NONE, NULL, 0x0,
          "Code of a problem found on this frame", HFILL}},
        {&hf_mtls_note,
         {"Note", "mtls.note", FT_STRING, BASE_NONE, NULL, 0x0,
          "Code of an observation that is not a problem", HFILL}},
        {&hf_mtls_message,
         {"Explanation", "mtls.message", FT_STRING, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_evidence_frame,
         {"Evidence in frame", "mtls.evidence_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_mtls_flow,
         {"Flow", "mtls.flow", FT_STRING, BASE_NONE, NULL, 0x0,
          "Who sent what, in order (C: client, S: server), as far as the capture shows", HFILL}},
        {&hf_mtls_flow_step,
         {"Step in frame", "mtls.flow.frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "A step of the flow and the frame it is in", HFILL}},
        {&hf_mtls_text_line,
         {"Line", "mtls.text_line", FT_STRING, BASE_NONE, NULL, 0x0,
          "A line of a long explanation or reason, shown whole (the field above holds the whole text)", HFILL}},
    };
    static int *ett[] = {&ett_mtls,         &ett_mtls_ca_names, &ett_mtls_finding, &ett_mtls_client_chain,
                          &ett_mtls_server_chain,
                          &ett_mtls_certificate, &ett_mtls_text,     &ett_mtls_flow};

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}

void mtls_register_preferences(int proto)
{
    module_t *module = prefs_register_protocol(proto, apply_preferences);
    prefs_register_filename_preference(module, "trusted_by_server", "Trusted by the server for clients",
                                       "The CA certificates the server trusts for client certificates: a PEM bundle "
                                       "(e.g. the file configured as ssl_client_certificate or SSLCACertificateFile), "
                                       "a DER certificate, a folder of PEM/DER files, or 'system' for the system CA "
                                       "store. With it the analyzer can tell an untrusted root or a missing "
                                       "intermediate even when the server lists no CA names.",
                                       &pref_trusted_by_server, FALSE);
    prefs_register_filename_preference(module, "trusted_by_client", "Trusted by the client for servers",
                                       "The CA certificates the client trusts for server certificates: a PEM bundle "
                                       "(e.g. an export of the Java truststore), a DER certificate, a folder of "
                                       "PEM/DER files, or 'system' for the system CA store (/etc/ssl/certs). With it "
                                       "the analyzer checks that the server's chain leads to a trusted root.",
                                       &pref_trusted_by_client, FALSE);
    prefs_register_filename_preference(module, "trust_store", "Trusted by the server for clients (old name)",
                                       "The first name of trusted_by_server, still read; trusted_by_server wins "
                                       "when both are set.",
                                       &pref_trusted_by_server_old_name, FALSE);
    prefs_register_filename_preference(module, "server_trust_store", "Trusted by the client for servers (old name)",
                                       "The first name of trusted_by_client, still read; trusted_by_client wins "
                                       "when both are set.",
                                       &pref_trusted_by_client_old_name, FALSE);
    prefs_register_filename_preference(module, "expected_client_certificates",
                                       "Client certificates registered on the server",
                                       "The client certificates the server side expects: the PEM uploaded to a "
                                       "service key or a certificate-to-user mapping; a PEM bundle, a DER "
                                       "certificate or a folder of them. A client that sends another certificate "
                                       "gets unexpected_client_certificate.",
                                       &pref_expected_client_certificates, FALSE);
    prefs_register_bool_preference(module, "check_server_chain", "Check the server's chain too",
                                   "Also check the server's certificate chain (expiry, order, EKU, trust store)",
                                   &pref_check_server_chain);
    prefs_register_bool_preference(module, "verify_every_certificate_verify",
                                   "Verify every client CertificateVerify",
                                   "Verify the client's CertificateVerify signature in every handshake. By default "
                                   "it is verified only when the server refuses in a way that can be about the "
                                   "signature (decrypt_error, or a vaguer alert nothing else explains): a server "
                                   "that completes the handshake has verified the signature, one that answers "
                                   "unknown_ca judged the chain, and each check is a public-key operation",
                                   &pref_verify_every_certificate_verify);
    prefs_register_bool_preference(module, "verify_every_chain_signature",
                                   "Verify every chain's signatures",
                                   "Verify the signature of each link of the client's and the server's chain in "
                                   "every handshake. By default the path is built on names and key identifiers, and "
                                   "a chain's signatures are verified only when its receiver refuses in a way that "
                                   "can be about them (decrypt_error, bad_certificate, certificate_unknown, "
                                   "handshake_failure, or a refusal without an alert): a peer that goes on with the "
                                   "handshake has verified them, and each check is a public-key operation per new "
                                   "certificate",
                                   &pref_verify_every_chain_signature);
    prefs_register_bool_preference(module, "public_roots", "Recognise public CAs from the system CA bundle",
                                   "Read this machine's system CA bundle as a catalogue of public root CAs, to tell "
                                   "a client chain under a public CA the server does not list (issuer_not_accepted) "
                                   "from one missing its intermediate. Results then depend on this machine's "
                                   "bundle; the findings that used it say so",
                                   &pref_public_roots);
    prefs_register_uint_preference(module, "expiry_warning_days", "Warn of expiry within (days)",
                                   "A client or server certificate that expires within this many days of the "
                                   "capture gets an expires_soon note, so renewals are caught before they break "
                                   "(0 turns the note off)",
                                   10, &pref_expiry_warning_days);
    prefs_register_uint_preference(module, "cache_limit", "Cache entries",
                                   "How many entries each per-file cache keeps (certificates parsed, about 21 KB "
                                   "each; CA names decoded; issuer signatures checked; issuers found in a trust "
                                   "store). Over it, the certificates not asked for again go first (a CA every "
                                   "client sends stays), so that a capture of endless distinct certificates cannot "
                                   "grow them without bound; a smaller limit uses less memory and parses more often",
                                   10, &pref_cache_limit);
    prefs_register_bool_preference(module, "show_chat_notes", "Show informational notes",
                                   "Show chat-level notes (client certificate accepted, not requested, resumed)",
                                   &pref_show_chat_notes);

    apply_preferences();
}
