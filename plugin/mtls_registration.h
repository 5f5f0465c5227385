/* mtls_registration.h - the ids the mtls protocol registers (header fields,
 * subtrees, expert fields) and its preferences, for the dissection to use.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTLS_REGISTRATION_H
#define MTLS_REGISTRATION_H

#include <stdbool.h>

#include <epan/expert.h>

#include "mtls_analyzer.h"

extern int hf_mtls_stream;
extern int hf_mtls_handshake;
extern int hf_mtls_verdict;
extern int hf_mtls_verdict_reason;
extern int hf_mtls_version;
extern int hf_mtls_offered_version;
extern int hf_mtls_sni;
extern int hf_mtls_offered_versions;
extern int hf_mtls_client_hello_version;
extern int hf_mtls_record_version;
extern int hf_mtls_client_endpoint;
extern int hf_mtls_server_endpoint;
extern int hf_mtls_certificate_requested;
extern int hf_mtls_client_subject;
extern int hf_mtls_client_issuer;
extern int hf_mtls_client_chain_length;
extern int hf_mtls_client_listed_ca;
extern int hf_mtls_client_certificate_verify;
extern int hf_mtls_client_certificate;
extern int hf_mtls_server_certificate;
extern int hf_mtls_certificate_extended_key_usage;
extern int hf_mtls_certificate_subject;
extern int hf_mtls_certificate_issuer;
extern int hf_mtls_certificate_not_before;
extern int hf_mtls_certificate_not_after;
extern int hf_mtls_certificate_key;
extern int hf_mtls_certificate_signature;
extern int hf_mtls_certificate_sha256;
extern int hf_mtls_server_subject;
extern int hf_mtls_server_ca_names;
extern int hf_mtls_server_ca_name;
extern int hf_mtls_frame_client_hello;
extern int hf_mtls_frame_certificate_request;
extern int hf_mtls_frame_client_certificate;
extern int hf_mtls_frame_alert;
extern int hf_mtls_frame_answer;
extern int hf_mtls_frame_outcome;
extern int hf_mtls_frame_last;
extern int hf_mtls_answer_status;
extern int hf_mtls_answer_title;
extern int hf_mtls_problem;
extern int hf_mtls_note;
extern int hf_mtls_message;
extern int hf_mtls_evidence_frame;
extern int hf_mtls_text_line;
extern int hf_mtls_flow;
extern int hf_mtls_flow_step;

extern int ett_mtls;
extern int ett_mtls_ca_names;
extern int ett_mtls_finding;
extern int ett_mtls_client_chain;
extern int ett_mtls_server_chain;
extern int ett_mtls_certificate;
extern int ett_mtls_text;
extern int ett_mtls_flow;

void mtls_register_fields(int proto);
/* One expert field per finding code (mtls.expert.<code>). */
void mtls_register_expert_fields(int proto);
expert_field *mtls_expert_field_of(const mtls_code_info *info);
/* Registers the preferences and builds the analyzer configuration from them,
 * again each time they change. */
void mtls_register_preferences(int proto);

/* The configuration a file opened now is analysed with. */
mtls_config *mtls_applied_config(void);
/* Whether chat-level notes (accepted, not requested, resumed) are shown. */
bool mtls_show_chat_notes(void);

#endif
